// The kiosk's drain on a real server and real SQLite files: each row on the server exactly once,
// as the kiosk stored it; alerts first; a batch sent twice; the server down and back; a kiosk
// refused; counts; the heartbeat; the worker woken at once; the backoff.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "../support.h"
#include "server/drain.h"
#include "server_fixture.h"
#include "store/sealing.h"

using namespace kiosk::server;
using kiosk::store::Store;
using test_support::ClinicDb;

namespace {

using Clock = std::chrono::steady_clock;

// A kiosk's database in a folder of its own, set up and sealed to the test clinic key.
struct KioskFiles {
    test_support::TempDir dir{"kiosk-drain"};
    std::string path = dir.File("clinic.db");
    std::unique_ptr<Store> store = test_support::OpenStore({path});
};

std::string Submit(Store& store, const std::string& kiosk_id, const std::string& outcome = "CLINICIAN_REVIEW") {
    kiosk::store::SubmissionRecord record = test_support::SampleRecord(outcome);
    record.kiosk_id = kiosk_id;
    auto r = store.Submit(record, "kiosk");
    REQUIRE_MESSAGE(r.ok(), r.error->Describe());
    return *r.value;
}

void Raise(Store& store, const std::string& kiosk_id, const std::string& rule) {
    auto r = store.RaiseAlert(kiosk_id + "@2026-06-15T09:00:00.000Z", rule, "reason-" + rule, kiosk::store::UtcNowIso());
    REQUIRE_MESSAGE(r.ok(), r.error->Describe());
}

int64_t Waiting(Store& store) {
    auto state = store.OutboxState(std::chrono::system_clock::now());
    REQUIRE_MESSAGE(state.ok(), state.error->Describe());
    return state.value->waiting;
}

kiosk::store::OutboxStatus State(Store& store) {
    auto state = store.OutboxState(std::chrono::system_clock::now());
    REQUIRE_MESSAGE(state.ok(), state.error->Describe());
    return *state.value;
}

DrainReport MustDrain(Store& store, PgConnection& conn, const DrainOptions& options) {
    DrainReport report = DrainOnce(store, conn, options);
    REQUIRE_MESSAGE(report.ok(), report.error->Describe());
    return report;
}

long long Count(const std::string& admin_uri, const std::string& sql, PgParams params = {}) {
    PgConnection admin(admin_uri);
    return admin.Exec(sql, params, "counting").Int(0, 0);
}

// The rows a kiosk stores as it is set up and used: results, alerts and counts, all in the outbox.
struct Site {
    ClinicDb db;
    std::string site;
    std::string kiosk_uri;
    DrainOptions options;
    explicit Site(const std::string& kiosk_id = "k1") {
        db.Init();
        site = db.Site("north");
        kiosk_uri = db.AddKiosk(site, kiosk_id);
        options = DrainOptions{site, kiosk_id};
    }
};

}  // namespace

