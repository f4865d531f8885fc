// The clinic server's schema, its numbered migrations and the logins of kiosks and consoles: what
// the administrator's `kiosk clinic` commands do. A kiosk never migrates; it refuses a server
// whose schema is newer than its code (TooNew).
#pragma once

#include <optional>
#include <string>

#include "server/server_error.h"

namespace kiosk::server {

// The schema version this code writes and reads. A server above it is refused.
constexpr int kServerSchemaVersion = 2;

// The group roles (NOLOGIN) every kiosk's and console's login role is a member of.
inline constexpr const char* kKioskGroupRole = "clinic_kiosk";
inline constexpr const char* kConsoleGroupRole = "clinic_console";
// The channel the alerts table's trigger notifies, with "SITE ALERT_ID" as the payload.
inline constexpr const char* kAlertChannel = "clinic_alert";

struct MigrateReport {
    int from = 0, to = 0;  // equal: the server was up to date
};

// The server's schema version: 0 on a database without the clinic's tables.
ServerResult<int> ServerSchemaVersion(const std::string& conninfo);

// Whether a kiosk or console may work with the server: its schema is exactly this code's
// (TooNew above it; Other below it, "an administrator runs kiosk clinic migrate").
ServerResult<int> CheckServerSchema(const std::string& conninfo);
// The same on a connection already open (the kiosk's drain checks before each pass).
class PgConnection;
ServerResult<int> CheckServerSchema(PgConnection& conn);

// `kiosk clinic init`: the group roles (once per PostgreSQL cluster) and every migration, on a
// database the connecting role owns; it needs CREATEROLE. On an initialised database it only
// applies the pending migrations, as MigrateServer. `up_to` below kServerSchemaVersion stops at
// that version: a server as an older release left it, for the tests of the migrations after it.
ServerResult<MigrateReport> InitServer(const std::string& conninfo, int up_to = kServerSchemaVersion);

// `kiosk clinic migrate`: the migrations above the server's version, each in its own
// transaction. Refuses a database that was never initialised (Other) or is newer (TooNew).
ServerResult<MigrateReport> MigrateServer(const std::string& conninfo);

// A new login made by AddKiosk or AddConsole, shown once to the administrator and kept nowhere.
struct NewLogin {
    std::string role;         // "kiosk.SITE.ID" or "console.SITE.NAME"
    std::string password;     // random (libsodium), 32 characters of URL-safe base64
    std::string pgpass_line;  // host:port:database:role:password, for ~/.pgpass (mode 0600)
    std::string uri;          // postgresql://role@host:port/database?sslmode=..., no password
};

// Site ids, kiosk ids and console names: 1 to 24 of A-Z a-z 0-9 _ -. nullopt when `id` is one,
// else why not ("the site id 'a b' may hold only ...").
std::optional<std::string> CheckClinicId(const std::string& what, const std::string& id);

// `kiosk clinic add-kiosk`: registers kiosk KIOSK of site SITE (the site too, the first time)
// and creates its login role, a member of clinic_kiosk. Constraint when it is registered already.
ServerResult<NewLogin> AddKiosk(const std::string& conninfo, const std::string& site, const std::string& kiosk);

// `kiosk clinic add-console`: a console login role for site SITE, a member of clinic_console.
ServerResult<NewLogin> AddConsole(const std::string& conninfo, const std::string& site, const std::string& name);

}  // namespace kiosk::server
