// The outbox on real SQLite files: batches in the order alerts, results, counts, audit, each one
// kind and at most the limit; marking sent (twice too, and from a second process while the first
// submits); counts that grow meanwhile; the audit watermark; rows held back while in clear; the
// migration from a frozen schema-7 database; purges with and without a server; the figures staff see.
#include <doctest/doctest.h>

#include "../support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "store/key_store.h"
#include "store/outbox.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace store = kiosk::store;
using store::OutboxKind;
using test_support::TempDir;

namespace {

constexpr const char* kSentAt = "2026-06-15T10:00:00.000Z";

store::OutboxBatch Next(store::Store& db, size_t limit = 100) {
    auto batch = db.NextOutboxBatch(limit);
    REQUIRE_MESSAGE(batch.ok(), batch.error->Describe());
    return *batch.value;
}

void Sent(store::Store& db, const store::OutboxBatch& batch, const std::string& at = kSentAt) {
    auto marked = db.MarkSent(batch, at);
    REQUIRE_MESSAGE(marked.ok(), marked.error->Describe());
}

// Marks every batch sent until none is left; returns the kinds in the order they came.
std::vector<OutboxKind> DrainAll(store::Store& db, size_t limit = 100) {
    std::vector<OutboxKind> kinds;
    for (int i = 0; i < 1000; ++i) {
        store::OutboxBatch batch = Next(db, limit);
        if (batch.Empty()) {
            CHECK(batch.kind == OutboxKind::None);
            return kinds;
        }
        kinds.push_back(batch.kind);
        Sent(db, batch);
    }
    FAIL("the outbox never emptied");
    return kinds;
}

store::OutboxStatus State(store::Store& db, std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
    auto state = db.OutboxState(now);
    REQUIRE_MESSAGE(state.ok(), state.error->Describe());
    return *state.value;
}

std::string SubmitAt(store::Store& db, const std::string& submitted_at) {
    store::SubmissionRecord r = test_support::SampleRecord();
    r.submitted_at = submitted_at;
    auto id = db.Submit(r, "kiosk");
    REQUIRE_MESSAGE(id.ok(), id.error->Describe());
    return *id.value;
}

std::string Text(const std::string& path, const std::string& sql) {
    store::Connection raw(path, false);
    store::Statement s(raw, sql, "test");
    return s.Step() && !s.IsNull(0) ? s.Text(0) : std::string();
}

void CheckChain(store::Store& db) {
    auto report = db.CheckAuditChain();
    REQUIRE_MESSAGE(report.ok(), report.error->Describe());
    for (const store::ChainProblem& p : report.value->problems) CAPTURE(p.what);
    CHECK(report.value->ok());
}

// A set-up clinic (audit rows 1 and 2) with its store open.
struct Clinic : TempDir {
    std::string path = File("clinic.db");
    std::unique_ptr<store::Store> db;
    Clinic() {
        test_support::SetUpClinic(path);
        db = test_support::OpenStore({path});
    }
};

}  // namespace

