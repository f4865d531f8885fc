// Least privilege, enforced by PostgreSQL: what a kiosk's role and a console's role may do on a
// real server, each refusal seen as the server gives it (42501, Refused).
#include <doctest/doctest.h>

#include "server_fixture.h"

using namespace kiosk::server;
using test_support::ClinicDb;
using test_support::ServerErrorOf;

namespace {

constexpr const char* kResultId = "5b7f3c1e-0d2a-4b8e-9f61-2a4c6e8f0a13";
constexpr const char* kAlertId = "c3e1a9d0-6b2f-4e57-8a1c-0f9d7b5e3a24";

void CheckRefused(const std::optional<ServerError>& error, const char* what) {
    CAPTURE(what);
    REQUIRE_MESSAGE(error, "not refused");
    CHECK_MESSAGE(error->kind == ServerErrorKind::Refused, error->Describe());
    CHECK(error->sqlstate == "42501");
}

}  // namespace

TEST_CASE("a kiosk inserts its own result, alert and audit row, and the same insert again adds nothing") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    PgConnection kiosk(db.AddKiosk(site, "k1"));
    for (int round = 0; round < 2; ++round) {
        CAPTURE(round);
        const long long expected = round == 0 ? 1 : 0;
        CHECK(test_support::InsertResult(kiosk, kResultId, site, "k1") == expected);
        CHECK(test_support::InsertAlert(kiosk, kAlertId, site, "k1") == expected);
        CHECK(test_support::InsertAudit(kiosk, site, "k1", 7) == expected);
    }
    CHECK(test_support::CountRows(db.AdminUri(), "results") == 1);
    CHECK(test_support::CountRows(db.AdminUri(), "alerts") == 1);
    CHECK(test_support::CountRows(db.AdminUri(), "kiosk_audit") == 1);
}

TEST_CASE("a kiosk's rows for another kiosk or another site are refused") {
    ClinicDb db;
    db.Init();
    const std::string north = db.Site("north"), south = db.Site("south");
    PgConnection k1(db.AddKiosk(north, "k1"));
    db.AddKiosk(north, "k2");
    db.AddKiosk(south, "k1");
    CheckRefused(ServerErrorOf([&] { test_support::InsertResult(k1, kResultId, north, "k2"); }), "result of kiosk k2");
    CheckRefused(ServerErrorOf([&] { test_support::InsertResult(k1, kResultId, south, "k1"); }), "result of the other site's k1");
    CheckRefused(ServerErrorOf([&] { test_support::InsertAlert(k1, kAlertId, north, "k2"); }), "alert of kiosk k2");
    CheckRefused(ServerErrorOf([&] { test_support::InsertAudit(k1, south, "k1", 1); }), "audit row of the other site");
    CHECK(test_support::CountRows(db.AdminUri(), "results") == 0);
    CHECK(test_support::CountRows(db.AdminUri(), "alerts") == 0);
}

TEST_CASE("a kiosk reads no result, alert or audit row, not even its own") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    PgConnection kiosk(db.AddKiosk(site, "k1"));
    REQUIRE(test_support::InsertResult(kiosk, kResultId, site, "k1") == 1);
    REQUIRE(test_support::InsertAlert(kiosk, kAlertId, site, "k1") == 1);
    for (const char* sql : {"SELECT id FROM results", "SELECT count(*) FROM results", "SELECT alert_id FROM alerts",
                            "SELECT * FROM kiosk_audit", "SELECT role_name FROM kiosks", "SELECT * FROM consoles",
                            // RETURNING would read the row back: it needs SELECT too.
                            "UPDATE results SET status = 'reviewed'", "DELETE FROM alerts"})
        CheckRefused(ServerErrorOf([&] { kiosk.Exec(sql, "reading as a kiosk"); }), sql);
    // It may see the schema's version, to refuse a newer server itself.
    CHECK(CheckServerSchema(db.cluster.Uri(db.name, "kiosk." + site + ".k1")).ok());
}

