// Test helpers for the server suites: a test case's own initialised database on the process's
// cluster, kiosk and console logins on it, and the kiosk's inserts as the drain will send them.
#pragma once

#include <string>

#include "pg_cluster.h"
#include "server/pg.h"
#include "server/server_schema.h"

namespace test_support {

struct ClinicDb {
    PgCluster& cluster = RequirePgCluster();
    std::string name = cluster.NewDatabase();

    // A site id of this test case: role names are the cluster's, so two cases never share one.
    std::string Site(const std::string& base) const { return base + "-" + name; }

    std::string AdminUri() const { return cluster.AdminUri(name); }

    // init on this database; fails the test with the server's message otherwise.
    void Init() const {
        auto r = kiosk::server::InitServer(AdminUri());
        REQUIRE_MESSAGE(r.ok(), r.error->Describe());
    }

    // A new login (kiosk or console), its password added to the passfile; returns its URI.
    std::string Login(const kiosk::server::ServerResult<kiosk::server::NewLogin>& r) const {
        REQUIRE_MESSAGE(r.ok(), r.error->Describe());
        cluster.AddPassword(r.value->pgpass_line);
        return cluster.Uri(name, r.value->role);
    }
    std::string AddKiosk(const std::string& site, const std::string& kiosk) const {
        return Login(kiosk::server::AddKiosk(AdminUri(), site, kiosk));
    }
    std::string AddConsole(const std::string& site, const std::string& console) const {
        return Login(kiosk::server::AddConsole(AdminUri(), site, console));
    }
};

// A sealed box's stand-in: every byte value, NUL included, so a text round trip would show.
inline std::string SealedBytes(char tag) {
    std::string bytes(1, tag);
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    return bytes;
}

constexpr const char* kInsertResult =
    "INSERT INTO results (id, site_id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, "
    "submitted_at, outcome, source, sealed) VALUES ($1, $2, $3, 'default', '1', 'abc', 'en', '2026-12-01T10:00:00Z', "
    "'2026-12-01T10:05:00Z', 'proceed', 'kiosk', $4) ON CONFLICT DO NOTHING";
constexpr const char* kInsertAlert =
    "INSERT INTO alerts (alert_id, site_id, kiosk_id, session_id, raised_at, sealed) VALUES ($1, $2, $3, 's-1', "
    "'2026-12-01T10:03:00Z', $4) ON CONFLICT DO NOTHING";
constexpr const char* kInsertAudit =
    "INSERT INTO kiosk_audit (site_id, kiosk_id, kiosk_row, at, actor, action, detail, hash) VALUES ($1, $2, $3, "
    "'2026-12-01T10:06:00Z', 'kiosk', 'submit', 'one result', 'h1') ON CONFLICT DO NOTHING";
constexpr const char* kUpsertHeartbeat =
    "INSERT INTO heartbeats (site_id, kiosk_id, last_seen, rows_waiting) VALUES ($1, $2, now(), $3) "
    "ON CONFLICT (site_id, kiosk_id) DO UPDATE SET last_seen = EXCLUDED.last_seen, rows_waiting = EXCLUDED.rows_waiting";
constexpr const char* kUpsertAbandoned =
    "INSERT INTO abandoned (site_id, kiosk_id, day, count) VALUES ($1, $2, '2026-12-01', $3) "
    "ON CONFLICT (site_id, kiosk_id, day) DO UPDATE SET count = GREATEST(abandoned.count, EXCLUDED.count)";

// Rows an insert added (0: ON CONFLICT DO NOTHING found it there).
inline long long InsertResult(kiosk::server::PgConnection& conn, const std::string& id, const std::string& site,
                              const std::string& kiosk_id, const std::string& sealed = SealedBytes('r')) {
    return conn.Exec(kInsertResult, kiosk::server::PgParams().Text(id).Text(site).Text(kiosk_id).Bytes(sealed), "inserting a result")
        .AffectedRows();
}
inline long long InsertAlert(kiosk::server::PgConnection& conn, const std::string& id, const std::string& site,
                             const std::string& kiosk_id) {
    return conn.Exec(kInsertAlert, kiosk::server::PgParams().Text(id).Text(site).Text(kiosk_id).Bytes(SealedBytes('a')), "inserting an alert")
        .AffectedRows();
}
inline long long InsertAudit(kiosk::server::PgConnection& conn, const std::string& site, const std::string& kiosk_id, long long row) {
    return conn.Exec(kInsertAudit, kiosk::server::PgParams().Text(site).Text(kiosk_id).Int(row), "inserting an audit row").AffectedRows();
}

inline long long CountRows(const std::string& admin_uri, const std::string& table) {
    kiosk::server::PgConnection admin(admin_uri);
    return admin.Exec("SELECT count(*) FROM " + table, "counting").Int(0, 0);
}

}  // namespace test_support
