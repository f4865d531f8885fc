// Staff accounts on a real database, as a stranger with the kiosk or a colleague with the wrong role
// would try them: no account and no default PIN on a new database, only hashes stored, a name never
// taken twice, a lockout per account, roles the store enforces, and the break-glass code.
#include <doctest/doctest.h>

#include "../support.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "rules/loader.h"
#include "store/export_job.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace fs = std::filesystem;
namespace store = kiosk::store;
using store::Permission;
using store::Role;
using SignIn = store::Store::SignIn;
using test_support::AddAccount;

namespace {

constexpr int64_t kNow = 1'780'000'000;

struct TempDb {
    test_support::TempDir dir;
    std::string path = dir.File("clinic.db");
    std::unique_ptr<store::Store> Open(int busy_ms = 2000) const { return test_support::OpenStore({path, busy_ms}); }
};

std::vector<store::AuditEntry> Audit(store::Store& s) {
    auto recent = s.RecentAudit(1000);
    REQUIRE(recent.ok());
    std::vector<store::AuditEntry> rows(recent.value->rbegin(), recent.value->rend());  // oldest first
    return rows;
}

int CountAction(store::Store& s, const std::string& action) {
    auto rows = Audit(s);
    return static_cast<int>(std::count_if(rows.begin(), rows.end(), [&](const store::AuditEntry& r) { return r.action == action; }));
}

std::optional<store::StaffAccount> Find(store::Store& s, const std::string& name, int64_t now = kNow) {
    auto list = s.ListStaff(true, now);
    REQUIRE(list.ok());
    for (const store::StaffAccount& a : *list.value)
        if (a.name == name) return a;
    return std::nullopt;
}

}  // namespace

TEST_CASE("a PIN must have at least 8 digits, digits only, and not one digit repeated") {
    CHECK(store::PinProblem("12345").has_value());
    CHECK(store::PinProblem("4829156").has_value());  // 7 digits: too few since results are sealed under PINs
    CHECK(store::PinProblem("12a456").has_value());
    CHECK(store::PinProblem("00000000").has_value());
    CHECK_FALSE(store::PinProblem("48291564").has_value());
    CHECK(store::NameProblem("").has_value());
    CHECK(store::NameProblem(" Ana").has_value());
    CHECK(store::NameProblem("Ana\nRuiz").has_value());
    CHECK(store::NameProblem(std::string(41, 'a')).has_value());
    CHECK(store::NameProblem("Ana \xE2\x80\xAEziuR").has_value());  // a right-to-left override: reads as another name
    CHECK(store::NameProblem("Ana \xFF").has_value());                  // not UTF-8
    CHECK_FALSE(store::NameProblem("Ana Ruiz").has_value());
    CHECK_FALSE(store::NameProblem("Begoña Núñez").has_value());
}

TEST_CASE("a new database has no account and no default PIN: nobody signs in, the kiosk is not set up") {
    TempDb db;
    auto s = db.Open();
    CHECK_FALSE(*s->HasAdministrator().value);
    CHECK(s->ListStaff(true, kNow).value->empty());
    for (const char* pin : {"12345664", "00000000", "24681364"}) CHECK(s->SignInWithPin("admin", pin, kNow).status == SignIn::Status::NoAccount);
    CHECK(CountAction(*s, "sign-in failed") == 3);
    // A front desk account alone does not set the kiosk up: someone must be able to manage it.
    AddAccount(*s, "Ben", Role::FrontDesk, "48291564");
    CHECK_FALSE(*s->HasAdministrator().value);
    AddAccount(*s, "Ana Ruiz", Role::Admin, "24681364");
    CHECK(*s->HasAdministrator().value);
}