TEST_CASE("a submit waits behind the waiting alerts, travels sealed as stored, and MarkSent takes it out of the next batch") {
    Clinic c;
    const std::string id = SubmitAt(*c.db, "2026-06-15T09:08:00.000Z");
    REQUIRE(c.db->RaiseAlert("kiosk-1@2026-06-15T09:00:00.000Z", "U1", "R-RF-HOTJOINT", "2026-06-15T09:03:00.000Z", "alert-1").ok());

    store::OutboxBatch alerts = Next(*c.db);
    REQUIRE(alerts.kind == OutboxKind::Alerts);
    REQUIRE(alerts.alerts.size() == 1);
    CHECK(alerts.results.empty());
    const store::OutboxAlert& alert = alerts.alerts.front();
    CHECK(alert.alert_id == "alert-1");
    CHECK(alert.session_id == "kiosk-1@2026-06-15T09:00:00.000Z");
    CHECK(alert.kiosk_id == "kiosk-1");
    CHECK(alert.raised_at == "2026-06-15T09:03:00.000Z");
    std::string rule, reason;
    REQUIRE(store::OpenSealedPair(*test_support::TestKey(), alert.sealed, rule, reason));
    CHECK(rule == "U1");
    CHECK(reason == "R-RF-HOTJOINT");
    CHECK(Next(*c.db).kind == OutboxKind::Alerts);  // reading marks nothing
    Sent(*c.db, alerts);

    store::OutboxBatch results = Next(*c.db);
    REQUIRE(results.kind == OutboxKind::Results);
    REQUIRE(results.results.size() == 1);
    const store::OutboxResult& result = results.results.front();
    const store::SubmissionRecord sample = test_support::SampleRecord();
    CHECK(result.id == id);
    CHECK(result.kiosk_id == sample.kiosk_id);
    CHECK(result.screening_id == sample.screening_id);
    CHECK(result.screening_version == sample.screening_version);
    CHECK(result.screening_hash == sample.screening_hash);
    CHECK(result.language == sample.language);
    CHECK(result.started_at == sample.started_at);
    CHECK(result.submitted_at == "2026-06-15T09:08:00.000Z");
    CHECK(result.outcome == sample.outcome);
    CHECK(result.source == "kiosk");
    std::string answers, decision;
    REQUIRE(store::OpenSealedPair(*test_support::TestKey(), result.sealed, answers, decision));
    CHECK(answers == sample.answers_json);
    CHECK(decision == sample.decision_json);
    const auto head = c.db->CheckAuditChain().value->head;
    Sent(*c.db, results);
    CHECK(Text(c.path, "SELECT sent_at FROM submissions") == kSentAt);
    CHECK(Text(c.path, "SELECT sent_at FROM alerts") == kSentAt);

    // No counts: the audit rows come next, the whole log from its first row.
    store::OutboxBatch audit = Next(*c.db);
    REQUIRE(audit.kind == OutboxKind::Audit);
    REQUIRE_FALSE(audit.audit.empty());
    CHECK(audit.audit.front().id == 1);
    CHECK(audit.audit.back().id == head.id);
    CHECK(audit.audit.back().hash == head.hash);
    bool recorded = false;
    for (const store::OutboxAuditRow& row : audit.audit)
        if (row.action == "submission") recorded = row.submission_id == id && row.submission_hash.has_value();
    CHECK(recorded);
    Sent(*c.db, audit);
    CHECK(Next(*c.db).Empty());
    CHECK(Next(*c.db).kind == OutboxKind::None);
    CHECK(State(*c.db).waiting == 0);
    // Marking sent is not a change the chain sees, nor one it records: the head is where it was.
    CheckChain(*c.db);
    CHECK(c.db->CheckAuditChain().value->head.id == head.id);
    CHECK_FALSE(*c.db->MarkSent(store::OutboxBatch{}, kSentAt).value);  // an empty batch: nothing to mark
}

TEST_CASE("a batch holds at most its limit, oldest first, and the next batch goes on where it stopped") {
    Clinic c;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(SubmitAt(*c.db, "2026-06-15T09:0" + std::to_string(i) + ":00.000Z"));
    std::vector<std::string> seen;
    for (size_t expected : {2, 2, 1}) {
        store::OutboxBatch batch = Next(*c.db, 2);
        REQUIRE(batch.kind == OutboxKind::Results);
        CHECK(batch.results.size() == expected);
        for (const store::OutboxResult& r : batch.results) seen.push_back(r.id);
        Sent(*c.db, batch);
    }
    CHECK(seen == ids);
    store::OutboxBatch audit = Next(*c.db, 3);
    CHECK(audit.kind == OutboxKind::Audit);
    CHECK(audit.audit.size() == 3);
    CHECK(Next(*c.db, 0).Size() == 1);  // a limit of 0 reads as 1: a batch is never stuck empty
}

TEST_CASE("alerts go before results, results before counts, counts before the audit log") {
    Clinic c;
    REQUIRE(c.db->CountAbandoned("2026-06-15", "kiosk", "idle reset").ok());
    SubmitAt(*c.db, "2026-06-15T09:08:00.000Z");
    REQUIRE(c.db->RaiseAlert("kiosk-1@2026-06-15T09:00:00.000Z", "U1", "R-RF-HOTJOINT", "2026-06-15T09:03:00.000Z").ok());
    CHECK(DrainAll(*c.db) == std::vector<OutboxKind>{OutboxKind::Alerts, OutboxKind::Results, OutboxKind::Counts, OutboxKind::Audit});

    // A new alert goes first again, ahead of results that waited longer.
    SubmitAt(*c.db, "2026-06-15T09:20:00.000Z");
    REQUIRE(c.db->RaiseAlert("kiosk-1@2026-06-15T09:30:00.000Z", "U2", "R-RF-SPINE", "2026-06-15T09:31:00.000Z").ok());
    CHECK(Next(*c.db).kind == OutboxKind::Alerts);
}

