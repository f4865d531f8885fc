// The expression language's semantics, end to end through the loader and Decide():
// the three-valued truth table the README quotes, absent versus unknown answers, `in`,
// arithmetic, count(), and the functions over answers.
#include <doctest/doctest.h>

#include "rules/decision.h"
#include "screening_text.h"

namespace {

using Result = rules::Decision::RuleResult;

const char* const kQuestions = R"(
[[questions]]
id = "gate"
type = "yes_no"
text.en = "Gate?"

[[questions]]
id = "a"
type = "yes_no"
not_sure = true
text.en = "A?"

[[questions]]
id = "b"
type = "yes_no"
not_sure = true
text.en = "B?"

[[questions]]
id = "hidden"
type = "yes_no"
not_sure = true
show_if = "gate = yes"
text.en = "Hidden unless gate?"

[[questions]]
id = "area"
type = "single"
not_sure = true
text.en = "Area?"
options = [ { code = "knee", en = "Knee" }, { code = "hip", en = "Hip" }, { code = "6w_3m", en = "Code with a digit" } ]

[[questions]]
id = "meds"
type = "multi"
not_sure = true
text.en = "Meds?"
options = [ { code = "x", en = "X" }, { code = "y", en = "Y" }, { code = "area", en = "Named like a question" },
            { code = "none", en = "None", exclusive = true } ]

[[questions]]
id = "height"
type = "decimal"
min = 0
max = 300
unit = "cm"
units = { in = 2.54 }
text.en = "Height?"

[[questions]]
id = "dob"
type = "date"
past_only = true
max_age_years = 110
text.en = "Birth date?"
)";

std::string Rule(const std::string& id, const std::string& when) {
    return "[[rules]]\nid = \"" + id + "\"\nwhen = \"" + when + "\"\nlevel = \"note\"\nstaff_text = \"-\"\n";
}

struct Fixture {
    std::unique_ptr<rules::Screening> screening;
    rules::Answers answers;
    rules::Date today{2026, 6, 15};

    explicit Fixture(const std::string& rules_text) : screening(test::Load(test::ScreeningText(kQuestions, rules_text))) {
        answers = rules::MakeAnswers(*screening);
        Set("gate", std::string("no"));
    }

    void Set(const std::string& id, const rules::AnswerInput& input) {
        const int q = screening->FindQuestion(id);
        auto problem = rules::SetAnswer(*screening, answers, q, input, today);
        REQUIRE_MESSAGE(!problem, (problem ? rules::DescribeAnswerProblem(screening->questions[q], *problem) : ""));
    }
    void Skip(const std::string& id) { answers.values[screening->FindQuestion(id)] = rules::Answer{}; }

    Result Eval(const std::string& rule) {
        rules::Decision d;
        rules::Decide(*screening, answers, today, screening->ParameterValues(), d);
        return d.Result(screening->FindRule(rule));
    }
};

// true / false / unknown as answers to a yes/no question ("not sure" and skipped are both unknown).
void Answer(Fixture& f, const char* id, char value) {
    if (value == 'T') f.Set(id, std::string("yes"));
    else if (value == 'F') f.Set(id, std::string("no"));
    else if (value == 'U') f.Set(id, std::string("not_sure"));
    else f.Skip(id);
}

Result Expect(char value) {
    return value == 'T' ? Result::Fired : value == 'F' ? Result::False : Result::Undetermined;
}

}  // namespace

TEST_CASE("three-valued logic follows Kleene's truth table (the README's table)") {
    Fixture f(Rule("and", "a and b") + Rule("or", "a or b") + Rule("not", "not a"));
    // a, b, a and b, a or b, not a.  'S' is a skipped answer, which is unknown like "not sure".
    struct Row { char a, b, and_ab, or_ab, not_a; };
    const Row rows[] = {
        {'T', 'T', 'T', 'T', 'F'}, {'T', 'F', 'F', 'T', 'F'}, {'T', 'U', 'U', 'T', 'F'},
        {'F', 'T', 'F', 'T', 'T'}, {'F', 'F', 'F', 'F', 'T'}, {'F', 'U', 'F', 'U', 'T'},
        {'U', 'T', 'U', 'T', 'U'}, {'U', 'F', 'F', 'U', 'U'}, {'U', 'U', 'U', 'U', 'U'},
        {'S', 'T', 'U', 'T', 'U'}, {'F', 'S', 'F', 'U', 'T'}, {'S', 'S', 'U', 'U', 'U'},
    };
    for (const Row& row : rows) {
        CAPTURE(row.a);
        CAPTURE(row.b);
        Answer(f, "a", row.a);
        Answer(f, "b", row.b);
        CHECK(f.Eval("and") == Expect(row.and_ab));
        CHECK(f.Eval("or") == Expect(row.or_ab));
        CHECK(f.Eval("not") == Expect(row.not_a));
    }
}

