// Staff accounts on the real App, headless, over real SQLite files: a kiosk with no administrator
// serves no patient and offers no PIN on the glass, and goes into service when one is added from
// another process; each role sees only what it may do and the store refuses the rest; a patient
// cannot lock out every account; break-glass with the recovery code; the administrator's staff screen.
#include <doctest/doctest.h>

#include <imgui.h>

#include <cctype>

#include "patient_taps.h"
#include "staff_taps.h"

using namespace ui_driver;
namespace store = kiosk::store;

namespace {

// The 20 digits of a recovery code drawn as 1234-5678-9012-3456-7890, if one is on screen.
std::string DrawnRecoveryCode(const Headless& k) {
    const std::string text = Headless::Squeeze(k.DrawnText());
    for (size_t i = 0; i + 24 <= text.size(); ++i) {
        std::string digits;
        bool ok = true;
        for (size_t j = 0; j < 24 && ok; ++j) {
            char c = text[i + j];
            if (j % 5 == 4) ok = c == '-';
            else if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
            else ok = false;
        }
        if (ok) return digits;
    }
    return {};
}

int64_t Now(Headless& k) {
    return std::chrono::duration_cast<std::chrono::seconds>(k.clock.Now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("a new database: the patient sees not set up, no screening starts, and the staff corner offers no PIN") {
    Headless k(1920, 1080, {}, Provision::None);
    CHECK(k.app->NotSetUp());
    CHECK(k.Screen() == "not_set_up");
    CHECK(k.Shows("This kiosk is not set up yet."));
    CHECK(k.Shows("See the installation guide: an administrator is added on this machine's terminal with kiosk staff add NAME "
                  "--role admin (a database from an older kiosk: an administrator runs kiosk keys init --as NAME)."));
    CHECK_FALSE(k.Has("lang:en"));
    CHECK(k.app->Tappables().empty());
    k.TapAt(ImVec2(960, 600));  // a patient taps where the language buttons would be
    CHECK(k.Screen() == "not_set_up");
    CHECK(k.app->PatientSession()->State() == kiosk::SessionState::Welcome);

    k.Hold(ImVec2(10, 10), 3.2);
    CHECK(k.Screen() == "staff:not_set_up");
    CHECK(k.Shows("This kiosk is not set up yet."));
    CHECK(k.Shows("kiosk staff add NAME --role admin"));
    // Only Close: no pad key, no way to choose a PIN here.
    REQUIRE(k.app->Tappables().size() == 1);
    CHECK(k.app->Tappables()[0].key == "staff:lock");
    CHECK(KeysStarting(k, "pad:").empty());
    CHECK_FALSE(k.Shows("PIN for"));
    k.Tap("staff:lock");
    CHECK(k.Screen() == "not_set_up");
    CHECK_FALSE(*k.app->Store()->HasAdministrator().value);
    CHECK(k.app->Store()->Submissions(std::nullopt).value->empty());
}

TEST_CASE("an administrator added from another process puts the kiosk in service within the re-check period, no restart") {
    Headless k(1920, 1080, {}, Provision::None);
    REQUIRE(k.Screen() == "not_set_up");
    // The kiosk asks the database again on its own: the event loop is woken for it.
    const double wake = k.app->SecondsUntilWake();
    CHECK(wake >= 0);
    CHECK(wake <= std::chrono::duration<double>(kiosk::ui::App::kSetUpRecheck).count());

    // "kiosk staff add" on the terminal: a second process with its own connection to the file.
    auto terminal = test_support::OpenStore(store::StoreOptions{k.dir.File("clinic.db")});
    REQUIRE(terminal->AddStaff({"Rosa Diaz", store::Role::Admin, "86420964"}, "cli").ok());
    k.Frame();
    CHECK(k.Screen() == "not_set_up");  // not asked again every frame
    k.Wait(kiosk::ui::App::kSetUpRecheck);
    CHECK(k.Screen() == "welcome");
    CHECK(k.Has("lang:en"));
    SignIn(k, "Rosa Diaz", "86420964");
}

TEST_CASE("each role sees only what it may do, and the store refuses what the screen hides") {
    Headless k;
    AddAccount(k, "Fran Desk", store::Role::FrontDesk, "11235864");
    AddAccount(k, "Ana Ruiz", store::Role::Clinician, "13579264");
    const std::string id = SubmitCase(k, "V13");
    const std::vector<std::string> hidden_from_clinician{"staff:menu:export", "staff:menu:settings", "staff:menu:staff",
                                                         "staff:menu:quit"};

    SUBCASE("front desk: reset, alerts, the queue's outcomes; no result opens") {
        TapUntil(k, CaseAnswers(*k.app->Screening(), "V13"), "hot_joint");
        SignIn(k, "Fran Desk", "11235864");
        CHECK(k.Shows("signed in: Fran Desk, front desk"));
        for (const std::string& key : hidden_from_clinician) CHECK_MESSAGE(!k.Has(key), key);
        CHECK(k.Has("staff:menu:alerts"));
        CHECK(k.Has("staff:menu:session"));
        k.Tap("staff:menu:queue");
        CHECK(k.Shows(k.app->Screening()->outcomes[k.app->Screening()->FindOutcome("NOT_ELIGIBLE_TODAY")].staff_label[0]));
        CHECK_FALSE(k.Has("staff:queue:row:" + id));  // the outcome as text, not a row to open
        CHECK(Audited(k, "view queue").value().actor == "staff:Fran Desk");
        k.Tap("staff:back");
        k.Tap("staff:menu:session");
        CHECK(k.Has("staff:session:reset"));
        CHECK_FALSE(k.Has("staff:session:show_answers"));

        // What the screen hides, tried through the store as this account: refused and audited.
        store::Store& db = *k.app->Store();
        const std::string actor = "staff:Fran Desk";
        for (store::Permission p : {store::Permission::OpenResult, store::Permission::ShowAnswers, store::Permission::Export,
                                    store::Permission::CloseKiosk}) {
            auto done = db.Authorize(actor, p, "try", "");
            REQUIRE_FALSE(done.ok());
            CHECK(done.error->kind == store::DbErrorKind::Refused);
        }
        auto review = db.MarkReviewed(id, actor);
        REQUIRE_FALSE(review.ok());
        CHECK(review.error->kind == store::DbErrorKind::Refused);
        CHECK(db.Submissions(store::SubmissionStatus::Reviewed).value->empty());
        std::optional<store::AuditEntry> refused = Audited(k, "refused");
        REQUIRE(refused);
        CHECK(refused->actor == actor);
        CHECK(refused->detail.find("a front desk may not mark a result reviewed") != std::string::npos);

        // The reset the role may do.
        k.Tap("staff:session:reset");
        k.Tap("staff:reset:confirm");
        CHECK(k.Screen() == "welcome");
        CHECK(Audited(k, "staff reset").value().actor == actor);
    }
    SUBCASE("clinician: also opens a result, shows answers and marks reviewed; no export, settings, staff or close") {
        TapUntil(k, CaseAnswers(*k.app->Screening(), "V13"), "hot_joint");
        SignIn(k, "Ana Ruiz", "13579264");
        for (const std::string& key : hidden_from_clinician) CHECK_MESSAGE(!k.Has(key), key);
        k.Tap("staff:menu:session");
        CHECK(k.Has("staff:session:show_answers"));
        k.Tap("staff:back");
        k.Tap("staff:menu:queue");
        k.Tap("staff:queue:row:" + id);
        CHECK(k.Screen() == "staff:result");
        CHECK(Audited(k, "open result").value().actor == "staff:Ana Ruiz");
        CHECK(k.Find("staff:result:review")->enabled);
        auto exported = k.app->Store()->Authorize("staff:Ana Ruiz", store::Permission::Export, "export", "");
        REQUIRE_FALSE(exported.ok());
        CHECK(exported.error->kind == store::DbErrorKind::Refused);
        CHECK(Audited(k, "refused").value().detail.find("a clinician may not export results") != std::string::npos);
    }
    SUBCASE("administrator: everything") {
        SignIn(k);
        for (const std::string& key : hidden_from_clinician) CHECK_MESSAGE(k.Has(key), key);
        k.Tap("staff:menu:queue");
        CHECK(k.Has("staff:queue:row:" + id));
    }
}

TEST_CASE("a patient cannot lock out every account: account B signs in at once while A is locked, and no lockout passes the cap") {
    Headless k;
    AddAccount(k, "Ana Ruiz", store::Role::Clinician, "13579264");
    AddAccount(k, "Fran Desk", store::Role::FrontDesk, "11235864");
    // A stranger tries PINs on Ana's account until it locks.
    OpenAndType(k, "Ana Ruiz", "00000164");
    for (int i = 2; i <= store::kFreeAttempts; ++i) {
        TypePin(k, "00000" + std::to_string(i));
        k.Tap("pin:enter");
    }
    CHECK(k.Shows("Too many wrong PINs: try again in 30 s."));
    TypePin(k, "13579264");
    k.Tap("pin:enter");
    CHECK(k.Screen() == "staff:pin");
    CHECK(k.Shows("Too many wrong PINs: try again in 30 s."));
    // Another account is not held back, not even for a moment.
    k.Tap("pin:not_you");
    k.Tap("staff:sign_in:Fran Desk");
    TypePin(k, "11235864");
    k.Tap("pin:enter");
    CHECK(k.Screen() == "staff:menu");
    k.Tap("staff:lock");
    // 10 s later Ana's message counts down.
    k.Wait(std::chrono::seconds(10));
    OpenAndType(k, "Ana Ruiz", "13579264");
    CHECK(k.Shows("Too many wrong PINs: try again in 20 s."));
    k.Tap("staff:lock");

    // Wrong PINs for hours, each after the last lockout ended: the lockout grows to the cap and no further.
    store::Store& db = *k.app->Store();
    int64_t now = Now(k) + 21;
    int64_t longest = 0;
    for (int i = 0; i < 20; ++i) {
        store::Store::SignIn wrong = db.SignInWithPin("Ana Ruiz", "99999999", now);
        REQUIRE(wrong.status == store::Store::SignIn::Status::Wrong);
        CHECK(wrong.seconds_locked <= store::kMaxLockoutSeconds);
        longest = std::max(longest, wrong.seconds_locked);
        now += wrong.seconds_locked + 1;
    }
    CHECK(longest == store::kMaxLockoutSeconds);
    // And under a clock gone wrong by years, still never more than the cap.
    // (Kept in a variable: iterating a member of a temporary would dangle.)
    auto skewed = db.ListStaff(false, now - 3 * 365 * 24 * 3600);
    REQUIRE(skewed.ok());
    for (const store::StaffAccount& a : *skewed.value) CHECK(a.seconds_locked <= store::kMaxLockoutSeconds);
}

namespace {

// Staff sign-in as the administrator, "Use the recovery code", and the code on the pad: the reason comes next.
void EnterRecoveryCode(Headless& k, const std::string& code) {
    k.app->OpenStaff();
    k.Frame();
    k.Tap(std::string("staff:sign_in:") + kAdmin);
    k.Tap("pin:recovery");
    TypePin(k, code);
    k.Tap("pin:enter");
}

}  // namespace

TEST_CASE("break-glass: the recovery code with a reason signs the administrator in, then a new code must be made") {
    Headless k;
    const std::string first_code = Template().recovery;
    REQUIRE(first_code.size() == static_cast<size_t>(store::kRecoveryDigits));
    SUBCASE("an empty reason is refused, in the store and on the screen") {
        store::Store::SignIn refused = k.app->Store()->SignInWithRecoveryCode(kAdmin, first_code, "  ", Now(k));
        CHECK(refused.status != store::Store::SignIn::Status::Ok);
        EnterRecoveryCode(k, first_code);
        REQUIRE(k.Screen() == "staff:name");
        k.Tap("key:space");
        CHECK_FALSE(k.Find("staff:name:ok")->enabled);
        CHECK_FALSE(Audited(k, "break-glass sign-in").has_value());
    }
    SUBCASE("signed in with the code: a new PIN, then the new code once; the old code fails") {
        k.app->OpenStaff();
        k.Frame();
        k.Tap(std::string("staff:sign_in:") + kAdmin);
        k.Tap("pin:recovery");
        CHECK(k.Shows(std::string("Recovery code for ") + kAdmin));
        TypePin(k, first_code);
        k.Tap("pin:enter");
        REQUIRE(k.Screen() == "staff:name");
        TypeText(k, "forgot pin");
        k.Tap("staff:name:ok");
        // Forced: a new PIN before anything else.
        REQUIRE(k.Screen() == "staff:pin");
        CHECK(k.Shows("Choose a new PIN"));
        CHECK(KeysStarting(k, "staff:menu:").empty());
        std::optional<store::AuditEntry> glass = Audited(k, "break-glass sign-in");
        REQUIRE(glass);
        CHECK(glass->actor == std::string("staff:") + kAdmin);
        CHECK(glass->detail.find("orgot") != std::string::npos);
        TypePin(k, "97531864");
        k.Tap("pin:enter");
        TypePin(k, "97531864");
        k.Tap("pin:enter");
        REQUIRE(k.Screen() == "staff:new_code");
        const std::string second_code = DrawnRecoveryCode(k);
        REQUIRE(second_code.size() == static_cast<size_t>(store::kRecoveryDigits));
        CHECK(second_code != first_code);
        k.Tap("staff:code:done");
        CHECK(k.Screen() == "staff:menu");
        CHECK(DrawnRecoveryCode(k).empty());  // shown once
        k.Tap("staff:lock");

        store::Store& db = *k.app->Store();
        CHECK(db.SignInWithRecoveryCode(kAdmin, first_code, "again", Now(k)).status == store::Store::SignIn::Status::Wrong);
        // The new PIN works; the old one does not.
        OpenAndType(k, kAdmin, kAdminPin);
        CHECK(k.Screen() == "staff:pin");
        TypePin(k, "97531864");
        k.Tap("pin:enter");
        CHECK(k.Screen() == "staff:menu");
    }
    SUBCASE("locked before the new PIN: the next sign-in with the PIN makes the new code first") {
        EnterRecoveryCode(k, first_code);
        TypeText(k, "locked out");
        k.Tap("staff:name:ok");
        REQUIRE(k.Screen() == "staff:pin");
        k.Tap("staff:lock");
        OpenAndType(k, kAdmin, kAdminPin);
        REQUIRE(k.Screen() == "staff:new_code");
        const std::string code = DrawnRecoveryCode(k);
        REQUIRE(code.size() == static_cast<size_t>(store::kRecoveryDigits));
        CHECK(KeysStarting(k, "staff:menu:").empty());
        k.Tap("staff:code:done");
        CHECK(k.Screen() == "staff:menu");
        CHECK(Audited(k, "recovery code replaced").has_value());
        store::Store& db = *k.app->Store();
        CHECK(db.SignInWithRecoveryCode(kAdmin, first_code, "x", Now(k)).status == store::Store::SignIn::Status::Wrong);
        CHECK(db.SignInWithRecoveryCode(kAdmin, code, "drill", Now(k)).status == store::Store::SignIn::Status::Ok);
    }
}

TEST_CASE("the administrator's staff screen adds a clinician who can sign in, disables an account, and says why it cannot") {
    Headless k;
    AddAccount(k, "Fran Desk", store::Role::FrontDesk, "11235864");
    SignIn(k);
    k.Tap("staff:menu:staff");
    CHECK(k.Screen() == "staff:accounts");
    CHECK(k.Shows("Fran Desk"));
    CHECK(k.Shows("front desk"));

    // The last administrator cannot be disabled.
    k.Tap(std::string("staff:accounts:disable:") + kAdmin);
    k.Tap("staff:disable:confirm");
    CHECK(k.Screen() == "staff:accounts");
    CHECK(k.Shows("is the last active administrator"));

    // A taken name and a short PIN are refused in plain words.
    k.Tap("staff:accounts:add");
    TypeText(k, "fran desk");
    k.Tap("staff:name:ok");
    CHECK(k.Screen() == "staff:name");
    CHECK(k.Shows("already exists"));
    for (int i = 0; i < 9; ++i) k.Tap("key:back");
    TypeText(k, "bea lopez");
    k.Tap("staff:name:ok");
    REQUIRE(k.Screen() == "staff:new_role");
    k.Tap("staff:role:clinician");
    REQUIRE(k.Screen() == "staff:pin");
    TypePin(k, "1234");
    k.Tap("pin:enter");
    CHECK(k.Shows("A staff PIN has at least 8 digits."));
    TypePin(k, "13579264");
    k.Tap("pin:enter");
    TypePin(k, "13579264");
    k.Tap("pin:enter");
    CHECK(k.Screen() == "staff:accounts");
    CHECK(k.Shows("clinician"));
    auto accounts = k.app->Store()->ListStaff(false, Now(k));
    REQUIRE(accounts.ok());
    std::string added;
    for (const store::StaffAccount& a : *accounts.value)
        if (a.role == store::Role::Clinician) added = a.name;
    REQUIRE_FALSE(added.empty());
    CHECK(Audited(k, "staff added").value().actor == std::string("staff:") + kAdmin);

    // A new administrator's recovery code is shown once.
    k.Tap("staff:accounts:add");
    TypeText(k, "rosa");
    k.Tap("staff:name:ok");
    k.Tap("staff:role:admin");
    TypePin(k, "86420964");
    k.Tap("pin:enter");
    TypePin(k, "86420964");
    k.Tap("pin:enter");
    REQUIRE(k.Screen() == "staff:new_code");
    CHECK(DrawnRecoveryCode(k).size() == static_cast<size_t>(store::kRecoveryDigits));
    k.Tap("staff:code:done");
    CHECK(k.Screen() == "staff:accounts");

    // Disable the front desk account: gone from the sign-in list.
    k.Tap("staff:accounts:disable:Fran Desk");
    CHECK(k.Screen() == "staff:confirm_disable");
    k.Tap("staff:disable:confirm");
    CHECK(k.Shows("Fran Desk is disabled"));
    CHECK(k.Shows("disabled"));
    k.Tap("staff:lock");

    k.app->OpenStaff();
    k.Frame();
    CHECK_FALSE(k.Has("staff:sign_in:Fran Desk"));
    // Typed, the disabled name gets the same answer as any unknown one.
    k.Tap("staff:sign_in:type");
    TypeText(k, "fran desk");
    k.Tap("staff:name:ok");
    CHECK(k.Shows("No active account has that name."));
    k.Tap("staff:lock");

    // The new clinician signs in, and sees a clinician's menu.
    SignIn(k, added, "13579264");
    CHECK(k.Has("staff:menu:queue"));
    CHECK_FALSE(k.Has("staff:menu:staff"));
}