TEST_CASE("a drained result is on the server once, with the same clear fields and the identical sealed bytes") {
    Site s;
    KioskFiles kiosk;
    const std::string id = Submit(*kiosk.store, "k1", "CLINICIAN_REVIEW");
    auto batch = kiosk.store->NextOutboxBatch(10);
    REQUIRE(batch.ok());
    REQUIRE(batch.value->results.size() == 1);
    const std::string sealed = batch.value->results[0].sealed;

    PgConnection conn(s.kiosk_uri);
    DrainReport report = MustDrain(*kiosk.store, conn, s.options);
    CHECK(report.results == 1);
    CHECK(report.audit >= 1);
    CHECK(Waiting(*kiosk.store) == 0);
    // Again: nothing waits, nothing is sent.
    CHECK(MustDrain(*kiosk.store, conn, s.options).Rows() == 0);

    const kiosk::store::SubmissionRecord expected = test_support::SampleRecord("CLINICIAN_REVIEW");
    PgConnection admin(s.db.AdminUri());
    PgResult row = admin.Exec(
        "SELECT site_id, kiosk_id, screening_id, screening_version, screening_hash, language, outcome, source, sealed, "
        "started_at = $2::timestamptz, submitted_at = $3::timestamptz FROM results WHERE id = $1",
        PgParams().Text(id).Text(expected.started_at).Text(expected.submitted_at), "reading the result");
    REQUIRE(row.Rows() == 1);
    CHECK(row.Text(0, 0) == s.site);
    CHECK(row.Text(0, 1) == "k1");
    CHECK(row.Text(0, 2) == expected.screening_id);
    CHECK(row.Text(0, 3) == expected.screening_version);
    CHECK(row.Text(0, 4) == expected.screening_hash);
    CHECK(row.Text(0, 5) == expected.language);
    CHECK(row.Text(0, 6) == "CLINICIAN_REVIEW");
    CHECK(row.Text(0, 7) == "kiosk");
    CHECK(row.Bytes(0, 8) == sealed);
    CHECK(row.Text(0, 9) == "t");
    CHECK(row.Text(0, 10) == "t");
    CHECK(test_support::CountRows(s.db.AdminUri(), "results") == 1);

    // The server's copy opens with the clinic's key to the kiosk's answers and decision.
    auto plain = test_support::TestKey()->Open(row.Bytes(0, 8));
    REQUIRE(plain);
    auto fields = kiosk::store::SplitFields(*plain, 2);
    REQUIRE(fields);
    CHECK((*fields)[0] == expected.answers_json);
    CHECK((*fields)[1] == expected.decision_json);
    auto stored = kiosk.store->Submissions(std::nullopt);
    REQUIRE(stored.ok());
    REQUIRE(stored.value->size() == 1);
    CHECK((*fields)[0] == stored.value->at(0).record.answers_json);
    CHECK((*fields)[1] == stored.value->at(0).record.decision_json);

    // The audit row of the submission carries its id and hash to the server.
    CHECK(Count(s.db.AdminUri(), "SELECT count(*) FROM kiosk_audit WHERE submission_id = $1 AND submission_hash IS NOT NULL",
                PgParams().Text(id)) == 1);
}

TEST_CASE("alerts arrive before results, whatever order they were stored in") {
    Site s;
    KioskFiles kiosk;
    for (int i = 0; i < 3; ++i) Submit(*kiosk.store, "k1");
    Raise(*kiosk.store, "k1", "red_flag");
    Raise(*kiosk.store, "k1", "fever");
    PgConnection conn(s.kiosk_uri);
    DrainOptions options = s.options;
    options.batch_size = 1;
    DrainReport report = MustDrain(*kiosk.store, conn, options);
    CHECK(report.alerts == 2);
    CHECK(report.results == 3);
    CHECK(report.batches >= 5);
    // Each batch is its own transaction: received_at (the transaction's start) orders them.
    CHECK(Count(s.db.AdminUri(), "SELECT count(*) FROM alerts a, results r WHERE a.received_at >= r.received_at") == 0);
    CHECK(test_support::CountRows(s.db.AdminUri(), "alerts") == 2);
    PgConnection admin(s.db.AdminUri());
    PgResult alert = admin.Exec("SELECT site_id, kiosk_id, session_id FROM alerts ORDER BY raised_at LIMIT 1", "reading");
    CHECK(alert.Text(0, 0) == s.site);
    CHECK(alert.Text(0, 1) == "k1");
    CHECK(alert.Text(0, 2).rfind("k1@", 0) == 0);
}

TEST_CASE("a batch sent again (a crash between the server's COMMIT and marking it sent) is still once on the server") {
    Site s;
    KioskFiles kiosk;
    for (int i = 0; i < 4; ++i) Submit(*kiosk.store, "k1");
    Raise(*kiosk.store, "k1", "red_flag");
    REQUIRE(kiosk.store->CountAbandoned("2026-06-15", "kiosk", "idle").ok());
    // The database as it was before the drain: as if the kiosk died right after the COMMIT.
    kiosk.store.reset();
    const std::string before = kiosk.dir.File("before.db");
    std::filesystem::copy_file(kiosk.path, before);
    kiosk.store = test_support::OpenStore({kiosk.path});

    PgConnection conn(s.kiosk_uri);
    const DrainReport first = MustDrain(*kiosk.store, conn, s.options);
    auto again = test_support::OpenStore({before});
    const DrainReport second = MustDrain(*again, conn, s.options);
    CHECK(second.results == first.results);
    CHECK(second.alerts == 1);
    CHECK(Waiting(*again) == 0);
    CHECK(test_support::CountRows(s.db.AdminUri(), "results") == 4);
    CHECK(test_support::CountRows(s.db.AdminUri(), "alerts") == 1);
    CHECK(test_support::CountRows(s.db.AdminUri(), "kiosk_audit") == first.audit);
    CHECK(Count(s.db.AdminUri(), "SELECT count FROM abandoned") == 1);
}

