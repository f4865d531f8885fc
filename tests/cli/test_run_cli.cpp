// `kiosk run` and `kiosk` alone: what the command line resolves and hands to the window, which the
// executable passes in (kiosk_cli has no GLFW); here a recorder stands in for the window.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../support.h"
#include "cli/commands.h"
#include "run_kiosk.h"

using test_support::Opened;
using test_support::RunWith;

TEST_CASE("kiosk run hands the window its size, files and the configuration's idle times") {
    test_support::CleanEnvironment env;
    std::string config = env.dir.Write("kiosk.toml", "kiosk_id = \"front-desk-1\"\nidle_warning_seconds = 30\nidle_reset_seconds = 60\n"
                                                     "default_language = \"es\"\n");
    Opened opened;
    std::string err;
    std::string db = env.dir.File("new/clinic.db");
    REQUIRE(RunWith({"run", "--windowed", "1280x800", "--screenshot", "s.png", "--exit-after-first-frame", "--db", db, "--config",
                     config},
                    opened, err) == 0);
    REQUIRE(opened.called);
    CHECK(opened.options.width == 1280);
    CHECK(opened.options.height == 800);
    CHECK(opened.options.screenshot_path == "s.png");
    CHECK(opened.options.exit_after_first_frame);
    CHECK(opened.options.database == db);
    CHECK(std::filesystem::is_directory(env.dir.File("new")));  // the database's folder, made for it
    CHECK(opened.options.screening.find("assets/screenings/default.toml") != std::string::npos);
    CHECK(opened.options.config.kiosk_id == "front-desk-1");
    CHECK(opened.options.config.settings.idle_warning == std::chrono::seconds(30));
    CHECK(opened.options.config.settings.idle_reset == std::chrono::seconds(60));
    CHECK(opened.options.config.settings.default_language == "es");
}

TEST_CASE("kiosk with no command opens the window fullscreen") {
    test_support::CleanEnvironment env;
    ::setenv("KIOSK_DB", env.dir.File("clinic.db").c_str(), 1);
    Opened opened;
    std::string err;
    CHECK(RunWith({}, opened, err) == 0);
    CHECK(opened.called);
    CHECK(opened.options.width == 0);
    CHECK(opened.options.height == 0);
    CHECK(opened.options.database == env.dir.File("clinic.db"));
}

TEST_CASE("kiosk run refuses a wrong size, an unknown option and a broken configuration before opening anything") {
    test_support::CleanEnvironment env;
    ::setenv("KIOSK_DB", env.dir.File("clinic.db").c_str(), 1);
    for (const char* size : {"1280", "x800", "1280x", "12x8", "1280x800x2", "99999999x800", "-1280x800", "1280 x800"}) {
        CAPTURE(size);
        Opened opened;
        std::string err;
        CHECK(RunWith({"run", "--windowed", size}, opened, err) == kiosk::kExitUsage);
        CHECK_FALSE(opened.called);
        CHECK(err.find("WIDTHxHEIGHT") != std::string::npos);
    }
    Opened opened;
    std::string err;
    CHECK(RunWith({"run", "--fullscreen"}, opened, err) == kiosk::kExitUsage);
    CHECK(err.find("unknown argument '--fullscreen'") != std::string::npos);
    std::string broken = env.dir.Write("broken.toml", "idle_warning_seconds = 1\n");
    CHECK(RunWith({"run", "--config", broken}, opened, err) == kiosk::kExitInvalid);
    CHECK(err.find("broken.toml") != std::string::npos);
    CHECK_FALSE(opened.called);
}

TEST_CASE("without a window to open (a build with no platform layer) kiosk run says so and exits 3") {
    test_support::CleanEnvironment env;
    ::setenv("KIOSK_DB", env.dir.File("clinic.db").c_str(), 1);
    std::ostringstream out, err;
    CHECK(kiosk::RunCommandLine({"run"}, out, err) == kiosk::kExitNoWindow);
    CHECK(err.str().find("kiosk --help") != std::string::npos);
}
