// The server's schema on a real PostgreSQL: init, migrate, a newer server refused, the alert
// trigger's notification, the connection's typed errors, and the server URI check.
#include <doctest/doctest.h>

#include <chrono>

#include "server_fixture.h"

using namespace kiosk::server;
using test_support::ClinicDb;

TEST_CASE("clinic init on an empty database gives the latest schema version") {
    ClinicDb db;
    auto before = ServerSchemaVersion(db.AdminUri());
    REQUIRE(before.ok());
    CHECK(*before.value == 0);
    auto init = InitServer(db.AdminUri());
    REQUIRE_MESSAGE(init.ok(), init.error->Describe());
    CHECK(init.value->from == 0);
    CHECK(init.value->to == kServerSchemaVersion);
    CHECK(*ServerSchemaVersion(db.AdminUri()).value == kServerSchemaVersion);
    CHECK(CheckServerSchema(db.AdminUri()).ok());
    // Everything is the administrator's: no one else changes the schema.
    PgConnection admin(db.AdminUri());
    PgResult owners = admin.Exec(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user", "reading table owners");
    CHECK(owners.Int(0, 0) == 0);
}

TEST_CASE("migrate after init, twice, changes nothing") {
    ClinicDb db;
    db.Init();
    for (int i = 0; i < 2; ++i) {
        auto r = MigrateServer(db.AdminUri());
        REQUIRE_MESSAGE(r.ok(), r.error->Describe());
        CHECK(r.value->from == kServerSchemaVersion);
        CHECK(r.value->to == kServerSchemaVersion);
    }
    // init again is migrate: the roles exist, nothing to apply.
    auto again = InitServer(db.AdminUri());
    REQUIRE_MESSAGE(again.ok(), again.error->Describe());
    CHECK(again.value->from == again.value->to);
}

TEST_CASE("migrate refuses a database that was never initialised") {
    ClinicDb db;
    auto r = MigrateServer(db.AdminUri());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->kind == ServerErrorKind::Other);
    CHECK(r.error->message.find("kiosk clinic init") != std::string::npos);
    CHECK(*ServerSchemaVersion(db.AdminUri()).value == 0);
}

TEST_CASE("a server whose schema is newer than the code is refused with a clear message") {
    ClinicDb db;
    db.Init();
    PgConnection(db.AdminUri()).Exec("UPDATE clinic_schema SET version = $1", PgParams().Int(kServerSchemaVersion + 1), "setting");
    for (const auto& r : {MigrateServer(db.AdminUri()), InitServer(db.AdminUri())}) {
        REQUIRE_FALSE(r.ok());
        CHECK(r.error->kind == ServerErrorKind::TooNew);
        CHECK(r.error->message.find("newer than this kiosk's") != std::string::npos);
    }
    auto check = CheckServerSchema(db.AdminUri());
    REQUIRE_FALSE(check.ok());
    CHECK(check.error->kind == ServerErrorKind::TooNew);
    auto kiosk = AddKiosk(db.AdminUri(), db.Site("north"), "k1");
    REQUIRE_FALSE(kiosk.ok());
    CHECK(kiosk.error->kind == ServerErrorKind::TooNew);
}

TEST_CASE("an alert inserted by a kiosk notifies clinic_alert with its site and id, once") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    const std::string kiosk_uri = db.AddKiosk(site, "k1");
    PgConnection console(db.AdminUri());
    console.Exec(std::string("LISTEN ") + kAlertChannel, "listening");
    CHECK_FALSE(console.WaitForNotification(std::chrono::milliseconds(0)));

    PgConnection kiosk(kiosk_uri);
    const std::string id = "7a0c1a52-2f0e-4c1b-9d55-3c2a4f6e0b01";
    CHECK(test_support::InsertAlert(kiosk, id, site, "k1") == 1);
    auto note = console.WaitForNotification(std::chrono::seconds(5));
    REQUIRE(note);
    CHECK(note->channel == kAlertChannel);
    CHECK(note->payload == site + " " + id);
    // The same alert again inserts nothing, so nothing rings twice.
    CHECK(test_support::InsertAlert(kiosk, id, site, "k1") == 0);
    CHECK_FALSE(console.WaitForNotification(std::chrono::milliseconds(300)));
}