TEST_CASE("a question that is not shown is absent: comparisons with it are false, never unknown") {
    Fixture f(Rule("eq", "hidden = yes") + Rule("ne", "hidden != yes") + Rule("not_eq", "not (hidden = yes)") +
              Rule("answered", "answered(hidden)") + Rule("unknown", "unknown(hidden)") + Rule("shown", "shown(hidden)"));
    f.Set("hidden", std::string("yes"));  // answered, but gate = no hides it: never submitted
    CHECK(f.Eval("eq") == Result::False);
    CHECK(f.Eval("ne") == Result::False);
    CHECK(f.Eval("not_eq") == Result::Fired);
    CHECK(f.Eval("answered") == Result::False);
    CHECK(f.Eval("unknown") == Result::False);
    CHECK(f.Eval("shown") == Result::False);

    f.Set("gate", std::string("yes"));
    CHECK(f.Eval("eq") == Result::Fired);
    f.Set("hidden", std::string("not_sure"));
    CHECK(f.Eval("eq") == Result::Undetermined);
    CHECK(f.Eval("unknown") == Result::Fired);
    CHECK(f.Eval("answered") == Result::False);
}

TEST_CASE("an unknown show_if shows the question: ask rather than assume") {
    Fixture f(Rule("shown", "shown(hidden)"));
    f.Skip("gate");
    CHECK(f.Eval("shown") == Result::Fired);
}

TEST_CASE("choice answers: =, in [...], not in, option codes that look like other names") {
    Fixture f(Rule("eq", "area = knee") + Rule("in", "area in [hip, 6w_3m]") + Rule("not_in", "area not in [hip, 6w_3m]") +
              Rule("quoted", "area = \\\"knee\\\"") + Rule("unsure", "unsure(area)") + Rule("skipped", "skipped(area)"));
    f.Set("area", std::string("knee"));
    CHECK(f.Eval("eq") == Result::Fired);
    CHECK(f.Eval("quoted") == Result::Fired);
    CHECK(f.Eval("in") == Result::False);
    CHECK(f.Eval("not_in") == Result::Fired);
    f.Set("area", std::string("6w_3m"));
    CHECK(f.Eval("in") == Result::Fired);
    CHECK(f.Eval("not_in") == Result::False);
    f.Set("area", std::string("not_sure"));
    CHECK(f.Eval("eq") == Result::Undetermined);
    CHECK(f.Eval("not_in") == Result::Undetermined);
    CHECK(f.Eval("unsure") == Result::Fired);
    CHECK(f.Eval("skipped") == Result::False);
    f.Skip("area");
    CHECK(f.Eval("unsure") == Result::False);
    CHECK(f.Eval("skipped") == Result::Fired);
}

TEST_CASE("multiple choice: 'x in q' includes x, 'q in [...]' includes any, count(q) counts") {
    Fixture f(Rule("has_x", "x in meds") + Rule("has_area", "area in meds") + Rule("any", "meds in [y, area]") +
              Rule("none_in", "meds not in [y, area]") + Rule("two", "count(meds) = 2"));
    f.Set("meds", std::vector<std::string>{"x", "area"});
    CHECK(f.Eval("has_x") == Result::Fired);
    CHECK(f.Eval("has_area") == Result::Fired);  // the option 'area', not the question
    CHECK(f.Eval("any") == Result::Fired);
    CHECK(f.Eval("none_in") == Result::False);
    CHECK(f.Eval("two") == Result::Fired);
    f.Set("meds", std::vector<std::string>{"none"});
    CHECK(f.Eval("has_x") == Result::False);
    CHECK(f.Eval("any") == Result::False);
    CHECK(f.Eval("none_in") == Result::Fired);
    f.Set("meds", std::string("not_sure"));
    CHECK(f.Eval("has_x") == Result::Undetermined);
    CHECK(f.Eval("any") == Result::Undetermined);
}

TEST_CASE("numbers: comparisons, arithmetic, units, unknown and division by zero") {
    Fixture f(Rule("tall", "height / 100 >= 1.8") + Rule("div0", "height / (height - height) > 1") +
              Rule("neg", "-height < -100"));
    f.Set("height", 180.0);
    CHECK(f.Eval("tall") == Result::Fired);
    CHECK(f.Eval("neg") == Result::Fired);
    CHECK(f.Eval("div0") == Result::Undetermined);  // total: no crash, no made-up value
    f.Set("height", rules::MeasuredInput{70, "in"});  // 177.8 cm
    CHECK(f.Eval("tall") == Result::False);
    f.Skip("height");
    CHECK(f.Eval("tall") == Result::Undetermined);
}

TEST_CASE("dates: age() counts a birthday on the screening day, months_since() and days_since()") {
    Fixture f(Rule("adult", "age(dob) >= 18") + Rule("months", "months_since(dob) = 216") + Rule("days", "days_since(dob) = 1"));
    f.Set("dob", rules::Date{2008, 6, 15});
    CHECK(f.Eval("adult") == Result::Fired);
    CHECK(f.Eval("months") == Result::Fired);
    f.Set("dob", rules::Date{2008, 6, 16});
    CHECK(f.Eval("adult") == Result::False);
    f.Set("dob", rules::Date{2026, 6, 14});
    CHECK(f.Eval("days") == Result::Fired);
}