TEST_CASE("a kiosk keeps its own heartbeat and abandoned count, and touches no other kiosk's") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    PgConnection k1(db.AddKiosk(site, "k1"));
    PgConnection k2(db.AddKiosk(site, "k2"));
    for (int waiting : {3, 0}) k1.Exec(test_support::kUpsertHeartbeat, PgParams().Text(site).Text("k1").Int(waiting), "heartbeat");
    k2.Exec(test_support::kUpsertHeartbeat, PgParams().Text(site).Text("k2").Int(9), "heartbeat");
    // The greater count wins: a kiosk resending an older count does not lower it.
    for (int count : {4, 2}) k1.Exec(test_support::kUpsertAbandoned, PgParams().Text(site).Text("k1").Int(count), "abandoned");
    CheckRefused(ServerErrorOf([&] { k1.Exec(test_support::kUpsertHeartbeat, PgParams().Text(site).Text("k2").Int(0), "heartbeat of k2"); }),
                 "heartbeat of another kiosk");
    CheckRefused(ServerErrorOf([&] { k1.Exec(test_support::kUpsertAbandoned, PgParams().Text(site).Text("k2").Int(1), "count of k2"); }),
                 "abandoned count of another kiosk");
    // An UPDATE of another kiosk's heartbeat finds no row it may see: it changes nothing.
    CHECK(k1.Exec("UPDATE heartbeats SET rows_waiting = 100", "updating every heartbeat").AffectedRows() == 1);
    CHECK(k1.Exec("SELECT kiosk_id FROM heartbeats", "reading heartbeats").Rows() == 1);

    PgConnection admin(db.AdminUri());
    PgResult beats = admin.Exec("SELECT kiosk_id, rows_waiting FROM heartbeats ORDER BY kiosk_id", "reading");
    REQUIRE(beats.Rows() == 2);
    CHECK(beats.Int(0, 1) == 100);
    CHECK(beats.Int(1, 1) == 9);
    CHECK(admin.Exec("SELECT count FROM abandoned", "reading").Int(0, 0) == 4);
}

TEST_CASE("a console reads its site's results and marks one reviewed, and sees no other site") {
    ClinicDb db;
    db.Init();
    const std::string north = db.Site("north"), south = db.Site("south");
    PgConnection k1(db.AddKiosk(north, "k1"));
    PgConnection s1(db.AddKiosk(south, "k1"));
    REQUIRE(test_support::InsertResult(k1, kResultId, north, "k1") == 1);
    REQUIRE(test_support::InsertResult(s1, "9d2e4f60-1a3b-4c5d-8e7f-0a1b2c3d4e5f", south, "k1") == 1);
    REQUIRE(test_support::InsertAlert(k1, kAlertId, north, "k1") == 1);
    PgConnection console(db.AddConsole(north, "desk"));

    PgResult board = console.Exec("SELECT id, kiosk_id, outcome, sealed FROM results", "reading the board");
    REQUIRE(board.Rows() == 1);
    CHECK(board.Text(0, 0) == kResultId);
    CHECK(board.Bytes(0, 3) == test_support::SealedBytes('r'));
    CHECK(console.Exec("UPDATE results SET status = 'reviewed', reviewed_by = 'dr a', reviewed_at = now() WHERE id = $1",
                       PgParams().Text(kResultId), "marking reviewed")
              .AffectedRows() == 1);
    CHECK(console.Exec("UPDATE alerts SET acknowledged_by = 'dr a', acknowledged_at = now()", "acknowledging").AffectedRows() == 1);
    CHECK(console.Exec("UPDATE results SET status = 'reviewed' WHERE site_id = $1", PgParams().Text(south), "another site's")
              .AffectedRows() == 0);
    // Only the review columns: the sealed answers and the routing are not the console's to change.
    CheckRefused(ServerErrorOf([&] { console.Exec("UPDATE results SET outcome = 'stop'", "changing an outcome"); }), "outcome");
    CheckRefused(ServerErrorOf([&] { console.Exec("UPDATE alerts SET sealed = ''", "changing an alert"); }), "alert's sealed");
    CheckRefused(ServerErrorOf([&] { console.Exec("DELETE FROM results", "deleting"); }), "delete");
    CheckRefused(ServerErrorOf([&] { test_support::InsertResult(console, "1d2e4f60-1a3b-4c5d-8e7f-0a1b2c3d4e5f", north, "k1"); }),
                 "a console inserting a result");

    PgConnection admin(db.AdminUri());
    PgResult status = admin.Exec("SELECT site_id, status, reviewed_by FROM results ORDER BY site_id", "reading");
    REQUIRE(status.Rows() == 2);
    CHECK(status.Text(0, 1) == "reviewed");
    CHECK(status.Text(0, 2) == "dr a");
    CHECK(status.Text(1, 1) == "pending");
}

