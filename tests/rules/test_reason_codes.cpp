// Every outcome at review or above names a reason code: an undetermined rule whose unknown effect
// raised the outcome names R-UNKNOWN-<question> for each answer it lacked (rules::ReasonCodes),
// and a case's expect.reasons is compared with that same list.
#include <doctest/doctest.h>

#include "rules/cases.h"
#include "rules/decision.h"
#include "screening_text.h"

namespace {

const char* const kQuestions = R"(
[[questions]]
id = "fever"
type = "yes_no"
not_sure = true
text.en = "Do you have a fever?"

[[questions]]
id = "rash"
type = "yes_no"
not_sure = true
text.en = "Do you have a rash?"

[[questions]]
id = "cough"
type = "yes_no"
text.en = "Do you have a cough?"
)";

// "infection" raises the outcome when unknown (its level is above review); the others do not:
// "cough-ignored" says so, "fever-note" is a note, "rash-track" sets a track only.
const char* const kRules = R"(
[[rules]]
id = "infection"
when = "fever = yes or rash = yes"
level = "HIGH"
reason = "R-INFECTION"
reason_text.en = "Text of R-INFECTION."
staff_text = "Infection signs."

[[rules]]
id = "fever-again"
when = "fever = yes"
level = "REVIEW"
reason = "R-FEVER"
reason_text.en = "Text of R-FEVER."
staff_text = "Fever: lacks the same answer as infection."

[[rules]]
id = "cough-ignored"
when = "cough = yes"
level = "HIGH"
unknown = "ignore"
reason = "R-COUGH"
reason_text.en = "Text of R-COUGH."
staff_text = "Cough; unknown ignored."

[[rules]]
id = "fever-note"
when = "fever = yes"
level = "note"
reason = "R-FEVER-NOTE"
reason_text.en = "Text of R-FEVER-NOTE."
staff_text = "A note."

[[rules]]
id = "rash-track"
when = "rash = yes"
tracks = { T = "contra" }
reason = "R-RASH-TRACK"
reason_text.en = "Text of R-RASH-TRACK."
staff_text = "Track only."
)";

const char* const kCases = R"(
[[cases]]
name = "fever not sure: review, named by the answer it lacked"
today = 2026-06-15
answers = { fever = "not_sure", rash = "no", cough = "no" }
expect.outcome = "REVIEW"
expect.reasons = ["R-UNKNOWN-fever"]
expect.undetermined = ["fever-again", "fever-note", "infection"]
)";

rules::Decision DecideWith(const rules::Screening& s, rules::Answers answers) {
    rules::Decision d;
    rules::Decide(s, answers, rules::Date{2026, 6, 15}, s.ParameterValues(), d);
    return d;
}

void Set(const rules::Screening& s, rules::Answers& answers, const char* question, const char* value) {
    const int q = s.FindQuestion(question);
    REQUIRE(q >= 0);
    if (std::string(value) == "skip") return;
    REQUIRE_FALSE(rules::SetAnswer(s, answers, q, std::string(value), rules::Date{2026, 6, 15}));
}

rules::Answers With(const rules::Screening& s, const char* fever, const char* rash, const char* cough) {
    rules::Answers answers = rules::MakeAnswers(s);
    Set(s, answers, "fever", fever);
    Set(s, answers, "rash", rash);
    Set(s, answers, "cough", cough);
    return answers;
}

using Codes = std::vector<std::string>;

}  // namespace

TEST_CASE("an undetermined rule that raised the outcome names R-UNKNOWN-<question> for each answer it lacked") {
    auto s = test::Load(test::ScreeningText(kQuestions, kRules, kCases));
    const int review = s->FindOutcome("REVIEW");

    SUBCASE("one answer not sure: one code, given once though two rules lacked it") {
        rules::Decision d = DecideWith(*s, With(*s, "not_sure", "no", "no"));
        CHECK(d.outcome == review);
        CHECK(d.fired.empty());
        CHECK(rules::ReasonCodes(*s, d) == Codes{"R-UNKNOWN-fever"});
    }
    SUBCASE("two answers skipped: a code for each, sorted") {
        rules::Decision d = DecideWith(*s, With(*s, "skip", "skip", "no"));
        CHECK(d.outcome == review);
        CHECK(rules::ReasonCodes(*s, d) == Codes{"R-UNKNOWN-fever", "R-UNKNOWN-rash"});
        const rules::UndeterminedRule* infection = nullptr;
        for (const rules::UndeterminedRule& u : d.undetermined)
            if (s->rules[u.rule].id == "infection") infection = &u;
        REQUIRE(infection);
        CHECK(rules::UnknownReasonCodes(*s, d, *infection) == Codes{"R-UNKNOWN-fever", "R-UNKNOWN-rash"});
    }
    SUBCASE("a rule set to ignore, a note and a track-only rule add no code: the fallback names the outcome") {
        rules::Decision d = DecideWith(*s, With(*s, "no", "no", "skip"));
        REQUIRE(d.undetermined.size() == 1);
        CHECK(d.fallback);
        CHECK(rules::ReasonCodes(*s, d) == Codes{"R-FALLBACK"});
        for (const rules::UndeterminedRule& u : d.undetermined) CHECK(rules::UnknownReasonCodes(*s, d, u).empty());
    }
    SUBCASE("a fired rule's code and an unknown answer's code are both named") {
        rules::Decision d = DecideWith(*s, With(*s, "skip", "yes", "no"));
        CHECK(d.outcome == s->FindOutcome("HIGH"));
        CHECK(rules::ReasonCodes(*s, d) == Codes{"R-INFECTION", "R-RASH-TRACK", "R-UNKNOWN-fever"});
    }
}

TEST_CASE("which undetermined rules raise the outcome: those at review or above that do not ignore unknowns") {
    auto s = test::Load(test::ScreeningText(kQuestions, kRules, kCases));
    auto raises = [&](const char* id) {
        const rules::Rule& rule = s->rules[s->FindRule(id)];
        return rules::UnknownRaisesOutcome(*s, rule, rule.level);
    };
    CHECK(raises("infection"));
    CHECK(raises("fever-again"));
    CHECK_FALSE(raises("cough-ignored"));
    CHECK_FALSE(raises("fever-note"));
    CHECK_FALSE(raises("rash-track"));  // it holds its track at review, and leaves the outcome alone
}

TEST_CASE("a case's expect.reasons is compared with the codes of unknown answers too") {
    auto s = test::Load(test::ScreeningText(kQuestions, kRules, kCases));
    rules::CaseReport report = rules::RunCases(*s);
    REQUIRE(report.results.size() == 1);
    std::string failures;
    for (const std::string& f : report.results[0].failures) failures += f + "\n";
    CHECK_MESSAGE(report.results[0].passed, failures);
}