TEST_CASE("the server stopped: the drain fails as Unreachable, the kiosk goes on, and everything drains once when it is back") {
    Site s;
    KioskFiles kiosk;
    Submit(*kiosk.store, "k1");
    PgConnection conn(s.kiosk_uri);
    MustDrain(*kiosk.store, conn, s.options);

    REQUIRE(s.db.cluster.StopImmediately() == "");
    Submit(*kiosk.store, "k1");
    DrainReport lost = DrainOnce(*kiosk.store, conn, s.options);
    REQUIRE_FALSE(lost.ok());
    CHECK_MESSAGE(lost.error->kind == ServerErrorKind::Unreachable, lost.error->Describe());
    auto refused = test_support::ServerErrorOf([&] { PgConnection again(s.kiosk_uri); });
    REQUIRE(refused);
    CHECK(refused->kind == ServerErrorKind::Unreachable);
    const kiosk::store::OutboxStatus down = State(*kiosk.store);
    REQUIRE(down.last_error);
    CHECK(!down.last_error->empty());
    CHECK(kiosk::store::DescribeOutbox(down, std::chrono::system_clock::now()).find("last failure") != std::string::npos);
    // The patient never waits on the network: the kiosk stores and its queue grows.
    for (int i = 0; i < 3; ++i) Submit(*kiosk.store, "k1");
    Raise(*kiosk.store, "k1", "red_flag");
    CHECK(State(*kiosk.store).results == 4);
    CHECK(State(*kiosk.store).alerts == 1);

    REQUIRE(s.db.cluster.Start() == "");
    PgConnection back(s.kiosk_uri);
    DrainReport report = MustDrain(*kiosk.store, back, s.options);
    CHECK(report.results == 4);
    CHECK(report.alerts == 1);
    CHECK(Waiting(*kiosk.store) == 0);
    CHECK_FALSE(State(*kiosk.store).last_error);
    CHECK(test_support::CountRows(s.db.AdminUri(), "results") == 5);
    CHECK(test_support::CountRows(s.db.AdminUri(), "alerts") == 1);
}

TEST_CASE("a kiosk configured with another kiosk's id is refused by the server, and nothing is marked sent") {
    Site s("k1");
    s.db.AddKiosk(s.site, "k2");
    KioskFiles kiosk;
    Submit(*kiosk.store, "k2");
    PgConnection conn(s.kiosk_uri);  // k1's login
    DrainOptions options = s.options;
    options.kiosk_id = "k2";
    DrainReport report = DrainOnce(*kiosk.store, conn, options);
    REQUIRE_FALSE(report.ok());
    CHECK_MESSAGE(report.error->kind == ServerErrorKind::Refused, report.error->Describe());
    CHECK(report.Rows() == 0);
    CHECK(State(*kiosk.store).results == 1);
    CHECK(State(*kiosk.store).last_error->find("42501") != std::string::npos);
    CHECK(test_support::CountRows(s.db.AdminUri(), "results") == 0);
}

TEST_CASE("a server whose schema is not this kiosk's is refused before anything is sent, with its message kept") {
    Site s;
    KioskFiles kiosk;
    Submit(*kiosk.store, "k1");
    PgConnection(s.db.AdminUri()).Exec("UPDATE clinic_schema SET version = 1000", "making the server newer");
    PgConnection conn(s.kiosk_uri);
    DrainReport report = DrainOnce(*kiosk.store, conn, s.options);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error->kind == ServerErrorKind::TooNew);
    CHECK(State(*kiosk.store).last_error->find("newer than this kiosk's") != std::string::npos);
    CHECK(State(*kiosk.store).results == 1);
}

