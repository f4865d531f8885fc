// At-least-once delivery with an idempotent insert, proven against kills: a child process drains
// the kiosk's outbox into a real server and is killed with SIGKILL at random moments, and now and
// then the server itself is stopped at once (pg_ctl stop -m immediate) while a child drains. The
// kiosk goes on storing rows between rounds. Afterwards every row committed locally is on the
// server exactly once. KIOSK_DRAIN_KILLS sets the rounds (CI: 200).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <set>

#include "../support.h"
#include "server/drain.h"
#include "server_fixture.h"

using namespace kiosk::server;
using kiosk::store::Store;

namespace {

// The child: one drain pass in batches of two, so a pass is many server transactions and a kill
// lands between a COMMIT and its MarkSent as often as inside either. Never returns.
// Writes one byte to `ready` once connected, so that the parent's kill lands in the pass itself.
[[noreturn]] void DrainChild(const std::string& path, const std::string& uri, const DrainOptions& options, int ready) {
    int code = 3;
    try {
        auto opened = Store::Open({path});
        if (auto* store = std::get_if<std::unique_ptr<Store>>(&opened)) {
            PgConnection conn(uri);
            if (::write(ready, "c", 1) != 1) std::_Exit(4);
            code = DrainOnce(**store, conn, options).ok() ? 0 : 1;
        }
    } catch (...) {
        code = 2;  // the server went away under it: a failure like any other
    }
    std::_Exit(code);
}

std::set<std::string> ServerColumn(const std::string& admin_uri, const std::string& sql, const std::string& site) {
    PgConnection admin(admin_uri);
    PgResult rows = admin.Exec(sql, PgParams().Text(site), "reading the server's rows");
    std::set<std::string> out;
    for (int i = 0; i < rows.Rows(); ++i) out.insert(rows.Text(i, 0));
    return out;
}

long long ServerCount(const std::string& admin_uri, const std::string& sql, const std::string& site) {
    PgConnection admin(admin_uri);
    return admin.Exec(sql, PgParams().Text(site), "counting the server's rows").Int(0, 0);
}

}  // namespace

