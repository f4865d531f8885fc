// The shipped default screening: it loads cleanly, its cases pass with every rule exercised,
// and the invariants hold over every case: a skipped or "not sure" answer never lowers an
// outcome below review, and every outcome is explained by a rule.
#include <doctest/doctest.h>

#include <algorithm>

#include "rules/cases.h"
#include "rules/decision.h"
#include "rules/loader.h"

namespace {

const rules::Screening& Default() {
    static std::unique_ptr<rules::Screening> screening = [] {
        rules::LoadResult r = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
        if (!r.screening) FAIL(r.diagnostics.Format());
        return std::move(r.screening);
    }();
    return *screening;
}

std::vector<rules::ParamValue> CaseParams(const rules::Screening& s, const rules::TestCase& c) {
    std::vector<rules::ParamValue> params = s.ParameterValues();
    for (const auto& [p, v] : c.parameters) params[p] = v;
    return params;
}

struct Given {
    const char* id;
    rules::AnswerInput value;
};

rules::Answers Answers(const rules::Screening& s, const std::vector<Given>& given, const rules::Date& today) {
    rules::Answers answers = rules::MakeAnswers(s);
    for (const Given& g : given) {
        int q = s.FindQuestion(g.id);
        REQUIRE_MESSAGE(q >= 0, g.id);
        auto problem = rules::SetAnswer(s, answers, q, g.value, today);
        REQUIRE_MESSAGE(!problem, g.id << " " << (problem ? rules::DescribeAnswerProblem(s.questions[q], *problem) : ""));
    }
    return answers;
}

using Codes = std::vector<std::string>;

std::vector<std::string> Reasons(const rules::Screening& s, const rules::Decision& d) {
    std::vector<std::string> out;
    for (const rules::FiredRule& f : d.fired)
        if (!s.rules[f.rule].reason.empty()) out.push_back(s.rules[f.rule].reason);
    std::sort(out.begin(), out.end());
    return out;
}

const rules::Date kDay{2026, 6, 15};

// The healthy answers of spec section 5 ("default answers unless stated").
const std::vector<Given>& Healthy() {
    static const std::vector<Given> healthy = {
        {"consent_data", std::string("yes")}, {"pregnant", std::string("no")}, {"breastfeeding", std::string("no")},
        {"infection_now", std::string("no")}, {"fever_7d", std::string("no")}, {"skin_problem", Codes{"none"}},
        {"blood_conditions", Codes{"none"}}, {"bleeding_history", std::string("no")}, {"cancer", std::string("no")},
        {"other_conditions", Codes{"none"}}, {"medications", Codes{"none"}}, {"allergies", Codes{"none"}},
        {"tobacco", std::string("never")}, {"height", 170.0}, {"weight", 75.0}, {"harvest_site_history", Codes{"none"}},
        {"imaging", std::string("yes_12m")}, {"hot_joint", std::string("no")}, {"interest", std::string("advice")},
        {"spine_warning", Codes{"none"}}, {"prior_surgery", std::string("no")}, {"replacement_plan", std::string("no")}};
    return healthy;
}

rules::Answers WithHealthy(const rules::Screening& s, const std::vector<Given>& stated) {
    rules::Answers answers = Answers(s, Healthy(), kDay);
    rules::Answers extra = Answers(s, stated, kDay);
    for (size_t q = 0; q < answers.values.size(); ++q)
        if (extra.values[q].state != rules::AnswerState::Skipped) answers.values[q] = extra.values[q];
    return answers;
}

}  // namespace

TEST_CASE("the default screening loads with no error and no warning") {
    rules::LoadResult r = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
    CAPTURE(r.diagnostics.Format());
    REQUIRE(r.screening != nullptr);
    CHECK(r.diagnostics.Items().empty());
    CHECK(r.screening->questions.size() == 35);
    CHECK(r.screening->languages == std::vector<std::string>{"en", "es"});
}

TEST_CASE("the default screening's own cases pass and every rule fires in at least one") {
    const rules::Screening& s = Default();
    rules::CaseReport report = rules::RunCases(s);
    for (const rules::CaseResult& r : report.results) {
        CAPTURE(s.cases[r.case_index].name);
        std::string failures;
        for (const std::string& f : r.failures) failures += f + "\n";
        CHECK_MESSAGE(r.passed, failures);
    }
    for (int r : report.never_fired) CHECK_MESSAGE(false, "rule never fired: " << s.rules[r].id);
    CHECK(report.results.size() >= 70);
}

