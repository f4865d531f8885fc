// The kiosk's event loop: sleeps in GLFW's event wait, and draws only after input, at the App's
// timers, while ImGui animates, and until a frame changes nothing; screenshots, the e2e driver's
// tappables file and the benchmark's frame log ride on the same loop.
#include "platform/run_window.h"

#include <pthread.h>
#include <signal.h>
#include <stb_image_write.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/window.h"

namespace kiosk::platform {
namespace {

// After input ImGui needs frames to see it: a press, the release that makes a button fire, and
// the screen the intent led to. More are drawn while the touch targets still move.
constexpr int kSettleFrames = 3;
// Frames that keep changing the targets without ImGui saying it animates are a bug somewhere;
// drawing stops after this many so that it cannot spin a core.
constexpr int kMaxChangingFrames = 30;
// The shortest sleep before a due timer: a timer that reports 0 s repeatedly cannot busy-loop.
constexpr double kMinWait = 1.0 / 120.0;

const char* const kDisplayHint =
    "kiosk: set DISPLAY, or run `kiosk run --windowed 1280x800` under a desktop; `kiosk --help` lists the commands\n";

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

long long Nanoseconds(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

// SIGUSR1 (screenshot), SIGTERM and SIGINT (quit) are blocked in this thread and every thread
// started after it (GLFW's, Mesa's), and taken by SignalThread with sigwait, where waking the
// event loop is allowed: glfwPostEmptyEvent is thread-safe but not async-signal-safe.
class SignalMask {
public:
    SignalMask() {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGUSR1);
        sigaddset(&m_set, SIGTERM);
        sigaddset(&m_set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    }
    ~SignalMask() {
        // A signal that came after the helper thread stopped would act on restore: SIGUSR1's
        // default is to kill. The kiosk is ending anyway, so pending ones are dropped.
        timespec zero{};
        while (sigtimedwait(&m_set, nullptr, &zero) > 0) {
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }
    SignalMask(const SignalMask&) = delete;
    SignalMask& operator=(const SignalMask&) = delete;
    const sigset_t& Set() const { return m_set; }

private:
    sigset_t m_set{}, m_old{};
};

class SignalThread {
public:
    explicit SignalThread(const SignalMask& mask) : m_set(mask.Set()) {
        m_thread = std::thread([this] { Run(); });
    }
    ~SignalThread() {
        m_stop = true;
        pthread_kill(m_thread.native_handle(), SIGUSR1);
        m_thread.join();
    }
    SignalThread(const SignalThread&) = delete;
    SignalThread& operator=(const SignalThread&) = delete;

    bool Quit() const { return m_quit; }
    bool TakeScreenshot() { return m_screenshot.exchange(false); }

private:
    void Run() {
        for (;;) {
            int signal = 0;
            if (sigwait(&m_set, &signal) != 0) continue;
            if (m_stop) return;
            if (signal == SIGUSR1) m_screenshot = true;
            else m_quit = true;
            Window::Wake();
        }
    }

    sigset_t m_set;
    std::atomic<bool> m_stop{false}, m_quit{false}, m_screenshot{false};
    std::thread m_thread;
};

// RGBA rows, top first, written as an RGB PNG through a temporary file and a rename, so a reader
// never sees half a picture.
bool WritePng(const std::string& path, const std::vector<unsigned char>& rgba, int width, int height) {
    std::vector<unsigned char> rgb(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
    for (size_t i = 0, o = 0; o < rgb.size(); i += 4, o += 3) {
        rgb[o] = rgba[i];
        rgb[o + 1] = rgba[i + 1];
        rgb[o + 2] = rgba[i + 2];
    }
    std::string temporary = path + ".tmp";
    if (!stbi_write_png(temporary.c_str(), width, height, 3, rgb.data(), width * 3)) return false;
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    return !ec;
}

// $KIOSK_TAPPABLES: the screen and its touch targets, rewritten (atomically) after a frame that
// changed them and whenever the loop settles, so the e2e driver knows where to tap and when the
// screen has finished reacting to the last tap ("settled", "clicks").
class TappablesFile {
public:
    explicit TappablesFile(std::string path) : m_path(std::move(path)) {}

    bool Changed(const ui::App& app) const {
        return app.CurrentScreen() != m_screen || !SameTargets(app.Tappables(), m_targets);
    }

    void Write(const ui::App& app, const Window& window, int frame, int clicks, bool settled) {
        m_screen = app.CurrentScreen();
        m_targets = app.Tappables();
        if (m_path.empty()) return;
        ImVec2 size = window.Size(), position = window.Position();
        nlohmann::json targets = nlohmann::json::array();
        for (const ui::Tappable& t : m_targets) {
            ImVec2 c = t.Center();
            targets.push_back({{"key", t.key}, {"x", c.x}, {"y", c.y}, {"w", t.max.x - t.min.x}, {"h", t.max.y - t.min.y},
                               {"visible", t.visible}, {"enabled", t.enabled}});
        }
        nlohmann::json doc = {{"screen", m_screen}, {"width", size.x}, {"height", size.y},
                              {"left", position.x}, {"top", position.y},  // the window on the X screen
                              {"frame", frame}, {"clicks", clicks}, {"settled", settled}, {"targets", targets}};
        std::string temporary = m_path + ".tmp";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out << doc.dump() << "\n";
        }
        std::error_code ec;
        std::filesystem::rename(temporary, m_path, ec);
    }

private:
    static bool SameTargets(const std::vector<ui::Tappable>& a, const std::vector<ui::Tappable>& b) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i) {
            const ui::Tappable& x = a[i];
            const ui::Tappable& y = b[i];
            if (x.key != y.key || x.enabled != y.enabled || x.visible != y.visible || x.min.x != y.min.x ||
                x.min.y != y.min.y || x.max.x != y.max.x || x.max.y != y.max.y)
                return false;
        }
        return true;
    }

    std::string m_path;
    std::string m_screen;
    std::vector<ui::Tappable> m_targets;
};

// $KIOSK_FRAME_LOG: one line per frame with the CPU time of PrepareFrame through SwapBuffers,
// of the kiosk's thread and of the whole process (Mesa's llvmpipe renders on threads of its own).
class FrameLog {
public:
    explicit FrameLog(const std::string& path) {
        if (path.empty()) return;
        m_file = std::fopen(path.c_str(), "w");
        if (m_file) std::setvbuf(m_file, nullptr, _IOLBF, 0);  // a line survives a kill
    }
    ~FrameLog() {
        if (m_file) std::fclose(m_file);
    }
    FrameLog(const FrameLog&) = delete;
    FrameLog& operator=(const FrameLog&) = delete;

