// The patient screens driven by taps in a window-less ImGui context: the spec's vignettes are
// completed in English and Spanish and found stored with the right outcome.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "patient_taps.h"

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
