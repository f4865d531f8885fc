// The kiosk's event loop: sleeps in GLFW's event wait and, after input or at the App's timers,
// presents one frame per change on screen; screenshots, the e2e driver's tappables file and the
// benchmark's frame log ride on the same loop.
#include "platform/run_window.h"

#include <pthread.h>
#include <signal.h>
#include <stb_image_write.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <ostream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/window.h"

namespace kiosk::platform {
namespace {

// After input ImGui needs passes to see it: a tap is a press and a release (ImGui 1.86 reads the
// button once a frame), the release makes the button fire, and the screen the intent led to is
// laid out in the pass after. Passes are cheap (no GL); only the last, settled one is rasterized
// and presented. A pass that keeps changing without new input is a bug somewhere: presenting
// after this many keeps it from spinning a core.
constexpr int kMaxPasses = 8;
// How long a press waits for its release before the pressed colour is drawn: shorter than a
// frame at 60 Hz, so no one sees the wait, and longer than a machine's tap (press and release
// sent together).
constexpr double kTapSeconds = 0.012;
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

    bool Changed(const ui::Frontend& app) const {
        return app.CurrentScreen() != m_screen || !SameTargets(app.Tappables(), m_targets);
    }

    void Write(const ui::Frontend& app, const Window& window, int frame, int clicks, bool settled) {
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
    // `picture` is the frame's HashDrawData; `redraw` marks a frame the window system asked for
    // (exposed, resized), which may repeat the picture before it.
    void Frame(int frame, long long thread_ns, long long process_ns, const std::string& screen, uint64_t picture, bool redraw) {
        if (m_file)
            std::fprintf(m_file, "frame %d thread_us %lld process_us %lld screen %s picture %016llx%s\n", frame, thread_ns / 1000,
                         process_ns / 1000, screen.c_str(), static_cast<unsigned long long>(picture), redraw ? " redraw" : "");
    }
    // CLOCK_MONOTONIC is one clock for every process: a benchmark compares it with its fork time.
    void FirstFrame(long long monotonic_ns) {
        if (m_file) std::fprintf(m_file, "first_frame_monotonic_ns %lld\n", monotonic_ns);
    }

private:
    std::FILE* m_file = nullptr;
};

// A 64-bit digest of everything ImGui would draw: vertices, indices and each command's clip
// rectangle, texture and ranges. Equal digests mean the same picture (a collision would only
// delay a redraw until the next input, at odds of 2^-64).
uint64_t HashDrawData(const ImDrawData& data) {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    auto mix = [&h](const void* bytes, size_t size) {
        const auto* p = static_cast<const unsigned char*>(bytes);
        for (; size >= 8; p += 8, size -= 8) {
            uint64_t word;
            std::memcpy(&word, p, 8);
            h = (h ^ word) * 0xff51afd7ed558ccdULL;
            h ^= h >> 32;
        }
        for (; size > 0; ++p, --size) h = (h ^ *p) * 0x100000001b3ULL;
    };
    mix(&data.DisplaySize, sizeof data.DisplaySize);
    for (int i = 0; i < data.CmdListsCount; ++i) {
        const ImDrawList& list = *data.CmdLists[i];
        mix(list.VtxBuffer.Data, static_cast<size_t>(list.VtxBuffer.Size) * sizeof(ImDrawVert));
        mix(list.IdxBuffer.Data, static_cast<size_t>(list.IdxBuffer.Size) * sizeof(ImDrawIdx));
        for (const ImDrawCmd& cmd : list.CmdBuffer) {
            mix(&cmd.ClipRect, sizeof cmd.ClipRect);
            mix(&cmd.TextureId, sizeof cmd.TextureId);
            mix(&cmd.VtxOffset, sizeof cmd.VtxOffset);
            mix(&cmd.IdxOffset, sizeof cmd.IdxOffset);
            mix(&cmd.ElemCount, sizeof cmd.ElemCount);
        }
    }
    return h == 0 ? 1 : h;  // 0 means "nothing presented yet"
}

class EventLoop {
public:
    EventLoop(const WindowOptions& options, Window& window, ui::Frontend& app, SignalThread& signals, std::ostream& err)
        : m_options(options), m_window(window), m_app(app), m_signals(signals), m_err(err),
          m_tappables(options.tappables_path), m_log(options.frame_log_path) {
        if (!options.frame_log_path.empty() && !m_log.Open())
            m_err << "kiosk: cannot write the frame log " << options.frame_log_path << "\n";
    }

