// Test helpers: run the kiosk's command line in-process and keep its exit code and output, with a
// recorder standing in for the window, in an environment cleared of the developer's own files.
#pragma once

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../support.h"
#include "cli/commands.h"

namespace test_support {

struct Run {
    int code = -1;
    std::string out, err;
};

// `input`: what the command reads from standard input (PINs), as a script would pipe it.
inline Run Kiosk(const std::vector<std::string>& args, const std::string& input = "") {
    std::ostringstream out, err;
    std::istringstream in(input);
    Run r;
    r.code = kiosk::RunCommandLine(args, out, err, {}, &in);
    r.out = out.str();
    r.err = err.str();
    return r;
}

// What `kiosk run` handed to the window, if it got that far.
struct Opened {
    bool called = false;
    kiosk::RunOptions options;
};

inline int RunWith(const std::vector<std::string>& args, Opened& opened, std::string& err_text) {
    std::ostringstream out, err;
    kiosk::WindowRunner window = [&](const kiosk::RunOptions& options, std::ostream&) {
        opened.called = true;
        opened.options = options;
        return 0;
    };
    int code = kiosk::RunCommandLine(args, out, err, window);
    err_text = err.str();
    return code;
}

// Keeps the developer's own configuration and database out of the test, and puts them back after:
// every variable the command line reads is unset, and the XDG folders point into `dir`.
struct CleanEnvironment {
    static constexpr const char* kNames[] = {"KIOSK_CONFIG", "KIOSK_DB", "KIOSK_SCREENING", "XDG_CONFIG_HOME", "XDG_DATA_HOME"};
    CleanEnvironment() {
        for (const char* name : kNames) {
            const char* value = std::getenv(name);
            saved.emplace_back(value ? std::optional<std::string>(value) : std::nullopt);
            ::unsetenv(name);
        }
        ::setenv("XDG_CONFIG_HOME", dir.File("config").c_str(), 1);
        ::setenv("XDG_DATA_HOME", dir.File("data").c_str(), 1);
    }
    ~CleanEnvironment() {
        for (size_t i = 0; i < saved.size(); ++i) {
            if (saved[i]) ::setenv(kNames[i], saved[i]->c_str(), 1);
            else ::unsetenv(kNames[i]);
        }
    }
    CleanEnvironment(const CleanEnvironment&) = delete;
    CleanEnvironment& operator=(const CleanEnvironment&) = delete;
    test_support::TempDir dir{"kiosk-cli-env"};
    std::vector<std::optional<std::string>> saved;
};

// A paper form's answers as the clinic types them in (`kiosk submit`), for the command-line tests.
inline constexpr const char* kPaperAnswers = R"({"consent_data":"yes","dob":"1968-01-10","sex_at_birth":"male","pain_area":"knee",
  "diagnosis":"arthritis","oa_severity":"moderate","pain_duration":"gt_1y","treatments_tried":["pt"],"lasting_relief":"short",
  "hot_joint":"no","infection_now":"no","fever_7d":"no","skin_problem":["none"],"blood_conditions":["low_platelets"],
  "bleeding_history":"no","cancer":"no","medications":["none"],"allergies":["none"],"pain_side":"left"})";

// The export passphrase as `kiosk export` reads it from standard input: typed twice. Enough for
// `kiosk decrypt-export` too, which reads the first line.
inline constexpr const char* kPassphrase = "correct horse battery staple";
inline constexpr const char* kPassphraseTwice = "correct horse battery staple\ncorrect horse battery staple\n";

// A kiosk.toml in `dir` that lets exports go to any folder (a test's temporary folder is no USB
// stick); its path, for --config.
inline std::string AnyFolderConfig(const TempDir& dir) { return dir.Write("any-folder.toml", "export_requires_removable = false\n"); }

}  // namespace test_support
