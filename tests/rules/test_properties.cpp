// The property checks of `kiosk test --properties` on small screenings, each with one planted
// defect (tests/rules/data/properties/): caught, by the right property, reproducibly, shrunk small.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "rules/decision.h"
#include "rules/loader.h"
#include "rules/properties.h"

namespace {

std::unique_ptr<rules::Screening> Load(const std::string& name) {
    rules::LoadResult result = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/properties/" + name + ".toml");
    INFO(result.diagnostics.Format());
    REQUIRE(result.screening);
    return std::move(result.screening);
}

const rules::Date kToday{2026, 3, 5};  // the files' first case

rules::PropertyRun Run(int count, uint64_t seed = 7) { return {seed, count, kToday}; }

// The engine's four properties on `s`, by name, as the command runs them.
std::vector<std::pair<std::string, rules::PropertyCheck>> EngineProperties(const rules::Screening& s) {
    return {{"unknown_never_helps", rules::UnknownNeverHelps(s, kToday)},
            {"monotone_safety", rules::MonotoneSafety(s, kToday)},
            {"determinism", rules::Determinism(s, rules::EngineObserver(s, kToday))},
            {"every_review_has_reason", rules::ReviewHasReason(s, kToday)}};
}

// The property that fails on `s` (exactly one must), with its result.
rules::PropertyResult OnlyFailing(const rules::Screening& s, int count) {
    rules::PropertyResult failing;
    int failures = 0;
    for (const auto& [name, check] : EngineProperties(s)) {
        rules::PropertyResult r = rules::RunProperty(s, name, check, Run(count));
        CAPTURE(name);
        CAPTURE(r.violation);
        if (!r.ok) {
            ++failures;
            failing = r;
        }
    }
    CHECK(failures == 1);
    return failing;
}

const rules::GivenAnswer* Find(const rules::Screening& s, const rules::AnswerSet& set, const std::string& id) {
    for (const rules::GivenAnswer& a : set.answers)
        if (s.questions[a.question].id == id) return &a;
    return nullptr;
}

std::string Printed(const rules::Screening& s, const rules::AnswerSet& set) { return rules::FormatCase(s, set, kToday, "x"); }

}  // namespace

TEST_CASE("properties: the clean screening holds every engine property over 3000 answer sets") {
    auto s = Load("clean");
    for (const auto& [name, check] : EngineProperties(*s)) {
        rules::PropertyResult r = rules::RunProperty(*s, name, check, Run(3000));
        CAPTURE(name);
        CAPTURE(r.violation);
        CHECK(r.ok);
        CHECK(r.checked == 3000);
    }
}

TEST_CASE("properties: skipping a pregnancy the file ignores when unknown is caught as unknown_never_helps, shrunk to 4 answers") {
    auto s = Load("unknown_helps");
    rules::PropertyResult r = OnlyFailing(*s, 10000);
    CHECK(r.name == "unknown_never_helps");
    CHECK(r.violation.find("'pregnant'") != std::string::npos);
    CHECK(r.violation.find("FIT (below REVIEW)") != std::string::npos);
    CAPTURE(Printed(*s, r.shrunk));
    // Consent (required), an adult's date of birth and "none" (else the missing-answer rule gives
    // REVIEW anyway), and the pregnancy itself: nothing else is needed.
    CHECK(r.shrunk.answers.size() <= 4);
    REQUIRE(Find(*s, r.shrunk, "pregnant"));
    CHECK(rules::FormatAnswerValue(*s, *Find(*s, r.shrunk, "pregnant")) == "\"yes\"");
    CHECK(r.shrunk.answers.size() < r.original.answers.size());

    // The same seed finds the same set and shrinks it the same way.
    rules::PropertyResult again = rules::RunProperty(*s, "unknown_never_helps", rules::UnknownNeverHelps(*s, kToday), Run(10000));
    CHECK(again.failing_index == r.failing_index);
    CHECK(Printed(*s, again.shrunk) == Printed(*s, r.shrunk));
    CHECK(again.violation == r.violation);
}

TEST_CASE("properties: a thinner rule that aspirin switches off is caught as monotone_safety, shrunk to 2 answers") {
    auto s = Load("monotone");
    rules::PropertyResult r = OnlyFailing(*s, 10000);
    CHECK(r.name == "monotone_safety");
    CHECK(r.violation == "adding 'aspirin' to 'meds' ([thinner] -> [thinner, aspirin]) lowers the outcome from STOP to REVIEW");
    CAPTURE(Printed(*s, r.shrunk));
    CHECK(r.shrunk.answers.size() <= 2);
    REQUIRE(Find(*s, r.shrunk, "meds"));
    CHECK(rules::FormatAnswerValue(*s, *Find(*s, r.shrunk, "meds")) == "[\"thinner\"]");
}

