// Patients' data sealed at rest: what the kiosk stores it cannot read back; a reader's PIN opens it;
// an older clinic's database is sealed by `keys init` and its clear copies leave the file.
#include <doctest/doctest.h>

#include "../support.h"

#include <string>

#include "store/sealing.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace store = kiosk::store;
using SignIn = store::Store::SignIn;

namespace {

constexpr int64_t kNow = 1'800'000'000;

// Every byte the database left on disk: the file and its WAL.
std::string DiskBytes(const std::string& path) {
    return test_support::ReadFile(path) + test_support::ReadFile(path + "-wal");
}

int64_t Count(const std::string& path, const std::string& sql) {
    store::Connection raw(path, false);
    store::Statement s(raw, sql, "test");
    REQUIRE(s.Step());
    return s.Int(0);
}

}  // namespace

TEST_CASE("what the kiosk stores it cannot read back: sealed to the clinic key, opened only with a reader's PIN") {
    test_support::TempDir dir;
    const std::string path = dir.File("clinic.db");
    auto kiosk = test_support::OpenWithoutKey({path});
    CHECK_FALSE(*kiosk->HasClinicKey().value);
    // Fail closed: with no key to seal to, nothing is stored (in clear or otherwise).
    auto refused = kiosk->Submit(test_support::SampleRecord(), "kiosk");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error->kind == store::DbErrorKind::Refused);
    CHECK(refused.error->message.find("the clinic has no key yet") != std::string::npos);
    CHECK_FALSE(kiosk->RaiseAlert("kiosk@1", "U1", "R-RF-HOTJOINT", "2026-06-15T09:00:00.000Z").ok());

    // The first administrator makes the key pair; nobody is signed in when the kiosk writes.
    test_support::AddAccount(*kiosk, "Ada", store::Role::Admin, "24681364");
    CHECK(*kiosk->HasClinicKey().value);
    CHECK_FALSE(kiosk->CanRead());
    store::SubmissionRecord record = test_support::SampleRecord();
    record.answers_json = R"({"consent_data":"yes","dob":"1944-02-29","medications":["anticoag"]})";
    auto id = kiosk->Submit(record, "kiosk");
    REQUIRE_MESSAGE(id.ok(), id.error->Describe());
    REQUIRE(kiosk->RaiseAlert("kiosk@1", "U1", "R-RF-HOTJOINT", "2026-06-15T09:00:00.000Z").ok());

    auto locked = kiosk->Submissions(std::nullopt);
    REQUIRE(locked.ok());
    REQUIRE(locked.value->size() == 1);
    CHECK(locked.value->front().sealed);
    CHECK(locked.value->front().record.answers_json.empty());
    CHECK(locked.value->front().record.decision_json.empty());
    CHECK(locked.value->front().record.outcome == record.outcome);  // the queue's routing stays in clear
    auto alerts = kiosk->OpenAlerts();
    REQUIRE(alerts.value->size() == 1);
    CHECK(alerts.value->front().sealed);
    CHECK(alerts.value->front().rule_id.empty());
    CHECK(alerts.value->front().raised_at == "2026-06-15T09:00:00.000Z");
    CHECK(Count(path, "SELECT count(*) FROM submissions WHERE answers IS NULL AND decision IS NULL AND length(sealed) > 48") == 1);
    CHECK(DiskBytes(path).find("1944-02-29") == std::string::npos);
    CHECK(DiskBytes(path).find("R-RF-HOTJOINT") == std::string::npos);

    // The administrator's PIN unwraps the key; the store reads while it is held.
    SignIn ada = kiosk->SignInWithPin("Ada", "24681364", kNow);
    REQUIRE(ada.status == SignIn::Status::Ok);
    REQUIRE(ada.key);
    kiosk->UnlockReading(ada.key);
    auto open = kiosk->Submissions(std::nullopt);
    REQUIRE(open.ok());
    CHECK_FALSE(open.value->front().sealed);
    CHECK(open.value->front().record.answers_json == record.answers_json);
    CHECK(open.value->front().record.decision_json == record.decision_json);
    CHECK(kiosk->OpenAlerts().value->front().rule_id == "U1");
    CHECK(kiosk->OpenAlerts().value->front().reason == "R-RF-HOTJOINT");

    // Accounts added while the key is held: a clinician gets a wrapped copy, the front desk none.
    test_support::AddAccount(*kiosk, "Bea", store::Role::Clinician, "73510264");
    test_support::AddAccount(*kiosk, "Flo", store::Role::FrontDesk, "60481764");
    kiosk->LockReading();
    CHECK(kiosk->Submissions(std::nullopt).value->front().sealed);
    CHECK_FALSE(kiosk->SignInWithPin("Flo", "60481764", kNow).key);
    SignIn bea = kiosk->SignInWithPin("Bea", "73510264", kNow);
    REQUIRE(bea.key);
    auto other = test_support::OpenWithoutKey({path});  // another connection: locked until its own sign-in
    CHECK(other->Submissions(std::nullopt).value->front().sealed);
    other->UnlockReading(bea.key);
    CHECK(other->Submissions(std::nullopt).value->front().record.answers_json == record.answers_json);

    // A key from elsewhere opens nothing, and says so rather than showing empty answers.
    other->UnlockReading(store::ClinicKey::Generate());
    auto wrong = other->Submissions(std::nullopt);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error->message.find("does not open with the clinic key") != std::string::npos);

    // Disabling an account removes its copy of the key.
    CHECK(Count(path, "SELECT count(*) FROM key_wraps w JOIN staff s ON s.id = w.staff_id WHERE s.name = 'Bea'") == 1);
    REQUIRE(*kiosk->DisableStaff("Bea", "test").value);
    CHECK(Count(path, "SELECT count(*) FROM key_wraps w JOIN staff s ON s.id = w.staff_id WHERE s.name = 'Bea'") == 0);
    CHECK(kiosk->CheckAuditChain().value->ok());
}