TEST_CASE("abandoned counts are upserted with the greatest: a day's count only grows") {
    Site s;
    KioskFiles kiosk;
    PgConnection conn(s.kiosk_uri);
    for (int i = 0; i < 3; ++i) REQUIRE(kiosk.store->CountAbandoned("2026-06-15", "kiosk", "idle").ok());
    CHECK(MustDrain(*kiosk.store, conn, s.options).counts == 1);
    const char* read = "SELECT count FROM abandoned WHERE day = '2026-06-15'";
    CHECK(Count(s.db.AdminUri(), read) == 3);
    REQUIRE(kiosk.store->CountAbandoned("2026-06-15", "kiosk", "idle").ok());
    CHECK(MustDrain(*kiosk.store, conn, s.options).counts == 1);
    CHECK(Count(s.db.AdminUri(), read) == 4);
    // A count the server has higher (an older kiosk database restored, say) is not lowered.
    PgConnection(s.db.AdminUri()).Exec("UPDATE abandoned SET count = 10", "raising");
    REQUIRE(kiosk.store->CountAbandoned("2026-06-15", "kiosk", "idle").ok());
    MustDrain(*kiosk.store, conn, s.options);
    CHECK(Count(s.db.AdminUri(), read) == 10);
}

TEST_CASE("the heartbeat: kiosk, site, the server's time, the screening, rows waiting, the oldest's age, out of order") {
    Site s;
    KioskFiles kiosk;
    Submit(*kiosk.store, "k1");
    Submit(*kiosk.store, "k1");
    PgConnection conn(s.kiosk_uri);
    HeartbeatInfo info{"regen-ortho-default", "1.0.0", "0123abcd", "the screening file does not load"};
    auto beat = SendHeartbeat(*kiosk.store, conn, s.options, info);
    REQUIRE_MESSAGE(beat.ok(), beat.error->Describe());
    const int64_t waiting = Waiting(*kiosk.store);
    CHECK(waiting >= 2);
    PgConnection admin(s.db.AdminUri());
    PgResult row = admin.Exec(
        "SELECT site_id, kiosk_id, now() - last_seen < interval '1 minute', screening_id, screening_version, screening_hash, "
        "rows_waiting, oldest_waiting_seconds, out_of_order FROM heartbeats",
        "reading the heartbeat");
    REQUIRE(row.Rows() == 1);
    CHECK(row.Text(0, 0) == s.site);
    CHECK(row.Text(0, 1) == "k1");
    CHECK(row.Text(0, 2) == "t");
    CHECK(row.Text(0, 3) == "regen-ortho-default");
    CHECK(row.Text(0, 4) == "1.0.0");
    CHECK(row.Text(0, 5) == "0123abcd");
    CHECK(row.Int(0, 6) == waiting);
    CHECK_FALSE(row.IsNull(0, 7));
    CHECK(row.Text(0, 8) == "the screening file does not load");
    // After a drain, the next heartbeat says nothing waits and the kiosk serves patients again.
    MustDrain(*kiosk.store, conn, s.options);
    REQUIRE(SendHeartbeat(*kiosk.store, conn, s.options, HeartbeatInfo{"regen-ortho-default", "1.0.0", "0123abcd", ""}).ok());
    PgResult after = admin.Exec("SELECT rows_waiting, oldest_waiting_seconds IS NULL, out_of_order IS NULL FROM heartbeats", "reading");
    CHECK(after.Int(0, 0) == 0);
    CHECK(after.Text(0, 1) == "t");
    CHECK(after.Text(0, 2) == "t");
}

