// The kiosk window's seam to the clinic server's worker: the app wakes it right after a result or
// an urgent alert is committed (and not on every tap), and the staff menu shows its one line.
#include <doctest/doctest.h>

#include "patient_taps.h"
#include "staff_taps.h"

using namespace ui_driver;

namespace {

struct Hooks {
    int wakes = 0;
    std::string status = "last sent 12 s ago, 0 waiting";
    kiosk::ui::AppOptions Options() {
        kiosk::ui::AppOptions options;
        options.wake_outbox = [this] { ++wakes; };
        options.clinic_server_status = [this] { return status; };
        return options;
    }
};

}  // namespace

TEST_CASE("a submitted result wakes the clinic server's worker once, and answering questions does not") {
    Hooks hooks;
    Headless k(1920, 1080, hooks.Options());
    const rules::Screening& s = *k.app->Screening();
    TapThrough(k, CaseAnswers(s, "V2"), "en");
    if (k.Screen() == "review") {
        CHECK(hooks.wakes == 0);
        k.Tap("nav:submit");
    }
    REQUIRE(k.Screen() == "done");
    CHECK(hooks.wakes == 1);
    k.Tap("nav:finish");
    CHECK(hooks.wakes == 1);
}

TEST_CASE("an urgent alert wakes the worker the moment it is stored") {
    Hooks hooks;
    Headless k(1920, 1080, hooks.Options());
    const rules::Screening& s = *k.app->Screening();
    const rules::Answers& v11 = CaseAnswers(s, "V11");
    k.Tap("lang:en");
    for (int guard = 0; guard < 60 && k.Screen() != "urgent"; ++guard) {
        REQUIRE(hooks.wakes == 0);
        REQUIRE(k.Screen().rfind("question:", 0) == 0);
        TapAnswer(k, s, s.FindQuestion(k.Screen().substr(9)), v11.values[s.FindQuestion(k.Screen().substr(9))]);
    }
    REQUIRE(k.Screen() == "urgent");
    CHECK(hooks.wakes == 1);
}

TEST_CASE("the staff menu shows the clinic server's line, in the error colour when sending fails, and none without a server") {
    {
        Hooks hooks;
        Headless k(1920, 1080, hooks.Options());
        SignIn(k);
        CHECK(k.Shows("Clinic server: last sent 12 s ago, 0 waiting"));
    }
    {
        Hooks hooks;
        hooks.status = "3 waiting, oldest 5 min; last failure 10:02:03: could not connect";
        Headless k(1920, 1080, hooks.Options());
        SignIn(k);
        CHECK(k.Shows("Clinic server: 3 waiting, oldest 5 min; last failure 10:02:03"));
    }
    Headless k;
    SignIn(k);
    CHECK_FALSE(k.Shows("Clinic server"));
}