TEST_CASE("a PIN changed by someone without the key loses its wrap, one changed while the key is held keeps reading") {
    test_support::TempDir dir;
    const std::string path = dir.File("clinic.db");
    auto s = test_support::OpenWithoutKey({path});
    test_support::AddAccount(*s, "Ada", store::Role::Admin, "24681364");
    SignIn ada = s->SignInWithPin("Ada", "24681364", kNow);
    s->UnlockReading(ada.key);
    test_support::AddAccount(*s, "Bea", store::Role::Clinician, "73510264");
    REQUIRE(s->SetStaffPin("Bea", "73510299", "staff:Ada").ok());  // Ada holds the key: re-wrapped
    CHECK(s->SignInWithPin("Bea", "73510299", kNow).key);
    s->LockReading();
    REQUIRE(s->SetStaffPin("Bea", "73510288", "test").ok());  // the terminal holds no key: the wrap goes
    SignIn bea = s->SignInWithPin("Bea", "73510288", kNow);
    CHECK(bea.status == SignIn::Status::Ok);
    CHECK_FALSE(bea.key);
    auto accounts = s->ListStaff(false, kNow);
    for (const store::StaffAccount& a : *accounts.value) CHECK(a.reads_results == (a.name == "Ada"));
    // An administrator holding the key grants it again under the PIN Bea types.
    s->UnlockReading(s->SignInWithPin("Ada", "24681364", kNow).key);
    REQUIRE(s->GrantReading(bea, "staff:Ada").ok());
    CHECK(s->SignInWithPin("Bea", "73510288", kNow).key);
    // The break-glass code opens the key once: spent with the code.
    const std::string code = test_support::AddAccount(*s, "Cy", store::Role::Admin, "86420864");
    SignIn glass = s->SignInWithRecoveryCode("Cy", code, "PIN forgotten", kNow);
    REQUIRE(glass.status == SignIn::Status::Ok);
    CHECK(glass.key);
    CHECK(Count(path, "SELECT count(*) FROM key_wraps w JOIN staff s ON s.id = w.staff_id WHERE s.name = 'Cy' AND secret = 'recovery'") == 0);
}

TEST_CASE("the kiosk's PIN cost: Argon2id at libsodium's moderate cost, 8 digits at least") {
    CHECK(store::kMinPinDigits == 8);
    CHECK(store::kPinCost.opslimit == 3);
    CHECK(store::kPinCost.memlimit == size_t{256} << 20);
    test_support::TempDir dir;
    auto opened = store::Store::Open({dir.File("clinic.db")});  // the options the kiosk uses
    auto& s = std::get<std::unique_ptr<store::Store>>(opened);
    REQUIRE(s->AddStaff({"Ada", store::Role::Admin, "24681364"}, "test").ok());
    store::Connection raw(dir.File("clinic.db"), false);
    store::Statement hash(raw, "SELECT pin_hash FROM staff", "test");
    REQUIRE(hash.Step());
    CHECK(hash.Text(0).rfind("kiosk-secret-v1$3$268435456$", 0) == 0);
}

