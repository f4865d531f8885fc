// Mutation testing (rules/mutate.h): which mutants are made, which the cases kill, and that a
// surviving one is named with its place and a witness case that, pasted, kills it.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "rules/cases.h"
#include "rules/case_toml.h"
#include "rules/mutate.h"
#include "screening_text.h"

namespace {

const std::string kWeakPath = std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/mutate-weak.toml";

std::string ReadText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The case the weak file lacks: the second option of the bleeding rule, alone.
const std::string kPinPath = std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/mutate-weak-pin.toml";

std::map<rules::MutantKind, int> CountByKind(const std::vector<rules::Mutant>& mutants) {
    std::map<rules::MutantKind, int> out;
    for (const rules::Mutant& m : mutants) ++out[m.kind];
    return out;
}

// The fate of the one mutant of `kind` whose description contains `what`.
const rules::MutantResult& Find(const rules::MutationReport& report, rules::MutantKind kind, const std::string& what) {
    const rules::MutantResult* found = nullptr;
    for (const rules::MutantResult& r : report.results)
        if (r.mutant.kind == kind && r.mutant.description.find(what) != std::string::npos) {
            REQUIRE_MESSAGE(found == nullptr, "two mutants match: " << what);
            found = &r;
        }
    REQUIRE_MESSAGE(found != nullptr, "no mutant matches: " << what);
    return *found;
}

const char* FateName(rules::MutantFate fate) {
    switch (fate) {
        case rules::MutantFate::Killed: return "killed";
        case rules::MutantFate::Dangerous: return "dangerous";
        case rules::MutantFate::Survived: return "survived";
        case rules::MutantFate::NoWitness: return "no witness";
    }
    return "?";
}

const char* const kBloodQuestion = R"T(
[[questions]]
id = "blood"
type = "multi"
text.en = "Do you have any of these?"
options = [
  { code = "x", en = "X" },
  { code = "y", en = "Y" },
  { code = "none", en = "None of these", exclusive = true },
]
)T";

const char* const kAgeQuestions = R"T(
[[questions]]
id = "dob"
type = "date"
past_only = true
max_age_years = 110
text.en = "When were you born?"

[[questions]]
id = "sex"
type = "single"
text.en = "Sex at birth?"
options = [
  { code = "female", en = "Female" },
  { code = "male", en = "Male" },
]

[[questions]]
id = "pregnant"
type = "yes_no"
show_if = "sex = female and age(dob) < 50"
text.en = "Are you pregnant?"
)T";

}  // namespace

TEST_CASE("mutate: a planted weak case is caught, with the rule, its place, the dropped option and a witness") {
    auto s = test::Load(ReadText(kWeakPath));
    s->path = "mutate-weak.toml";
    const rules::MutationReport report = rules::RunMutation(*s);
    REQUIRE(report.cases_pass);
    CHECK(report.Total() == 6);
    CHECK(report.killed == 5);
    REQUIRE(report.dangerous == 1);
    CHECK(report.survived == 0);
    CHECK(report.no_witness == 0);

    const rules::MutantResult& weak = Find(report, rules::MutantKind::DropOption, "'hemophilia'");
    CHECK(weak.fate == rules::MutantFate::Dangerous);
    CHECK(weak.mutant.description == "rule bleeding: option 'hemophilia' dropped from `blood in [low_platelets, hemophilia]`");
    CHECK(weak.mutant.pos.line == 46);
    CHECK(weak.mutant.pos.col == 15);
    // The witness: hemophilia alone, which the file sends to review and the mutant lets through.
    CHECK(rules::AnswerToml(*s, weak.witness.answers, 0) == "[\"hemophilia\"]");
    CHECK(s->outcomes[weak.witness.original.outcome].id == "REVIEW");
    CHECK(s->outcomes[weak.witness.mutant.outcome].id == "OK");
    CHECK(weak.witness.lower);

    // Pasted into the file, the witness case passes on the file and kills the mutant.
    const std::string block = rules::WitnessCaseToml(*s, weak.mutant, weak.witness);
    CHECK(block.find("answers.blood = [\"hemophilia\"]\n") != std::string::npos);
    CHECK(block.find("expect.outcome = \"REVIEW\"\n") != std::string::npos);
    CHECK(block.find("expect.reasons = [\"R-BLEED\"]\n") != std::string::npos);
    CHECK(block.find("expect.tracks = { PRP = \"review\" }\n") != std::string::npos);
    auto pinned = test::Load(ReadText(kWeakPath) + "\n" + block);
    CHECK(rules::RunCases(*pinned).failed == 0);
    const rules::MutationReport after = rules::RunMutation(*pinned);
    CHECK(after.killed == after.Total());
    CHECK(after.dangerous == 0);
}

