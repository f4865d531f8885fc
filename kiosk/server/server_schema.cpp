// The clinic server's schema as numbered migrations, the group roles, and the kiosks' and
// consoles' logins. Least privilege lives in the SQL below and is enforced by PostgreSQL itself:
// row-level security keeps a kiosk to its own (site_id, kiosk_id) and a console to its site.
#include "server/server_schema.h"

#include <sodium.h>

#include <array>

#include "server/pg.h"

namespace kiosk::server {
namespace {

// [SECTION] SQL

// Once per PostgreSQL cluster (roles are not a database's): the group roles. Idempotent, so a
// second database of the same cluster (another site group, a test) initialises the same way.
constexpr const char* kCreateGroupRoles = R"SQL(
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'clinic_kiosk') THEN
    CREATE ROLE clinic_kiosk NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'clinic_console') THEN
    CREATE ROLE clinic_console NOLOGIN;
  END IF;
END
$$;
)SQL";

// Migration 1: every table, the policies, the grants and the alert trigger.
// - Everything is owned by the administrator who ran it; no one else may create in the schema.
// - A kiosk's role (a member of clinic_kiosk) finds its own (site_id, kiosk_id) through the view
//   clinic_my_kiosk: a view reads kiosks with its owner's rights, and current_user in it is still
//   the kiosk's role. It may INSERT results, alerts and audit rows that are its own (no SELECT:
//   INSERT ... ON CONFLICT DO NOTHING needs none), and upsert its own counts and heartbeat.
// - A console's role (a member of clinic_console) reads its site's rows (clinic_my_sites) and
//   may change only the review and acknowledgement columns.
// - consoles (site_id, name, role_name) is a table the brief did not list: without it a console
//   could not be kept to its site.
constexpr const char* kMigration1 = R"SQL(
CREATE TABLE clinic_schema (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version integer NOT NULL
);
INSERT INTO clinic_schema (version) VALUES (0);

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE TABLE sites (
  site_id text PRIMARY KEY CHECK (site_id <> '')
);
CREATE TABLE kiosks (
  site_id text NOT NULL REFERENCES sites,
  kiosk_id text NOT NULL CHECK (kiosk_id <> ''),
  role_name text NOT NULL UNIQUE,
  PRIMARY KEY (site_id, kiosk_id)
);
CREATE TABLE consoles (
  site_id text NOT NULL REFERENCES sites,
  name text NOT NULL CHECK (name <> ''),
  role_name text NOT NULL UNIQUE,
  PRIMARY KEY (site_id, name)
);

CREATE TABLE results (
  id uuid PRIMARY KEY,
  site_id text NOT NULL,
  kiosk_id text NOT NULL,
  screening_id text NOT NULL,
  screening_version text NOT NULL,
  screening_hash text NOT NULL,
  language text NOT NULL,
  started_at timestamptz NOT NULL,
  submitted_at timestamptz NOT NULL,
  outcome text,
  source text NOT NULL CHECK (source IN ('kiosk', 'paper')),
  sealed bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed')),
  reviewed_by text,
  reviewed_at timestamptz,
  FOREIGN KEY (site_id, kiosk_id) REFERENCES kiosks
);
CREATE INDEX results_board ON results (site_id, status, submitted_at);

CREATE TABLE alerts (
  alert_id uuid PRIMARY KEY,
  site_id text NOT NULL,
  kiosk_id text NOT NULL,
  session_id text NOT NULL,
  raised_at timestamptz NOT NULL,
  sealed bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_by text,
  acknowledged_at timestamptz,
  FOREIGN KEY (site_id, kiosk_id) REFERENCES kiosks
);
CREATE INDEX alerts_open ON alerts (site_id, raised_at) WHERE acknowledged_at IS NULL;

CREATE TABLE abandoned (
  site_id text NOT NULL,
  kiosk_id text NOT NULL,
  day date NOT NULL,
  count integer NOT NULL CHECK (count >= 0),
  PRIMARY KEY (site_id, kiosk_id, day),
  FOREIGN KEY (site_id, kiosk_id) REFERENCES kiosks
);

CREATE TABLE kiosk_audit (
  site_id text NOT NULL,
  kiosk_id text NOT NULL,
  kiosk_row bigint NOT NULL,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  detail text NOT NULL,
  submission_id text,
  submission_hash text,
  hash text NOT NULL,
  PRIMARY KEY (site_id, kiosk_id, kiosk_row),
  FOREIGN KEY (site_id, kiosk_id) REFERENCES kiosks
);

