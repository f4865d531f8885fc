// The alarm's sound: 16-bit mono PCM at 22,050 Hz written to ALSA in blocking mode from the alarm's
// thread. A chime is two tones (880 Hz then 660 Hz, 0.25 s each, with soft edges so they do not
// click); Ring repeats it every 2 s at half volume, Loud every 0.7 s at full volume.
#include "platform/alarm.h"

#include <alsa/asoundlib.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace kiosk::platform {

using ui::console::AlarmLevel;

namespace {

constexpr unsigned kRate = 22050;

std::vector<int16_t> Chime(double volume) {
    std::vector<int16_t> samples;
    const double tones[] = {880.0, 660.0};
    const size_t each = kRate / 4;
    const size_t edge = kRate / 100;  // 10 ms fade in and out
    for (double hz : tones) {
        for (size_t i = 0; i < each; ++i) {
            double envelope = std::min({1.0, static_cast<double>(i) / edge, static_cast<double>(each - i) / edge});
            double v = std::sin(2.0 * M_PI * hz * static_cast<double>(i) / kRate) * envelope * volume;
            samples.push_back(static_cast<int16_t>(v * 32000.0));
        }
    }
    return samples;
}

}  // namespace

struct Alarm::Device {
    snd_pcm_t* pcm = nullptr;
    ~Device() {
        if (pcm) snd_pcm_close(pcm);
    }
};

Alarm::Alarm() {
    const char* name = std::getenv("KIOSK_SOUND_DEVICE");
    auto device = std::make_unique<Device>();
    int rc = snd_pcm_open(&device->pcm, name && *name ? name : "default", SND_PCM_STREAM_PLAYBACK, 0);
    if (rc < 0) {
        device->pcm = nullptr;
        m_problem = std::string("no sound device (") + snd_strerror(rc) + ").";
        return;
    }
    rc = snd_pcm_set_params(device->pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, kRate, 1, 100000);
    if (rc < 0) {
        m_problem = std::string("the sound device refuses the alarm's format (") + snd_strerror(rc) + ").";
        return;
    }
    m_device = std::move(device);
    m_thread = std::thread([this] { Run(); });
}

Alarm::~Alarm() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void Alarm::Set(AlarmLevel level) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_level = level;
    }
    m_changed.notify_all();
}

void Alarm::Run() {
    const std::vector<int16_t> soft = Chime(0.5), loud = Chime(1.0);
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_stop || m_level != AlarmLevel::Off; });
        if (m_stop) return;
        const AlarmLevel level = m_level;
        lock.unlock();
        const std::vector<int16_t>& chime = level == AlarmLevel::Loud ? loud : soft;
        snd_pcm_sframes_t written = snd_pcm_writei(m_device->pcm, chime.data(), chime.size());
        if (written < 0) snd_pcm_recover(m_device->pcm, static_cast<int>(written), 1);
        snd_pcm_drain(m_device->pcm);
        snd_pcm_prepare(m_device->pcm);
        lock.lock();
        // The pause between chimes; a change of level (acknowledged, escalated) ends it at once.
        m_changed.wait_for(lock, level == AlarmLevel::Loud ? std::chrono::milliseconds(200) : std::chrono::milliseconds(1500),
                           [this, level] { return m_stop || m_level != level; });
    }
}

}  // namespace kiosk::platform
