// Time on the real App, headless, over real SQLite files: the patient idle wipe and the staff
// auto-lock follow a monotonic clock (a wall clock stepped an hour either way changes neither),
// an implausible wall clock keeps new screenings from starting and says why on the staff screen,
// and a PIN typed while the database is locked is refused with the reason.
#include <doctest/doctest.h>

#include <algorithm>

#include "patient_taps.h"
#include "staff_taps.h"
#include "store/sqlite.h"

using namespace ui_driver;
namespace store = kiosk::store;

namespace {

// A patient on the first question after consent.
void StartPatient(Headless& k) {
    TapUntil(k, CaseAnswers(*k.app->Screening(), "V13"), "hot_joint");
    REQUIRE(k.Screen() == "question:hot_joint");
}

}  // namespace

TEST_CASE("the patient idle wipe ignores the wall clock stepped an hour back or forward") {
    SUBCASE("stepped back: the warning and the wipe still come at 90 s and 120 s") {
        Headless k;
        StartPatient(k);
        k.clock.StepWall(-1h);
        k.Wait(89s);
        CHECK(k.Screen() == "question:hot_joint");
        k.Wait(1s);
        CHECK(k.Screen() == "idle_warning");
        k.Wait(30s);
        CHECK(k.Screen() == "welcome");
        CHECK(k.app->PatientSession()->AnswersInMemory().values[0].state != rules::AnswerState::Given);
    }
    SUBCASE("stepped forward: nothing is wiped early") {
        Headless k;
        StartPatient(k);
        k.clock.StepWall(1h);
        k.Frame();
        CHECK(k.Screen() == "question:hot_joint");
        k.Wait(89s);
        CHECK(k.Screen() == "question:hot_joint");
        k.Wait(1s);
        CHECK(k.Screen() == "idle_warning");
        k.Wait(29s);
        CHECK(k.Screen() == "idle_warning");
    }
}

TEST_CASE("staff auto-lock comes after a minute without a touch whatever the wall clock does") {
    SUBCASE("stepped back an hour: staff mode still locks") {
        Headless k;
        SignIn(k);
        k.clock.StepWall(-1h);
        k.Wait(59s);
        CHECK(k.Screen() == "staff:menu");
        k.Wait(2s);
        CHECK(k.Screen() == "welcome");
    }
    SUBCASE("stepped forward an hour: staff mode does not lock early") {
        Headless k;
        SignIn(k);
        k.clock.StepWall(1h);
        k.Frame();
        CHECK(k.Screen() == "staff:menu");
        CHECK(k.app->SecondsUntilWake() == doctest::Approx(60));
        k.Wait(59s);
        CHECK(k.Screen() == "staff:menu");
    }
}

TEST_CASE("a wall clock before the build date starts no screening and tells staff why") {
    REQUIRE(kiosk::BuildTime() > kiosk::UtcTime(kDay));  // the tests' day is before any build of this code
    kiosk::ui::AppOptions options;
    options.clock_not_before = kiosk::BuildTime();  // the real build date, as the kiosk uses it
    Headless k(1920, 1080, options);
    CHECK(k.Screen() == "out_of_order");
    CHECK(k.Shows("Out of order. Please see reception."));
    CHECK_FALSE(k.Has("lang:en"));
    CHECK(k.app->ClockFault().find("before this kiosk software was built") != std::string::npos);
    SignIn(k);
    CHECK(k.Shows("The kiosk is out of order: patients cannot use it."));
    k.Tap("staff:menu:fault");
    CHECK(k.Screen() == "staff:fault");
    CHECK(k.Shows("before this kiosk software was built"));
    k.Tap("staff:lock");
    // The clock is set right: the welcome screen is back at the next frame.
    k.clock.Set(std::max(kiosk::BuildTime(), std::chrono::system_clock::now()) + 1h);
    k.Frame();
    CHECK(k.Screen() == "welcome");
    CHECK(k.app->ClockFault().empty());
}

TEST_CASE("a wall clock earlier than the newest stored row starts no screening and tells staff why") {
    kiosk::ui::AppOptions options;
    options.clock_not_before = kiosk::UtcTime(kDay) - 24h * 365;
    options.clock_after_stored_rows = true;
    Headless k(1920, 1080, options);
    // The administrator's rows were stamped by the machine's real clock when it was added.
    k.clock.Set(std::max(kiosk::UtcTime(kDay, 9h), std::chrono::system_clock::now() + 1min));
    k.Frame();
    REQUIRE(k.Screen() == "welcome");  // no submission yet, and nothing newer than the clock
    // A result stored by a kiosk whose clock said 2099 (another kiosk on this database, or this
    // one before its clock went back).
    store::SubmissionRecord row{"kiosk-2", "default", "1", "h", "en", "2099-03-01T10:00:00.000Z", "2099-03-01T10:05:00.000Z",
                                "{}", "{}", std::nullopt, "paper"};
    REQUIRE(k.app->Store()->Submit(row, "cli").ok());
    k.Frame();
    CHECK(k.Screen() == "out_of_order");
    CHECK(k.app->ClockFault().find("earlier than the newest record in the clinic database (2099-03-01T10:05:00.000Z)") !=
          std::string::npos);
    SignIn(k);
    k.Tap("staff:menu:fault");
    CHECK(k.Shows("earlier than the newest record"));
    k.Tap("staff:lock");
    k.clock.Set(kiosk::UtcTime({2099, 3, 1}, 11h));
    k.Frame();
    // The audit rows (stamped by the machine's real clock) are older than 2099.
    CHECK(k.Screen() == "welcome");
    // A time server's small correction is no reason to stop: 5 minutes of slack, not more.
    k.clock.Set(kiosk::UtcTime({2099, 3, 1}, 10h + 1min));
    k.Frame();
    CHECK(k.Screen() == "welcome");
    k.clock.Set(kiosk::UtcTime({2099, 3, 1}, 9h + 59min));
    k.Frame();
    CHECK(k.Screen() == "out_of_order");
}

TEST_CASE("a PIN typed while another process holds the database is refused with the reason, the right PIN too") {
    Headless k;
    store::Connection other(k.dir.File("clinic.db"), false);
    other.Exec("BEGIN IMMEDIATE", "test");
    OpenAndType(k, kAdmin, kAdminPin);
    CHECK(k.Screen() == "staff:pin");
    CHECK(k.Shows("The PIN was not checked: the attempt cannot be recorded"));
    CHECK(k.Shows("Nobody can sign in until the database can be written."));
    other.Exec("COMMIT", "test");
    TypePin(k, kAdminPin);
    k.Tap("pin:enter");
    CHECK(k.Screen() == "staff:menu");
}