CREATE TABLE heartbeats (
  site_id text NOT NULL,
  kiosk_id text NOT NULL,
  last_seen timestamptz NOT NULL,
  screening_id text,
  screening_version text,
  screening_hash text,
  rows_waiting integer NOT NULL DEFAULT 0,
  oldest_waiting_seconds integer,
  out_of_order text,
  PRIMARY KEY (site_id, kiosk_id),
  FOREIGN KEY (site_id, kiosk_id) REFERENCES kiosks
);

CREATE VIEW clinic_my_kiosk AS SELECT site_id, kiosk_id FROM kiosks WHERE role_name = current_user;
CREATE VIEW clinic_my_sites AS SELECT site_id FROM consoles WHERE role_name = current_user;

ALTER TABLE kiosks ENABLE ROW LEVEL SECURITY;
ALTER TABLE consoles ENABLE ROW LEVEL SECURITY;
ALTER TABLE results ENABLE ROW LEVEL SECURITY;
ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE abandoned ENABLE ROW LEVEL SECURITY;
ALTER TABLE kiosk_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE heartbeats ENABLE ROW LEVEL SECURITY;

CREATE POLICY kiosk_inserts_own ON results FOR INSERT TO clinic_kiosk
  WITH CHECK ((site_id, kiosk_id) IN (SELECT site_id, kiosk_id FROM clinic_my_kiosk));
CREATE POLICY kiosk_inserts_own ON alerts FOR INSERT TO clinic_kiosk
  WITH CHECK ((site_id, kiosk_id) IN (SELECT site_id, kiosk_id FROM clinic_my_kiosk));
CREATE POLICY kiosk_inserts_own ON kiosk_audit FOR INSERT TO clinic_kiosk
  WITH CHECK ((site_id, kiosk_id) IN (SELECT site_id, kiosk_id FROM clinic_my_kiosk));
CREATE POLICY kiosk_keeps_own ON abandoned FOR ALL TO clinic_kiosk
  USING ((site_id, kiosk_id) IN (SELECT site_id, kiosk_id FROM clinic_my_kiosk))
  WITH CHECK ((site_id, kiosk_id) IN (SELECT site_id, kiosk_id FROM clinic_my_kiosk));
CREATE POLICY kiosk_keeps_own ON heartbeats FOR ALL TO clinic_kiosk
  USING ((site_id, kiosk_id) IN (SELECT site_id, kiosk_id FROM clinic_my_kiosk))
  WITH CHECK ((site_id, kiosk_id) IN (SELECT site_id, kiosk_id FROM clinic_my_kiosk));

CREATE POLICY console_reads_site ON kiosks FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reads_site ON consoles FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reads_site ON results FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reviews_site ON results FOR UPDATE TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites))
  WITH CHECK (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reads_site ON alerts FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_acknowledges_site ON alerts FOR UPDATE TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites))
  WITH CHECK (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reads_site ON abandoned FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reads_site ON kiosk_audit FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reads_site ON heartbeats FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT ON clinic_schema TO clinic_kiosk, clinic_console;
GRANT SELECT ON clinic_my_kiosk TO clinic_kiosk;
GRANT SELECT ON clinic_my_sites TO clinic_console;
GRANT INSERT ON results, alerts, kiosk_audit TO clinic_kiosk;
GRANT SELECT, INSERT, UPDATE ON abandoned, heartbeats TO clinic_kiosk;
GRANT SELECT ON sites, kiosks, consoles, results, alerts, abandoned, kiosk_audit, heartbeats TO clinic_console;
GRANT UPDATE (status, reviewed_by, reviewed_at) ON results TO clinic_console;
GRANT UPDATE (acknowledged_by, acknowledged_at) ON alerts TO clinic_console;

CREATE FUNCTION clinic_notify_alert() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  PERFORM pg_notify('clinic_alert', NEW.site_id || ' ' || NEW.alert_id::text);
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION clinic_notify_alert() FROM PUBLIC;
CREATE TRIGGER alerts_notify AFTER INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION clinic_notify_alert();
)SQL";

