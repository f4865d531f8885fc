// The kiosk's event loop: the App in a real window, drawn only when something changes.
#pragma once

#include <iosfwd>
#include <string>

#include "ui/app.h"
#include "ui/console/console_app.h"

namespace kiosk::platform {

struct WindowOptions {
    int width = 0, height = 0;            // --windowed WIDTHxHEIGHT; 0 x 0: fullscreen on the primary monitor
    std::string screenshot_path;          // --screenshot: a PNG of the first settled frame, again on SIGUSR1
    bool exit_after_first_frame = false;  // --exit-after-first-frame: exit 0 once a frame was swapped (start-up benchmark)
    std::string tappables_path;           // $KIOSK_TAPPABLES: the screen and its touch targets as JSON (e2e driver)
    std::string frame_log_path;           // $KIOSK_FRAME_LOG: CPU time of every frame (window benchmark)
};

// Exit codes beyond the command line's: the window could not open (no display, no OpenGL 3).
constexpr int kExitNoWindow = 3;

// Opens the window and runs the kiosk until staff close it or SIGTERM/SIGINT arrives. Returns the
// process exit code; problems go to `err`. Blocks SIGUSR1, SIGTERM and SIGINT in the calling thread
// while it runs (a helper thread waits for them), so call it from the main thread before any other
// thread exists.
int RunKioskWindow(const WindowOptions& options, ui::AppOptions app_options, std::ostream& err);

// The front-desk console (`kiosk console`) in a normal resizable window (1280 x 800 unless
// --windowed says otherwise), with the same loop, signals and screenshot as the kiosk's.
int RunConsoleWindow(const WindowOptions& options, ui::ConsoleOptions console_options, std::ostream& err);

}  // namespace kiosk::platform
