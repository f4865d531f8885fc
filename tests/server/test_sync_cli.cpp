// `kiosk sync` and `kiosk sync --status` end to end, with a kiosk.toml and a passfile, on a real
// server; and kiosk.toml's clinic_server, site and heartbeat_seconds, each refused at its place.
#include <doctest/doctest.h>

#include "../cli/run_kiosk.h"
#include "cli/config.h"
#include "server_fixture.h"

using test_support::ClinicDb;
using test_support::Kiosk;

namespace {

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A set-up clinic database with one result of kiosk k1, and a kiosk.toml pointing at `server`.
struct SyncKiosk {
    test_support::CleanEnvironment env;
    std::string database = env.dir.File("data/clinic.db");
    std::string config;
    SyncKiosk(const std::string& server, const std::string& site) {
        test_support::SetUpClinic(database);
        auto store = test_support::OpenStore({database});
        kiosk::store::SubmissionRecord record = test_support::SampleRecord();
        record.kiosk_id = "k1";
        REQUIRE(store->Submit(record, "kiosk").ok());
        config = env.dir.Write("kiosk.toml", "database = \"" + database + "\"\nkiosk_id = \"k1\"\nclinic_server = \"" + server +
                                                 "\"\nsite = \"" + site + "\"\n");
    }
};

}  // namespace

TEST_CASE("kiosk sync sends what waits and exits 0, and sync --status then says 0 waiting") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    SyncKiosk k(db.AddKiosk(site, "k1"), site);

    auto before = Kiosk({"sync", "--status", "--config", k.config});
    REQUIRE_MESSAGE(before.code == kiosk::kExitOk, before.err);
    CHECK(Has(before.out, "nothing sent yet"));
    CHECK_FALSE(Has(before.out, " 0 waiting"));

    auto sync = Kiosk({"sync", "--config", k.config});
    REQUIRE_MESSAGE(sync.code == kiosk::kExitOk, sync.err);
    CHECK(Has(sync.out, "1 results"));
    CHECK(Has(sync.out, "last sent 0 s ago, 0 waiting"));
    CHECK(test_support::CountRows(db.AdminUri(), "results") == 1);

    auto status = Kiosk({"sync", "--status", "--config", k.config});
    REQUIRE(status.code == kiosk::kExitOk);
    CHECK(Has(status.out, "s ago, 0 waiting"));
    // Again: nothing to send, nothing doubled.
    auto again = Kiosk({"sync", "--config", k.config});
    CHECK(again.code == kiosk::kExitOk);
    CHECK(Has(again.out, "sent 0 alerts, 0 results"));
    CHECK(test_support::CountRows(db.AdminUri(), "results") == 1);
}

TEST_CASE("kiosk sync without the server, or refused by it, exits 5 with the reason, and sync --status shows that reason") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    const std::string uri = db.AddKiosk(site, "k1");
    {
        // A port no one listens on: the server down.
        SyncKiosk down("host=127.0.0.1 port=1 dbname=" + db.name + " user=kiosk." + site + ".k1 connect_timeout=2", site);
        auto sync = Kiosk({"sync", "--config", down.config});
        CHECK(sync.code == kiosk::kExitServer);
        CHECK(Has(sync.err, "kiosk sync: the clinic server: connecting"));
        auto status = Kiosk({"sync", "--status", "--config", down.config});
        REQUIRE(status.code == kiosk::kExitOk);
        CHECK(Has(status.out, " waiting, oldest "));
        CHECK(Has(status.out, "; last failure "));
        CHECK(Has(status.out, "connecting"));
    }
    {
        // A kiosk whose configuration names another site: refused by the server, kept as the reason.
        SyncKiosk wrong(uri, db.Site("south"));
        auto sync = Kiosk({"sync", "--config", wrong.config});
        CHECK(sync.code == kiosk::kExitServer);
        CHECK(Has(sync.err, "42501"));
        CHECK(Has(Kiosk({"sync", "--status", "--config", wrong.config}).out, "42501"));
        CHECK(test_support::CountRows(db.AdminUri(), "results") == 0);
    }
}