TEST_CASE("mutate: the weak file with a case of its own for the second option has no survivor") {
    const std::string text = ReadText(kWeakPath) + ReadText(kPinPath);
    const rules::MutationReport report = rules::RunMutation(*test::Load(text));
    REQUIRE(report.cases_pass);
    CHECK(report.Total() == 6);
    CHECK(report.killed == 6);
    CHECK(report.dangerous == 0);
}

TEST_CASE("mutate: a file whose cases fail is not mutated") {
    std::string text = ReadText(kWeakPath);
    text.replace(text.find("expect.outcome = \"OK\""), 21, "expect.outcome = \"REVIEW\"");
    const rules::MutationReport report = rules::RunMutation(*test::Load(text));
    CHECK_FALSE(report.cases_pass);
    CHECK(report.Total() == 0);
}

TEST_CASE("mutate: every kind of mutant is made, as many as the file has places for it") {
    const std::string text = test::ScreeningText(std::string(kBloodQuestion) + kAgeQuestions + R"T(
[[derived]]
id = "age"
expr = "age(dob)"

[[derived]]
id = "bleeds"
expr = "blood in [x, y] or x in blood"

[[derived]]
id = "flags"
expr = "count(unknown(blood), unknown(sex)) + 1"
)T",
                                                 R"T(
[[rules]]
id = "minor"
when = "age < 18"
level = "REVIEW"
reason = "R-MINOR"
reason_text.en = "A reason."
staff_text = "Minor."

[[rules]]
id = "bleeding"
when = "bleeds and y in blood"
level = "HIGH"
tracks = { T = "review" }
reason = "R-BLEED"
reason_text.en = "A reason."
staff_text = "Bleeding."

[[rules]]
id = "pregnant"
when = "pregnant = yes and flags > 1"
level = "note"
reason = "R-PREG"
reason_text.en = "A reason."
staff_text = "Pregnant."
)T");
    auto s = test::Load(text);
    const std::vector<rules::Mutant> mutants = rules::GenerateMutants(*s);
    std::map<rules::MutantKind, int> count = CountByKind(mutants);
    using K = rules::MutantKind;
    // uses-high, uses-low (the helper's two), minor, bleeding, pregnant: five rules.
    CHECK(count[K::RemoveRule] == 5);
    CHECK(count[K::NegateRule] == 5);
    // `age < 18` and `flags > 1`, each one step up and down; `pregnant = yes` is not a number.
    CHECK(count[K::ShiftThreshold] == 4);
    CHECK(count[K::SwapStrictness] == 2);
    // `y in blood`: one option, in the rule; the derived value's lists are not the rule's.
    CHECK(count[K::DropOption] == 1);
    // uses-high (HIGH -> REVIEW), uses-low (LOW -> note), minor (REVIEW -> LOW), bleeding.
    CHECK(count[K::LowerOutcome] == 4);
    // uses-high: T contra; minor: T review; bleeding: T review (its own).
    CHECK(count[K::LowerTrack] == 3);
    // pregnant's show_if has one `and`: either side kept.
    CHECK(count[K::RemoveShowIfTerm] == 2);
    CHECK(count[K::NegateDerived] == 1);   // bleeds
    CHECK(count[K::ShiftDerived] == 4);    // age and flags, up and down
    // bleeds: its `or` (2); flags: its `+` (2) and each of count's two conditions.
    CHECK(count[K::DropDerivedTerm] == 6);
    CHECK(mutants.size() == 37);

    for (const rules::Mutant& m : mutants) {
        CAPTURE(m.description);
        CHECK(m.pos.line > 0);
        rules::Screening copy = *s;
        rules::ApplyMutant(copy, m);  // each can be made, and the copy still decides
        CHECK(rules::RunCases(copy).results.size() == s->cases.size());
    }
    int described = 0;
    for (const rules::Mutant& m : mutants)
        described += m.description == "rule minor: in `age < 18`, `18` moved one step up to `19`";
    CHECK(described == 1);
}

