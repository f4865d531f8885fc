// The front-desk console's side of the clinic server, on a real server with real kiosk databases
// drained into it: what a person at the desk would notice. Results unsealed for a clinician and
// sealed for the front desk, keys of two kiosks, lockout, review and alerts once each and audited,
// another site seeing nothing, an alert arriving by notification, the kiosks' health.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>

#include "../support.h"
#include "server/console_client.h"
#include "server/drain.h"
#include "server_fixture.h"
#include "store/key_store.h"

using namespace kiosk::server;
using kiosk::store::Role;
using kiosk::store::Store;
using test_support::ClinicDb;

namespace {

using Outcome = ConsoleSignIn::Outcome;

constexpr const char* kClinicianPin = "31415926";
constexpr const char* kDeskPin = "27182818";
// SampleRecord's submitted_at, 2026-06-15T09:08:00Z, is on this day in UTC.
constexpr const char* kSampleDay = "2026-06-15";

// The process's time zone for the board's day, put back afterwards.
struct TimeZone {
    explicit TimeZone(const char* tz) {
        if (const char* was = std::getenv("TZ")) saved = was;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~TimeZone() {
        if (saved) ::setenv("TZ", saved->c_str(), 1);
        else ::unsetenv("TZ");
        ::tzset();
    }
    std::optional<std::string> saved;
};

// A kiosk's database in a folder of its own, its outbox drained into the server by its own role.
struct KioskFiles {
    test_support::TempDir dir{"kiosk-console"};
    std::string path = dir.File("clinic.db");
    std::unique_ptr<Store> store;
    std::string kiosk_id, uri;
    DrainOptions options;

