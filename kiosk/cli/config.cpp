// Reading kiosk.toml (every problem named with its place, unknown keys refused) and resolving the
// database and screening paths a command uses.
#include "cli/config.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <type_traits>

#include <toml++/toml.h>

#include "server/pg.h"
#include "server/server_schema.h"

#ifndef KIOSK_ASSETS_DIR
#define KIOSK_ASSETS_DIR "assets"
#endif

namespace kiosk {
namespace {

std::string Place(const std::string& path, const toml::source_region& r) {
    return path + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

std::string ConfigPath(const std::string& explicit_path, bool& required) {
    required = true;
    if (!explicit_path.empty()) return explicit_path;
    if (const char* env = std::getenv("KIOSK_CONFIG"); env && *env) return env;
    required = false;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/screening-kiosk/kiosk.toml";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/screening-kiosk/kiosk.toml";
    return {};
}

// The value of environment variable `name`, or "" when it is unset or empty.
std::string Environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The first of `candidates` that is not empty: the one order of ResolveDatabasePath and ResolveScreeningPath.
std::string FirstGiven(std::initializer_list<std::string> candidates) {
    for (const std::string& c : candidates)
        if (!c.empty()) return c;
    return {};
}

std::string XdgDatabasePath() {
    std::string base = Environment("XDG_DATA_HOME");
    if (base.empty()) base = Environment("HOME").empty() ? "." : Environment("HOME") + "/.local/share";
    return base + "/screening-kiosk/clinic.db";
}

// One time of `times` (kIdleTimes in seconds, kRetentionTimes in days) named `name`: a whole
// number that `check` allows goes into `settings`; anything else is an error at its place and the
// time keeps its default. Returns whether `name` is one of `times`.
template <typename Times, typename Check>
bool ReadTime(const Times& times, Check check, const std::string& name, const toml::node& value, const std::string& path,
              KioskSettings& settings, std::vector<std::string>& errors) {
    for (const auto& time : times) {
        if (name != time.key) continue;
        std::optional<int64_t> number;
        if (value.is_integer()) number = value.as_integer()->get();
        if (auto problem = check(time, number, SettingsAuthor::File))
            errors.push_back(Place(path, value.source()) + ": " + problem->message);
        else
            settings.*time.field = std::remove_reference_t<decltype(settings.*time.field)>(*number);
        return true;
    }
    return false;
}

}  // namespace

ConfigLoad LoadConfig(const std::string& explicit_path) {
    ConfigLoad out;
    bool required = false;
    std::string path = ConfigPath(explicit_path, required);
    if (path.empty()) return out;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        if (required) out.errors.push_back(path + ": no such configuration file");
        return out;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.errors.push_back(path + ": cannot open the configuration file");
        return out;
    }
    std::stringstream content;
    content << in.rdbuf();
    return ParseConfig(content.str(), path);
}

ConfigLoad ParseConfig(std::string_view text, const std::string& path) {
    ConfigLoad out;
    out.config.path = path;
    toml::table table;
    try {
        table = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        out.errors.push_back(Place(path, e.source()) + ": " + std::string(e.description()));
        return out;
    }
    KioskConfig& c = out.config;
    struct Text {
        const char* key;
        std::string* target;
    };
    const Text texts[] = {{"database", &c.database}, {"screening", &c.screening}, {"kiosk_id", &c.kiosk_id},
                          {"export_folder", &c.export_folder}, {"clinic_server", &c.clinic_server},
                          {"site", &c.site}, {kSettingDefaultLanguage, &c.settings.default_language}};
    struct Flag {
        const char* key;
        bool* target;
    };
    const Flag flags[] = {{"export_requires_removable", &c.export_requires_removable}};
    std::string known_keys;
    for (const Text& t : texts) known_keys += std::string(known_keys.empty() ? "" : ", ") + t.key;
    for (const Flag& f : flags) known_keys += std::string(", ") + f.key;
    for (const IdleTime& time : kIdleTimes) known_keys += std::string(", ") + time.key;
    for (const RetentionTime& time : kRetentionTimes) known_keys += std::string(", ") + time.key;
    known_keys += ", heartbeat_seconds";
    for (const auto& [key, value] : table) {
        std::string name(key.str());
        bool known = false;
        for (const Text& t : texts) {
            if (name != t.key) continue;
            known = true;
            if (!value.is_string() || value.as_string()->get().empty())
                out.errors.push_back(Place(path, value.source()) + ": '" + name + "' must be a non-empty string");
            else
                *t.target = value.as_string()->get();
        }
        for (const Flag& f : flags) {
            if (name != f.key) continue;
            known = true;
            if (!value.is_boolean()) out.errors.push_back(Place(path, value.source()) + ": '" + name + "' must be true or false");
            else *f.target = value.as_boolean()->get();
        }
        if (name == "heartbeat_seconds") {
            known = true;
            const std::optional<int64_t> seconds = value.value<int64_t>();
            if (!value.is_integer() || !seconds || *seconds < kHeartbeatSecondsMin || *seconds > kHeartbeatSecondsMax)
                out.errors.push_back(Place(path, value.source()) + ": 'heartbeat_seconds' must be a whole number of seconds from " +
                                     std::to_string(kHeartbeatSecondsMin) + " to " + std::to_string(kHeartbeatSecondsMax));
            else
                c.heartbeat_seconds = static_cast<int>(*seconds);
        }
        // The server's address and the site, checked where they are written.
        if (name == "clinic_server" && !c.clinic_server.empty()) {
            if (auto why = server::CheckServerUri(c.clinic_server)) {
                out.errors.push_back(Place(path, value.source()) + ": 'clinic_server': " + *why);
                c.clinic_server.clear();
            }
        }
        if (name == "site" && !c.site.empty()) {
            if (auto why = server::CheckClinicId("site id", c.site)) {
                out.errors.push_back(Place(path, value.source()) + ": 'site': " + *why);
                c.site.clear();
            }
        }
        if (ReadTime(kIdleTimes, CheckIdleTime, name, value, path, c.settings, out.errors)) known = true;
        if (ReadTime(kRetentionTimes, CheckRetentionTime, name, value, path, c.settings, out.errors)) known = true;
        if (!known) out.errors.push_back(Place(path, key.source()) + ": unknown key '" + name + "' (" + known_keys + ")");
    }
    if (const toml::node* server = table.get("clinic_server"); server && !table.contains("site"))
        out.errors.push_back(Place(path, server->source()) +
                             ": 'clinic_server' needs 'site' too (the site id the administrator's kiosk clinic add-kiosk used)");
    // Each time was checked at its place above (a bad one kept its default); what is left is the pairs.
    for (const SettingsProblem& problem : CheckSettings(c.settings, SettingsAuthor::File, nullptr))
        out.errors.push_back(path + ": " + problem.message);
    return out;
}

std::string ResolveDatabasePath(const std::string& flag, const KioskConfig& config) {
    return FirstGiven({flag, Environment("KIOSK_DB"), config.database, XdgDatabasePath()});
}

std::string ResolveScreeningPath(const std::string& flag, const KioskConfig& config) {
    return FirstGiven({flag, Environment("KIOSK_SCREENING"), config.screening, std::string(KIOSK_ASSETS_DIR) + "/screenings/default.toml"});
}

void EnsureDataFolder(const std::string& database_path) {
    std::filesystem::path folder = std::filesystem::path(database_path).parent_path();
    std::error_code ec;
    if (folder.empty() || std::filesystem::exists(folder, ec)) return;
    // Made with mode 0700 rather than changed after: the folder is never open to others, not even briefly.
    if (folder.has_parent_path()) std::filesystem::create_directories(folder.parent_path(), ec);
    if (::mkdir(folder.c_str(), 0700) == 0) std::filesystem::permissions(folder, std::filesystem::perms::owner_all, ec);
}

CommandFiles ResolveCommandFiles(const std::string& config_flag, const std::string& db_flag, const std::string& screening_flag) {
    ConfigLoad loaded = LoadConfig(config_flag);
    CommandFiles files{std::move(loaded.config), "", "", std::move(loaded.errors)};
    files.database = ResolveDatabasePath(db_flag, files.config);
    files.screening = ResolveScreeningPath(screening_flag, files.config);
    return files;
}

bool ReportConfigErrors(const CommandFiles& files, std::ostream& err) {
    for (const std::string& e : files.errors) err << "kiosk: " << e << "\n";
    return !files.errors.empty();
}

}  // namespace kiosk