// Each kind on a tiny file, once with cases that kill it and once without the case that does.
TEST_CASE("mutate: each kind is killed by the case that pins it, and survives without it") {
    struct Row {
        const char* name;
        std::string rules;
        std::string cases;
        rules::MutantKind kind;
        const char* what;
        rules::MutantFate fate;
    };
    const std::string bleeding = R"T(
[[rules]]
id = "bleeding"
when = "blood in [x, y]"
level = "HIGH"
reason = "R-BLEED"
reason_text.en = "A reason."
staff_text = "Bleeding."
)T";
    const std::string minor = R"T(
[[rules]]
id = "minor"
when = "age(dob) < 18"
level = "REVIEW"
reason = "R-MINOR"
reason_text.en = "A reason."
staff_text = "Minor."
)T";
    const std::string pregnancy = R"T(
[[rules]]
id = "pregnant"
when = "pregnant = yes"
level = "HIGH"
reason = "R-PREG"
reason_text.en = "A reason."
staff_text = "Pregnant."
)T";
    auto make_case = [](const std::string& name, const std::string& answers, const std::string& outcome, const std::string& reasons,
                        const std::string& track = "") {
        return "\n[[cases]]\nname = \"" + name + "\"\ntoday = 2026-06-15\nanswers = { " + answers + " }\nexpect.outcome = \"" +
               outcome + "\"\nexpect.reasons = [" + reasons + "]\n" + (track.empty() ? "" : "expect.tracks = { T = \"" + track + "\" }\n");
    };
    const std::string adult = "blood = [\"none\"], dob = 1980-01-01, sex = \"male\"";
    const std::string x_case = make_case("x", "blood = [\"x\"], dob = 1980-01-01, sex = \"male\"", "HIGH", "\"R-BLEED\"");
    const std::string y_case = make_case("y", "blood = [\"y\"], dob = 1980-01-01, sex = \"male\"", "HIGH", "\"R-BLEED\"");
    const std::string clean = make_case("clean", adult, "REVIEW", "\"R-FALLBACK\"");
    const std::string x_tracked = make_case("x tracked", "blood = [\"x\"], dob = 1980-01-01, sex = \"male\"", "HIGH", "\"R-BLEED\"", "contra");
    const std::string age17 = make_case("17", "blood = [\"none\"], dob = 2008-06-16, sex = \"male\"", "REVIEW", "\"R-MINOR\"");
    const std::string age18 = make_case("18", "blood = [\"none\"], dob = 2008-06-15, sex = \"male\"", "REVIEW", "\"R-FALLBACK\"");
    const std::string age30 = make_case("30", "blood = [\"none\"], dob = 1996-01-01, sex = \"male\"", "REVIEW", "\"R-FALLBACK\"");
    const std::string woman = make_case("pregnant", "blood = [\"none\"], dob = 1996-01-01, sex = \"female\", pregnant = \"yes\"", "HIGH", "\"R-PREG\"");
    const std::string young = make_case("pregnant at 55?", "blood = [\"none\"], dob = 1971-01-01, sex = \"female\", pregnant = \"yes\"", "REVIEW", "\"R-FALLBACK\"");
    const std::string man = make_case("man", "blood = [\"none\"], dob = 1996-01-01, sex = \"male\", pregnant = \"yes\"", "REVIEW", "\"R-FALLBACK\"");
    using K = rules::MutantKind;
    using F = rules::MutantFate;
    const std::string derived_rule = R"T(
[[derived]]
id = "bleeds"
expr = "x in blood or y in blood"

[[derived]]
id = "years"
expr = "age(dob)"
)T";
    const std::string derived_rules = R"T(
[[rules]]
id = "bleeding"
when = "bleeds"
level = "HIGH"
reason = "R-BLEED"
reason_text.en = "A reason."
staff_text = "Bleeding."