// Migration 2: the front-desk console's staff accounts, the clinic keys they hold, the console's
// own audit log, and when an alert escalated.
// - console_staff: per-person accounts of a site. The console checks the PIN itself (Argon2id,
//   store::CheckSecret), so its role reads the hash; it may change only the failure counter and
//   the lockout, never a hash, a role or whether the account is active (the administrator's).
//   Names are unique at a site whatever their case, as on a kiosk.
// - console_staff_keys: a copy of a kiosk database's clinic key (by fingerprint) wrapped under the
//   account's PIN (store::WrapClinicKey); a console reads them, only the administrator adds them.
// - console_audit: append-only for consoles: INSERT of rows naming their own site and console
//   (clinic_my_console), SELECT of their site's; no UPDATE or DELETE is granted, and id and at are
//   the server's (no INSERT grant on them).
// - alerts.escalated_at: set by the console when an unacknowledged alert escalated.
// A kiosk's role is granted nothing here: it reads none of these tables.
constexpr const char* kMigration2 = R"SQL(
CREATE TABLE console_staff (
  site_id text NOT NULL REFERENCES sites,
  name text NOT NULL CHECK (name <> ''),
  role text NOT NULL CHECK (role IN ('front_desk', 'clinician', 'admin')),
  pin_hash text NOT NULL CHECK (pin_hash LIKE 'kiosk-secret-v1$%'),
  active boolean NOT NULL DEFAULT true,
  failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  last_failure_at timestamptz,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, name)
);
CREATE UNIQUE INDEX console_staff_name_any_case ON console_staff (site_id, lower(name));

CREATE TABLE console_staff_keys (
  site_id text NOT NULL,
  name text NOT NULL,
  fingerprint text NOT NULL CHECK (fingerprint <> ''),
  public_key bytea NOT NULL CHECK (length(public_key) = 32),
  wrapped bytea NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, name, fingerprint),
  FOREIGN KEY (site_id, name) REFERENCES console_staff ON DELETE CASCADE
);

CREATE TABLE console_audit (
  id bigserial PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites,
  console text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  detail text NOT NULL DEFAULT ''
);
CREATE INDEX console_audit_site ON console_audit (site_id, id);

ALTER TABLE alerts ADD COLUMN escalated_at timestamptz;

CREATE VIEW clinic_my_console AS SELECT site_id, name FROM consoles WHERE role_name = current_user;

ALTER TABLE console_staff ENABLE ROW LEVEL SECURITY;
ALTER TABLE console_staff_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE console_audit ENABLE ROW LEVEL SECURITY;

CREATE POLICY console_reads_site ON console_staff FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_counts_site ON console_staff FOR UPDATE TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites))
  WITH CHECK (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reads_site ON console_staff_keys FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_reads_site ON console_audit FOR SELECT TO clinic_console
  USING (site_id IN (SELECT site_id FROM clinic_my_sites));
CREATE POLICY console_appends_own ON console_audit FOR INSERT TO clinic_console
  WITH CHECK ((site_id, console) IN (SELECT site_id, name FROM clinic_my_console));

GRANT SELECT ON clinic_my_console TO clinic_console;
GRANT SELECT ON console_staff, console_staff_keys, console_audit TO clinic_console;
GRANT UPDATE (failures, last_failure_at, locked_until) ON console_staff TO clinic_console;
GRANT INSERT (site_id, console, actor, action, detail) ON console_audit TO clinic_console;
GRANT USAGE ON SEQUENCE console_audit_id_seq TO clinic_console;
GRANT UPDATE (escalated_at) ON alerts TO clinic_console;
)SQL";

// Migration N is kMigrations[N - 1]; a new one is appended, never edited once released.
constexpr std::array<const char*, kServerSchemaVersion> kMigrations = {kMigration1, kMigration2};

// Every migration takes this transaction-level lock first, so two administrators migrating at once
// apply each migration once. (0x636c696e6963: 'clinic' in ASCII.)
constexpr const char* kLockMigrations = "SELECT pg_advisory_xact_lock(109317276461411)";
// Two statements: a query naming a table that does not exist fails when parsed, whatever its CASE.
constexpr const char* kHasSchema = "SELECT to_regclass('public.clinic_schema') IS NOT NULL";
constexpr const char* kReadVersion = "SELECT version FROM public.clinic_schema";
constexpr const char* kSetVersion = "UPDATE clinic_schema SET version = $1";

constexpr const char* kAddSite = "INSERT INTO sites (site_id) VALUES ($1) ON CONFLICT DO NOTHING";
constexpr const char* kAddKiosk = "INSERT INTO kiosks (site_id, kiosk_id, role_name) VALUES ($1, $2, $3)";
constexpr const char* kAddConsole = "INSERT INTO consoles (site_id, name, role_name) VALUES ($1, $2, $3)";

// [SECTION] Helpers

int ReadVersion(PgConnection& conn) {
    const char* context = "reading the server's schema version";
    if (conn.Exec(kHasSchema, context).Text(0, 0) != "t") return 0;
    PgResult r = conn.Exec(kReadVersion, context);
    return r.Rows() == 1 && !r.IsNull(0, 0) ? static_cast<int>(r.Int(0, 0)) : 0;
}