TEST_CASE("PINs and recovery codes are stored only as Argon2id hashes, and the file holds neither") {
    TempDb db;
    std::string code;
    {
        auto s = db.Open();
        code = AddAccount(*s, "Ana Ruiz", Role::Admin, "24681364");
        CHECK(code.size() == static_cast<size_t>(store::kRecoveryDigits));
        CHECK(std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }));
        CHECK(AddAccount(*s, "Ben", Role::FrontDesk, "48291564").empty());  // only administrators get a code
        CHECK(s->SignInWithPin("ana ruiz", "24681364", kNow).status == SignIn::Status::Ok);  // names in any case
    }
    store::Connection raw(db.path, false);
    store::Statement rows(raw, "SELECT pin_hash, coalesce(recovery_hash, '') FROM staff ORDER BY id", "test");
    int seen = 0;
    while (rows.Step()) {
        // The kiosk's Argon2id format: cost, salt and check (sealing.h), never the PIN.
        CHECK(rows.Text(0).rfind("kiosk-secret-v1$", 0) == 0);
        if (seen == 0) CHECK(rows.Text(1).rfind("kiosk-secret-v1$", 0) == 0);
        ++seen;
    }
    CHECK(seen == 2);
    const std::string bytes = test_support::ReadFile(db.path) + test_support::ReadFile(db.path + "-wal");
    CHECK(bytes.find("24681364") == std::string::npos);
    CHECK(bytes.find("48291564") == std::string::npos);
    CHECK(bytes.find(code) == std::string::npos);
}

TEST_CASE("adding an account never replaces one: a taken name, in any case, is refused and the first PIN still works") {
    TempDb db;
    auto s = db.Open();
    AddAccount(*s, "Ana Ruiz", Role::Admin, "24681364");
    auto again = s->AddStaff({"ANA RUIZ", Role::Admin, "13579064"}, "cli");
    REQUIRE_FALSE(again.ok());
    CHECK(again.error->kind == store::DbErrorKind::Constraint);
    CHECK(again.error->Describe().find("already exists") != std::string::npos);
    CHECK(s->SignInWithPin("Ana Ruiz", "24681364", kNow).status == SignIn::Status::Ok);
    CHECK(s->SignInWithPin("Ana Ruiz", "13579064", kNow).status == SignIn::Status::Wrong);
    CHECK(s->AddStaff({"Bad PIN", Role::Clinician, "1234"}, "cli").error.has_value());
    CHECK_FALSE(Find(*s, "Bad PIN"));
}

TEST_CASE("the enrolment race: two processes enrolling the first administrator at once, exactly one wins") {
    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        TempDb db;
        db.Open();  // the schema exists before the race, as after the kiosk's first start
        const char* pins[2] = {"24681364", "13579064"};
        store::Result<std::string> results[2];
        std::thread racers[2];
        for (int r = 0; r < 2; ++r)
            racers[r] = std::thread([&, r] { results[r] = db.Open(30000)->AddStaff({"Ana", Role::Admin, pins[r]}, "cli"); });
        for (std::thread& t : racers) t.join();
        REQUIRE(results[0].ok() != results[1].ok());
        const int winner = results[0].ok() ? 0 : 1;
        CHECK(results[1 - winner].error->kind == store::DbErrorKind::Constraint);
        auto s = db.Open();
        CHECK(s->SignInWithPin("Ana", pins[winner], kNow).status == SignIn::Status::Ok);
        CHECK(s->SignInWithPin("Ana", pins[1 - winner], kNow).status == SignIn::Status::Wrong);
        CHECK(CountAction(*s, "staff added") == 1);
    }
}

TEST_CASE("wrong PINs lock out that account only, with a growing delay that survives a restart") {
    TempDb db;
    {
        auto s = db.Open();
        AddAccount(*s, "Ana", Role::Admin, "24681364");
        AddAccount(*s, "Ben", Role::FrontDesk, "48291564");
        for (int i = 1; i < store::kFreeAttempts; ++i) {
            SignIn c = s->SignInWithPin("Ana", "11111111", 1000);
            CHECK(c.status == SignIn::Status::Wrong);
            CHECK(c.seconds_locked == 0);
        }
        SignIn fifth = s->SignInWithPin("Ana", "11111111", 1000);
        CHECK(fifth.seconds_locked == store::kFirstLockoutSeconds);
        // A patient who locked Ana out has not locked Ben out.
        SignIn ben = s->SignInWithPin("Ben", "48291564", 1001);
        CHECK(ben.status == SignIn::Status::Ok);
        CHECK(ben.account.role == Role::FrontDesk);
    }
    auto s = db.Open();
    SignIn locked = s->SignInWithPin("Ana", "24681364", 1010);  // restarted: still locked, right PIN not checked
    CHECK(locked.status == SignIn::Status::LockedOut);
    CHECK(locked.seconds_locked == 20);
    CHECK(Find(*s, "Ana", 1010)->seconds_locked == 20);
    CHECK(s->SignInWithPin("Ana", "22222222", 1031).seconds_locked == 2 * store::kFirstLockoutSeconds);
    CHECK(s->SignInWithPin("Ana", "24681364", 1031 + 60).status == SignIn::Status::Ok);
    CHECK(CountAction(*s, "lockout") == 2);
    CHECK(CountAction(*s, "sign-in refused") == 1);
    // Every failure names the account tried; the successful sign-in names the account and its role.
    auto rows = Audit(*s);
    auto last = std::find_if(rows.rbegin(), rows.rend(), [](const store::AuditEntry& r) { return r.action == "sign-in"; });
    REQUIRE(last != rows.rend());
    CHECK(last->actor == "staff:Ana");
    CHECK(last->detail == "administrator");
}