TEST_CASE("spec vignettes, written independently of the file's own cases") {
    const rules::Screening& s = Default();
    rules::Decision d;
    auto decide = [&](const rules::Answers& a) { rules::Decide(s, a, kDay, s.ParameterValues(), d); };
    auto outcome = [&] { return d.outcome < 0 ? std::string("none") : s.outcomes[d.outcome].id; };
    auto track = [&](const char* id) { return std::string(rules::TrackStatusName(static_cast<rules::TrackStatus>(d.tracks[s.FindTrack(id)]))); };

    SUBCASE("V1: 18 today, tendon, NSAID, wants PRP -> CONSIDER_PRP") {
        decide(WithHealthy(s, {{"dob", rules::Date{2008, 6, 15}}, {"sex_at_birth", std::string("female")}, {"pain_area", std::string("knee")},
                               {"pain_side", std::string("right")}, {"diagnosis", std::string("tendon")}, {"pain_duration", std::string("6_12m")},
                               {"pain_score", 6.0}, {"treatments_tried", Codes{"rest", "pt", "meds"}}, {"lasting_relief", std::string("short")},
                               {"medications", Codes{"nsaid"}}, {"interest", std::string("prp")}}));
        CHECK(outcome() == "CONSIDER_PRP");
        CHECK(Reasons(s, d) == Codes{"IND-TENDON-PRP", "R-NSAID-PREP"});
        CHECK(track("BMAC") == "note");
        CHECK(track("ADIPOSE") == "ok");
        CHECK(track("PRP") == "note");
    }
    SUBCASE("V2: 18 tomorrow -> CLINICIAN_REVIEW, the screening ends after the date of birth") {
        decide(WithHealthy(s, {{"dob", rules::Date{2008, 6, 16}}, {"pain_area", std::string("knee")}, {"medications", Codes{"anticoag"}}}));
        CHECK(outcome() == "CLINICIAN_REVIEW");
        CHECK(Reasons(s, d) == Codes{"R-AGE-MINOR"});
        REQUIRE(d.ended_by >= 0);
        CHECK(s.rules[d.ended_by].id == "G1");
        for (size_t q = 0; q < s.questions.size(); ++q) {
            CAPTURE(s.questions[q].id);
            CHECK(d.shown[q] == (s.questions[q].id == "consent_data" || s.questions[q].id == "dob"));
        }
        CHECK(std::find(d.ignored.begin(), d.ignored.end(), s.FindQuestion("medications")) != d.ignored.end());
    }
    SUBCASE("V3: moderate knee OA after failed care -> LIKELY_CANDIDATE_MSC") {
        decide(WithHealthy(s, {{"dob", rules::Date{1968, 1, 10}}, {"sex_at_birth", std::string("male")}, {"pain_area", std::string("knee")},
                               {"pain_side", std::string("left")}, {"diagnosis", std::string("arthritis")}, {"oa_severity", std::string("moderate")},
                               {"pain_duration", std::string("gt_1y")}, {"pain_score", 7.0}, {"treatments_tried", Codes{"pt", "meds", "steroid_shot"}},
                               {"last_steroid_shot", std::string("gt_3m")}, {"lasting_relief", std::string("short")},
                               {"replacement_plan", std::string("recommended")}, {"medications", Codes{"nsaid"}}, {"tobacco", std::string("former")}}));
        CHECK(outcome() == "LIKELY_CANDIDATE_MSC");
        CHECK(Reasons(s, d) == Codes{"IND-OA-MSC", "R-NSAID-PREP"});
    }
    SUBCASE("V11: cauda equina warning interrupts -> URGENT_STAFF_ALERT") {
        decide(WithHealthy(s, {{"dob", rules::Date{1985, 1, 10}}, {"sex_at_birth", std::string("male")}, {"pain_area", std::string("low_back")},
                               {"diagnosis", std::string("disc")}, {"pain_duration", std::string("gt_1y")}, {"pain_score", 8.0},
                               {"treatments_tried", Codes{"pt", "meds"}}, {"lasting_relief", std::string("short")},
                               {"spine_warning", Codes{"bladder_bowel"}}}));
        CHECK(outcome() == "URGENT_STAFF_ALERT");
        CHECK(d.Interrupts(s));
        CHECK(Reasons(s, d) == Codes{"R-RF-SPINE", "R-SPINE"});
    }
    SUBCASE("V13: infection today with mild OA -> NOT_ELIGIBLE_TODAY, the indication still listed") {
        decide(WithHealthy(s, {{"dob", rules::Date{1971, 1, 10}}, {"sex_at_birth", std::string("male")}, {"pain_area", std::string("knee")},
                               {"diagnosis", std::string("arthritis")}, {"oa_severity", std::string("mild")}, {"pain_duration", std::string("3_6m")},
                               {"pain_score", 5.0}, {"treatments_tried", Codes{"pt", "meds"}}, {"lasting_relief", std::string("short")},
                               {"infection_now", std::string("yes")}}));
        CHECK(outcome() == "NOT_ELIGIBLE_TODAY");
        CHECK(Reasons(s, d) == Codes{"IND-OA-PRP", "R-INFECT"});
        for (const char* t : {"PRP", "BMAC", "ADIPOSE"}) CHECK(track(t) == "contra");
    }
    SUBCASE("consent declined: nothing is stored and there is no outcome") {
        decide(Answers(s, {{"consent_data", std::string("no")}}, kDay));
        CHECK(outcome() == "none");
        CHECK_FALSE(d.store);
        CHECK(s.rules[d.ended_by].id == "G2");
    }
}