    // Sealed to the tests' clinic key (TestKey), or to `key` when given: another kiosk's own pair.
    KioskFiles(const std::string& site, std::string id, std::string kiosk_uri, const kiosk::store::ClinicKey* key = nullptr)
        : kiosk_id(std::move(id)), uri(std::move(kiosk_uri)), options{site, kiosk_id} {
        if (key) {
            store = test_support::OpenWithoutKey({path});
            auto adopted = store->AdoptClinicPublicKey(key->Public(), "test");
            REQUIRE_MESSAGE(adopted.ok(), adopted.error->Describe());
        } else {
            store = test_support::OpenStore({path});
        }
    }
    std::string Submit(const std::string& outcome = "CLINICIAN_REVIEW") {
        kiosk::store::SubmissionRecord record = test_support::SampleRecord(outcome);
        record.kiosk_id = kiosk_id;
        auto r = store->Submit(record, "kiosk");
        REQUIRE_MESSAGE(r.ok(), r.error->Describe());
        return *r.value;
    }
    std::string Raise(const std::string& rule) {
        const std::string alert_id = kiosk::store::NewUuid();
        auto r = store->RaiseAlert(kiosk_id + "@2026-06-15T09:00:00.000Z", rule, "reason-" + rule, kiosk::store::UtcNowIso(), alert_id);
        REQUIRE_MESSAGE(r.ok(), r.error->Describe());
        return alert_id;
    }
    void Drain() {
        PgConnection conn(uri);
        DrainReport report = DrainOnce(*store, conn, options);
        REQUIRE_MESSAGE(report.ok(), report.error->Describe());
    }
};

// A site with one kiosk, a console and its staff (PINs hashed cheaply: they are checked dozens of times).
struct Site {
    ClinicDb db;
    std::string site;
    std::string kiosk_uri, console_uri;
    explicit Site(const std::string& base = "north", const std::string& kiosk_id = "k1") {
        db.Init();
        site = db.Site(base);
        kiosk_uri = db.AddKiosk(site, kiosk_id);
        console_uri = db.AddConsole(site, "desk");
    }
    void AddStaff(const std::string& name, Role role, const std::string& pin) const {
        auto r = AddConsoleStaff(db.AdminUri(), {site, name, role, pin, test_support::kTestPinCost});
        REQUIRE_MESSAGE(r.ok(), r.error->Describe());
    }
    void Grant(const std::string& name, const std::string& pin, const kiosk::store::ClinicKey& key) const {
        auto r = GrantConsoleKey(db.AdminUri(), site, name, pin, key);
        REQUIRE_MESSAGE(r.ok(), r.error->Describe());
        CHECK(*r.value);
    }
    std::unique_ptr<ConsoleClient> Console(const std::string& uri = {}) const {
        auto r = ConsoleClient::Connect(uri.empty() ? console_uri : uri);
        REQUIRE_MESSAGE(r.ok(), r.error->Describe());
        return std::move(*r.value);
    }
};

ConsoleSignIn MustSignIn(ConsoleClient& console, const std::string& name, const std::string& pin) {
    auto r = console.SignIn(name, pin);
    REQUIRE_MESSAGE(r.ok(), r.error->Describe());
    REQUIRE(r.value->outcome == Outcome::SignedIn);
    return std::move(*r.value);
}

template <class T>
T Must(ServerResult<T> r) {
    REQUIRE_MESSAGE(r.ok(), r.error->Describe());
    return std::move(*r.value);
}

// How many of the site's console audit rows have `action` (and, when given, `actor`).
int AuditCount(ConsoleClient& console, const std::string& action, const std::string& actor = {}) {
    int n = 0;
    for (const ConsoleAuditEntry& e : Must(console.AuditLog(1000)))
        if (e.action == action && (actor.empty() || e.actor == actor)) ++n;
    return n;
}

}  // namespace

TEST_CASE("a drained result is on the board with the kiosk's answers for a clinician, and sealed for the front desk") {
    TimeZone utc("UTC0");
    Site s;
    KioskFiles kiosk(s.site, "k1", s.kiosk_uri);
    const std::string id = kiosk.Submit("CLINICIAN_REVIEW");
    kiosk.Drain();
    auto stored = kiosk.store->Submissions(std::nullopt);
    REQUIRE(stored.ok());
    REQUIRE(stored.value->size() == 1);
    const kiosk::store::StoredSubmission& on_kiosk = stored.value->at(0);

    s.AddStaff("Dr Carla", Role::Clinician, kClinicianPin);
    s.AddStaff("Dan Desk", Role::FrontDesk, kDeskPin);
    s.Grant("Dr Carla", kClinicianPin, *test_support::TestKey());
    auto console = s.Console();
    CHECK(console->Site() == s.site);
    CHECK(console->Name() == "desk");

    std::vector<ConsoleAccount> accounts = Must(console->Accounts());
    REQUIRE(accounts.size() == 2);
    CHECK(accounts[0].name == "Dan Desk");
    CHECK(accounts[0].role == Role::FrontDesk);
    CHECK_FALSE(accounts[0].reads_results);
    CHECK(accounts[1].name == "Dr Carla");
    CHECK(accounts[1].reads_results);

    ConsoleSignIn clinician = MustSignIn(*console, "Dr Carla", kClinicianPin);
    CHECK(clinician.role == Role::Clinician);
    REQUIRE(clinician.keys.size() == 1);
    std::vector<BoardResult> board = Must(console->Board({kSampleDay, "", std::nullopt}, clinician.keys));
    REQUIRE(board.size() == 1);
    const kiosk::store::StoredSubmission& r = board[0].submission;
    CHECK(r.id == id);
    CHECK_FALSE(r.sealed);
    CHECK(r.record.answers_json == on_kiosk.record.answers_json);
    CHECK(r.record.decision_json == on_kiosk.record.decision_json);
    CHECK(r.record.outcome == on_kiosk.record.outcome);
    CHECK(r.record.kiosk_id == "k1");
    CHECK(r.record.screening_version == on_kiosk.record.screening_version);
    CHECK(r.record.started_at == on_kiosk.record.started_at);
    CHECK(r.record.submitted_at == on_kiosk.record.submitted_at);
    CHECK(r.status == kiosk::store::SubmissionStatus::Pending);
    CHECK_FALSE(board[0].received_at.empty());

    ConsoleSignIn desk = MustSignIn(*console, "Dan Desk", kDeskPin);
    CHECK(desk.keys.empty());
    std::vector<BoardResult> sealed = Must(console->Board({kSampleDay, "", std::nullopt}, desk.keys));
    REQUIRE(sealed.size() == 1);
    CHECK(sealed[0].submission.sealed);
    CHECK(sealed[0].submission.record.answers_json.empty());
    CHECK(sealed[0].submission.record.decision_json.empty());
    CHECK(sealed[0].submission.record.outcome == on_kiosk.record.outcome);  // what routing needs stays in clear

    // The filters: another day, another kiosk, reviewed only: none.
    CHECK(Must(console->Board({"2026-06-16", "", std::nullopt}, clinician.keys)).empty());
    CHECK(Must(console->Board({kSampleDay, "k2", std::nullopt}, clinician.keys)).empty());
    CHECK(Must(console->Board({kSampleDay, "k1", kiosk::store::SubmissionStatus::Reviewed}, clinician.keys)).empty());
    CHECK(Must(console->Board({kSampleDay, "k1", kiosk::store::SubmissionStatus::Pending}, clinician.keys)).size() == 1);
    auto bad_day = console->Board({"15/06/2026", "", std::nullopt}, clinician.keys);
    REQUIRE_FALSE(bad_day.ok());
    CHECK(bad_day.error->kind == ServerErrorKind::BadInput);
    // An export's window, in UTC instants.
    auto between = Must(console->ResultsBetween("2026-06-15T09:00:00Z", "2026-06-15T10:00:00Z", clinician.keys));
    REQUIRE(between.size() == 1);
    CHECK(between[0].record.answers_json == on_kiosk.record.answers_json);
    CHECK(Must(console->ResultsBetween("2026-06-15T09:08:00.001Z", "2026-06-15T10:00:00Z", clinician.keys)).empty());
    CHECK(AuditCount(*console, "sign_in") == 2);
}

TEST_CASE("the board's day is the console's local day, not UTC's") {
    Site s;
    KioskFiles kiosk(s.site, "k1", s.kiosk_uri);
    kiosk.Submit();
    kiosk.Drain();
    auto console = s.Console();
    // Ten hours behind UTC: 09:08 UTC on the 15th is 23:08 on the 14th.
    TimeZone behind("XST+10");
    CHECK(Must(console->Board({"2026-06-14", "", std::nullopt}, {})).size() == 1);
    CHECK(Must(console->Board({kSampleDay, "", std::nullopt}, {})).empty());
}

TEST_CASE("two kiosks with different clinic keys both open for an account holding both keys") {
    TimeZone utc("UTC0");
    Site s;
    const std::string k2_uri = s.db.AddKiosk(s.site, "k2");
    std::unique_ptr<kiosk::store::ClinicKey> other_key = kiosk::store::ClinicKey::Generate();
    REQUIRE(other_key);
    KioskFiles a(s.site, "k1", s.kiosk_uri);
    KioskFiles b(s.site, "k2", k2_uri, other_key.get());
    const std::string from_a = a.Submit(), from_b = b.Submit();
    a.Drain();
    b.Drain();
    s.AddStaff("Dr Carla", Role::Clinician, kClinicianPin);
    s.Grant("Dr Carla", kClinicianPin, *test_support::TestKey());
    auto console = s.Console();

    auto opened = [&](const KeyRing& keys) {
        std::map<std::string, bool> out;
        for (const BoardResult& r : Must(console->Board({kSampleDay, "", std::nullopt}, keys))) out[r.submission.id] = !r.submission.sealed;
        return out;
    };
    {
        ConsoleSignIn one = MustSignIn(*console, "Dr Carla", kClinicianPin);
        CHECK(one.keys.size() == 1);
        auto seen = opened(one.keys);
        CHECK(seen.size() == 2);
        CHECK(seen[from_a]);
        CHECK_FALSE(seen[from_b]);
    }
    s.Grant("Dr Carla", kClinicianPin, *other_key);
    // The same key again: held already, nothing changes.
    auto again = GrantConsoleKey(s.db.AdminUri(), s.site, "Dr Carla", kClinicianPin, *other_key);
    REQUIRE(again.ok());
    CHECK_FALSE(*again.value);
    ConsoleSignIn both = MustSignIn(*console, "Dr Carla", kClinicianPin);
    CHECK(both.keys.size() == 2);
    auto seen = opened(both.keys);
    CHECK(seen[from_a]);
    CHECK(seen[from_b]);
    for (const BoardResult& r : Must(console->Board({kSampleDay, "k2", std::nullopt}, both.keys)))
        CHECK(r.submission.record.answers_json == test_support::SampleRecord().answers_json);
}

TEST_CASE("a key is granted only with the account's PIN, and never to a front-desk account") {
    Site s;
    s.AddStaff("Dr Carla", Role::Clinician, kClinicianPin);
    s.AddStaff("Dan Desk", Role::FrontDesk, kDeskPin);
    auto wrong = GrantConsoleKey(s.db.AdminUri(), s.site, "Dr Carla", "99999999", *test_support::TestKey());
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error->kind == ServerErrorKind::Refused);
    auto desk = GrantConsoleKey(s.db.AdminUri(), s.site, "Dan Desk", kDeskPin, *test_support::TestKey());
    REQUIRE_FALSE(desk.ok());
    CHECK(desk.error->kind == ServerErrorKind::Refused);
    auto nobody = GrantConsoleKey(s.db.AdminUri(), s.site, "Nobody", kDeskPin, *test_support::TestKey());
    CHECK_FALSE(nobody.ok());
    CHECK(test_support::CountRows(s.db.AdminUri(), "console_staff_keys") == 0);
    // A name is an account's at its site whatever its case; a short PIN is refused before the server.
    auto taken = AddConsoleStaff(s.db.AdminUri(), {s.site, "dr carla", Role::Clinician, kClinicianPin, test_support::kTestPinCost});
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error->kind == ServerErrorKind::Constraint);
    auto short_pin = AddConsoleStaff(s.db.AdminUri(), {s.site, "Eve", Role::Clinician, "1234", test_support::kTestPinCost});
    REQUIRE_FALSE(short_pin.ok());
    CHECK(short_pin.error->kind == ServerErrorKind::BadInput);
    auto no_site = AddConsoleStaff(s.db.AdminUri(), {"nowhere", "Eve", Role::Clinician, kClinicianPin, test_support::kTestPinCost});
    REQUIRE_FALSE(no_site.ok());
    CHECK(no_site.error->message.find("has no site nowhere") != std::string::npos);
}