ServerError TooNewError(int version) {
    return ServerError{ServerErrorKind::TooNew, "",
                       "the clinic server's schema is version " + std::to_string(version) + ", newer than this kiosk's (version " +
                           std::to_string(kServerSchemaVersion) + "): install the kiosk's newer version",
                       "checking the server's schema"};
}

template <class T, class F>
ServerResult<T> Guarded(F&& body) {
    try {
        return ServerResult<T>{body(), std::nullopt};
    } catch (const ServerException& e) {
        return ServerResult<T>{std::nullopt, e.error()};
    }
}

MigrateReport ApplyMigrations(PgConnection& conn, int up_to = kServerSchemaVersion) {
    MigrateReport report;
    report.from = report.to = ReadVersion(conn);
    if (report.from > kServerSchemaVersion) throw ServerException(TooNewError(report.from));
    for (int version = report.from + 1; version <= up_to; ++version) {
        const std::string context = "applying migration " + std::to_string(version);
        PgTransaction transaction(conn, context.c_str());
        conn.Exec(kLockMigrations, context.c_str());
        // Another administrator may have applied it while this one waited for the lock.
        const int now = ReadVersion(conn);
        if (now > kServerSchemaVersion) throw ServerException(TooNewError(now));
        if (now >= version) continue;
        conn.ExecScript(kMigrations[static_cast<size_t>(version - 1)], context.c_str());
        conn.Exec(kSetVersion, PgParams().Int(version), context.c_str());
        transaction.Commit();
        report.to = version;
    }
    return report;
}

// The schema must be this code's before anything is added to it.
void RequireCurrent(PgConnection& conn) {
    const int version = ReadVersion(conn);
    if (version > kServerSchemaVersion) throw ServerException(TooNewError(version));
    if (version == 0)
        throw ServerException(ServerError{ServerErrorKind::Other, "",
                                          "the database has no clinic schema: an administrator runs kiosk clinic init",
                                          "checking the server's schema"});
    if (version < kServerSchemaVersion)
        throw ServerException(ServerError{ServerErrorKind::Other, "",
                                          "the clinic server's schema is version " + std::to_string(version) + ", older than this kiosk's (" +
                                              std::to_string(kServerSchemaVersion) + "): an administrator runs kiosk clinic migrate",
                                          "checking the server's schema"});
}

std::string RandomPassword() {
    if (sodium_init() < 0)
        throw ServerException(ServerError{ServerErrorKind::Other, "", "libsodium could not start", "making a password"});
    unsigned char bytes[24];
    randombytes_buf(bytes, sizeof bytes);
    char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof bytes);
    return text;
}

// A ~/.pgpass field: ':' and '\' escaped with '\'.
std::string PgpassField(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == ':' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string UriEncode(const std::string& value) {
    static const char* const kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// The login's lines, for the server `conn` reached and the TLS settings of `conninfo`.
NewLogin DescribeLogin(PgConnection& conn, const std::string& conninfo, std::string role, std::string password) {
    const ConnInfoParts parts = ParseConnInfo(conninfo);
    PgResult db = conn.Exec("SELECT current_database()", "reading the database's name");
    const std::string database = db.Text(0, 0), host = conn.Host(), port = conn.Port();
    NewLogin login;
    login.role = std::move(role);
    login.password = std::move(password);
    // A socket folder's pgpass host is "localhost", as libpq matches it.
    const std::string pgpass_host = !host.empty() && host[0] == '/' ? "localhost" : host;
    login.pgpass_line = PgpassField(pgpass_host) + ":" + PgpassField(port) + ":" + PgpassField(database) + ":" +
                        PgpassField(login.role) + ":" + PgpassField(login.password);
    std::string uri_host = host.find(':') != std::string::npos ? "[" + host + "]" : UriEncode(host);
    login.uri = "postgresql://" + UriEncode(login.role) + "@" + uri_host + (port.empty() ? "" : ":" + port) + "/" + UriEncode(database);
    std::string query;
    if (!parts.sslmode.empty()) query += "sslmode=" + UriEncode(parts.sslmode);
    if (!parts.sslrootcert.empty()) query += std::string(query.empty() ? "" : "&") + "sslrootcert=" + UriEncode(parts.sslrootcert);
    if (!query.empty()) login.uri += "?" + query;
    return login;
}

// Registers a login of `group` in `table` (kiosks or consoles) and creates its role, in one
// transaction: CREATE ROLE is transactional, so a refused row leaves no role behind.
NewLogin AddLogin(const std::string& conninfo, const char* group, const char* insert, const std::string& site, const std::string& id,
                  const std::string& role, const char* what) {
    PgConnection conn(conninfo);
    RequireCurrent(conn);
    const std::string context = std::string("adding ") + what + " " + id + " of site " + site;
    const std::string password = RandomPassword();
    PgTransaction transaction(conn, context.c_str());
    conn.Exec(kAddSite, PgParams().Text(site), context.c_str());
    try {
        conn.Exec(insert, PgParams().Text(site).Text(id).Text(role), context.c_str());
    } catch (const ServerException& e) {
        if (e.error().kind != ServerErrorKind::Constraint) throw;
        ServerError error = e.error();
        error.message = std::string(what) + " " + id + " of site " + site + " is registered already (" + error.message + ")";
        throw ServerException(std::move(error));
    }
    // CREATE ROLE takes no parameters: the name quoted by libpq, the password as its verifier.
    conn.Exec("CREATE ROLE " + conn.QuoteIdentifier(role) + " LOGIN PASSWORD " +
                  conn.QuoteLiteral(conn.EncryptPassword(password, role)) + " IN ROLE " + group,
              context.c_str());
    transaction.Commit();
    return DescribeLogin(conn, conninfo, role, password);
}

}  // namespace

// [SECTION] Public

std::optional<std::string> CheckClinicId(const std::string& what, const std::string& id) {
    bool ok = !id.empty() && id.size() <= 24;
    for (char c : id)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) ok = false;
    if (ok) return std::nullopt;
    return "the " + what + " '" + id + "' may hold only letters A-Z a-z, digits, '_' and '-', 1 to 24 of them";
}