TEST_CASE("properties: a REVIEW rule with no reason code is caught as every_review_has_reason, shrunk to 4 answers") {
    auto s = Load("no_reason");
    rules::PropertyResult r = OnlyFailing(*s, 10000);
    CHECK(r.name == "every_review_has_reason");
    CHECK(r.violation.find("outcome REVIEW names no reason code") != std::string::npos);
    CAPTURE(Printed(*s, r.shrunk));
    CHECK(r.shrunk.answers.size() <= 4);
    REQUIRE(Find(*s, r.shrunk, "meds"));
    CHECK(rules::FormatAnswerValue(*s, *Find(*s, r.shrunk, "meds")) == "[\"aspirin\"]");
}

TEST_CASE("properties: an import that keeps only the first option of a list is caught as order-dependent") {
    auto s = Load("clean");
    // A planted importer: a multiple-choice list keeps its first code only, so the same answers
    // listed in another order decide differently.
    rules::Observer engine = rules::EngineObserver(*s, kToday);
    rules::Observer first_only = [engine](const rules::AnswerSet& set) {
        rules::AnswerSet cut = set;
        for (rules::GivenAnswer& a : cut.answers)
            if (auto* list = std::get_if<std::vector<std::string>>(&a.input); list && list->size() > 1) list->resize(1);
        return engine(cut);
    };
    rules::PropertyResult r = rules::RunProperty(*s, "determinism", rules::Determinism(*s, first_only), Run(10000));
    REQUIRE(!r.ok);
    CAPTURE(Printed(*s, r.shrunk));
    CHECK(r.violation.find("in question order") != std::string::npos);
    REQUIRE(Find(*s, r.shrunk, "meds"));
    CHECK(std::get<std::vector<std::string>>(Find(*s, r.shrunk, "meds")->input).size() == 2);
    CHECK(r.shrunk.answers.size() <= 3);
    // The real engine is not order-dependent on the same seed.
    CHECK(rules::RunProperty(*s, "determinism", rules::Determinism(*s, engine), Run(10000)).ok);
}

TEST_CASE("properties: the same seed draws the same answer sets, another seed others, whatever the count") {
    auto s = Load("clean");
    rules::AnswerGenerator generator(*s, kToday);
    auto draw = [&](uint64_t seed, int index) {
        rules::PropertyRng rng(rules::SetSeed(seed, "determinism", index));
        return Printed(*s, generator.Generate(rng));
    };
    std::set<std::string> distinct;
    for (int i = 0; i < 50; ++i) {
        CHECK(draw(7, i) == draw(7, i));
        distinct.insert(draw(7, i));
    }
    CHECK(distinct.size() > 40);
    int same = 0;
    for (int i = 0; i < 50; ++i) same += draw(7, i) == draw(8, i);
    CHECK(same < 10);
    CHECK(rules::SetSeed(7, "a", 3) != rules::SetSeed(7, "b", 3));
}

TEST_CASE("properties: the answer sets reach every option, the limits, the thresholds either side, skips, not sure and hidden questions") {
    auto s = Load("clean");
    rules::AnswerGenerator generator(*s, kToday);
    std::set<std::string> seen;  // "question=value"
    int hidden_answered = 0, consent_missing = 0, skipped_meds = 0;
    for (int i = 0; i < 3000; ++i) {
        rules::PropertyRng rng(rules::SetSeed(1, "coverage", i));
        rules::AnswerSet set = generator.Generate(rng);
        rules::Answers answers = rules::ApplyAnswers(*s, set, kToday);
        for (const rules::GivenAnswer& a : set.answers) {
            seen.insert(s->questions[a.question].id + "=" + rules::FormatAnswerValue(*s, a));
            // Every value is one the engine accepts.
            CHECK(answers.values[a.question].state != rules::AnswerState::Skipped);
        }
        const rules::GivenAnswer* sex = Find(*s, set, "sex");
        if (Find(*s, set, "pregnant") && sex && rules::FormatAnswerValue(*s, *sex) == "\"male\"") ++hidden_answered;
        if (!Find(*s, set, "consent")) ++consent_missing;
        if (!Find(*s, set, "meds")) ++skipped_meds;
    }
    for (const char* value : {"consent=\"yes\"", "consent=\"no\"", "sex=\"female\"", "sex=\"male\"", "pregnant=\"yes\"",
                              "pregnant=\"no\"", "pregnant=\"not_sure\"", "meds=[\"none\"]", "meds=[\"thinner\"]",
                              "meds=[\"aspirin\"]", "meds=[\"thinner\", \"aspirin\"]", "pain=0", "pain=10", "pain=7", "pain=8",
                              "pain=9", "pain=17" /* never: out of range */, "dob=2008-03-04", "dob=2008-03-05", "dob=2008-03-06"}) {
        CAPTURE(value);
        if (std::string(value) == "pain=17") CHECK(seen.count(value) == 0);
        else CHECK(seen.count(value) == 1);
    }
    CHECK(hidden_answered > 0);      // answers to a question its show_if hides
    CHECK(consent_missing == 0);     // a required question is always answered
    CHECK(skipped_meds > 0);
}

