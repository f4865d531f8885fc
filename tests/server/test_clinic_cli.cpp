// `kiosk clinic` on a real server: what an administrator types and reads, the lines printed for a
// kiosk (and that they work), and the usage errors.
#include <doctest/doctest.h>

#include "../cli/run_kiosk.h"
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