TEST_CASE("count() of conditions: unknown conditions make the count unknown, unknown() never is") {
    Fixture f(Rule("two", "count(a, b, area = knee) = 2") + Rule("unknowns", "count(unknown(a), unknown(b), unknown(hidden)) >= 2"));
    f.Set("a", std::string("yes"));
    f.Set("b", std::string("yes"));
    f.Set("area", std::string("hip"));
    CHECK(f.Eval("two") == Result::Fired);
    f.Set("b", std::string("not_sure"));
    CHECK(f.Eval("two") == Result::Undetermined);
    CHECK(f.Eval("unknowns") == Result::False);  // only b; hidden is not shown
    f.Skip("a");
    CHECK(f.Eval("unknowns") == Result::Fired);
}

TEST_CASE("answers are checked against the question: options, exclusivity, limits, dates") {
    Fixture f("");
    using Kind = rules::AnswerProblemKind;
    // The kind SetAnswer gives, and its words.
    auto set = [&](const std::string& id, const rules::AnswerInput& input) -> std::pair<std::optional<Kind>, std::string> {
        const int q = f.screening->FindQuestion(id);
        auto problem = rules::SetAnswer(*f.screening, f.answers, q, input, f.today);
        if (!problem) return {std::nullopt, ""};
        return {problem->kind, rules::DescribeAnswerProblem(f.screening->questions[q], *problem)};
    };
    auto [kind, words] = set("area", std::string("elbow"));
    CHECK(kind == Kind::UnknownOption);
    CHECK(words.find("has no option 'elbow'") != std::string::npos);
    std::tie(kind, words) = set("meds", std::vector<std::string>{"x", "none"});
    CHECK(kind == Kind::ExclusiveWithOthers);
    CHECK(words.find("excludes the others") != std::string::npos);
    std::tie(kind, words) = set("height", 400.0);
    CHECK(kind == Kind::OutOfRange);
    CHECK(words.find("outside 0 to 300 cm") != std::string::npos);
    std::tie(kind, words) = set("height", rules::MeasuredInput{6, "ft"});
    CHECK(kind == Kind::UnknownUnit);
    CHECK(words.find("unit 'ft' is not accepted") != std::string::npos);
    std::tie(kind, words) = set("dob", rules::Date{2027, 1, 1});
    CHECK(kind == Kind::InFuture);
    CHECK(words.find("in the future") != std::string::npos);
    std::tie(kind, words) = set("dob", rules::Date{1900, 1, 1});
    CHECK(kind == Kind::TooOld);
    CHECK(words.find("more than 110 years") != std::string::npos);
    std::tie(kind, words) = set("gate", std::string("not_sure"));
    CHECK(kind == Kind::NotSureNotOffered);
    CHECK(words.find("does not offer") != std::string::npos);
    std::tie(kind, words) = set("a", std::string("maybe"));
    CHECK(kind == Kind::WrongType);
    CHECK(words.find("expects \"yes\" or \"no\"") != std::string::npos);
    CHECK_FALSE(set("a", std::string("not_sure")).first);
}

TEST_CASE("a refused answer carries the limits it broke, in the units the screens show them") {
    Fixture f("");
    const int height = f.screening->FindQuestion("height"), dob = f.screening->FindQuestion("dob");
    auto problem = rules::SetAnswer(*f.screening, f.answers, height, rules::MeasuredInput{200, "in"}, f.today);
    REQUIRE(problem);
    CHECK(problem->kind == rules::AnswerProblemKind::OutOfRange);
    CHECK(problem->value == 200);
    CHECK(problem->given_unit == "in");
    CHECK(problem->min == 0);
    CHECK(problem->max == 300);
    CHECK(problem->unit == "cm");
    CHECK(f.answers.values[height].state == rules::AnswerState::Skipped);
    CHECK_FALSE(rules::SetAnswer(*f.screening, f.answers, height, rules::MeasuredInput{118, "in"}, f.today));
    CHECK(f.answers.values[height].number == doctest::Approx(299.72));

    problem = rules::SetAnswer(*f.screening, f.answers, dob, rules::Date{1915, 6, 14}, f.today);
    REQUIRE(problem);
    CHECK(problem->kind == rules::AnswerProblemKind::TooOld);
    CHECK(problem->date == rules::Date{1915, 6, 14});
    CHECK(problem->max_age_years == 110);
    // A day the calendar lacks is refused however it arrives: as a date or as text.
    problem = rules::SetAnswer(*f.screening, f.answers, dob, rules::Date{1960, 2, 30}, f.today);
    REQUIRE(problem);
    CHECK(problem->kind == rules::AnswerProblemKind::InvalidDate);
    problem = rules::SetAnswer(*f.screening, f.answers, dob, std::string("1960-02-30"), f.today);
    REQUIRE(problem);
    CHECK(problem->kind == rules::AnswerProblemKind::InvalidDate);
    CHECK(f.answers.values[dob].state == rules::AnswerState::Skipped);
    CHECK_FALSE(rules::SetAnswer(*f.screening, f.answers, dob, std::string("1960-02-29"), f.today));
}