TEST_CASE("five wrong PINs lock the account on the server's clock: the right PIN is refused while locked, and all of it is audited") {
    Site s;
    s.AddStaff("Dr Carla", Role::Clinician, kClinicianPin);
    s.Grant("Dr Carla", kClinicianPin, *test_support::TestKey());
    auto console = s.Console();
    for (int i = 1; i <= kiosk::store::kFreeAttempts; ++i) {
        CAPTURE(i);
        ConsoleSignIn r = Must(console->SignIn("Dr Carla", "00000000"));
        CHECK(r.outcome == Outcome::WrongPin);
        CHECK(r.keys.empty());
        CHECK(r.attempts_left == kiosk::store::kFreeAttempts - i);
        CHECK(r.seconds_locked == (i == kiosk::store::kFreeAttempts ? kiosk::store::kFirstLockoutSeconds : 0));
    }
    // A second console of the site sees the same lockout: it is the server's, not the console's.
    auto other = s.Console(s.db.AddConsole(s.site, "desk2"));
    ConsoleSignIn locked = Must(other->SignIn("Dr Carla", kClinicianPin));
    CHECK(locked.outcome == Outcome::Locked);
    CHECK(locked.keys.empty());
    CHECK(locked.seconds_locked > 0);
    CHECK(locked.seconds_locked <= kiosk::store::kFirstLockoutSeconds);
    std::vector<ConsoleAccount> accounts = Must(console->Accounts());
    REQUIRE(accounts.size() == 1);
    CHECK(accounts[0].seconds_locked > 0);
    CHECK(Must(console->SignIn("Nobody", kClinicianPin)).outcome == Outcome::Unknown);

    CHECK(AuditCount(*console, "sign_in_failed", "staff:Dr Carla") == kiosk::store::kFreeAttempts);
    CHECK(AuditCount(*console, "sign_in_locked", "staff:Dr Carla") == 1);
    CHECK(AuditCount(*console, "sign_in_failed", "staff?") == 1);
    CHECK(AuditCount(*console, "sign_in") == 0);
    // The lockout as stored on the server's clock.
    PgConnection admin(s.db.AdminUri());
    PgResult row = admin.Exec("SELECT failures, locked_until > now(), locked_until <= now() + interval '30 s' FROM console_staff",
                              "reading the counter");
    CHECK(row.Int(0, 0) == kiosk::store::kFreeAttempts);
    CHECK(row.Text(0, 1) == "t");
    CHECK(row.Text(0, 2) == "t");

    // Once the lockout is over (moved into the past here), the right PIN signs in and clears the count;
    // a wrong one meanwhile would have locked it again, for twice as long.
    admin.Exec("UPDATE console_staff SET locked_until = now() - interval '1 s', last_failure_at = now() - interval '31 s'", "waiting");
    ConsoleSignIn after = MustSignIn(*console, "Dr Carla", kClinicianPin);
    CHECK(after.keys.size() == 1);
    CHECK(admin.Exec("SELECT failures, locked_until IS NULL FROM console_staff", "reading").Int(0, 0) == 0);
    CHECK(AuditCount(*console, "sign_in", "staff:Dr Carla") == 1);
}