TEST_CASE("the worker: woken by Wake(), it sends a new result within a second, and Stop() joins at once") {
    Site s;
    KioskFiles kiosk;
    DrainWorkerOptions options;
    options.store = {kiosk.path};
    options.conninfo = s.kiosk_uri;
    options.drain = s.options;
    options.heartbeat_interval = std::chrono::hours(1);  // only a Wake() makes it drain again
    DrainWorker worker(options);
    worker.Start();
    // Its first pass: it turns the outbox on and sends what the set-up left (audit rows).
    const auto started = Clock::now();
    while (worker.Status().passes == 0 && Clock::now() - started < std::chrono::seconds(20))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE_MESSAGE(worker.Status().passes >= 1, worker.Status().last_error);
    CHECK(worker.Status().last_error == "");
    CHECK(worker.Status().connected);
    CHECK(*kiosk.store->OutboxEnabled().value);
    CHECK(test_support::CountRows(s.db.AdminUri(), "heartbeats") == 1);

    Submit(*kiosk.store, "k1");
    const auto woken = Clock::now();
    worker.Wake();
    PgConnection admin(s.db.AdminUri());
    while (admin.Exec("SELECT count(*) FROM results", "counting").Int(0, 0) == 0 && Clock::now() - woken < std::chrono::seconds(5))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - woken);
    MESSAGE("from Wake() to the result on the server: " << latency.count() << " ms");
    CHECK(latency < std::chrono::seconds(1));
    CHECK(test_support::CountRows(s.db.AdminUri(), "results") == 1);

    const auto stopping = Clock::now();
    worker.Stop();
    CHECK(Clock::now() - stopping < std::chrono::milliseconds(500));
    CHECK_FALSE(worker.Status().running);
}

TEST_CASE("the worker without a server: each failure kept for staff, backing off, and Stop() does not wait the backoff out") {
    Site s;
    KioskFiles kiosk;
    Submit(*kiosk.store, "k1");
    DrainWorkerOptions options;
    options.store = {kiosk.path};
    // A port no one listens on.
    options.conninfo = "host=127.0.0.1 port=1 dbname=x user=y connect_timeout=2";
    options.drain = s.options;
    DrainWorker worker(options);
    worker.Start();
    const auto started = Clock::now();
    while (worker.Status().failures == 0 && Clock::now() - started < std::chrono::seconds(10))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const DrainStatus status = worker.Status();
    CHECK(status.failures >= 1);
    CHECK_FALSE(status.connected);
    CHECK(status.last_error.find("connect") != std::string::npos);
    REQUIRE(status.outbox);
    CHECK(status.outbox->results == 1);
    CHECK(State(*kiosk.store).last_error);
    // A Wake() during the backoff tries again at once, and fails again.
    worker.Wake();
    const auto woken = Clock::now();
    while (worker.Status().failures < 2 && Clock::now() - woken < std::chrono::seconds(5))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(worker.Status().failures >= 2);
    const auto stopping = Clock::now();
    worker.Stop();
    CHECK(Clock::now() - stopping < std::chrono::milliseconds(500));
}

TEST_CASE("the backoff: 1 s doubling to 5 min, with jitter of a quarter either way, never above 5 min") {
    using std::chrono::milliseconds;
    struct Row {
        int failures;
        long long base_ms;
    };
    const Row rows[] = {{1, 1000}, {2, 2000}, {3, 4000}, {4, 8000}, {8, 128000}, {9, 256000}, {10, 300000}, {20, 300000}, {1000, 300000}};
    for (const Row& row : rows) {
        CAPTURE(row.failures);
        CHECK(NextBackoff(row.failures, 0.5) == milliseconds(row.base_ms));
        CHECK(NextBackoff(row.failures, 0.0) == milliseconds(row.base_ms * 3 / 4));
        CHECK(NextBackoff(row.failures, 0.999999) <= milliseconds(std::min(row.base_ms * 5 / 4, 300000LL)));
        CHECK(NextBackoff(row.failures, 0.999999) >= milliseconds(row.base_ms));
    }
    // Out of range: as the nearest in range.
    CHECK(NextBackoff(0, 0.5) == milliseconds(1000));
    CHECK(NextBackoff(-3, 0.5) == milliseconds(1000));
    CHECK(NextBackoff(1, 7.0) == milliseconds(1250));
}
