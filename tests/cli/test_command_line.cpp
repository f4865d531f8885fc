// What every command has in common: one option parser (unknown option, missing value, repeated
// option), one order for finding the database and the screening, one owner-only data folder, and
// kiosk.toml's idle times held to their limits.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../support.h"
#include "cli/commands.h"
#include "core/settings.h"
#include "run_kiosk.h"

namespace fs = std::filesystem;
using test_support::CleanEnvironment;
using test_support::Kiosk;
using test_support::Opened;
using test_support::Run;
using test_support::RunWith;

namespace {

const std::string kDefault = std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml";

unsigned Mode(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

// One command and an option of it that takes a value (empty: it has none).
struct Command {
    std::string name;
    std::string valued;
};

}  // namespace

TEST_CASE("every command refuses an unknown option, a missing value and a repeated option alike, before touching a file") {
    CleanEnvironment env;
    const std::string db = env.dir.File("sub/clinic.db");
    const Command commands[] = {{"run", "--db"},    {"check", ""},        {"test", ""},
                                {"evaluate", "--answers"}, {"submit", "--db"}, {"queue", "--db"},
                                {"review", "--as"}, {"export", "--out"}, {"export-questionnaire", "--out"},
                                {"staff", "--db"},  {"db", "--db"}, {"decrypt-export", "--out"}};
    for (const Command& command : commands) {
        CAPTURE(command.name);
        const std::string prefix = "kiosk " + command.name + ": ";
        const std::string usage = "Usage: kiosk " + command.name;
        Opened opened;
        std::string err;
        CHECK(RunWith({command.name, "--db-path", db}, opened, err) == kiosk::kExitUsage);
        CHECK(err.find(prefix + "unknown argument '--db-path'\n" + usage) != std::string::npos);
        if (!command.valued.empty()) {
            CHECK(RunWith({command.name, command.valued}, opened, err) == kiosk::kExitUsage);
            CHECK(err.find(prefix + command.valued + " needs ") != std::string::npos);
            CHECK(err.find(usage) != std::string::npos);
            CHECK(RunWith({command.name, command.valued, db, command.valued, db}, opened, err) == kiosk::kExitUsage);
            CHECK(err.find(prefix + command.valued + " is given twice\n" + usage) != std::string::npos);
        }
        CHECK_FALSE(opened.called);
        CHECK_FALSE(fs::exists(env.dir.File("sub")));
    }
    // What is missing is named: a file, a date, a name.
    Run r = Kiosk({"queue", "--db"});
    CHECK(r.err.find("kiosk queue: --db needs a file\n") != std::string::npos);
    r = Kiosk({"evaluate", kDefault, "--answers", "a.json", "--today"});
    CHECK(r.err.find("kiosk evaluate: --today needs a date\n") != std::string::npos);
    r = Kiosk({"review", "some-id", "--as"});
    CHECK(r.err.find("kiosk review: --as needs a name\n") != std::string::npos);
    // A flag given twice is refused too; --help wins over everything.
    r = Kiosk({"queue", "--all", "--all", "--db", db});
    CHECK(r.code == kiosk::kExitUsage);
    CHECK(r.err.find("kiosk queue: --all is given twice") != std::string::npos);
    r = Kiosk({"queue", "--bogus", "--help"});
    CHECK(r.code == kiosk::kExitOk);
    CHECK(r.out.find("Usage: kiosk queue") != std::string::npos);
    // A command that takes no file of its own refuses one.
    r = Kiosk({"queue", "extra", "--db", db});
    CHECK(r.code == kiosk::kExitUsage);
    CHECK(r.err.find("kiosk queue: unknown argument 'extra'") != std::string::npos);
    CHECK_FALSE(fs::exists(env.dir.File("sub")));
}

TEST_CASE("the database and the screening are found in one order for every command: flag, environment, configuration, default") {
    CleanEnvironment env;
    fs::create_directories(env.dir.File("config/screening-kiosk"));
    const std::string config_file = env.dir.File("config/screening-kiosk/kiosk.toml");
    struct Level {
        const char* name;
        std::string database, screening;  // what this level says; the screening files do not exist, except the default
    };
    const Level levels[] = {
        {"default", env.dir.File("data/screening-kiosk/clinic.db"), kDefault},
        {"configuration", env.dir.File("from-config/clinic.db"), env.dir.File("from-config.toml")},
        {"environment", env.dir.File("from-env/clinic.db"), env.dir.File("from-env.toml")},
        {"flag", env.dir.File("from-flag/clinic.db"), env.dir.File("from-flag.toml")},
    };
    // Each level is added over the ones before it, and must win over them.
    for (const Level& level : levels) {
        CAPTURE(level.name);
        const std::string name = level.name;
        std::vector<std::string> flags;
        if (name == "configuration")
            env.dir.Write("config/screening-kiosk/kiosk.toml",
                          "database = \"" + level.database + "\"\nscreening = \"" + level.screening + "\"\n");
        if (name == "environment") {
            ::setenv("KIOSK_DB", level.database.c_str(), 1);
            ::setenv("KIOSK_SCREENING", level.screening.c_str(), 1);
        }
        if (name == "flag") flags = {"--db", level.database, "--screening", level.screening};

        std::vector<std::string> run = {"run"};
        run.insert(run.end(), flags.begin(), flags.end());
        Opened opened;
        std::string err;
        REQUIRE_MESSAGE(RunWith(run, opened, err) == kiosk::kExitOk, err);
        CHECK(opened.options.database == level.database);
        CHECK(fs::path(opened.options.screening) == fs::path(level.screening));

        std::vector<std::string> db_check = {"db", "check"};
        if (!flags.empty()) db_check.insert(db_check.end(), flags.begin(), flags.begin() + 2);
        Run checked = Kiosk(db_check);
        CHECK_MESSAGE(checked.code == kiosk::kExitOk, checked.err);
        CHECK(checked.out.rfind(level.database + ": schema version", 0) == 0);

        std::vector<std::string> questionnaire = {"export-questionnaire", "--out", env.dir.File("q.json")};
        questionnaire.insert(questionnaire.end(), flags.begin(), flags.end());
        Run exported = Kiosk(questionnaire);
        if (name == "default") {
            CHECK_MESSAGE(exported.code == kiosk::kExitOk, exported.err);
        } else {
            CHECK(exported.code == kiosk::kExitInvalid);
            CHECK(exported.err.find(level.screening + ": ") != std::string::npos);  // the one it tried to load
        }
    }
}

TEST_CASE("the data folder is created owner-only (0700) by the first command that needs it, and left alone after") {
    CleanEnvironment env;
    // The default place: $XDG_DATA_HOME/screening-kiosk, made by whichever command comes first.
    const fs::path data = env.dir.path / "data" / "screening-kiosk";
    REQUIRE_FALSE(fs::exists(data));
    Run checked = Kiosk({"db", "check"});
    REQUIRE_MESSAGE(checked.code == kiosk::kExitOk, checked.err);
    CHECK(Mode(data) == 0700);
    CHECK(Mode(data / "clinic.db") == 0600);

    Opened opened;
    std::string err;
    const fs::path for_window = env.dir.path / "window" / "sub";
    REQUIRE(RunWith({"run", "--db", (for_window / "clinic.db").string()}, opened, err) == kiosk::kExitOk);
    CHECK(Mode(for_window) == 0700);

    // A folder that exists is the clinic's choice: its mode is not changed.
    fs::permissions(data, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    REQUIRE(Kiosk({"db", "check"}).code == kiosk::kExitOk);
    REQUIRE(RunWith({"run"}, opened, err) == kiosk::kExitOk);
    CHECK(Mode(data) == 0750);
}

// kiosk.toml's limits (kFileLimits) at each edge; staff's narrower ones are tested on the staff screen.
TEST_CASE("kiosk.toml's idle times: within the file's limits at each edge, refused with their place outside them") {
    CleanEnvironment env;
    const kiosk::IdleLimits limits = kiosk::kFileLimits;
    struct Row {
        std::string key, value;
        bool ok;
    };
    std::vector<Row> rows;
    for (const kiosk::IdleTime& time : kiosk::kIdleTimes) {
        const kiosk::SecondsRange range = limits.*time.range;
        for (int seconds : {range.min - 1, range.min, range.max, range.max + 1})
            rows.push_back({time.key, std::to_string(seconds), range.Contains(seconds)});
        rows.push_back({time.key, "\"90\"", false});
        rows.push_back({time.key, "90.5", false});
    }
    for (const Row& row : rows) {
        CAPTURE(row.key);
        CAPTURE(row.value);
        // The other time is set to its widest, so that only this one can be wrong.
        const bool warning = row.key == kiosk::kSettingIdleWarning;
        const std::string other = warning ? std::string(kiosk::kSettingIdleReset) + " = " + std::to_string(limits.reset.max)
                                          : std::string(kiosk::kSettingIdleWarning) + " = " + std::to_string(limits.warning.min);
        const std::string path = env.dir.Write("kiosk.toml", other + "\n" + row.key + " = " + row.value + "\n");
        Opened opened;
        std::string err;
        const int code = RunWith({"run", "--config", path}, opened, err);
        if (row.ok) {
            REQUIRE_MESSAGE(code == kiosk::kExitOk, err);
            const auto& settings = opened.options.config.settings;
            CHECK((warning ? settings.idle_warning : settings.idle_reset).count() == std::stoi(row.value));
            continue;
        }
        CHECK(code == kiosk::kExitInvalid);
        CHECK_FALSE(opened.called);
        const kiosk::SecondsRange range = warning ? limits.warning : limits.reset;
        CHECK(err == "kiosk: " + path + ":2:" + std::to_string(row.key.size() + 4) + ": '" + row.key +
                         "' must be a whole number of seconds from " + std::to_string(range.min) + " to " +
                         std::to_string(range.max) + "\n");
    }
    // Each time within its limits, but the wipe not after the warning.
    const std::string path = env.dir.Write("kiosk.toml", "idle_warning_seconds = 300\nidle_reset_seconds = 300\n");
    Opened opened;
    std::string err;
    CHECK(RunWith({"run", "--config", path}, opened, err) == kiosk::kExitInvalid);
    CHECK(err == "kiosk: " + path + ": idle_reset_seconds must be longer than idle_warning_seconds (the warning comes first)\n");
}