    bool Open() const { return m_file != nullptr; }
    void Frame(int frame, long long thread_ns, long long process_ns, const std::string& screen) {
        if (m_file) std::fprintf(m_file, "frame %d thread_us %lld process_us %lld screen %s\n", frame, thread_ns / 1000, process_ns / 1000, screen.c_str());
    }
    // CLOCK_MONOTONIC is one clock for every process: a benchmark compares it with its fork time.
    void FirstFrame(long long monotonic_ns) {
        if (m_file) std::fprintf(m_file, "first_frame_monotonic_ns %lld\n", monotonic_ns);
    }

private:
    std::FILE* m_file = nullptr;
};

class EventLoop {
public:
    EventLoop(const WindowOptions& options, Window& window, ui::App& app, SignalThread& signals, std::ostream& err)
        : m_options(options), m_window(window), m_app(app), m_signals(signals), m_err(err),
          m_tappables(options.tappables_path), m_log(options.frame_log_path) {
        if (!options.frame_log_path.empty() && !m_log.Open())
            m_err << "kiosk: cannot write the frame log " << options.frame_log_path << "\n";
    }

    int Run() {
        bool capture_pending = !m_options.screenshot_path.empty();
        int frames_wanted = kSettleFrames;  // the first picture
        int changing_run = 0;
        double wake_at = -1;                // when the App's next timer is due; -1: none
        for (;;) {
            if (frames_wanted > 0 || m_app.Animating()) {
                m_window.Poll();
            } else {
                // Settled: what is on screen is final until something happens.
                if (capture_pending) {
                    Draw(true);
                    capture_pending = false;
                }
                double app_wait = m_app.SecondsUntilWake();
                wake_at = app_wait >= 0 ? Now() + app_wait : -1;
                double wait = app_wait;
                double cursor = m_window.UpdateCursor();
                if (cursor >= 0 && (wait < 0 || cursor < wait)) wait = cursor;
                m_window.Wait(wait < 0 ? wait : std::max(wait, kMinWait));
            }

            if (m_signals.Quit()) return 0;
            WindowEvents events = m_window.TakeEvents();
            m_clicks += events.clicks;
            if (m_signals.TakeScreenshot()) {
                if (m_options.screenshot_path.empty()) m_err << "kiosk: SIGUSR1 asks for a screenshot, but no --screenshot PATH was given\n";
                else capture_pending = true;
            }
            if (events.staff_chord) m_app.OpenStaff();
            if (events.close) m_app.RequestClose();
            if (m_app.QuitRequested()) return 0;
            bool woken = events.input || events.redraw || events.staff_chord || events.close;
            if (wake_at >= 0 && Now() >= wake_at) {
                woken = true;
                wake_at = -1;
            }
            if (woken) frames_wanted = std::max(frames_wanted, kSettleFrames);

            if (frames_wanted > 0 || m_app.Animating()) {
                bool changed = Draw(capture_pending && m_options.exit_after_first_frame);
                if (m_options.exit_after_first_frame) return 0;
                if (m_app.QuitRequested()) return 0;
                if (frames_wanted > 0) --frames_wanted;
                if (!changed) {
                    changing_run = 0;
                } else if (changing_run < kMaxChangingFrames) {
                    ++changing_run;
                    frames_wanted = std::max(frames_wanted, 1);
                }
                bool settled = frames_wanted == 0 && !m_app.Animating();
                if (changed || settled) m_tappables.Write(m_app, m_window, m_frames, m_clicks, settled);
            }
        }
    }

private:
    // One frame, from sizing to swap. Returns whether the screen or its touch targets changed.
    bool Draw(bool capture) {
        long long thread_start = Nanoseconds(CLOCK_THREAD_CPUTIME_ID);
        long long process_start = Nanoseconds(CLOCK_PROCESS_CPUTIME_ID);
        bool fonts_rebuilt = m_app.PrepareFrame(m_window.Size());
        m_window.NewFrame(fonts_rebuilt);
        ImGui::NewFrame();
        m_app.DrawFrame();
        ImGui::Render();
        m_window.Render();
        std::vector<unsigned char> pixels;
        int width = 0, height = 0;
        if (capture) pixels = m_window.ReadPixels(width, height);
        m_window.Swap();
        long long thread_ns = Nanoseconds(CLOCK_THREAD_CPUTIME_ID) - thread_start;
        long long process_ns = Nanoseconds(CLOCK_PROCESS_CPUTIME_ID) - process_start;
        ++m_frames;
        if (m_frames == 1) m_log.FirstFrame(Nanoseconds(CLOCK_MONOTONIC));
        m_log.Frame(m_frames, thread_ns, process_ns, m_app.CurrentScreen());
        if (capture && !WritePng(m_options.screenshot_path, pixels, width, height))
            m_err << "kiosk: cannot write the screenshot " << m_options.screenshot_path << "\n";
        return m_tappables.Changed(m_app);
    }

    const WindowOptions& m_options;
    Window& m_window;
    ui::App& m_app;
    SignalThread& m_signals;
    std::ostream& m_err;
    TappablesFile m_tappables;
    FrameLog m_log;
    int m_frames = 0;
    int m_clicks = 0;
};

}  // namespace

int RunKioskWindow(const WindowOptions& options, ui::AppOptions app_options, std::ostream& err) {
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display) {
        err << "kiosk: no display: set DISPLAY, or run `kiosk run --windowed 1280x800` under a desktop; "
               "`kiosk --help` lists the commands\n";
        return kExitNoWindow;
    }
    SignalMask mask;  // before any thread exists, so that every thread inherits it
    std::string problem;
    std::unique_ptr<Window> window = Window::Open({options.width, options.height, "Screening kiosk"}, problem);
    if (!window) {
        err << "kiosk: " << problem << " (DISPLAY=" << display << ")\n" << kDisplayHint;
        return kExitNoWindow;
    }
    SignalThread signals(mask);  // stopped before the window closes: it wakes the window's wait
    ui::App app(std::move(app_options));
    EventLoop loop(options, *window, app, signals, err);
    return loop.Run();
}

}  // namespace kiosk::platform
