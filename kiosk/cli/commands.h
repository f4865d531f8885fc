// The kiosk's command line: run the window, check, test and evaluate screening files.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/config.h"

namespace kiosk {

// Exit codes, documented in the README.
constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;  // a screening file, answers file or test case failed
constexpr int kExitUsage = 2;    // the command line itself is wrong
constexpr int kExitNoWindow = 3; // the kiosk window could not open (no display, no OpenGL 3)
constexpr int kExitNotSetUp = 4; // `staff list --admins`: no active administrator (scripts/start asks for one)
constexpr int kExitServer = 5;   // `sync`: the clinic server could not be reached or refused

int RunCheck(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunTest(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunEvaluate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// What `kiosk run` (and `kiosk` with no command) hands to the window, resolved from the command
// line, the configuration file and the environment.
struct RunOptions {
    int width = 0, height = 0;            // --windowed WIDTHxHEIGHT; 0 x 0: fullscreen
    std::string screenshot_path;          // --screenshot PATH
    bool exit_after_first_frame = false;  // --exit-after-first-frame
    std::string database;                 // ResolveDatabasePath; its folder exists (EnsureDataFolder)
    std::string screening;                // ResolveScreeningPath
    KioskConfig config;                   // kiosk id, export folder, and the settings (idle times, language)

    // `kiosk console`: the front-desk console's window instead of the kiosk's.
    bool console = false;
    std::string console_server;           // --server URI: the console's login
    std::string console_export_folder;    // --export-folder PATH
    std::string escalation_command;       // --escalation-command CMD
    int lock_after_seconds = 300;         // --lock-after SECONDS
    int escalate_after_seconds = 120;     // --escalate-after SECONDS
};

// Opens the kiosk window and runs it; returns the exit code. The window lives above the command
// line (kiosk/platform, GLFW and GL), so the executable passes it in.
using WindowRunner = std::function<int(const RunOptions& options, std::ostream& err)>;

int RunWindowCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const WindowRunner& window);

// Dispatches `kiosk COMMAND ARGS...`; argv[0] excluded. `staff`, `review`, `export` and
// `decrypt-export` read PINs and passphrases from `in`
// (null: std::cin, with the prompt's echo off at a terminal). With no command, or `run`, it opens
// the window through `window` (without one: exit kExitNoWindow).
int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                   const WindowRunner& window = {}, std::istream* in = nullptr);

}  // namespace kiosk
