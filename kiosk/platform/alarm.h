// The console's alarm: a two-tone chime through ALSA (Debian's libasound2), repeated while an
// urgent alert is open, louder and faster once it has escalated. Plays on its own thread; the
// console only sets the level.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ui/console/console_screens.h"

namespace kiosk::platform {

class Alarm {
public:
    // Opens the sound device ($KIOSK_SOUND_DEVICE, else ALSA's "default"). When there is none,
    // Problem() says why and Set() does nothing.
    Alarm();
    ~Alarm();
    Alarm(const Alarm&) = delete;
    Alarm& operator=(const Alarm&) = delete;

    const std::string& Problem() const { return m_problem; }
    void Set(ui::console::AlarmLevel level);

private:
    void Run();
    struct Device;
    std::unique_ptr<Device> m_device;
    std::string m_problem;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    ui::console::AlarmLevel m_level = ui::console::AlarmLevel::Off;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace kiosk::platform