TEST_CASE("a frozen schema-4 database migrates, keys init seals its rows and removes the clear copies, its PINs still work") {
    test_support::TempDir dir;
    const std::string path = dir.File("v4.db");
    {
        store::Connection db(path, true);
        db.Exec(test_support::ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/store/fixtures/schema-v4.sql"), "loading the fixture");
    }
    auto s = test_support::OpenWithoutKey({path});
    CHECK(s->SchemaVersion() == store::Store::kSchemaVersion);
    CHECK(s->CheckAuditChain().value->ok());
    CHECK(*s->HasAdministrator().value);
    CHECK_FALSE(*s->HasClinicKey().value);  // not set up until an administrator makes the key
    CHECK(DiskBytes(path).find("1951-11-23") != std::string::npos);  // in clear, as schema 4 kept it
    CHECK_FALSE(s->Submit(test_support::SampleRecord(), "kiosk").ok());

    // The PIN hashed by libsodium's string format (schema 4) signs in, and is hashed again.
    SignIn ada = s->SignInWithPin("Ada Admin", "24681364", kNow);
    REQUIRE(ada.status == SignIn::Status::Ok);
    CHECK(ada.wrap_key);
    {
        store::Connection raw(path, false);
        store::Statement hash(raw, "SELECT pin_hash FROM staff WHERE name = 'Ada Admin'", "test");
        REQUIRE(hash.Step());
        CHECK(hash.Text(0).rfind("kiosk-secret-v1$", 0) == 0);
    }
    auto sealed = s->InitClinicKey(ada);
    REQUIRE_MESSAGE(sealed.ok(), sealed.error->Describe());
    CHECK(*sealed.value == 3);  // two results and an alert
    CHECK(s->CanRead());
    CHECK_FALSE(s->InitClinicKey(ada).ok());  // one key per clinic

    auto rows = s->Submissions(std::nullopt);
    REQUIRE(rows.ok());
    REQUIRE(rows.value->size() == 2);
    bool found = false;
    for (const store::StoredSubmission& row : *rows.value) {
        CHECK_FALSE(row.sealed);
        if (row.record.answers_json.find("1951-11-23") != std::string::npos) found = true;
    }
    CHECK(found);
    CHECK(rows.value->front().status == store::SubmissionStatus::Reviewed);  // the workflow columns stay
    CHECK(s->OpenAlerts().value->front().reason == "R-RF-HOTJOINT");
    CHECK(Count(path, "SELECT count(*) FROM submissions WHERE sealed IS NULL") == 0);
    CHECK(Count(path, "SELECT count(*) FROM alerts WHERE sealed IS NULL OR rule_id != ''") == 0);
    // VACUUM and a checkpoint: no clear copy in free pages or the WAL.
    const std::string bytes = DiskBytes(path);
    for (const char* clear : {"1951-11-23", "1963-07-04", "anticoag", "low_platelets", "R-HEME-PLT"}) {
        CAPTURE(clear);
        CHECK(bytes.find(clear) == std::string::npos);
    }
    // The chain holds: each sealed row recorded with its new hash.
    auto chain = s->CheckAuditChain();
    REQUIRE(chain.ok());
    for (const store::ChainProblem& p : chain.value->problems) CAPTURE(p.what);
    CHECK(chain.value->ok());
    CHECK(chain.value->submissions == 2);

    // The clinician's account from schema 4 signs in but reads nothing until granted.
    SignIn ana = s->SignInWithPin("Dr Ana Ruiz", "73510264", kNow);
    REQUIRE(ana.status == SignIn::Status::Ok);
    CHECK_FALSE(ana.key);
    REQUIRE(s->GrantReading(ana, "staff:Ada Admin").ok());
    auto later = test_support::OpenWithoutKey({path});
    SignIn again = later->SignInWithPin("Dr Ana Ruiz", "73510264", kNow);
    REQUIRE(again.key);
    later->UnlockReading(again.key);
    CHECK(later->Submissions(std::nullopt).value->size() == 2);
    CHECK_FALSE(later->Submissions(std::nullopt).value->front().sealed);
    // Schema 4's recovery code (libsodium's string) still signs in; it carries no key.
    SignIn glass = later->SignInWithRecoveryCode("Ada Admin", "7070-6874-1763-1185-3798", "testing the old code", kNow);
    CHECK(glass.status == SignIn::Status::Ok);
    CHECK_FALSE(glass.key);
}
