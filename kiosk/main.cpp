// The kiosk executable: the command line, and the kiosk window it opens with no command or `run`.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "platform/run_window.h"
#include "store/sealing.h"

namespace {

static_assert(kiosk::kExitNoWindow == kiosk::platform::kExitNoWindow, "one exit code for 'the window could not open'");

std::string Environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The command line's resolved options as the window and the App take them.
int OpenWindow(const kiosk::RunOptions& run, std::ostream& err) {
    kiosk::platform::WindowOptions window;
    window.width = run.width;
    window.height = run.height;
    window.screenshot_path = run.screenshot_path;
    window.exit_after_first_frame = run.exit_after_first_frame;
    window.tappables_path = Environment("KIOSK_TAPPABLES");
    window.frame_log_path = Environment("KIOSK_FRAME_LOG");

    kiosk::ui::AppOptions app;
    app.screening_path = run.screening;
    app.database_path = run.database;
    app.kiosk_id = run.config.kiosk_id;
    app.export_folder = run.config.export_folder;
    app.export_requires_removable = run.config.export_requires_removable;
    app.settings = run.config.settings;
    return kiosk::platform::RunKioskWindow(window, std::move(app), err);
}

}  // namespace

int main(int argc, char** argv) {
    // Patients' answers and staff PINs pass through this process's memory: none of it may reach
    // the disk in a core file.
    kiosk::store::ForbidCoreDumps();
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        return kiosk::RunCommandLine(args, std::cout, std::cerr, OpenWindow);
    } catch (const std::exception& e) {
        // The boundary: nothing below should throw, but a crash must never be the answer.
        std::cerr << "kiosk: internal error: " << e.what() << "\n";
        return 70;
    }
}