TEST_CASE("sealed bytes travel in binary and come back identical") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    PgConnection kiosk(db.AddKiosk(site, "k1"));
    const std::string sealed = test_support::SealedBytes('x');
    REQUIRE(test_support::InsertResult(kiosk, "0b9e0c58-8d6a-4f4e-b1a3-8f2f5f0e9c11", site, "k1", sealed) == 1);
    PgConnection admin(db.AdminUri());
    PgResult row = admin.Exec("SELECT sealed, status FROM results", "reading");
    REQUIRE(row.Rows() == 1);
    CHECK(row.Bytes(0, 0) == sealed);
    CHECK(row.Text(0, 1) == "pending");
}

TEST_CASE("a transaction rolls back unless committed, and a failed one does not pretend to commit") {
    ClinicDb db;
    db.Init();
    PgConnection admin(db.AdminUri());
    {
        PgTransaction t(admin, "adding a site");
        admin.Exec("INSERT INTO sites (site_id) VALUES ('gone')", "adding a site");
    }
    CHECK(admin.Exec("SELECT count(*) FROM sites", "counting").Int(0, 0) == 0);
    PgTransaction t(admin, "adding sites");
    admin.Exec("INSERT INTO sites (site_id) VALUES ('a')", "adding a site");
    auto dup = test_support::ServerErrorOf([&] { admin.Exec("INSERT INTO sites (site_id) VALUES ('a')", "adding it again"); });
    REQUIRE(dup);
    CHECK(dup->kind == ServerErrorKind::Constraint);
    CHECK(dup->sqlstate == "23505");
    CHECK(dup->message.find("duplicate key") != std::string::npos);
    auto commit = test_support::ServerErrorOf([&] { t.Commit(); });
    REQUIRE(commit);
    CHECK(commit->message.find("rolled the transaction back") != std::string::npos);
    CHECK(admin.Exec("SELECT count(*) FROM sites", "counting").Int(0, 0) == 0);
}

TEST_CASE("a stopped server is Unreachable, and it serves again after a restart on the same port") {
    ClinicDb db;
    db.Init();
    PgConnection before(db.AdminUri());
    // A checkpoint first keeps the restart's recovery short: this test is about what the client
    // sees, not how long PostgreSQL replays its log.
    PgConnection(db.cluster.SuperUri()).Exec("CHECKPOINT", "checkpoint");
    REQUIRE(db.cluster.StopImmediately() == "");
    auto lost = test_support::ServerErrorOf([&] { before.Exec("SELECT 1", "asking after the stop"); });
    REQUIRE(lost);
    CHECK(lost->kind == ServerErrorKind::Unreachable);
    auto connect = test_support::ServerErrorOf([&] { PgConnection c(db.AdminUri()); });
    const std::string restarted = db.cluster.Start();
    REQUIRE(connect);
    CHECK(connect->kind == ServerErrorKind::Unreachable);
    CHECK(connect->message.find("127.0.0.1") != std::string::npos);  // libpq's own text is kept
    REQUIRE_MESSAGE(restarted == "", restarted);
    auto r = CheckServerSchema(db.AdminUri());
    CHECK_MESSAGE(r.ok(), r.error->Describe());
}

TEST_CASE("a wrong password and an unknown role are Auth, with libpq's message") {
    ClinicDb db;
    auto wrong = test_support::ServerErrorOf([&] { PgConnection c(db.AdminUri() + " password=not-the-password"); });
    REQUIRE(wrong);
    CHECK(wrong->kind == ServerErrorKind::Auth);
    CHECK(wrong->message.find("password authentication failed") != std::string::npos);
    auto nobody = test_support::ServerErrorOf([&] { PgConnection c(db.cluster.Uri(db.name, "nobody") + " password=x"); });
    REQUIRE(nobody);
    CHECK(nobody->kind == ServerErrorKind::Auth);
    auto r = ServerSchemaVersion(db.AdminUri() + " password=not-the-password");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->kind == ServerErrorKind::Auth);
}