[[rules]]
id = "minor"
when = "years < 18"
level = "REVIEW"
reason = "R-MINOR"
reason_text.en = "A reason."
staff_text = "Minor."
)T";
    const Row rows[] = {
        // Lowering the outcome: a case that names the outcome kills it.
        {"lower outcome, pinned", bleeding, x_case + clean, K::LowerOutcome, "rule bleeding: outcome lowered from HIGH to REVIEW", F::Killed},
        // Lowering a procedure status: only a case that names the track notices.
        {"lower track, unpinned", bleeding, x_case + clean, K::LowerTrack, "rule bleeding: T status lowered from contra to review", F::Dangerous},
        {"lower track, pinned", bleeding, x_tracked + clean, K::LowerTrack, "rule bleeding: T status lowered from contra to review", F::Killed},
        {"remove rule", bleeding, x_case + clean, K::RemoveRule, "bleeding removed", F::Killed},
        // Negation: fires for the clean patient; without one, the mutant raises and lowers.
        // Negation: a case that fires the rule kills it, and so does a clean patient.
        {"negate, firing case only", bleeding, x_case, K::NegateRule, "rule bleeding: condition", F::Killed},
        {"negate, clean case only", bleeding, clean, K::NegateRule, "rule bleeding: condition", F::Killed},
        // The threshold of `age(dob) < 18`: the 17-year-old kills the move down, the 18-year-old
        // the move up and `<=`; without the 18-year-old these only send more patients to review.
        {"threshold down", minor, age17 + age30, K::ShiftThreshold, "down to `17`", F::Killed},
        {"threshold up, no boundary", minor, age17 + age30, K::ShiftThreshold, "up to `19`", F::Survived},
        {"threshold up, boundary", minor, age17 + age18 + age30, K::ShiftThreshold, "up to `19`", F::Killed},
        {"swap, no boundary", minor, age17 + age30, K::SwapStrictness, "'<' changed to '<='", F::Survived},
        {"swap, boundary", minor, age17 + age18 + age30, K::SwapStrictness, "'<' changed to '<='", F::Killed},
        // show_if "sex = female and age(dob) < 50": removing a term asks more patients; a man who
        // answers yes (not asked, so ignored) notices one, a woman of 55 the other.
        {"show_if sex term, pinned", pregnancy, woman + man, K::RemoveShowIfTerm, "term `sex = female` removed", F::Killed},
        {"show_if sex term, unpinned", pregnancy, woman + young, K::RemoveShowIfTerm, "term `sex = female` removed", F::Survived},
        {"show_if age term, pinned", pregnancy, woman + young, K::RemoveShowIfTerm, "term `age(dob) < 50` removed", F::Killed},
        // Derived values: negated, a term dropped, shifted by a year.
        {"derived negated", derived_rule + derived_rules, x_case + y_case + clean, K::NegateDerived, "bleeds", F::Killed},
        {"derived term, pinned", derived_rule + derived_rules, x_case + y_case + clean, K::DropDerivedTerm, "term `y in blood` dropped", F::Killed},
        {"derived term, unpinned", derived_rule + derived_rules, x_case + clean, K::DropDerivedTerm, "term `y in blood` dropped", F::Dangerous},
        {"derived shift up", derived_rule + derived_rules, x_case + age17 + age30, K::ShiftDerived, "more (+1)", F::Killed},
        {"derived shift down, no boundary", derived_rule + derived_rules, x_case + age17 + age30, K::ShiftDerived, "less (-1)", F::Survived},
        {"derived shift down, boundary", derived_rule + derived_rules, x_case + age17 + age18 + age30, K::ShiftDerived, "less (-1)", F::Killed},
    };
    for (const Row& row : rows) {
        const std::string row_name = row.name;
        CAPTURE(row_name);
        const bool derived = row.rules.find("[[derived]]") != std::string::npos;
        const std::string questions = std::string(kBloodQuestion) + kAgeQuestions + (derived ? row.rules.substr(0, row.rules.find("[[rules]]")) : "");
        const std::string rule_text = derived ? row.rules.substr(row.rules.find("[[rules]]")) : row.rules;
        auto s = test::Load(test::ScreeningText(questions, rule_text + row.cases));
        const rules::MutationReport report = rules::RunMutation(*s);
        REQUIRE(report.cases_pass);
        const rules::MutantResult& r = Find(report, row.kind, row.what);
        CAPTURE(r.mutant.description);
        CHECK(std::string(FateName(r.fate)) == FateName(row.fate));
        if (r.fate == F::Dangerous || r.fate == F::Survived) {
            // The witness is a real difference, and a pasted case with it passes on the file.
            CHECK_FALSE(r.witness.original == r.witness.mutant);
            auto pinned = test::Load(test::ScreeningText(questions, rule_text + row.cases + "\n" + rules::WitnessCaseToml(*s, r.mutant, r.witness)));
            CHECK(rules::RunCases(*pinned).failed == 0);
        }
    }
}