TEST_CASE("review, acknowledgement and escalation happen once each, each audited with its change") {
    TimeZone utc("UTC0");
    Site s;
    KioskFiles kiosk(s.site, "k1", s.kiosk_uri);
    const std::string result_id = kiosk.Submit();
    const std::string first_alert = kiosk.Raise("hot_joint");
    const std::string second_alert = kiosk.Raise("fever");
    kiosk.Drain();
    s.AddStaff("Dr Carla", Role::Clinician, kClinicianPin);
    s.AddStaff("Dan Desk", Role::FrontDesk, kDeskPin);
    s.Grant("Dr Carla", kClinicianPin, *test_support::TestKey());
    auto console = s.Console();
    ConsoleSignIn clinician = MustSignIn(*console, "Dr Carla", kClinicianPin);

    // The front desk may not mark a result reviewed: refused, nothing changed.
    auto refused = console->MarkReviewed(result_id, "staff:Dan Desk");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error->kind == ServerErrorKind::Refused);
    CHECK(Must(console->MarkReviewed(result_id, "staff:Dr Carla")));
    CHECK_FALSE(Must(console->MarkReviewed(result_id, "staff:Dr Carla")));
    CHECK_FALSE(Must(console->MarkReviewed("not-a-uuid", "staff:Dr Carla")));
    std::vector<BoardResult> board = Must(console->Board({kSampleDay, "", std::nullopt}, clinician.keys));
    REQUIRE(board.size() == 1);
    CHECK(board[0].submission.status == kiosk::store::SubmissionStatus::Reviewed);
    CHECK(board[0].submission.reviewed_by == "Dr Carla");
    CHECK_FALSE(board[0].submission.reviewed_at.empty());
    CHECK(AuditCount(*console, "review", "staff:Dr Carla") == 1);

    std::vector<ServerAlert> open = Must(console->OpenAlerts(clinician.keys));
    REQUIRE(open.size() == 2);
    CHECK(open[0].alert_id == first_alert);
    CHECK(open[0].rule_id == "hot_joint");
    CHECK(open[0].reason == "reason-hot_joint");
    CHECK_FALSE(open[0].sealed);
    CHECK(open[0].kiosk_id == "k1");
    std::vector<ServerAlert> sealed = Must(console->OpenAlerts({}));
    REQUIRE(sealed.size() == 2);
    CHECK(sealed[0].sealed);
    CHECK(sealed[0].rule_id.empty());

    // The front desk acknowledges, once.
    CHECK(Must(console->Acknowledge(first_alert, "staff:Dan Desk")));
    CHECK_FALSE(Must(console->Acknowledge(first_alert, "staff:Dr Carla")));
    std::optional<ServerAlert> acknowledged = Must(console->AlertById(first_alert, clinician.keys));
    REQUIRE(acknowledged);
    CHECK(acknowledged->acknowledged_by == "Dan Desk");
    CHECK_FALSE(acknowledged->acknowledged_at.empty());
    CHECK(AuditCount(*console, "acknowledge", "staff:Dan Desk") == 1);
    // An acknowledged alert does not escalate.
    CHECK_FALSE(Must(console->MarkEscalated(first_alert, "pager: exit 0")));

    // The other escalates, once, and is still open until someone acknowledges it.
    CHECK(Must(console->MarkEscalated(second_alert, "pager: exit 0")));
    CHECK_FALSE(Must(console->MarkEscalated(second_alert, "pager: exit 0")));
    open = Must(console->OpenAlerts(clinician.keys));
    REQUIRE(open.size() == 1);
    CHECK(open[0].alert_id == second_alert);
    CHECK_FALSE(open[0].escalated_at.empty());
    CHECK(open[0].acknowledged_at.empty());
    std::vector<ConsoleAuditEntry> log = Must(console->AuditLog(1));
    REQUIRE(log.size() == 1);  // newest first
    CHECK(log[0].action == "escalate");
    CHECK(log[0].console == "desk");
    CHECK(log[0].detail.find(second_alert) != std::string::npos);
    CHECK(log[0].detail.find("pager: exit 0") != std::string::npos);
    CHECK(AuditCount(*console, "escalate") == 1);
    CHECK(Must(console->Acknowledge(second_alert, "staff:Dr Carla")));
    CHECK(Must(console->OpenAlerts({})).empty());
    CHECK_FALSE(Must(console->AlertById("7f1e2d3c-4b5a-4968-8776-655443322110", {})));

    // A console's own actions (lock, export) are audited as it says.
    CHECK(Must(console->Audit("staff:Dr Carla", "lock", "idle 300 s")));
    CHECK(AuditCount(*console, "lock", "staff:Dr Carla") == 1);
}