TEST_CASE("neither a console nor a kiosk can create, alter or drop: only the administrator changes the schema") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    PgConnection console(db.AddConsole(site, "desk"));
    PgConnection kiosk(db.AddKiosk(site, "k1"));
    for (PgConnection* conn : {&console, &kiosk}) {
        for (const char* sql : {"CREATE TABLE notes (t text)", "ALTER TABLE results ADD COLUMN note text", "DROP TABLE results",
                                "ALTER TABLE results DISABLE ROW LEVEL SECURITY", "DROP POLICY kiosk_inserts_own ON results",
                                "UPDATE clinic_schema SET version = 99", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'"})
            CheckRefused(ServerErrorOf([&] { conn->Exec(sql, "changing the schema"); }), sql);
    }
    CHECK(*ServerSchemaVersion(db.AdminUri()).value == kServerSchemaVersion);
}

TEST_CASE("the console's accounts and audit (migration 2): a kiosk reads none of them, a console only its site's and changes only the counters") {
    ClinicDb db;
    db.Init();
    const std::string north = db.Site("north"), south = db.Site("south");
    PgConnection kiosk(db.AddKiosk(north, "k1"));
    db.AddKiosk(south, "k1");
    PgConnection console(db.AddConsole(north, "desk"));
    PgConnection admin(db.AdminUri());
    for (const std::string& site : {north, south}) {
        admin.Exec("INSERT INTO console_staff (site_id, name, role, pin_hash) VALUES ($1, 'Dr A', 'clinician', 'kiosk-secret-v1$x')",
                   PgParams().Text(site), "adding staff");
        admin.Exec("INSERT INTO console_staff_keys (site_id, name, fingerprint, public_key, wrapped) VALUES ($1, 'Dr A', 'f1', $2, 'w')",
                   PgParams().Text(site).Bytes(std::string(32, 'k')), "adding a key");
        admin.Exec("INSERT INTO console_audit (site_id, console, actor, action, detail) VALUES ($1, 'desk', 'cli', 'add_staff', 'Dr A')",
                   PgParams().Text(site), "auditing");
    }

    // A kiosk reads none of the new tables, and changes none of them.
    for (const char* sql : {"SELECT * FROM console_staff", "SELECT * FROM console_staff_keys", "SELECT * FROM console_audit",
                            "UPDATE console_staff SET failures = 0", "INSERT INTO console_audit (site_id, console, actor, action) "
                                                                     "VALUES ('x', 'desk', 'kiosk', 'x')",
                            "UPDATE alerts SET escalated_at = now()"})
        CheckRefused(ServerErrorOf([&] { kiosk.Exec(sql, "as a kiosk"); }), sql);

    // A console reads its own site's accounts (with the hash it checks PINs against) and keys only.
    PgResult staff = console.Exec("SELECT site_id, pin_hash FROM console_staff", "reading accounts");
    REQUIRE(staff.Rows() == 1);
    CHECK(staff.Text(0, 0) == north);
    CHECK(console.Exec("SELECT site_id FROM console_staff_keys", "reading keys").Rows() == 1);
    CHECK(console.Exec("SELECT site_id FROM console_audit", "reading the audit").Rows() == 1);
    // It may change the failure counter and lockout, of its own site's accounts only.
    CHECK(console.Exec("UPDATE console_staff SET failures = 3, last_failure_at = now(), locked_until = now()", "counting").AffectedRows() == 1);
    for (const char* sql : {"UPDATE console_staff SET pin_hash = 'kiosk-secret-v1$y'", "UPDATE console_staff SET role = 'admin'",
                            "UPDATE console_staff SET active = false", "DELETE FROM console_staff",
                            "INSERT INTO console_staff (site_id, name, role, pin_hash) VALUES ('x', 'y', 'admin', 'kiosk-secret-v1$z')",
                            "UPDATE console_staff_keys SET wrapped = ''", "DELETE FROM console_staff_keys",
                            "UPDATE alerts SET acknowledged_at = NULL, escalated_at = now(), sealed = ''"})
        CheckRefused(ServerErrorOf([&] { console.Exec(sql, "as a console"); }), sql);
    CheckRefused(ServerErrorOf([&] {
                     console.Exec("INSERT INTO console_staff_keys (site_id, name, fingerprint, public_key, wrapped) VALUES ($1, 'Dr A', 'f2', $2, 'w')",
                                  PgParams().Text(north).Bytes(std::string(32, 'k')), "adding a key");
                 }),
                 "a console adding a key");

    // console_audit is append-only for a console: its own site and name, the server's id and time.
    CHECK(console.Exec("INSERT INTO console_audit (site_id, console, actor, action, detail) VALUES ($1, 'desk', 'staff:Dr A', 'lock', '')",
                       PgParams().Text(north), "appending")
              .AffectedRows() == 1);
    for (const char* sql : {"UPDATE console_audit SET detail = 'nothing happened'", "DELETE FROM console_audit", "TRUNCATE console_audit"})
        CheckRefused(ServerErrorOf([&] { console.Exec(sql, "altering the audit"); }), sql);
    CheckRefused(ServerErrorOf([&] {
                     console.Exec("INSERT INTO console_audit (site_id, console, actor, action) VALUES ($1, 'desk', 'x', 'x')",
                                  PgParams().Text(south), "another site's row");
                 }),
                 "an audit row of another site");
    CheckRefused(ServerErrorOf([&] {
                     console.Exec("INSERT INTO console_audit (site_id, console, actor, action) VALUES ($1, 'desk2', 'x', 'x')",
                                  PgParams().Text(north), "another console's row");
                 }),
                 "an audit row of another console");
    CheckRefused(ServerErrorOf([&] {
                     console.Exec("INSERT INTO console_audit (site_id, console, actor, action, at) VALUES ($1, 'desk', 'x', 'x', '2000-01-01')",
                                  PgParams().Text(north), "a row dated by the console");
                 }),
                 "an audit row with its own time");

    PgResult after = admin.Exec("SELECT site_id, pin_hash, role, active, failures FROM console_staff ORDER BY site_id", "reading");
    REQUIRE(after.Rows() == 2);
    CHECK(after.Text(0, 1) == "kiosk-secret-v1$x");
    CHECK(after.Text(0, 2) == "clinician");
    CHECK(after.Text(0, 3) == "t");
    CHECK(after.Int(0, 4) == 3);
    CHECK(after.Int(1, 4) == 0);
    CHECK(test_support::CountRows(db.AdminUri(), "console_audit") == 3);
    CHECK(admin.Exec("SELECT count(*) FROM console_audit WHERE detail = 'nothing happened'", "reading").Int(0, 0) == 0);
}