TEST_CASE("a count that grew after its batch was read stays waiting with its new count") {
    Clinic c;
    for (int i = 0; i < 2; ++i) REQUIRE(c.db->CountAbandoned("2026-06-15", "kiosk", "idle reset").ok());
    REQUIRE(c.db->CountAbandoned("2026-06-16", "kiosk", "idle reset").ok());
    store::OutboxBatch batch = Next(*c.db);
    REQUIRE(batch.kind == OutboxKind::Counts);
    REQUIRE(batch.counts.size() == 2);
    CHECK(batch.counts[0].day == "2026-06-15");
    CHECK(batch.counts[0].count == 2);
    CHECK(batch.counts[1].day == "2026-06-16");
    CHECK(batch.counts[1].count == 1);
    REQUIRE(c.db->CountAbandoned("2026-06-15", "kiosk", "idle reset").ok());  // while the batch was on its way
    Sent(*c.db, batch);
    store::OutboxBatch again = Next(*c.db);
    REQUIRE(again.kind == OutboxKind::Counts);
    REQUIRE(again.counts.size() == 1);
    CHECK(again.counts[0].day == "2026-06-15");
    CHECK(again.counts[0].count == 3);
    Sent(*c.db, batch);  // the old batch once more: sent_count never goes back
    CHECK(Next(*c.db).counts.size() == 1);
    Sent(*c.db, again);
    CHECK(Next(*c.db).kind == OutboxKind::Audit);
}

TEST_CASE("the audit watermark moves to the highest row sent, never back, and marking a batch twice changes nothing") {
    Clinic c;
    const std::string id = SubmitAt(*c.db, "2026-06-15T09:08:00.000Z");
    store::OutboxBatch results = Next(*c.db);
    Sent(*c.db, results, "2026-06-15T10:00:00.000Z");
    Sent(*c.db, results, "2026-06-15T11:00:00.000Z");  // sent again after a crash before the mark
    CHECK(Text(c.path, "SELECT sent_at FROM submissions") == "2026-06-15T10:00:00.000Z");  // the first time stays

    store::OutboxBatch first = Next(*c.db, 2);
    REQUIRE(first.kind == OutboxKind::Audit);
    REQUIRE(first.audit.size() == 2);
    Sent(*c.db, first);
    CHECK(State(*c.db).audit_sent_through == 2);
    store::OutboxBatch rest = Next(*c.db);
    REQUIRE(rest.kind == OutboxKind::Audit);
    CHECK(rest.audit.front().id == 3);
    Sent(*c.db, rest);
    const int64_t through = rest.audit.back().id;
    CHECK(State(*c.db).audit_sent_through == through);
    Sent(*c.db, first);  // a late copy of an older batch
    CHECK(State(*c.db).audit_sent_through == through);
    CHECK(Next(*c.db).Empty());

    REQUIRE(c.db->Audit("kiosk", "test", "one more row").ok());
    store::OutboxBatch one = Next(*c.db);
    REQUIRE(one.audit.size() == 1);
    CHECK(one.audit.front().id == through + 1);
    CHECK(one.audit.front().detail == "one more row");
    Sent(*c.db, one);
    Sent(*c.db, one);
    CHECK(State(*c.db).audit_sent_through == through + 1);
    CHECK(Next(*c.db).Empty());
    CheckChain(*c.db);
    (void)id;
}