TEST_CASE("kiosk sync without clinic_server says so and exits 2, and sync --help documents the exit codes") {
    test_support::CleanEnvironment env;
    const std::string config = env.dir.Write("kiosk.toml", "database = \"" + env.dir.File("data/clinic.db") + "\"\n");
    for (auto args : {std::vector<std::string>{"sync", "--config", config}, std::vector<std::string>{"sync", "--status", "--config", config}}) {
        auto r = Kiosk(args);
        CHECK(r.code == kiosk::kExitUsage);
        CHECK(Has(r.err, "no clinic server is configured"));
    }
    auto help = Kiosk({"sync", "--help"});
    CHECK(help.code == kiosk::kExitOk);
    CHECK(Has(help.out, "5 the clinic server could not be reached"));
    CHECK(Has(Kiosk({"--help"}).out, "sync [--status]"));
}

TEST_CASE("kiosk.toml: clinic_server, site and heartbeat_seconds are read, and each bad one is an error at its place") {
    {
        auto load = kiosk::ParseConfig("clinic_server = \"postgresql://kiosk@localhost/clinic\"\nsite = \"north\"\nheartbeat_seconds = 60\n",
                                       "kiosk.toml");
        CHECK(load.errors.empty());
        CHECK(load.config.clinic_server == "postgresql://kiosk@localhost/clinic");
        CHECK(load.config.site == "north");
        CHECK(load.config.heartbeat_seconds == 60);
    }
    {
        auto load = kiosk::ParseConfig("kiosk_id = \"k1\"\n", "kiosk.toml");
        CHECK(load.errors.empty());
        CHECK(load.config.clinic_server.empty());
        CHECK(load.config.heartbeat_seconds == 30);
    }
    struct Bad {
        const char* text;
        const char* error;
    };
    const Bad bad[] = {
        {"clinic_server = \"postgresql://k:secret@localhost/clinic\"\nsite = \"north\"\n", "kiosk.toml:1:17: 'clinic_server': the clinic server's address holds a password"},
        {"clinic_server = \"postgresql://k@clinic.example.org/clinic\"\nsite = \"north\"\n", "kiosk.toml:1:17: 'clinic_server': the clinic server clinic.example.org is not on this machine"},
        {"clinic_server = \"postgresql://k@localhost/clinic\"\n", "kiosk.toml:1:17: 'clinic_server' needs 'site' too"},
        {"clinic_server = \"postgresql://k@localhost/clinic\"\nsite = \"a b\"\n", "kiosk.toml:2:8: 'site': the site id 'a b' may hold only"},
        {"heartbeat_seconds = 1\n", "kiosk.toml:1:21: 'heartbeat_seconds' must be a whole number of seconds from 5 to 3600"},
        {"heartbeat_seconds = \"30\"\n", "kiosk.toml:1:21: 'heartbeat_seconds' must be"},
        {"clinic_server = 5\nsite = \"north\"\n", "kiosk.toml:1:17: 'clinic_server' must be a non-empty string"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.text);
        auto load = kiosk::ParseConfig(b.text, "kiosk.toml");
        REQUIRE(load.errors.size() >= 1);
        CAPTURE(load.errors[0]);
        CHECK(load.errors[0].rfind(b.error, 0) == 0);
    }
    // A broken one stops kiosk sync before anything is sent (exit 1, as for every command).
    test_support::CleanEnvironment env;
    const std::string config = env.dir.Write("kiosk.toml", "clinic_server = \"postgresql://k@localhost/clinic\"\n");
    auto r = Kiosk({"sync", "--config", config});
    CHECK(r.code == kiosk::kExitInvalid);
    CHECK(Has(r.err, "needs 'site' too"));
}