TEST_CASE("a patient who tries every name locks each out for at most the cap, and an administrator unlocks them") {
    TempDb db;
    auto s = db.Open();
    const std::string code = AddAccount(*s, "Ana", Role::Admin, "24681364");
    AddAccount(*s, "Ben", Role::FrontDesk, "48291564");
    AddAccount(*s, "Carla", Role::Clinician, "97531064");
    // Each wrong PIN as soon as the last lockout ends, until the lockouts reach the cap (12 failures).
    int64_t t = kNow, longest = 0;
    for (const char* name : {"Ana", "Ben", "Carla"})
        for (int i = 0; i < 13; ++i) {
            SignIn c = s->SignInWithPin(name, "11111111", t);
            CHECK(c.status == SignIn::Status::Wrong);
            longest = std::max(longest, c.seconds_locked);
            t += std::max<int64_t>(1, c.seconds_locked);
        }
    CHECK(longest == store::kMaxLockoutSeconds);
    t -= store::kMaxLockoutSeconds;  // Carla's last lockout has just begun
    for (const char* name : {"Ben", "Carla"}) CHECK(Find(*s, name, t)->seconds_locked <= store::kMaxLockoutSeconds);
    CHECK(Find(*s, "Carla", t)->seconds_locked == store::kMaxLockoutSeconds);
    // The break-glass code is not held back by a PIN lockout; the administrator then unlocks the others.
    SignIn glass = s->SignInWithRecoveryCode("Ana", store::FormatRecoveryCode(code), "all accounts locked by a stranger", t);
    REQUIRE(glass.status == SignIn::Status::Ok);
    REQUIRE(s->UnlockStaff("Ben", "staff:Ana").ok());
    CHECK(s->SignInWithPin("Ben", "48291564", t).status == SignIn::Status::Ok);
    CHECK(CountAction(*s, "staff unlocked") == 1);
}

TEST_CASE("the roles: what each may do is what the issue lists, and each role may do what the one before may") {
    using P = Permission;
    const std::vector<P> front = {P::ResetSession, P::SeeAlerts, P::AcknowledgeAlert, P::SeeQueue};
    const std::vector<P> clinician = {P::OpenResult, P::ShowAnswers, P::MarkReviewed};
    const std::vector<P> admin = {P::Settings, P::Export, P::ManageStaff, P::CloseKiosk};
    for (P p : front) CHECK((store::Allows(Role::FrontDesk, p) && store::Allows(Role::Clinician, p) && store::Allows(Role::Admin, p)));
    for (P p : clinician) CHECK((!store::Allows(Role::FrontDesk, p) && store::Allows(Role::Clinician, p) && store::Allows(Role::Admin, p)));
    for (P p : admin) CHECK((!store::Allows(Role::FrontDesk, p) && !store::Allows(Role::Clinician, p) && store::Allows(Role::Admin, p)));
    for (Role r : {Role::FrontDesk, Role::Clinician, Role::Admin}) CHECK(store::ParseRole(store::RoleKey(r)) == r);
    CHECK_FALSE(store::ParseRole("root"));
}

