// A rule level named in a file means the same wherever it is written: a rule's `level`, a
// level_from parameter, a test case's override of that parameter (Screening::FindLevel).
#include <doctest/doctest.h>

#include "rules/decision.h"
#include "screening_text.h"

namespace {

const char* const kQuestions = R"(
[[questions]]
id = "smoker"
type = "yes_no"
text.en = "Do you smoke?"
)";

std::string Screening(const std::string& parameter_value, const std::string& case_override, const std::string& rule_level) {
    return test::ScreeningText(kQuestions, R"(
[[rules]]
id = "smoking"
when = "smoker = yes"
level_from = "SMOKING_LEVEL"
staff_text = "Smokes."

[[rules]]
id = "fixed"
when = "smoker = yes"
level = ")" + rule_level + R"("
staff_text = "Fixed level."
)",
                               R"(
[parameters]
SMOKING_LEVEL = ")" + parameter_value + R"("

[[cases]]
name = "override"
today = 2026-06-15
parameters = { SMOKING_LEVEL = ")" + case_override + R"(" }
answers = { smoker = "yes" }
expect.outcome = "REVIEW"
)");
}

// The level rule `rule` fired at, deciding with the case's parameters.
int FiredLevel(const rules::Screening& s, const char* rule) {
    const rules::TestCase& c = s.cases.front();
    std::vector<rules::ParamValue> params = s.ParameterValues();
    for (const auto& [p, value] : c.parameters) params[p] = value;
    rules::Decision d;
    rules::Decide(s, s.case_answers[c.answers], c.today, params, d);
    for (const rules::FiredRule& f : d.fired)
        if (f.rule == s.FindRule(rule)) return f.level;
    return -100;
}

}  // namespace

TEST_CASE("one resolution of level names: note and indication in any case, outcome ids as written") {
    auto s = test::Load(Screening("REVIEW", "REVIEW", "note"));
    CHECK(s->FindLevel("note") == rules::kLevelNote);
    CHECK(s->FindLevel("NOTE") == rules::kLevelNote);
    CHECK(s->FindLevel("Note") == rules::kLevelNote);
    CHECK(s->FindLevel("indication") == rules::kLevelIndication);
    CHECK(s->FindLevel("INDICATION") == rules::kLevelIndication);
    CHECK(s->FindLevel("REVIEW") == s->FindOutcome("REVIEW"));
    CHECK(s->FindLevel("review") == rules::kLevelNone);  // outcome ids are exact
    CHECK(s->FindLevel("notes") == rules::kLevelNone);
    CHECK(s->FindLevel("") == rules::kLevelNone);
}

TEST_CASE("a case's override of a level parameter reads like the parameter itself") {
    // Before one function resolved both, [parameters] accepted "indication" in any case while a
    // case's override knew only "NOTE", "note" and "INDICATION": "indication" there meant no level.
    for (const char* spelling : {"indication", "Indication", "INDICATION"}) {
        CAPTURE(spelling);
        auto s = test::Load(Screening(spelling, spelling, "note"));
        const int p = s->FindParameter("SMOKING_LEVEL");
        CHECK(s->parameters[p].value.level == rules::kLevelIndication);
        REQUIRE(s->cases.size() == 1);
        REQUIRE(s->cases[0].parameters.size() == 1);
        CHECK(s->cases[0].parameters[0].second.level == rules::kLevelIndication);
        CHECK(FiredLevel(*s, "smoking") == rules::kLevelIndication);
    }
    auto raised = test::Load(Screening("NOTE", "REVIEW", "note"));
    CHECK(FiredLevel(*raised, "smoking") == raised->FindOutcome("REVIEW"));
    auto lowered = test::Load(Screening("REVIEW", "note", "note"));
    CHECK(FiredLevel(*lowered, "smoking") == rules::kLevelNote);
}

TEST_CASE("a rule's level takes the same names as a level parameter") {
    // Before, a rule's `level` knew only "note" and "indication" in lower case.
    auto s = test::Load(Screening("NOTE", "NOTE", "NOTE"));
    CHECK(s->rules[s->FindRule("fixed")].level == rules::kLevelNote);
    CHECK(FiredLevel(*s, "fixed") == rules::kLevelNote);

    rules::LoadResult bad = rules::LoadScreeningText(Screening("NOTE", "NOTE", "Review"), "test.toml");
    CHECK_FALSE(bad.screening);
    CHECK(bad.diagnostics.Format().find("level 'Review' is not an outcome, \"note\" or \"indication\"") != std::string::npos);
}

TEST_CASE("an outcome may not be named like a level that is not an outcome") {
    std::string text = Screening("NOTE", "NOTE", "note");
    const std::string id = "id = \"LOW\"";
    text.replace(text.find(id), id.size(), "id = \"NOTE\"");
    const std::string level = "level = \"LOW\"";
    text.replace(text.find(level), level.size(), "level = \"NOTE\"");
    rules::LoadResult result = rules::LoadScreeningText(text, "test.toml");
    CAPTURE(result.diagnostics.Format());
    CHECK_FALSE(result.screening);
    CHECK(result.diagnostics.Format().find("outcome id 'NOTE' is the name of a level that is not an outcome") != std::string::npos);
}
