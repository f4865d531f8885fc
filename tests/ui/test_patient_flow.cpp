// The patient screens driven by taps in a window-less ImGui context: the spec's vignettes are
// completed in English and Spanish and found stored with the right outcome.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "patient_taps.h"
#include "staff_taps.h"
#include "store/sqlite.h"

using namespace ui_driver;

namespace {

const rules::TestCase& CaseNamed(const rules::Screening& s, const std::string& prefix) {
    for (const rules::TestCase& c : s.cases)
        if (c.name.rfind(prefix + " ", 0) == 0) return c;
    FAIL("no case " << prefix);
    return s.cases.front();
}

}  // namespace

TEST_CASE("the welcome screen offers each language and shows the screening's welcome text") {
    Headless k;
    REQUIRE(k.app->Fault().empty());
    CHECK(k.Screen() == "welcome");
    CHECK(k.Has("lang:en"));
    CHECK(k.Has("lang:es"));
    CHECK(k.Shows("Welcome. This short form asks about your pain"));
    CHECK(k.Shows("Español"));
    CHECK(k.Shows("Toque para empezar"));
}

TEST_CASE("every spec vignette completed by tapping, in English and in Spanish, is stored with the right outcome") {
    for (const char* language : {"en", "es"}) {
        for (const char* name : {"V1", "V2", "V3", "V5", "V6", "V8", "V10", "V11", "V12", "V13"}) {
            CAPTURE(language);
            CAPTURE(name);
            Headless k;
            const rules::Screening& s = *k.app->Screening();
            const rules::TestCase& c = CaseNamed(s, name);
            TapThrough(k, s.case_answers[c.answers], language);
            if (k.Screen() == "review") k.Tap("nav:submit");
            REQUIRE(k.Screen() == "done");
            auto rows = k.Reader()->Submissions(std::nullopt);
            REQUIRE(rows.value->size() == 1);
            const auto& row = rows.value->front();
            CHECK(row.record.outcome.value_or("none") == s.outcomes[c.expect.outcome].id);
            CHECK(row.record.language == language);
            // The closing screen never names the verdict.
            for (const rules::Outcome& o : s.outcomes) CHECK_FALSE(k.Shows(o.staff_label[0]));
        }
    }
}

TEST_CASE("a result that cannot be saved keeps the answers for another try, and the kiosk is out of order for the next patient until a write is taken") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapThrough(k, CaseAnswers(s, "V3"), "en");
    REQUIRE(k.Screen() == "review");
    // Another process holds the database past the busy timeout: the commit cannot happen.
    auto other = std::make_unique<kiosk::store::Connection>(k.db_path, false);
    other->Exec("BEGIN IMMEDIATE", "test");
    k.Tap("nav:submit");
    CHECK(k.Screen() == "review");  // not thanked: the answers wait for another try
    CHECK(k.app->WriteFault().find("A result could not be saved") != std::string::npos);
    CHECK(k.Reader()->Submissions(std::nullopt).value->empty());
    // The patient walks away before trying again: the session is wiped when it goes idle, and the
    // next patient finds the kiosk out of order rather than answering 35 questions for nothing.
    k.Wait(std::chrono::seconds(600));
    k.Wait(std::chrono::seconds(1));
    CHECK(k.Screen() == "out_of_order");
    CHECK_FALSE(k.Has("lang:en"));
    other->Exec("COMMIT", "test");
    other.reset();
    // The reason is on the staff screen.
    SignIn(k);
    REQUIRE(k.Has("staff:menu:fault"));
    k.Tap("staff:menu:fault");
    CHECK(k.Shows("A result could not be saved"));
    k.Tap("staff:lock");
    CHECK(k.Screen() == "out_of_order");
    // The database works again: the next recheck (an audited write) puts the kiosk back in order.
    k.Wait(kiosk::ui::App::kWriteRecheck);
    k.Frame();
    CHECK(k.app->WriteFault().empty());
    CHECK(k.Screen() == "welcome");
    CHECK(Audited(k, "write check"));
}

TEST_CASE("a database file deleted under the running kiosk is noticed before the patient is thanked") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapThrough(k, CaseAnswers(s, "V3"), "en");
    REQUIRE(k.Screen() == "review");
    std::filesystem::remove(k.db_path);  // SQLite would go on writing into the unlinked file
    k.Tap("nav:submit");
    CHECK(k.Screen() == "review");
    CHECK(k.app->WriteFault().find("was deleted while the kiosk was running") != std::string::npos);
}