TEST_CASE("the store refuses what a role may not do, whatever the screen offered, and audits the refusal") {
    TempDb db;
    auto s = db.Open();
    AddAccount(*s, "Ana", Role::Admin, "24681364");
    AddAccount(*s, "Ben", Role::FrontDesk, "48291564");
    AddAccount(*s, "Carla", Role::Clinician, "97531064");
    const std::string id = *s->Submit(test_support::SampleRecord(), "kiosk").value;
    const int64_t alert = *s->RaiseAlert("kiosk-1@now", "U1", "R-INFECT", "2026-06-15T09:00:00Z").value;

    auto refused = [](const auto& result) { return !result.ok() && result.error->kind == store::DbErrorKind::Refused; };
    // Front desk: acknowledges alerts and sees the queue, but opens no result and reviews none.
    CHECK(s->Authorize("staff:Ben", Permission::SeeQueue, "view queue", "").ok());
    CHECK(refused(s->Authorize("staff:Ben", Permission::OpenResult, "open result", id)));
    CHECK(refused(s->MarkReviewed(id, "staff:Ben")));
    CHECK(s->Submissions(store::SubmissionStatus::Pending).value->size() == 1);
    CHECK(*s->AcknowledgeAlert(alert, "staff:Ben").value);
    // Clinician: reviews (as itself), but exports nothing and changes no setting or account.
    CHECK(*s->MarkReviewed(id, "staff:Carla").value);
    auto reviewed = s->Submissions(store::SubmissionStatus::Reviewed);
    REQUIRE(reviewed.value->size() == 1);
    CHECK(reviewed.value->front().reviewed_by == "Carla");
    CHECK_FALSE(reviewed.value->front().reviewed_at.empty());
    CHECK(refused(s->SetSetting("kiosk.idle_seconds", "30", "staff:Carla", "idle time 30 s")));
    CHECK(refused(s->AddStaff({"Eve", Role::Admin, "13579064"}, "staff:Carla")));
    CHECK(refused(s->SetStaffPin("Ana", "13579064", "staff:Carla")));
    rules::LoadResult loaded = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
    REQUIRE(loaded.screening);
    store::ExportRequest request;
    request.path = db.dir.File("results.csv");
    request.actor = "staff:Carla";
    CHECK(refused(store::ExportResults(*s, *loaded.screening, request)));
    CHECK_FALSE(fs::exists(request.path));
    // Nobody signed in, an unknown name, a disabled account: refused alike.
    for (const char* actor : {"staff", "staff:", "staff:Nobody"}) CHECK(refused(s->Authorize(actor, Permission::SeeQueue, "view queue", "")));
    REQUIRE(*s->DisableStaff("Carla", "staff:Ana").value);
    CHECK(refused(s->Authorize("staff:Carla", Permission::OpenResult, "open result", id)));
    CHECK(s->SignInWithPin("Carla", "97531064", kNow).status == SignIn::Status::NoAccount);
    // The administrator may; so may the machine's terminal.
    CHECK(s->SetSetting("kiosk.idle_seconds", "30", "staff:Ana", "idle time 30 s").ok());
    CHECK(s->Authorize("cli", Permission::ManageStaff, "staff list", "").ok());

    const int refusals = CountAction(*s, "refused");
    CHECK(refusals == 10);
    for (const store::AuditEntry& row : Audit(*s))
        if (row.action == "refused" && row.actor == "staff:Ben") CHECK(row.detail.find("front desk may not") != std::string::npos);
    CHECK(s->CheckAuditChain().value->ok());
}

TEST_CASE("the last active administrator cannot be disabled, and a disabled account leaves the sign-in list") {
    TempDb db;
    auto s = db.Open();
    AddAccount(*s, "Ana", Role::Admin, "24681364");
    AddAccount(*s, "Ben", Role::FrontDesk, "48291564");
    auto last = s->DisableStaff("Ana", "cli");
    REQUIRE_FALSE(last.ok());
    CHECK(last.error->Describe().find("last active administrator") != std::string::npos);
    CHECK(*s->DisableStaff("Ben", "staff:Ana").value);
    CHECK_FALSE(*s->DisableStaff("Ben", "staff:Ana").value);  // already disabled
    auto active = s->ListStaff(false, kNow);
    REQUIRE(active.value->size() == 1);
    CHECK(active.value->front().name == "Ana");
    CHECK_FALSE(Find(*s, "Ben")->active);
}

