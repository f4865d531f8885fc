// `kiosk clinic` on a real server: what an administrator types and reads, the lines printed for a
// kiosk (and that they work), and the usage errors.
#include <doctest/doctest.h>

#include "../cli/run_kiosk.h"
#include "server/console_client.h"
#include "server_fixture.h"

using test_support::ClinicDb;
using test_support::Kiosk;

namespace {

// The line of `out` that starts (after its indent) with `prefix`, without the indent.
std::string LineStarting(const std::string& out, const std::string& prefix) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        const size_t start = line.find_first_not_of(' ');
        if (start != std::string::npos && line.compare(start, prefix.size(), prefix) == 0) return line.substr(start);
    }
    return "";
}

}  // namespace

TEST_CASE("kiosk clinic init, then migrate says up to date") {
    ClinicDb db;
    auto init = Kiosk({"clinic", "init", "--server", db.AdminUri()});
    CHECK_MESSAGE(init.code == kiosk::kExitOk, init.err);
    CHECK(init.out.find("now version " + std::to_string(kiosk::server::kServerSchemaVersion) + " (it was 0)") != std::string::npos);
    for (int i = 0; i < 2; ++i) {
        auto migrate = Kiosk({"clinic", "migrate", "--server", db.AdminUri()});
        CHECK_MESSAGE(migrate.code == kiosk::kExitOk, migrate.err);
        CHECK(migrate.out.find("up to date") != std::string::npos);
    }
}

TEST_CASE("kiosk clinic migrate refuses a newer server, and an uninitialised one, with the message") {
    ClinicDb db;
    auto empty = Kiosk({"clinic", "migrate", "--server", db.AdminUri()});
    CHECK(empty.code == kiosk::kExitInvalid);
    CHECK(empty.err.find("run kiosk clinic init") != std::string::npos);
    db.Init();
    kiosk::server::PgConnection(db.AdminUri()).Exec("UPDATE clinic_schema SET version = 1000", "setting");
    auto r = Kiosk({"clinic", "migrate", "--server", db.AdminUri()});
    CHECK(r.code == kiosk::kExitInvalid);
    CHECK(r.err.find("schema is version 1000, newer than this kiosk's") != std::string::npos);
}

TEST_CASE("kiosk clinic add-kiosk prints the pgpass line and a URI without the password, and they work") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    auto r = Kiosk({"clinic", "add-kiosk", "--server", db.AdminUri(), "--site", site, "--kiosk", "k1"});
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    const std::string role = "kiosk." + site + ".k1";
    const std::string pgpass = LineStarting(r.out, "127.0.0.1:");
    const std::string prefix = "127.0.0.1:" + std::to_string(db.cluster.Port()) + ":" + db.name + ":" + role + ":";
    REQUIRE(pgpass.rfind(prefix, 0) == 0);
    const std::string password = pgpass.substr(prefix.size());
    CHECK(password.size() == 32);
    const std::string toml = LineStarting(r.out, "clinic_server = ");
    CHECK(toml == "clinic_server = \"postgresql://" + role + "@127.0.0.1:" + std::to_string(db.cluster.Port()) + "/" + db.name + "\"");
    CHECK(toml.find(password) == std::string::npos);
    // The URI passes the kiosk's own check, and with the pgpass line it logs in as the kiosk.
    const std::string uri = toml.substr(std::string("clinic_server = \"").size(), toml.size() - 18);
    CHECK_FALSE(kiosk::server::CheckServerUri(uri));
    db.cluster.AddPassword(pgpass);
    kiosk::server::PgConnection conn(uri + "?passfile=" + db.cluster.Passfile());
    CHECK(conn.Exec("SELECT current_user", "who").Text(0, 0) == role);
    CHECK(test_support::InsertResult(conn, "2c4e6a80-1b3d-4f5a-9c7e-0d2f4a6c8e10", site, "k1") == 1);
    // Registered once: the same kiosk again is refused, and its role is untouched.
    auto again = Kiosk({"clinic", "add-kiosk", "--server", db.AdminUri(), "--site", site, "--kiosk", "k1"});
    CHECK(again.code == kiosk::kExitInvalid);
    CHECK(again.err.find("kiosk k1 of site " + site + " is registered already") != std::string::npos);
    kiosk::server::PgConnection still(uri + "?passfile=" + db.cluster.Passfile());
}