TEST_CASE("a second process submitting while this one drains: every result is sent once, none lost") {
    Clinic c;
    constexpr int kResults = 40, kAlerts = 5;
    c.db.reset();
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The kiosk's own process: submits and raises alerts, nothing else. No doctest here.
        store::StoreOptions options{c.path};
        options.busy_timeout_ms = 20000;
        auto opened = store::Store::Open(options);
        if (!std::holds_alternative<std::unique_ptr<store::Store>>(opened)) ::_exit(2);
        store::Store& kiosk = *std::get<std::unique_ptr<store::Store>>(opened);
        for (int i = 0; i < kResults; ++i) {
            store::SubmissionRecord r = test_support::SampleRecord();
            r.submitted_at = store::UtcNowIso();
            if (!kiosk.Submit(r, "kiosk").ok()) ::_exit(3);
            if (i % (kResults / kAlerts) == 0 &&
                !kiosk.RaiseAlert("kiosk-1@" + r.submitted_at, "U1", "R-RF-HOTJOINT", r.submitted_at).ok())
                ::_exit(4);
        }
        ::_exit(0);
    }
    store::StoreOptions options{c.path};
    options.busy_timeout_ms = 20000;
    auto worker = test_support::OpenStore(options);
    std::multiset<std::string> results, alerts;
    int status = 0;
    bool child_done = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
        // Asked before the batch is read: once the child is gone, an empty batch means all was sent.
        if (!child_done) child_done = ::waitpid(child, &status, WNOHANG) == child;
        store::OutboxBatch batch = Next(*worker, 7);
        if (batch.Empty() && child_done) break;
        for (const store::OutboxResult& r : batch.results) results.insert(r.id);
        for (const store::OutboxAlert& a : batch.alerts) alerts.insert(a.alert_id);
        if (batch.Empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        else Sent(*worker, batch);
    }
    REQUIRE(child_done);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(results.size() == kResults);
    CHECK(std::set<std::string>(results.begin(), results.end()).size() == kResults);  // none twice
    CHECK(alerts.size() == kAlerts);
    CHECK(std::set<std::string>(alerts.begin(), alerts.end()).size() == kAlerts);
    auto stored = worker->Submissions(std::nullopt);
    REQUIRE(stored.ok());
    CHECK(stored.value->size() == kResults);
    for (const store::StoredSubmission& s : *stored.value) CHECK(results.count(s.id) == 1);
    CHECK(State(*worker).waiting == 0);
    CheckChain(*worker);
}