TEST_CASE("mutate: a change nothing can see has no witness and is listed apart") {
    // A note without a reason or tracks changes no outcome, reason or status: whatever it does is invisible.
    auto s = test::Load(test::ScreeningText(kBloodQuestion, R"T(
[[rules]]
id = "silent"
when = "x in blood"
level = "note"
staff_text = "Silent."

[[cases]]
name = "x"
today = 2026-06-15
answers = { blood = ["x"] }
expect.outcome = "REVIEW"
)T"));
    const rules::MutationReport report = rules::RunMutation(*s);
    const rules::MutantResult& r = Find(report, rules::MutantKind::NegateRule, "rule silent");
    CHECK(r.fate == rules::MutantFate::NoWitness);
    CHECK(report.dangerous == 0);
}

TEST_CASE("mutate: the step of a threshold follows what is compared") {
    auto s = test::Load(test::ScreeningText(R"T(
[[questions]]
id = "count"
type = "integer"
min = 0
max = 10
text.en = "How many?"

[[questions]]
id = "weight"
type = "decimal"
min = 0
max = 300
unit = "kg"
text.en = "Weight?"
)T",
                                            ""));
    const int32_t count = static_cast<int32_t>(s->expr.nodes.size());
    rules::Node q;
    q.op = rules::Op::Question;
    q.index = 0;
    q.type.kind = rules::ValueType::Number;
    s->expr.nodes.push_back(q);
    q.index = 1;
    s->expr.nodes.push_back(q);
    CHECK(rules::MutationStep(*s, count, 3) == 1);         // an integer answer, a whole threshold
    CHECK(rules::MutationStep(*s, count, 2.5) == 0.1);     // a decimal threshold
    CHECK(rules::MutationStep(*s, count + 1, 150) == 0.1); // a decimal answer
    CHECK(rules::MutationStep(*s, count + 1, 1.25) == 0.01);
}

TEST_CASE("mutate: a difference no case's neighbour shows is found among patients drawn from the whole file") {
    // The last of four unknown answers dropped from a count that must reach 3: only a patient with
    // that answer and two others unknown tells them apart, three changes from the clean case.
    std::string questions;
    for (const char* id : {"a", "b", "c", "d"})
        questions += std::string("[[questions]]\nid = \"") + id + "\"\ntype = \"yes_no\"\nnot_sure = true\ntext.en = \"Question " + id +
                     "?\"\n\n";
    auto s = test::Load(test::ScreeningText(questions, R"T(
[[derived]]
id = "unknowns"
expr = "count(unknown(a), unknown(b), unknown(c), unknown(d))"

[[rules]]
id = "incomplete"
when = "unknowns >= 3"
level = "HIGH"
reason = "R-INCOMPLETE"
reason_text.en = "Too many answers unknown."
staff_text = "Go through the form with the patient."

[[rules]]
id = "clean"
when = "a = no and b = no and c = no and d = no"
level = "LOW"
staff_text = "Nothing found."

[[cases]]
name = "clean"
today = 2026-06-15
answers = { a = "no", b = "no", c = "no", d = "no" }
expect.outcome = "LOW"
)T"));
    const rules::MutationReport report = rules::RunMutation(*s);
    const rules::MutantResult& dropped = Find(report, rules::MutantKind::DropDerivedTerm, "`unknown(d)` no longer counted");
    CHECK(dropped.fate != rules::MutantFate::Killed);
    REQUIRE(dropped.fate != rules::MutantFate::NoWitness);
    const rules::Answers& answers = dropped.witness.answers;
    CHECK(answers.values[3].state != rules::AnswerState::Given);
    int unknown = 0;
    for (const rules::Answer& a : answers.values) unknown += a.state != rules::AnswerState::Given;
    CHECK(unknown == 3);
    CHECK(std::find(dropped.witness.original.reasons.begin(), dropped.witness.original.reasons.end(), "R-INCOMPLETE") !=
          dropped.witness.original.reasons.end());
}
