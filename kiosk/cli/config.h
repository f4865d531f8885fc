// The kiosk's configuration file: where the database and screening are, the kiosk's id, the export
// folder and the idle times. Optional: with no file every value has its default.
#pragma once

#include <string>
#include <vector>

namespace kiosk {

struct KioskConfig {
    std::string path;              // the file read, or empty when there was none
    std::string database;          // empty: $KIOSK_DB or the XDG data folder
    std::string screening;         // empty: $KIOSK_SCREENING or the shipped default
    std::string kiosk_id = "kiosk";
    std::string export_folder;     // where the staff screen exports to (a USB stick's mount point)
    std::string default_language;  // empty: the screening's first language
    int idle_warning_seconds = 90;
    int idle_reset_seconds = 120;
};

struct ConfigLoad {
    KioskConfig config;
    std::vector<std::string> errors;  // "kiosk.toml:3:1: unknown key 'databse' (did you mean 'database'?)"
};

// `explicit_path` (from --config) must exist; otherwise $KIOSK_CONFIG (must exist too), else
// $XDG_CONFIG_HOME/screening-kiosk/kiosk.toml (~/.config/...), which may be absent.
ConfigLoad LoadConfig(const std::string& explicit_path);

// --db, else $KIOSK_DB, else the configuration's database, else the XDG data folder.
std::string ResolveDatabasePath(const std::string& cli_db, const KioskConfig& config);

}  // namespace kiosk
