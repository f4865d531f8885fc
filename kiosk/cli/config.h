// The kiosk's configuration file and where a command's files are: the database and the screening,
// resolved in one order for every command, and the owner-only folder the database lives in.
// The file is optional: with none every value has its default.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/settings.h"

namespace kiosk {

struct KioskConfig {
    std::string path;           // the file read, or empty when there was none
    std::string database;       // as written; ResolveDatabasePath says which database is used
    std::string screening;      // as written; ResolveScreeningPath says which screening is used
    std::string kiosk_id = "kiosk";
    std::string export_folder;  // where the staff screen exports to (a USB stick's mount point)
    // Exports (the staff screen's and `kiosk export`'s) go only onto a mounted removable device
    // (store/export/removable.h). false: anywhere, for a network share or a test machine.
    bool export_requires_removable = true;
    KioskSettings settings;     // idle times and default language, within kFileLimits; retention days
    // The clinic's server (server/drain.h): a postgresql:// URI that server::CheckServerUri accepts
    // (no password in it), and the site every row carries. Empty: no server, nothing is sent and
    // the kiosk works as without one. clinic_server needs site.
    std::string clinic_server;
    std::string site;
    int heartbeat_seconds = 30;  // kHeartbeatSeconds's range
};

// The range of heartbeat_seconds: often enough for the console to see a kiosk go offline within
// minutes, seldom enough to be nothing for the server.
inline constexpr int kHeartbeatSecondsMin = 5, kHeartbeatSecondsMax = 3600;

struct ConfigLoad {
    KioskConfig config;
    std::vector<std::string> errors;  // "kiosk.toml:3:1: unknown key 'databse' (did you mean 'database'?)"
};

// `explicit_path` (from --config) must exist; otherwise $KIOSK_CONFIG (must exist too), else
// $XDG_CONFIG_HOME/screening-kiosk/kiosk.toml (~/.config/...), which may be absent.
ConfigLoad LoadConfig(const std::string& explicit_path);
// Reads `text` as the configuration file at `path` (which only names it in the errors).
ConfigLoad ParseConfig(std::string_view text, const std::string& path);

// The one order for both paths: the command line's flag, else the environment variable, else the
// configuration file, else the default.
// --db, $KIOSK_DB, `database`, $XDG_DATA_HOME/screening-kiosk/clinic.db (~/.local/share/...).
std::string ResolveDatabasePath(const std::string& flag, const KioskConfig& config);
// --screening, $KIOSK_SCREENING, `screening`, the shipped assets/screenings/default.toml.
std::string ResolveScreeningPath(const std::string& flag, const KioskConfig& config);

// Creates the folder of `database_path` owner-only (0700) when it does not exist yet; a folder
// that exists is left as it is. A failure is left for opening the database to report.
void EnsureDataFolder(const std::string& database_path);

// What a command that works on the clinic's files starts from: --config, --db and --screening
// (each when given) with the configuration file and the environment.
struct CommandFiles {
    KioskConfig config;
    std::string database;             // ResolveDatabasePath
    std::string screening;            // ResolveScreeningPath
    std::vector<std::string> errors;  // a broken configuration file (LoadConfig's)
};
CommandFiles ResolveCommandFiles(const std::string& config_flag, const std::string& db_flag,
                                 const std::string& screening_flag);

// Prints a broken configuration's errors as "kiosk: kiosk.toml:3:1: ..."; true when there were
// any, and the command must then stop (exit 1: invalid input, not wrong usage).
bool ReportConfigErrors(const CommandFiles& files, std::ostream& err);

}  // namespace kiosk
