// Reading kiosk.toml: every problem named with its place, unknown keys refused.
#include "cli/config.h"

#include <cstdlib>
#include <filesystem>

#include <toml++/toml.h>

#include "cli/db_commands.h"

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
    out.config.path = path;
    toml::table table;
    try {
        table = toml::parse_file(path);
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
                          {"export_folder", &c.export_folder}, {"default_language", &c.default_language}};
    struct Number {
        const char* key;
        int* target;
        int min, max;
    };
    const Number numbers[] = {{"idle_warning_seconds", &c.idle_warning_seconds, 10, 3600},
                              {"idle_reset_seconds", &c.idle_reset_seconds, 20, 7200}};
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
        for (const Number& n : numbers) {
            if (name != n.key) continue;
            known = true;
            if (!value.is_integer() || value.as_integer()->get() < n.min || value.as_integer()->get() > n.max)
                out.errors.push_back(Place(path, value.source()) + ": '" + name + "' must be a whole number of seconds from " +
                                     std::to_string(n.min) + " to " + std::to_string(n.max));
            else
                *n.target = static_cast<int>(value.as_integer()->get());
        }
        if (!known)
            out.errors.push_back(Place(path, key.source()) + ": unknown key '" + name +
                                 "' (database, screening, kiosk_id, export_folder, default_language, idle_warning_seconds, "
                                 "idle_reset_seconds)");
    }
    if (c.idle_reset_seconds <= c.idle_warning_seconds)
        out.errors.push_back(path + ": idle_reset_seconds must be longer than idle_warning_seconds (the warning comes first)");
    return out;
}

std::string ResolveDatabasePath(const std::string& cli_db, const KioskConfig& config) {
    if (!cli_db.empty()) return cli_db;
    if (const char* env = std::getenv("KIOSK_DB"); env && *env) return env;
    if (!config.database.empty()) return config.database;
    return DefaultDatabasePath();
}

}  // namespace kiosk