    int Run() {
        bool capture_pending = !m_options.screenshot_path.empty();
        bool present_wanted = true;  // the first picture
        double wake_at = -1;         // when the App's next timer is due; -1: none
        for (;;) {
            if (present_wanted) {
                m_window.Poll();
            } else {
                // What is on screen is final until something happens.
                if (capture_pending) {
                    Present(true);
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
            if (events.presses > events.clicks) {
                // A touch came down. A quick tap lifts within a few milliseconds: wait that long
                // for the release, so that the tap is one frame (its result), not two (the
                // pressed colour, then the result). A finger held longer sees its press drawn.
                double until = Now() + kTapSeconds;
                for (double left = kTapSeconds; events.presses > events.clicks && left > 0; left = until - Now()) {
                    m_window.Wait(left);
                    events += m_window.TakeEvents();
                }
            }
            m_clicks += events.clicks;
            if (m_signals.TakeScreenshot()) {
                if (m_options.screenshot_path.empty()) m_err << "kiosk: SIGUSR1 asks for a screenshot, but no --screenshot PATH was given\n";
                else capture_pending = true;
            }
            if (events.staff_chord) m_app.OpenStaff();
            if (events.close) m_app.RequestClose();
            if (m_app.QuitRequested()) return 0;
            if (events.input || events.staff_chord || events.close) present_wanted = true;
            if (events.redraw) {
                present_wanted = true;
                m_redraw = true;  // exposed or resized: the picture must be drawn even if it is the same
            }
            if (wake_at >= 0 && Now() >= wake_at) {
                present_wanted = true;
                wake_at = -1;
            }

            if (present_wanted) {
                bool capture = capture_pending && m_options.exit_after_first_frame;
                bool targets_changed = Present(capture);
                if (m_options.exit_after_first_frame) return 0;
                if (m_app.QuitRequested()) return 0;
                present_wanted = false;
                // Settled: the e2e driver taps again only after it reads this with the clicks so far.
                if (targets_changed || m_clicks != m_clicks_written) {
                    m_tappables.Write(m_app, m_window, m_frames, m_clicks, true);
                    m_clicks_written = m_clicks;
                }
            }
        }
    }

private:
    // ImGui passes until two in a row lay out the same picture, then that picture is rasterized
    // and swapped, unless it is what the screen already shows. Returns whether the screen or its
    // touch targets changed since the last presented frame.
    bool Present(bool capture) {
        long long thread_start = Nanoseconds(CLOCK_THREAD_CPUTIME_ID);
        long long process_start = Nanoseconds(CLOCK_PROCESS_CPUTIME_ID);
        uint64_t previous = 0;
        for (int pass = 0; pass < kMaxPasses; ++pass) {
            bool fonts_rebuilt = m_app.PrepareFrame(m_window.Size());
            m_window.NewFrame(fonts_rebuilt);
            ImGui::NewFrame();
            m_app.DrawFrame();
            ImGui::Render();
            uint64_t hash = HashDrawData(*ImGui::GetDrawData());
            if (m_app.QuitRequested()) return false;
            if (pass > 0 && hash == previous) break;
            previous = hash;
        }
        bool targets_changed = m_tappables.Changed(m_app);
        bool show = previous != m_presented || m_redraw;
        if (!show && !capture) return targets_changed;
        m_window.Render();
        if (capture) {
            // The picture as drawn into the back buffer; a screenshot of what is already on screen
            // is not presented again.
            int width = 0, height = 0;
            std::vector<unsigned char> pixels = m_window.ReadPixels(width, height);
            if (!WritePng(m_options.screenshot_path, pixels, width, height))
                m_err << "kiosk: cannot write the screenshot " << m_options.screenshot_path << "\n";
        }
        if (!show) return targets_changed;
        m_window.Swap();
        long long thread_ns = Nanoseconds(CLOCK_THREAD_CPUTIME_ID) - thread_start;
        long long process_ns = Nanoseconds(CLOCK_PROCESS_CPUTIME_ID) - process_start;
        ++m_frames;
        if (m_frames == 1) m_log.FirstFrame(Nanoseconds(CLOCK_MONOTONIC));
        m_log.Frame(m_frames, thread_ns, process_ns, m_app.CurrentScreen(), previous, previous == m_presented);
        m_presented = previous;
        m_redraw = false;
        return targets_changed;
    }

    const WindowOptions& m_options;
    Window& m_window;
    ui::Frontend& m_app;
    SignalThread& m_signals;
    std::ostream& m_err;
    TappablesFile m_tappables;
    FrameLog m_log;
    int m_frames = 0;             // frames presented (rasterized and swapped)
    uint64_t m_presented = 0;     // HashDrawData of the picture on screen; 0: none yet
    bool m_redraw = false;        // the window system asked for the picture again
    int m_clicks = 0;
    int m_clicks_written = -1;    // the clicks count last written to the tappables file
};

// Opens the window and runs `frontend` (made by `make` on another thread while the window opens)
// until it quits or a signal arrives.
template <class Make>
int RunWindow(const WindowOptions& options, const char* title, const char* no_display_hint, Make make, std::ostream& err) {
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display) {
        err << "kiosk: no display: set DISPLAY, or " << no_display_hint << "; `kiosk --help` lists the commands\n";
        return kExitNoWindow;
    }
    SignalMask mask;  // before any thread exists, so that every thread inherits it
    // Start-up in parallel: while the window and GL context are made, another thread makes the
    // frontend (the kiosk loads the screening and opens the database) and builds the fonts.
    ImFontAtlas atlas;  // outlives the window, whose ImGui context shares it
    std::unique_ptr<ui::Frontend> frontend;
    auto prepare = [&](ImVec2 size) {
        return std::async(std::launch::async, [&frontend, &atlas, &make, size] {
            frontend = make();
            frontend->BuildFonts(atlas, size);
            return &atlas;
        });
    };
    std::string problem;
    std::unique_ptr<Window> window = Window::Open({options.width, options.height, title}, problem, prepare);
    if (!window) {
        err << "kiosk: " << problem << " (DISPLAY=" << display << ")\n" << kDisplayHint;
        return kExitNoWindow;
    }
    SignalThread signals(mask);  // stopped before the window closes: it wakes the window's wait
    EventLoop loop(options, *window, *frontend, signals, err);
    return loop.Run();
}

}  // namespace

int RunKioskWindow(const WindowOptions& options, ui::AppOptions app_options, std::ostream& err) {
    return RunWindow(options, "Screening kiosk", "run `kiosk run --windowed 1280x800` under a desktop",
                     [&app_options] { return std::make_unique<ui::App>(std::move(app_options)); }, err);
}

int RunConsoleWindow(const WindowOptions& options, ui::ConsoleOptions console_options, std::ostream& err) {
    WindowOptions windowed = options;
    if (windowed.width == 0 || windowed.height == 0) {
        // A normal desktop window on the front desk's computer, never fullscreen.
        windowed.width = 1280;
        windowed.height = 800;
    }
    return RunWindow(windowed, "Clinic console", "run `kiosk console` under the front desk's desktop",
                     [&console_options] { return std::make_unique<ui::ConsoleApp>(std::move(console_options)); }, err);
}

}  // namespace kiosk::platform