TEST_CASE("SIGKILL of a draining kiosk and immediate stops of the server lose no row and double none") {
    int rounds = 200;
    if (const char* env = std::getenv("KIOSK_DRAIN_KILLS")) rounds = std::max(1, std::atoi(env));
    const int server_stops = std::max(2, rounds / 40);  // CI: 5, each a crash recovery of the server

    test_support::ClinicDb db;
    db.Init();
    const std::string site = db.Site("north");
    const std::string uri = db.AddKiosk(site, "k1");
    const DrainOptions options{site, "k1", 2};
    test_support::TempDir dir{"kiosk-drain-kills"};
    const std::string path = dir.File("clinic.db");
    auto store = test_support::OpenStore({path});

    std::mt19937 rng(20261202);
    std::set<std::string> local_results, local_alerts;
    int killed = 0, finished = 0, stopped = 0;
    // Kills that landed in the middle of a pass (some of its batches sent, some still waiting), and
    // those between a batch's COMMIT on the server and its mark in SQLite (the server has results
    // the kiosk still holds waiting: the next pass sends them again, and the server ignores them).
    int mid_pass = 0, between_commit_and_mark = 0;
    auto waiting = [&store] {
        auto state = store->OutboxState(std::chrono::system_clock::now());
        REQUIRE_MESSAGE(state.ok(), state.error->Describe());
        return *state.value;
    };
    for (int round = 0; round < rounds; ++round) {
        // The kiosk goes on: a few results, now and then an urgent alert and an abandoned session.
        for (unsigned i = rng() % 4; i-- > 0;) {
            kiosk::store::SubmissionRecord record = test_support::SampleRecord();
            record.kiosk_id = "k1";
            auto id = store->Submit(record, "kiosk");
            REQUIRE_MESSAGE(id.ok(), id.error->Describe());
            local_results.insert(*id.value);
        }
        if (rng() % 5 == 0) {
            const std::string alert_id = kiosk::store::NewUuid();
            REQUIRE(store->RaiseAlert("k1@2026-12-02T10:00:00.000Z", "R_FEVER", "fever", kiosk::store::UtcNowIso(), alert_id).ok());
            local_alerts.insert(alert_id);
        }
        if (rng() % 7 == 0) REQUIRE(store->CountAbandoned("2026-12-02", "kiosk", "idle").ok());

        const int64_t waiting_before = waiting().waiting;
        const bool stop_server = round % (rounds / server_stops) == rounds / server_stops / 2;
        int ready[2];
        REQUIRE(pipe(ready) == 0);
        pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            close(ready[0]);
            DrainChild(path, uri, options, ready[1]);
        }
        close(ready[1]);
        char byte = 0;
        const bool connected = ::read(ready[0], &byte, 1) == 1;  // false: it failed before connecting
        close(ready[0]);
        // Then 0 to 50 ms: at once, in the middle of the pass, or after it is done.
        if (connected) usleep(static_cast<useconds_t>(rng() % 50000));
        if (stop_server) {
            REQUIRE(db.cluster.StopImmediately().empty());
            ++stopped;
        } else {
            kill(child, SIGKILL);
        }
        int status = 0;
        waitpid(child, &status, 0);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++killed;
        else ++finished;
        if (stop_server) REQUIRE(db.cluster.Start().empty());
        const kiosk::store::OutboxStatus after = waiting();
        if (after.waiting > 0 && after.waiting < waiting_before) ++mid_pass;
        const long long on_server = ServerCount(db.AdminUri(), "SELECT count(*) FROM results WHERE site_id = $1", site);
        if (on_server > static_cast<long long>(local_results.size()) - after.results) ++between_commit_and_mark;
    }

    // The kiosk drains to the end, as its worker would once the server is back.
    PgConnection conn(uri);
    DrainReport last = DrainOnce(*store, conn, options);
    REQUIRE_MESSAGE(last.ok(), last.error->Describe());
    auto state = store->OutboxState(std::chrono::system_clock::now());
    REQUIRE(state.ok());
    CHECK(state.value->waiting == 0);

    const std::string admin = db.AdminUri();
    CHECK(ServerColumn(admin, "SELECT id::text FROM results WHERE site_id = $1", site) == local_results);
    CHECK(ServerCount(admin, "SELECT count(*) FROM results WHERE site_id = $1", site) == static_cast<long long>(local_results.size()));
    CHECK(ServerColumn(admin, "SELECT alert_id::text FROM alerts WHERE site_id = $1", site) == local_alerts);
    auto audit = store->CountAudit();
    REQUIRE(audit.ok());
    // Every audit row once: the server's rows are the kiosk's row ids 1..N, no gap and no repeat.
    CHECK(ServerCount(admin, "SELECT count(*) FROM kiosk_audit WHERE site_id = $1", site) == *audit.value);
    CHECK(ServerCount(admin, "SELECT coalesce(max(kiosk_row), 0) FROM kiosk_audit WHERE site_id = $1", site) == *audit.value);
    auto abandoned = store->AbandonedOn("2026-12-02");
    REQUIRE(abandoned.ok());
    CHECK(ServerCount(admin, "SELECT coalesce(sum(count), 0) FROM abandoned WHERE site_id = $1", site) == *abandoned.value);
    MESSAGE(rounds << " rounds: " << killed << " drains killed (" << mid_pass << " mid-pass, " << between_commit_and_mark
                   << " between a COMMIT and its mark), " << finished << " finished or failed first, " << stopped
                   << " immediate server stops; " << local_results.size() << " results, " << local_alerts.size() << " alerts, "
                   << *audit.value << " audit rows, each on the server once");
    CHECK(killed >= rounds / 4);  // the kills land: most rounds kill a child still at work
    CHECK(mid_pass > 0);          // and some land in the middle of a pass,
    CHECK(between_commit_and_mark > 0);  // some between a batch's COMMIT and its mark
}