TEST_CASE("properties: the options monotone_safety adds are those a safety rule reads positively, never an exclusive one") {
    auto s = Load("monotone");
    std::vector<std::pair<int32_t, int32_t>> options = rules::SafetyOptions(*s);
    const int meds = s->FindQuestion("meds");
    std::vector<std::string> codes;
    for (const auto& [q, o] : options) {
        CHECK(q == meds);
        codes.push_back(s->questions[q].options[o].code);
    }
    // aspirin is read positively by the aspirin rule (REVIEW); thinner by the thinner rule (STOP);
    // none is exclusive. Remove the aspirin rule and aspirin, read only under `not`, goes.
    CHECK(codes == std::vector<std::string>{"thinner", "aspirin"});
}

TEST_CASE("properties: the shrinker keeps only what the failure needs, and required answers") {
    auto s = Load("clean");
    rules::AnswerGenerator generator(*s, kToday);
    rules::PropertyRng rng(3);
    rules::AnswerSet set;
    for (int i = 0; i < 100 && !Find(*s, set, "meds"); ++i) set = generator.Generate(rng);
    set.answers.erase(std::remove_if(set.answers.begin(), set.answers.end(),
                                     [&](const rules::GivenAnswer& a) { return s->questions[a.question].id == "meds"; }),
                      set.answers.end());
    const int meds = s->FindQuestion("meds");
    set.answers.push_back({meds, std::vector<std::string>{"thinner", "aspirin"}});
    // Fails while aspirin is among the medicines.
    auto fails = [&](const rules::AnswerSet& candidate) {
        const rules::GivenAnswer* a = Find(*s, candidate, "meds");
        if (!a) return false;
        const auto& codes = std::get<std::vector<std::string>>(a->input);
        return std::find(codes.begin(), codes.end(), "aspirin") != codes.end();
    };
    rules::AnswerSet shrunk = rules::Shrink(*s, set, fails);
    CHECK(Printed(*s, shrunk) == "[[cases]]\nname = \"x\"\ntoday = 2026-03-05\nanswers = { consent = " +
                                     rules::FormatAnswerValue(*s, *Find(*s, set, "consent")) + ", meds = [\"aspirin\"] }\n");
}

TEST_CASE("properties: a suggestion replacing another below review is no lowering") {
    // The default screening: a mild elbow arthritis after weight loss is PRP first; PRP tried
    // before makes it MSC first (spec 4c). Both are below review and no procedure changes.
    rules::LoadResult loaded = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
    REQUIRE(loaded.screening);
    const rules::Screening& s = *loaded.screening;
    const rules::Date today{2026, 6, 15};
    using List = std::vector<std::string>;
    const std::vector<std::pair<std::string, rules::AnswerInput>> given = {
        {"consent_data", "yes"}, {"dob", rules::Date{1956, 6, 16}}, {"pain_area", "elbow"}, {"diagnosis", "arthritis"},
        {"oa_severity", "mild"}, {"pain_duration", "gt_1y"}, {"treatments_tried", List{"weight"}}, {"lasting_relief", "short"},
        {"prior_surgery", "no"}, {"hot_joint", "no"}, {"infection_now", "no"}, {"fever_7d", "no"}, {"skin_problem", List{"none"}},
        {"blood_conditions", List{"none"}}, {"bleeding_history", "no"}, {"cancer", "no"}, {"other_conditions", List{"none"}},
        {"medications", List{"none"}}, {"allergies", List{"none"}}, {"harvest_site_history", List{"none"}}};
    rules::AnswerSet set;
    for (const auto& [id, input] : given) set.answers.push_back({s.FindQuestion(id), input});
    std::sort(set.answers.begin(), set.answers.end(), [](const auto& a, const auto& b) { return a.question < b.question; });

    auto outcome_of = [&](const rules::AnswerSet& answers) {
        rules::Decision d = rules::Decide(s, rules::ApplyAnswers(s, answers, today), today);
        return d.outcome >= 0 ? s.outcomes[d.outcome].id : std::string("none");
    };
    REQUIRE(outcome_of(set) == "CONSIDER_PRP");
    rules::AnswerSet tried = set;
    for (rules::GivenAnswer& a : tried.answers)
        if (s.questions[a.question].id == "treatments_tried") a.input = List{"weight", "prp_before"};
    REQUIRE(outcome_of(tried) == "LIKELY_CANDIDATE_MSC");

    rules::PropertyRng rng(1);
    CHECK_FALSE(rules::MonotoneSafety(s, today)(set, rng).has_value());
}
