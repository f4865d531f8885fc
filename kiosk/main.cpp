// The kiosk executable: the command line, and the kiosk window it opens with no command or `run`.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "platform/alarm.h"
#include "platform/run_window.h"
#include "rules/loader.h"
#include "server/drain.h"
#include "store/sealing.h"

namespace {

static_assert(kiosk::kExitNoWindow == kiosk::platform::kExitNoWindow, "one exit code for 'the window could not open'");

std::string Environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The heartbeat's screening: id, version and hash, or why it does not load (the window then shows
// its out-of-order screen for the same reason).
kiosk::server::HeartbeatInfo ScreeningForHeartbeat(const std::string& path) {
    kiosk::server::HeartbeatInfo info;
    rules::LoadResult loaded = rules::LoadScreeningFile(path);
    if (loaded.screening && !loaded.diagnostics.HasErrors()) {
        info.screening_id = loaded.screening->id;
        info.screening_version = loaded.screening->version;
        info.screening_hash = loaded.screening->content_hash;
    } else {
        info.out_of_order = "the screening file " + path + " does not load";
    }
    return info;
}

// The staff menu's line from the worker's last pass.
std::string DescribeDrain(const kiosk::server::DrainStatus& status) {
    if (status.outbox) return kiosk::store::DescribeOutbox(*status.outbox, std::chrono::system_clock::now());
    if (!status.last_error.empty()) return "not reached yet; last failure: " + status.last_error;
    return "connecting";
}

// `kiosk console`: the console's window, with the alarm on the sound device when there is one.
int OpenConsole(const kiosk::RunOptions& run, kiosk::platform::WindowOptions window, std::ostream& err) {
    kiosk::platform::Alarm alarm;
    kiosk::ui::ConsoleOptions console;
    console.conninfo = run.console_server;
    console.screening_path = run.screening;
    console.export_folder = run.console_export_folder;
    console.escalation_command = run.escalation_command;
    console.lock_after = std::chrono::seconds(run.lock_after_seconds);
    console.escalate_after = std::chrono::seconds(run.escalate_after_seconds);
    console.sound_problem = alarm.Problem();
    if (alarm.Problem().empty()) console.alarm = [&alarm](kiosk::ui::console::AlarmLevel level) { alarm.Set(level); };
    return kiosk::platform::RunConsoleWindow(window, std::move(console), err);
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
    if (run.console) return OpenConsole(run, window, err);

    kiosk::ui::AppOptions app;
    app.screening_path = run.screening;
    app.database_path = run.database;
    app.kiosk_id = run.config.kiosk_id;
    app.export_folder = run.config.export_folder;
    app.export_requires_removable = run.config.export_requires_removable;
    app.settings = run.config.settings;

    // With a clinic server, a worker thread drains the database into it; the window only wakes it
    // and reads its status, so the patient never waits on the network.
    std::unique_ptr<kiosk::server::DrainWorker> drain;
    if (!run.config.clinic_server.empty()) {
        kiosk::server::DrainWorkerOptions options;
        options.store = {run.database};
        options.conninfo = run.config.clinic_server;
        options.drain = {run.config.site, run.config.kiosk_id};
        options.heartbeat_interval = std::chrono::seconds(run.config.heartbeat_seconds);
        options.heartbeat = ScreeningForHeartbeat(run.screening);
        drain = std::make_unique<kiosk::server::DrainWorker>(std::move(options));
        drain->Start();
        kiosk::server::DrainWorker* worker = drain.get();
        app.wake_outbox = [worker] { worker->Wake(); };
        app.clinic_server_status = [worker] { return DescribeDrain(worker->Status()); };
    }
    const int code = kiosk::platform::RunKioskWindow(window, std::move(app), err);
    if (drain) drain->Stop();
    return code;
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