TEST_CASE("another site's console sees none of it, and can change none of it") {
    TimeZone utc("UTC0");
    Site s;
    KioskFiles kiosk(s.site, "k1", s.kiosk_uri);
    const std::string result_id = kiosk.Submit();
    const std::string alert_id = kiosk.Raise("hot_joint");
    kiosk.Drain();
    s.AddStaff("Dr Carla", Role::Clinician, kClinicianPin);
    s.Grant("Dr Carla", kClinicianPin, *test_support::TestKey());
    auto north = s.Console();
    MustSignIn(*north, "Dr Carla", kClinicianPin);

    const std::string south_site = s.db.Site("south");
    s.db.AddKiosk(south_site, "s1");
    auto south = s.Console(s.db.AddConsole(south_site, "desk"));
    CHECK(south->Site() == south_site);
    CHECK(Must(south->Accounts()).empty());
    CHECK(Must(south->SignIn("Dr Carla", kClinicianPin)).outcome == Outcome::Unknown);
    CHECK(Must(south->Board({kSampleDay, "", std::nullopt}, {})).empty());
    CHECK(Must(south->ResultsBetween("2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", {})).empty());
    CHECK(Must(south->OpenAlerts({})).empty());
    CHECK_FALSE(Must(south->AlertById(alert_id, {})));
    CHECK_FALSE(Must(south->MarkReviewed(result_id, "console")));
    CHECK_FALSE(Must(south->Acknowledge(alert_id, "console")));
    CHECK_FALSE(Must(south->MarkEscalated(alert_id, "pager")));
    std::vector<KioskHealth> kiosks = Must(south->Kiosks());
    REQUIRE(kiosks.size() == 1);
    CHECK(kiosks[0].kiosk_id == "s1");
    for (const ConsoleAuditEntry& e : Must(south->AuditLog(100))) CHECK(e.console == "desk");
    CHECK(AuditCount(*south, "sign_in") == 0);
    // North's alert is still open, its result pending.
    CHECK(Must(north->OpenAlerts({})).size() == 1);
    CHECK(Must(north->Board({kSampleDay, "", kiosk::store::SubmissionStatus::Pending}, {})).size() == 1);
}