TEST_CASE("CheckServerUri: no password in it, and TLS verified for a host that is not this machine") {
    struct Case {
        const char* uri;
        const char* problem;  // a part of the message, or nullptr: accepted
    } cases[] = {
        {"postgresql://kiosk.north.k1@localhost/clinic", nullptr},
        {"postgresql://kiosk.north.k1@127.0.0.1:5432/clinic", nullptr},
        {"postgresql://kiosk.north.k1@[::1]/clinic", nullptr},
        {"postgresql://kiosk.north.k1@%2Fvar%2Frun%2Fpostgresql/clinic", nullptr},
        {"host=/var/run/postgresql dbname=clinic user=k", nullptr},
        {"postgresql:///clinic", nullptr},
        {"postgresql://k@db.clinic.example/clinic?sslmode=verify-full&sslrootcert=/etc/kiosk/ca.pem", nullptr},
        {"postgresql://k:secret@localhost/clinic", "~/.pgpass or passfile="},
        {"host=localhost password=secret", "not in kiosk.toml"},
        {"postgresql://k@db.clinic.example/clinic", "sslrootcert"},
        {"postgresql://k@db.clinic.example/clinic?sslmode=require", "verify-full"},
        {"postgresql://k@localhost,db.clinic.example/clinic", "db.clinic.example"},
        {"host=10.0.0.5 dbname=clinic", "10.0.0.5"},
        {"postgresql://k@localhost/clinic?nonsense=1", "cannot be read"},
        {"host='unterminated", "cannot be read"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.uri);
        const auto problem = CheckServerUri(c.uri);
        if (!c.problem) {
            CHECK_MESSAGE(!problem, *problem);
        } else {
            REQUIRE(problem);
            CHECK_MESSAGE(problem->find(c.problem) != std::string::npos, *problem);
        }
    }
}

TEST_CASE("a server at schema 1, with rows, migrates to 2: the rows stay, the console's tables and escalated_at are added") {
    ClinicDb db;
    auto one = InitServer(db.AdminUri(), 1);
    REQUIRE_MESSAGE(one.ok(), one.error->Describe());
    CHECK(one.value->to == 1);
    const std::string site = db.Site("north");
    PgConnection admin(db.AdminUri());
    // Schema 1's code registered a kiosk and it sent an alert (kiosk clinic add-kiosk refuses an old schema now).
    admin.Exec("INSERT INTO sites VALUES ($1)", PgParams().Text(site), "a site");
    admin.Exec("INSERT INTO kiosks VALUES ($1, 'k1', 'nobody')", PgParams().Text(site), "a kiosk");
    CHECK(test_support::InsertAlert(admin, "c3e1a9d0-6b2f-4e57-8a1c-0f9d7b5e3a24", site, "k1") == 1);
    CHECK(admin.Exec("SELECT to_regclass('console_staff') IS NULL", "before").Text(0, 0) == "t");
    auto check = CheckServerSchema(db.AdminUri());
    REQUIRE_FALSE(check.ok());
    CHECK(check.error->message.find("kiosk clinic migrate") != std::string::npos);

    auto r = MigrateServer(db.AdminUri());
    REQUIRE_MESSAGE(r.ok(), r.error->Describe());
    CHECK(r.value->from == 1);
    CHECK(r.value->to == 2);
    CHECK(*ServerSchemaVersion(db.AdminUri()).value == 2);
    PgResult alert = admin.Exec("SELECT site_id, escalated_at IS NULL FROM alerts", "after");
    REQUIRE(alert.Rows() == 1);
    CHECK(alert.Text(0, 0) == site);
    CHECK(alert.Text(0, 1) == "t");
    for (const char* table : {"console_staff", "console_staff_keys", "console_audit"})
        CHECK(test_support::CountRows(db.AdminUri(), table) == 0);
    // Everything is still the administrator's.
    CHECK(admin.Exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user", "owners").Int(0, 0) == 0);
}