TEST_CASE("break-glass: the recovery code signs in once, with a reason, audited, and must be replaced") {
    TempDb db;
    auto s = db.Open();
    const std::string code = AddAccount(*s, "Ana", Role::Admin, "24681364");
    AddAccount(*s, "Ben", Role::Clinician, "48291564");
    // No reason, no sign-in (and nothing counted against the account).
    SignIn no_reason = s->SignInWithRecoveryCode("Ana", code, "   ", kNow);
    CHECK(no_reason.status == SignIn::Status::StoreError);
    CHECK(no_reason.error->Describe().find("reason") != std::string::npos);
    CHECK(Find(*s, "Ana")->failures == 0);
    // A wrong code is a failure like a wrong PIN; a clinician has no code at all.
    CHECK(s->SignInWithRecoveryCode("Ana", "12345678901234567890", "forgot my PIN", kNow).status == SignIn::Status::Wrong);
    CHECK(s->SignInWithRecoveryCode("Ben", code, "forgot my PIN", kNow).status == SignIn::Status::Wrong);

    SignIn glass = s->SignInWithRecoveryCode("Ana", store::FormatRecoveryCode(code), "forgot my PIN", kNow);
    REQUIRE(glass.status == SignIn::Status::Ok);
    CHECK(glass.account.recovery_used);
    auto rows = Audit(*s);
    auto used = std::find_if(rows.begin(), rows.end(), [](const store::AuditEntry& r) { return r.action == "break-glass sign-in"; });
    REQUIRE(used != rows.end());
    CHECK(used->actor == "staff:Ana");
    CHECK(used->detail == "reason: forgot my PIN");
    // Spent: the same code fails; the account shows it must be replaced, also at a PIN sign-in.
    CHECK(s->SignInWithRecoveryCode("Ana", code, "again", kNow).status == SignIn::Status::Wrong);
    CHECK(Find(*s, "Ana")->recovery_used);
    CHECK(s->SignInWithPin("Ana", "24681364", kNow).account.recovery_used);
    // A new PIN by the account itself brings a new code; the old one stays dead, the new one works once.
    auto replaced = s->SetStaffPin("Ana", "13579064", "staff:Ana");
    REQUIRE(replaced.ok());
    const std::string fresh = *replaced.value;
    CHECK(fresh.size() == static_cast<size_t>(store::kRecoveryDigits));
    CHECK(fresh != code);
    CHECK_FALSE(Find(*s, "Ana")->recovery_used);
    CHECK(s->SignInWithRecoveryCode("Ana", code, "old code", kNow).status == SignIn::Status::Wrong);
    CHECK(s->SignInWithPin("Ana", "24681364", kNow).status == SignIn::Status::Wrong);
    CHECK(s->SignInWithRecoveryCode("Ana", fresh, "testing the new code", kNow + 10000).status == SignIn::Status::Ok);
    // Replacing only the code (after a PIN sign-in) works too, for the account or another administrator.
    auto again = s->ReplaceRecoveryCode("Ana", "staff:Ana");
    REQUIRE(again.ok());
    CHECK(s->SignInWithRecoveryCode("Ana", fresh, "spent", kNow + 20000).status == SignIn::Status::Wrong);
    CHECK(s->SignInWithRecoveryCode("Ana", *again.value, "current", kNow + 30000).status == SignIn::Status::Ok);
    CHECK(s->ReplaceRecoveryCode("Ben", "cli").error.has_value());  // not an administrator
}

TEST_CASE("a version-3 database loses its shared PIN at migration, on record, and is not set up until an administrator is added") {
    test_support::TempDir dir;
    const std::string path = dir.File("v1.db");
    {
        store::Connection db(path, true);
        db.Exec(test_support::ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/store/fixtures/schema-v1.sql"), "loading the fixture");
        db.Exec("INSERT INTO settings (key, value) VALUES ('staff.pin_hash', '$argon2id$v=19$m=65536,t=2,p=1$x$y'), "
                "('staff.pin_failures', '3'), ('kiosk.id', 'kiosk-7')",
                "test");
    }
    auto s = test_support::OpenWithoutKey({path});
    CHECK(s->SchemaVersion() == store::Store::kSchemaVersion);
    CHECK_FALSE(*s->GetSetting("staff.pin_hash").value);
    CHECK_FALSE(*s->GetSetting("staff.pin_failures").value);
    CHECK(**s->GetSetting("kiosk.id").value == "kiosk-7");
    CHECK_FALSE(*s->HasAdministrator().value);
    CHECK(CountAction(*s, "staff accounts") == 1);
    CHECK(s->CheckAuditChain().value->ok());
}

TEST_CASE("the lockout grows by doubling and stops at an hour") {
    CHECK(store::LockoutSeconds(4) == 0);
    CHECK(store::LockoutSeconds(5) == 30);
    CHECK(store::LockoutSeconds(6) == 60);
    CHECK(store::LockoutSeconds(9) == 480);
    CHECK(store::LockoutSeconds(40) == store::kMaxLockoutSeconds);
}