TEST_CASE("a frozen schema-7 database migrates to 8: every alert has an id, all its rows wait, the chain holds") {
    TempDir dir;
    const std::string path = dir.File("v7.db");
    {
        store::Connection db(path, true);
        db.Exec(test_support::ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/store/fixtures/schema-v7.sql"), "loading the fixture");
    }
    auto db = test_support::OpenWithoutKey({path});
    CHECK(db->SchemaVersion() == 8);
    CheckChain(*db);
    const int64_t rows_before = db->CheckAuditChain().value->rows;
    CHECK(rows_before == 10);  // the migration wrote no audit row
    {
        store::Connection raw(path, false);
        store::Statement s(raw, "SELECT id, alert_uid FROM alerts ORDER BY id", "test");
        std::vector<std::string> uids;
        while (s.Step()) uids.push_back(s.Text(1));
        REQUIRE(uids.size() == 2);
        CHECK(uids[0].size() == 36);  // a UUID given by the migration
        CHECK(uids[0] != uids[1]);
        CHECK(uids[1] == "689c7aea-7823-417b-956c-b33d0862f4d5");  // kept as schema 7 stored it
    }
    store::OutboxStatus state = State(*db);
    CHECK(state.alerts == 2);
    CHECK(state.results == 2);
    CHECK(state.counts == 2);
    CHECK(state.audit == 10);
    CHECK(state.waiting == 16);
    CHECK(state.held_in_clear == 0);
    CHECK_FALSE(state.enabled);
    CHECK_FALSE(state.last_sent_at.has_value());
    CHECK(state.oldest_waiting_at == "2026-11-30T09:04:00.000Z");  // the first alert

    // The sealed boxes travel as stored and open with the administrator's key.
    store::Store::SignIn ada = db->SignInWithPin(test_support::kClinicAdmin, test_support::kClinicAdminPin, 1'800'000'000);
    REQUIRE(ada.status == store::Store::SignIn::Status::Ok);
    REQUIRE(ada.key);
    store::OutboxBatch alerts = Next(*db);
    REQUIRE(alerts.alerts.size() == 2);
    std::string rule, reason;
    CHECK(store::OpenSealedPair(*ada.key, alerts.alerts[0].sealed, rule, reason));
    CHECK(reason == "R-RF-HOTJOINT");
    CHECK(alerts.alerts[0].kiosk_id == "kiosk-7");
    Sent(*db, alerts);
    store::OutboxBatch results = Next(*db);
    REQUIRE(results.results.size() == 2);
    std::string answers, decision;
    CHECK(store::OpenSealedPair(*ada.key, results.results[0].sealed, answers, decision));
    CHECK(answers.find("1958-02-11") != std::string::npos);
    Sent(*db, results);
    DrainAll(*db);
    CheckChain(*db);
    CHECK(State(*db).waiting == 0);
}

TEST_CASE("results and alerts stored in clear are held back until the clinic key seals them") {
    TempDir dir;
    const std::string path = dir.File("v4.db");
    {
        store::Connection db(path, true);
        db.Exec(test_support::ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/store/fixtures/schema-v4.sql"), "loading the fixture");
    }
    auto db = test_support::OpenWithoutKey({path});
    store::OutboxBatch batch = Next(*db);
    CHECK(batch.kind == OutboxKind::Audit);  // no alert or result: all three are in clear
    CHECK(batch.held_in_clear == 3);
    CHECK(State(*db).held_in_clear == 3);
    CHECK(State(*db).alerts + State(*db).results == 0);
    Sent(*db, batch);

    store::Store::SignIn ada = db->SignInWithPin(test_support::kClinicAdmin, test_support::kClinicAdminPin, 1'800'000'000);
    REQUIRE(ada.status == store::Store::SignIn::Status::Ok);
    REQUIRE(*db->InitClinicKey(ada).value == 3);
    store::OutboxBatch alerts = Next(*db);
    CHECK(alerts.held_in_clear == 0);
    REQUIRE(alerts.kind == OutboxKind::Alerts);
    REQUIRE(alerts.alerts.size() == 1);
    CHECK(alerts.alerts[0].alert_id.size() == 36);  // given by migration 8
    Sent(*db, alerts);
    store::OutboxBatch results = Next(*db);
    REQUIRE(results.kind == OutboxKind::Results);
    CHECK(results.results.size() == 2);
    Sent(*db, results);
    // Sealing recorded each result's new hash in the log: those rows follow.
    CHECK(Next(*db).kind == OutboxKind::Audit);
    DrainAll(*db);
    CheckChain(*db);
}

TEST_CASE("a purge keeps the results and alerts not yet sent only when the clinic has a server") {
    Clinic c;
    const auto now = std::chrono::system_clock::now();
    SubmitAt(*c.db, store::UtcIso(now));
    SubmitAt(*c.db, store::UtcIso(now));
    const int64_t alert = *c.db->RaiseAlert("kiosk-1@x", "U1", "R-RF-HOTJOINT", store::UtcIso(now)).value;
    REQUIRE(*c.db->AcknowledgeAlert(alert, "test").value);
    const auto later = now + std::chrono::days{400};
    const std::chrono::days done{30}, unreviewed{90};

    SUBCASE("without a server a purge deletes as it always did") {
        CHECK_FALSE(*c.db->OutboxEnabled().value);
        auto purged = c.db->Purge(later, done, unreviewed, "kiosk", false);
        REQUIRE(purged.ok());
        CHECK(purged.value->unreviewed == 2);
        CHECK(purged.value->alerts == 1);
        CHECK(purged.value->kept_unsent == 0);
        CHECK(purged.value->kept_unsent_alerts == 0);
        CHECK(c.db->Submissions(std::nullopt).value->empty());
    }
    SUBCASE("with a server, what waits is kept until it was sent") {
        REQUIRE(*c.db->SetOutboxEnabled(true, "kiosk").value);
        CHECK_FALSE(*c.db->SetOutboxEnabled(true, "kiosk").value);  // on already: no second audit row
        CHECK(c.db->RecentAudit(1).value->front().action == "setting");
        CHECK(State(*c.db).enabled);
        const int64_t audit_rows = *c.db->CountAudit().value;
        auto kept = c.db->Purge(later, done, unreviewed, "kiosk", false);
        REQUIRE(kept.ok());
        CHECK(kept.value->Empty());
        CHECK(kept.value->kept_unsent == 2);
        CHECK(kept.value->kept_unsent_alerts == 1);
        CHECK(*c.db->CountAudit().value == audit_rows);  // nothing deleted: nothing written
        CHECK(c.db->Submissions(std::nullopt).value->size() == 2);
        auto dry = c.db->Purge(later, done, unreviewed, "kiosk", true);
        REQUIRE(dry.ok());
        CHECK(c.db->RecentAudit(1).value->front().detail.find("2 results and 1 alerts kept until sent") != std::string::npos);

        // One result sent: that one goes, the other stays.
        store::OutboxBatch alerts = Next(*c.db);
        REQUIRE(alerts.kind == OutboxKind::Alerts);
        Sent(*c.db, alerts);
        store::OutboxBatch one = Next(*c.db, 1);
        REQUIRE(one.kind == OutboxKind::Results);
        Sent(*c.db, one);
        auto purged = c.db->Purge(later, done, unreviewed, "kiosk", false);
        REQUIRE(purged.ok());
        CHECK(purged.value->unreviewed == 1);
        CHECK(purged.value->alerts == 1);
        CHECK(purged.value->kept_unsent == 1);
        CHECK(purged.value->kept_unsent_alerts == 0);
        REQUIRE(purged.value->results.size() == 1);
        CHECK(purged.value->results[0].id == one.results[0].id);
        auto left = c.db->Submissions(std::nullopt);
        REQUIRE(left.value->size() == 1);
        CHECK(left.value->front().id != one.results[0].id);
        CheckChain(*c.db);

        REQUIRE(*c.db->SetOutboxEnabled(false, "kiosk").value);
        auto off = c.db->Purge(later, done, unreviewed, "kiosk", false);
        REQUIRE(off.ok());
        CHECK(off.value->unreviewed == 1);
        CHECK(c.db->Submissions(std::nullopt).value->empty());
    }
    CheckChain(*c.db);
}

TEST_CASE("the outbox's figures: rows waiting per kind, the oldest one's age, the last send and the last failure") {
    Clinic c;
    const std::string audit_rows_at = Text(c.path, "SELECT at FROM audit WHERE id = 1");
    SubmitAt(*c.db, "2026-06-15T09:08:00.000Z");
    SubmitAt(*c.db, "2026-06-15T09:09:00.000Z");
    REQUIRE(c.db->RaiseAlert("kiosk-1@2026-06-15T09:00:00.000Z", "U1", "R-RF-HOTJOINT", "2026-06-15T09:03:00.000Z").ok());
    REQUIRE(c.db->CountAbandoned("2026-06-15", "kiosk", "idle reset").ok());
    using namespace std::chrono;
    const system_clock::time_point now = sys_days{year{2026} / June / 15} + hours{9} + minutes{13};
    store::OutboxStatus s = State(*c.db, now);
    CHECK(s.alerts == 1);
    CHECK(s.results == 2);
    CHECK(s.counts == 1);
    CHECK(s.audit == 6);  // key, account, two submissions, the alert, the abandoned session
    CHECK(s.audit == *c.db->CountAudit().value);
    CHECK(s.waiting == 10);
    CHECK(s.oldest_waiting_at == "2026-06-15T09:03:00.000Z");
    CHECK(s.oldest_waiting_seconds == 600);
    CHECK_FALSE(s.last_sent_at.has_value());
    CHECK_FALSE(s.last_error.has_value());

    REQUIRE(c.db->RecordSendFailure("could not connect to server: Connection refused", "2026-06-15T09:14:00.000Z").ok());
    s = State(*c.db, now);
    CHECK(s.last_error == "could not connect to server: Connection refused");
    CHECK(s.last_error_at == "2026-06-15T09:14:00.000Z");
    CHECK(s.last_attempt_at == "2026-06-15T09:14:00.000Z");
    CHECK(s.waiting == 10);  // a failure is no audit row: nothing more to send

    Sent(*c.db, Next(*c.db), "2026-06-15T09:15:00.000Z");  // the alert
    s = State(*c.db, now);
    CHECK(s.alerts == 0);
    CHECK(s.waiting == 9);
    CHECK(s.oldest_waiting_at == "2026-06-15T09:08:00.000Z");
    CHECK(s.last_sent_at == "2026-06-15T09:15:00.000Z");
    CHECK(s.last_attempt_at == "2026-06-15T09:15:00.000Z");
    CHECK_FALSE(s.last_error.has_value());
    CHECK_FALSE(s.last_error_at.has_value());
    Sent(*c.db, Next(*c.db));  // results
    Sent(*c.db, Next(*c.db));  // counts
    s = State(*c.db, now);
    CHECK(s.waiting == s.audit);
    CHECK(s.oldest_waiting_at == audit_rows_at);  // now the first audit row
    DrainAll(*c.db);
    s = State(*c.db, now);
    CHECK(s.waiting == 0);
    CHECK_FALSE(s.oldest_waiting_at.has_value());
    CHECK_FALSE(s.oldest_waiting_seconds.has_value());
}