TEST_CASE("kiosk clinic add-console makes a console login of the site") {
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    auto r = Kiosk({"clinic", "add-console", "--server", db.AdminUri(), "--site", site, "--name", "front-desk"});
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    CHECK(r.out.find("console.") != std::string::npos);
    db.cluster.AddPassword(LineStarting(r.out, "127.0.0.1:"));
    kiosk::server::PgConnection console(db.cluster.Uri(db.name, "console." + site + ".front-desk"));
    CHECK(console.Exec("SELECT count(*) FROM results", "reading the board").Int(0, 0) == 0);
}

TEST_CASE("kiosk clinic: wrong usage exits 2 with the reason, an unreachable server 1 with libpq's") {
    struct Case {
        std::vector<std::string> args;
        const char* says;
    } cases[] = {
        {{"clinic"}, "Usage: kiosk clinic init"},
        {{"clinic", "init"}, "clinic init needs --server URI"},
        {{"clinic", "grow", "--server", "x"}, "unknown clinic command 'grow'"},
        {{"clinic", "migrate", "--server", "x", "--site", "a"}, "takes --server URI only"},
        {{"clinic", "add-kiosk", "--server", "x", "--site", "a"}, "needs --server URI, --site SITE and --kiosk ID"},
        {{"clinic", "add-console", "--server", "x", "--site", "a", "--kiosk", "k"}, "--name NAME"},
        {{"clinic", "add-kiosk", "--server", "x", "--site", "a b", "--kiosk", "k"}, "the site id 'a b' may hold only"},
        {{"clinic", "add-kiosk", "--server", "x", "--site", "a", "--kiosk", std::string(25, 'k')}, "1 to 24"},
        {{"clinic", "init", "--server"}, "--server needs a postgresql:// URI"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.args.size() > 1 ? c.args[1] : c.args[0]);
        auto r = Kiosk(c.args);
        CHECK(r.code == kiosk::kExitUsage);
        CHECK_MESSAGE(r.err.find(c.says) != std::string::npos, r.err);
    }
    CHECK(Kiosk({"clinic", "--help"}).code == kiosk::kExitOk);
    CHECK(Kiosk({"--help"}).out.find("clinic init|migrate --server URI") != std::string::npos);
    // A port where nothing listens: refused, said as libpq says it.
    auto r = Kiosk({"clinic", "init", "--server", "host=127.0.0.1 port=1 connect_timeout=2"});
    CHECK(r.code == kiosk::kExitInvalid);
    CHECK(r.err.find("connecting to the clinic server") != std::string::npos);
    CHECK(r.err.find("Connection refused") != std::string::npos);
}

TEST_CASE("kiosk clinic migrate takes a server at schema 1 to 2") {
    ClinicDb db;
    REQUIRE(kiosk::server::InitServer(db.AdminUri(), 1).ok());
    auto r = Kiosk({"clinic", "migrate", "--server", db.AdminUri()});
    CHECK_MESSAGE(r.code == kiosk::kExitOk, r.err);
    CHECK(r.out.find("now version 2 (it was 1)") != std::string::npos);
}