ServerResult<int> ServerSchemaVersion(const std::string& conninfo) {
    return Guarded<int>([&] {
        PgConnection conn(conninfo);
        return ReadVersion(conn);
    });
}

ServerResult<int> CheckServerSchema(const std::string& conninfo) {
    return Guarded<int>([&] {
        PgConnection conn(conninfo);
        RequireCurrent(conn);
        return kServerSchemaVersion;
    });
}

ServerResult<int> CheckServerSchema(PgConnection& conn) {
    return Guarded<int>([&] {
        RequireCurrent(conn);
        return kServerSchemaVersion;
    });
}

ServerResult<MigrateReport> InitServer(const std::string& conninfo, int up_to) {
    return Guarded<MigrateReport>([&] {
        if (up_to < 1 || up_to > kServerSchemaVersion)
            throw ServerException(ServerError{ServerErrorKind::BadInput, "", "no schema version " + std::to_string(up_to),
                                              "initialising the server"});
        PgConnection conn(conninfo);
        const int version = ReadVersion(conn);
        if (version > kServerSchemaVersion) throw ServerException(TooNewError(version));
        conn.ExecScript(kCreateGroupRoles, "creating the roles clinic_kiosk and clinic_console");
        return ApplyMigrations(conn, up_to);
    });
}

ServerResult<MigrateReport> MigrateServer(const std::string& conninfo) {
    return Guarded<MigrateReport>([&] {
        PgConnection conn(conninfo);
        if (ReadVersion(conn) == 0)
            throw ServerException(ServerError{ServerErrorKind::Other, "",
                                              "the database has no clinic schema yet: run kiosk clinic init --server URI first",
                                              "migrating the server"});
        return ApplyMigrations(conn);
    });
}

ServerResult<NewLogin> AddKiosk(const std::string& conninfo, const std::string& site, const std::string& kiosk) {
    return Guarded<NewLogin>([&] {
        for (auto [what, id] : {std::pair{"site id", &site}, std::pair{"kiosk id", &kiosk}})
            if (auto why = CheckClinicId(what, *id)) throw ServerException(ServerError{ServerErrorKind::BadInput, "", *why, "adding a kiosk"});
        return AddLogin(conninfo, kKioskGroupRole, kAddKiosk, site, kiosk, "kiosk." + site + "." + kiosk, "kiosk");
    });
}

ServerResult<NewLogin> AddConsole(const std::string& conninfo, const std::string& site, const std::string& name) {
    return Guarded<NewLogin>([&] {
        for (auto [what, id] : {std::pair{"site id", &site}, std::pair{"console name", &name}})
            if (auto why = CheckClinicId(what, *id)) throw ServerException(ServerError{ServerErrorKind::BadInput, "", *why, "adding a console"});
        return AddLogin(conninfo, kConsoleGroupRole, kAddConsole, site, name, "console." + site + "." + name, "console");
    });
}

}  // namespace kiosk::server