TEST_CASE("an alert a kiosk inserts reaches the listening console within a second, and another site's does not") {
    Site s;
    const std::string south_site = s.db.Site("south");
    PgConnection south_kiosk(s.db.AddKiosk(south_site, "s1"));
    auto console = s.Console();
    REQUIRE(Must(console->Listen()));
    CHECK_FALSE(Must(console->WaitForAlert(std::chrono::milliseconds(0))));

    PgConnection kiosk(s.kiosk_uri);
    REQUIRE(test_support::InsertAlert(south_kiosk, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", south_site, "s1") == 1);
    const std::string ours = "c3e1a9d0-6b2f-4e57-8a1c-0f9d7b5e3a24";
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(test_support::InsertAlert(kiosk, ours, s.site, "k1") == 1);
    std::optional<std::string> got = Must(console->WaitForAlert(std::chrono::milliseconds(1000)));
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(got);
    CHECK(*got == ours);
    CHECK(took < std::chrono::seconds(1));
    MESSAGE("alert notified in " << std::chrono::duration_cast<std::chrono::microseconds>(took).count() << " us");
    // The south alert was passed over, and nothing else comes.
    CHECK_FALSE(Must(console->WaitForAlert(std::chrono::milliseconds(200))));
    REQUIRE(Must(console->AlertById(*got, {})));
}

TEST_CASE("the kiosks' health: a kiosk's heartbeat and a kiosk never seen") {
    Site s;
    s.db.AddKiosk(s.site, "k2");
    KioskFiles kiosk(s.site, "k1", s.kiosk_uri);
    kiosk.Submit();  // waiting: not drained yet
    PgConnection conn(s.kiosk_uri);
    auto beat = SendHeartbeat(*kiosk.store, conn, kiosk.options, {"regen-ortho-default", "1.0.0", "0123abcd", "screening file broken"});
    REQUIRE_MESSAGE(beat.ok(), beat.error->Describe());
    auto console = s.Console();
    std::vector<KioskHealth> kiosks = Must(console->Kiosks());
    REQUIRE(kiosks.size() == 2);
    const KioskHealth& k1 = kiosks[0];
    CHECK(k1.kiosk_id == "k1");
    CHECK(k1.ever_seen);
    CHECK(k1.seconds_since_seen <= 5);
    CHECK(k1.screening_id == "regen-ortho-default");
    CHECK(k1.screening_version == "1.0.0");
    CHECK(k1.screening_hash == "0123abcd");
    CHECK(k1.rows_waiting >= 1);
    CHECK(k1.oldest_waiting_seconds.has_value());
    CHECK(k1.out_of_order == "screening file broken");
    CHECK(k1.last_seen.substr(0, 2) == "20");
    const KioskHealth& k2 = kiosks[1];
    CHECK(k2.kiosk_id == "k2");
    CHECK_FALSE(k2.ever_seen);
    CHECK(k2.last_seen.empty());
    CHECK(k2.rows_waiting == 0);
    CHECK_FALSE(k2.oldest_waiting_seconds);
    // The server's clock, as ISO 8601 UTC.
    const std::string now = Must(console->ServerNow());
    CHECK(now.size() == 24);
    CHECK(now.back() == 'Z');
}

TEST_CASE("only a console's role connects as a console, and only to a server of this code's schema") {
    Site s;
    for (const std::string& uri : {s.kiosk_uri, s.db.AdminUri()}) {
        auto r = ConsoleClient::Connect(uri);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error->kind == ServerErrorKind::Refused);
        CHECK(r.error->message.find("is no console's") != std::string::npos);
    }
    PgConnection(s.db.AdminUri()).Exec("UPDATE clinic_schema SET version = 1", "going back");
    auto old = ConsoleClient::Connect(s.console_uri);
    REQUIRE_FALSE(old.ok());
    CHECK(old.error->message.find("kiosk clinic migrate") != std::string::npos);
}