TEST_CASE("kiosk clinic add-staff reads the PIN twice and keeps only its hash, and grant-key gives a clinician the kiosk's clinic key") {
    test_support::CleanEnvironment env;
    ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    db.AddKiosk(site, "k1");
    const std::string console_uri = db.AddConsole(site, "desk");
    const std::string pin = "31415926";
    auto add = [&](const std::string& name, const std::string& role, const std::string& input) {
        return Kiosk({"clinic", "add-staff", "--server", db.AdminUri(), "--site", site, "--name", name, "--role", role}, input);
    };
    auto added = add("Dr Carla", "clinician", pin + "\n" + pin + "\n");
    REQUIRE_MESSAGE(added.code == kiosk::kExitOk, added.err);
    CHECK(added.out.find("Added Dr Carla (clinician) to the consoles of site " + site) != std::string::npos);
    CHECK(added.out.find("grant-key") != std::string::npos);
    CHECK(added.out.find(pin) == std::string::npos);
    REQUIRE(add("Dan Desk", "front_desk", "27182818\n27182818\n").code == kiosk::kExitOk);
    {
        kiosk::server::PgConnection admin(db.AdminUri());
        auto rows = admin.Exec("SELECT pin_hash FROM console_staff WHERE name = 'Dr Carla'", "reading");
        REQUIRE(rows.Rows() == 1);
        CHECK(rows.Text(0, 0).rfind("kiosk-secret-v1$", 0) == 0);
        CHECK(rows.Text(0, 0).find(pin) == std::string::npos);
    }
    // Refusals: PINs that differ, a short PIN, a name taken, a site the server does not have.
    auto differ = add("Eve", "clinician", "31415926\n31415927\n");
    CHECK(differ.code == kiosk::kExitInvalid);
    CHECK(differ.err.find("the two PINs differ") != std::string::npos);
    auto short_pin = add("Eve", "clinician", "1234\n1234\n");
    CHECK(short_pin.code == kiosk::kExitInvalid);
    CHECK(short_pin.err.find("8 digits") != std::string::npos);
    auto taken = add("Dr Carla", "admin", pin + "\n" + pin + "\n");
    CHECK(taken.code == kiosk::kExitInvalid);
    CHECK(taken.err.find("has an account named Dr Carla already") != std::string::npos);
    auto nowhere = Kiosk({"clinic", "add-staff", "--server", db.AdminUri(), "--site", "nowhere", "--name", "Eve", "--role", "admin"},
                         pin + "\n" + pin + "\n");
    CHECK(nowhere.code == kiosk::kExitInvalid);
    CHECK(nowhere.err.find("has no site nowhere") != std::string::npos);
    auto bad_role = add("Eve", "janitor", "");
    CHECK(bad_role.code == kiosk::kExitUsage);
    CHECK(bad_role.err.find("the role 'janitor' is none of") != std::string::npos);

    // grant-key: the kiosk database's administrator's PIN, then the console account's.
    test_support::TempDir dir("clinic-grant");
    const std::string kiosk_db = dir.File("kiosk/clinic.db");
    test_support::SetUpClinic(kiosk_db);
    auto grant = [&](const std::string& name, const std::string& input) {
        return Kiosk({"clinic", "grant-key", "--server", db.AdminUri(), "--site", site, "--name", name, "--db", kiosk_db, "--by",
                      test_support::kClinicAdmin},
                     input);
    };
    const std::string admin_pin = test_support::kClinicAdminPin;
    auto wrong_console_pin = grant("Dr Carla", admin_pin + "\n99999999\n");
    CHECK(wrong_console_pin.code == kiosk::kExitInvalid);
    CHECK(wrong_console_pin.err.find("wrong PIN for Dr Carla") != std::string::npos);
    auto wrong_admin_pin = grant("Dr Carla", "99999999\n" + pin + "\n");
    CHECK(wrong_admin_pin.code == kiosk::kExitInvalid);
    CHECK(wrong_admin_pin.err.find("wrong PIN for " + std::string(test_support::kClinicAdmin)) != std::string::npos);
    auto desk = grant("Dan Desk", admin_pin + "\n27182818\n");
    CHECK(desk.code == kiosk::kExitInvalid);
    CHECK(desk.err.find("front desk account, which reads no results") != std::string::npos);
    CHECK(test_support::CountRows(db.AdminUri(), "console_staff_keys") == 0);

    auto granted = grant("Dr Carla", admin_pin + "\n" + pin + "\n");
    REQUIRE_MESSAGE(granted.code == kiosk::kExitOk, granted.err);
    const std::string fingerprint = kiosk::store::KeyFingerprint(test_support::TestKey()->Public());
    CHECK(granted.out.find("Dr Carla can now read") != std::string::npos);
    CHECK(granted.out.find(fingerprint) != std::string::npos);
    auto again = grant("Dr Carla", admin_pin + "\n" + pin + "\n");
    CHECK(again.code == kiosk::kExitOk);
    CHECK(again.out.find("already") != std::string::npos);

    // At the console, Dr Carla's PIN now opens that kiosk's clinic key.
    auto console = kiosk::server::ConsoleClient::Connect(console_uri);
    REQUIRE_MESSAGE(console.ok(), console.error->Describe());
    auto signed_in = (*console.value)->SignIn("Dr Carla", pin);
    REQUIRE_MESSAGE(signed_in.ok(), signed_in.error->Describe());
    REQUIRE(signed_in.value->outcome == kiosk::server::ConsoleSignIn::Outcome::SignedIn);
    REQUIRE(signed_in.value->keys.size() == 1);
    CHECK(signed_in.value->keys[0]->Public() == test_support::TestKey()->Public());
    auto log = (*console.value)->AuditLog(10);
    REQUIRE(log.ok());
    int grants = 0, staff_added = 0;
    for (const auto& e : *log.value) {
        grants += e.action == "grant_key";
        staff_added += e.action == "add_staff";
    }
    CHECK(grants == 1);
    CHECK(staff_added == 2);
}