TEST_CASE("fail safe: skipping or 'not sure' on any answer never lowers a case below review, and names a reason") {
    const rules::Screening& s = Default();
    const int review = s.outcomes[s.review_outcome].rank;
    rules::Decision d;
    int checked = 0;
    for (const rules::TestCase& c : s.cases) {
        std::vector<rules::ParamValue> params = CaseParams(s, c);
        const rules::Answers& base = s.case_answers[c.answers];
        rules::Decide(s, base, c.today, params, d);
        if (d.outcome < 0 || s.outcomes[d.outcome].rank < review || d.ended_by >= 0) continue;
        for (size_t q = 0; q < s.questions.size(); ++q) {
            if (!d.shown[q] || base.values[q].state != rules::AnswerState::Given || s.questions[q].required) continue;
            for (rules::AnswerState state : {rules::AnswerState::Skipped, rules::AnswerState::Unsure}) {
                if (state == rules::AnswerState::Unsure && !s.questions[q].not_sure) continue;
                rules::Answers changed = base;
                changed.values[q] = rules::Answer{};
                changed.values[q].state = state;
                rules::Decision after;
                rules::Decide(s, changed, c.today, params, after);
                CAPTURE(c.name);
                CAPTURE(s.questions[q].id);
                REQUIRE(after.outcome >= 0);
                CHECK(s.outcomes[after.outcome].rank >= review);
                CHECK_FALSE(rules::ReasonCodes(s, after).empty());  // and names why (spec 7a.3)
                ++checked;
            }
        }
    }
    CHECK(checked > 500);
}

TEST_CASE("every decision explains itself: its outcome comes from a fired rule, an undetermined one, or the fallback") {
    const rules::Screening& s = Default();
    rules::Decision d;
    for (const rules::TestCase& c : s.cases) {
        CAPTURE(c.name);
        std::vector<rules::ParamValue> params = CaseParams(s, c);
        rules::Decide(s, s.case_answers[c.answers], c.today, params, d);
        if (d.outcome < 0) {
            CHECK(d.ended_by >= 0);
            continue;
        }
        bool explained = d.fallback;
        for (const rules::FiredRule& f : d.fired) {
            CHECK(f.level == rules::RuleLevel(s, s.rules[f.rule], params));  // the level of this call's parameters
            if (f.level == d.outcome) explained = true;
        }
        if (d.outcome == s.review_outcome && !d.undetermined.empty()) explained = true;
        CHECK(explained);
        for (const rules::UndeterminedRule& u : d.undetermined) {
            CAPTURE(s.rules[u.rule].id);
            CHECK(u.missing_count > 0);  // an undetermined rule names the answers it lacked
        }
    }
}

TEST_CASE("a rule's effect on tracks, as staff see it, follows a level raised by a parameter") {
    const rules::Screening& s = Default();
    const rules::Rule& tobacco = s.rules[s.FindRule("NOTE-TOBACCO")];
    std::vector<rules::ParamValue> params = s.ParameterValues();
    int note = rules::RuleLevel(s, tobacco, params);
    CHECK(note == rules::kLevelNote);
    params[s.FindParameter("TOBACCO_LEVEL")].level = s.FindOutcome("CLINICIAN_REVIEW");
    int raised = rules::RuleLevel(s, tobacco, params);
    for (size_t t = 0; t < s.tracks.size(); ++t) {
        CAPTURE(s.tracks[t].id);
        CHECK(rules::RuleTrackEffect(s, tobacco, note, t) == static_cast<int8_t>(rules::TrackStatus::Note));
        CHECK(rules::RuleTrackEffect(s, tobacco, raised, t) == static_cast<int8_t>(rules::TrackStatus::Review));
    }
    // An explicit track status below the outcome's is kept when the level is fixed (VTE: PRP note).
    const rules::Rule& vte = s.rules[s.FindRule("C-8")];
    CHECK(rules::RuleTrackEffect(s, vte, vte.level, static_cast<size_t>(s.FindTrack("PRP"))) == static_cast<int8_t>(rules::TrackStatus::Note));
}

TEST_CASE("a fired rule records the level of the parameters it was decided with, not the file's defaults") {
    const rules::Screening& s = Default();
    const rules::TestCase* minor = nullptr;
    for (const rules::TestCase& c : s.cases)
        if (c.name.rfind("G1 ", 0) == 0) minor = &c;
    REQUIRE(minor);
    const int32_t g1 = s.FindRule("G1");
    auto level_of_g1 = [&](const std::vector<rules::ParamValue>& params) {
        rules::Decision d;
        rules::Decide(s, s.case_answers[minor->answers], minor->today, params, d);
        for (const rules::FiredRule& f : d.fired)
            if (f.rule == g1) return f.level;
        FAIL("G1 did not fire");
        return rules::kLevelNone;
    };
    CHECK(level_of_g1(s.ParameterValues()) == s.FindOutcome("CLINICIAN_REVIEW"));
    CHECK(level_of_g1(CaseParams(s, *minor)) == s.FindOutcome("NOT_ELIGIBLE_TODAY"));
}
