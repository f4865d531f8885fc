// Answers files (JSON): every value form read and written back, every test case of the default screening
// round-tripped, and the exact message for each way an answer can be refused.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/answers_json.h"
#include "../rules/screening_text.h"
#include "session_driver.h"

namespace {

const rules::Date kToday{2026, 6, 15};

// One question of every kind and limit the engine checks.
const char* const kQuestions = R"(
[[questions]]
id = "consent"
type = "yes_no"
required = true
text.en = "Agree?"

[[questions]]
id = "yn"
type = "yes_no"
not_sure = true
text.en = "Yes or no?"

[[questions]]
id = "area"
type = "single"
text.en = "Area?"
options = [ { code = "knee", en = "Knee" }, { code = "hip", en = "Hip" } ]

[[questions]]
id = "meds"
type = "multi"
not_sure = true
text.en = "Meds?"
options = [ { code = "x", en = "X" }, { code = "y", en = "Y" }, { code = "none", en = "None", exclusive = true } ]

[[questions]]
id = "minutes"
type = "integer"
min = 0
max = 600
unit = "min"
units = { h = 60 }
text.en = "How long?"

[[questions]]
id = "height"
type = "decimal"
min = 0
max = 300
unit = "cm"
units = { in = 2.54 }
not_sure = true
text.en = "Height?"

[[questions]]
id = "dob"
type = "date"
past_only = true
max_age_years = 110
text.en = "Birth date?"

[[questions]]
id = "surgery"
type = "date"
precision = "month"
past_only = true
text.en = "When?"

[[questions]]
id = "remarks"
type = "text"
max_length = 10
text.en = "Anything else?"
)";

const rules::Screening& Small() {
    static std::unique_ptr<rules::Screening> screening = test::Load(test::ScreeningText(kQuestions, ""));
    return *screening;
}

// Every field the engine sets, so a round trip that loses any part of an answer fails.
void CheckSame(const rules::Screening& s, const rules::Answers& a, const rules::Answers& b) {
    REQUIRE(a.values.size() == b.values.size());
    for (size_t q = 0; q < a.values.size(); ++q) {
        CAPTURE(s.questions[q].id);
        const rules::Answer& x = a.values[q];
        const rules::Answer& y = b.values[q];
        CHECK(x.state == y.state);
        CHECK(x.yes == y.yes);
        CHECK(x.option == y.option);
        CHECK(x.set == y.set);
        CHECK(x.number == y.number);
        CHECK(x.date == y.date);
        CHECK(x.text == y.text);
    }
}

// The answers object with the consent given, plus `more`.
nlohmann::json With(nlohmann::json more) {
    nlohmann::json object = {{"consent", "yes"}};
    object.update(more);
    return object;
}

const rules::Answer& Of(const kiosk::AnswersParse& parsed, const char* id) {
    int q = Small().FindQuestion(id);
    REQUIRE_MESSAGE(q >= 0, id);
    return parsed.answers.values[q];
}

}  // namespace

TEST_CASE("every value form reads into the answer it names and writes back in the same form") {
    const rules::Screening& s = Small();
    nlohmann::json object = {
        {"consent", true},                                   // a JSON boolean is yes / no
        {"yn", "not_sure"},
        {"area", "hip"},
        {"meds", {"x", "y"}},
        {"minutes", {{"value", 1.5}, {"unit", "h"}}},       // a number with one of the question's units
        {"height", 172.5},
        {"dob", "1960-02-29"},
        {"surgery", "2024-03"},
        {"remarks", "knee \xC3\xA9t\xC3\xA9"},                  // 8 characters, 10 bytes
    };
    kiosk::AnswersParse parsed = kiosk::AnswersFromJson(s, object, kToday);
    REQUIRE_MESSAGE(parsed.ok(), parsed.errors.front());
    CHECK(Of(parsed, "consent").state == rules::AnswerState::Given);
    CHECK(Of(parsed, "consent").yes);
    CHECK(Of(parsed, "yn").state == rules::AnswerState::Unsure);
    CHECK(Of(parsed, "area").option == 1);
    CHECK(Of(parsed, "meds").set == 0b011u);
    CHECK(Of(parsed, "minutes").number == 90);  // stored in the question's own unit
    CHECK(Of(parsed, "height").number == 172.5);
    CHECK(Of(parsed, "dob").date == rules::Date{1960, 2, 29});
    CHECK(Of(parsed, "surgery").date == rules::Date{2024, 3, 1});
    CHECK(Of(parsed, "remarks").text == "knee \xC3\xA9t\xC3\xA9");

    nlohmann::json written = kiosk::AnswersToJson(s, parsed.answers);
    CHECK(written == nlohmann::json{{"consent", "yes"}, {"yn", "not_sure"}, {"area", "hip"}, {"meds", {"x", "y"}},
                                    {"minutes", 90}, {"height", 172.5}, {"dob", "1960-02-29"}, {"surgery", "2024-03"},
                                    {"remarks", "knee \xC3\xA9t\xC3\xA9"}});
    CHECK(written["minutes"].is_number_integer());

    // Read back from text: the same answers.
    kiosk::AnswersParse again = kiosk::AnswersFromJsonText(s, written.dump(), kToday);
    REQUIRE(again.ok());
    CheckSame(s, parsed.answers, again.answers);
}

TEST_CASE("null and an absent id both leave a question skipped, and a skipped one is not written") {
    const rules::Screening& s = Small();
    kiosk::AnswersParse parsed = kiosk::AnswersFromJson(s, With({{"yn", nullptr}, {"meds", {"none"}}}), kToday);
    REQUIRE(parsed.ok());
    CHECK(Of(parsed, "yn").state == rules::AnswerState::Skipped);
    CHECK(Of(parsed, "area").state == rules::AnswerState::Skipped);
    CHECK(Of(parsed, "meds").state == rules::AnswerState::Given);
    CHECK(kiosk::AnswersToJson(s, parsed.answers) == nlohmann::json{{"consent", "yes"}, {"meds", {"none"}}});
    CHECK(kiosk::AnswersToJson(s, rules::MakeAnswers(s)) == nlohmann::json::object());
    // "not_sure" alone in a list is the same as "not_sure".
    kiosk::AnswersParse listed = kiosk::AnswersFromJson(s, With({{"meds", {"not_sure"}}}), kToday);
    REQUIRE(listed.ok());
    CHECK(Of(listed, "meds").state == rules::AnswerState::Unsure);
}

TEST_CASE("every test case of the default screening round-trips through an answers file") {
    const rules::Screening& s = session_driver::Default();
    REQUIRE(s.cases.size() > 10);
    int vignettes = 0;
    for (const rules::TestCase& c : s.cases) {
        CAPTURE(c.name);
        const rules::Answers& answers = s.case_answers[c.answers];
        const std::string text = kiosk::AnswersToJson(s, answers).dump();
        kiosk::AnswersParse parsed = kiosk::AnswersFromJsonText(s, text, c.today);
        CHECK_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.errors.front()));
        CheckSame(s, answers, parsed.answers);
        CHECK(kiosk::AnswersToJson(s, parsed.answers).dump() == text);
        if (c.name.size() > 1 && c.name[0] == 'V' && c.name[1] >= '0' && c.name[1] <= '9') ++vignettes;
    }
    CHECK(vignettes >= 10);
}

TEST_CASE("each refused answer is named with the question and why, in the words the CLI prints") {
    const rules::Screening& s = Small();
    struct Row {
        nlohmann::json answers;
        const char* message;
    };
    const Row rows[] = {
        // The file itself.
        {nlohmann::json::array(), "the answers must be a JSON object of question id -> value"},
        {With({{"nope", "yes"}}), "'nope' is not a question of screening 't'"},
        {nlohmann::json::object(), "'consent' is required and has no answer"},
        {With({{"meds", {"x", 3}}}), "'meds' must be a list of option codes (strings)"},
        {With({{"height", {{"value", 3}}}}), "'height' has a value that is not an answer: {\"value\":3}"},
        // Not sure.
        {{{"consent", "not_sure"}}, "'consent' does not offer \"not_sure\""},
        {With({{"meds", {"x", "not_sure"}}}), "'meds' \"not_sure\" cannot be combined with options"},
        // The wrong kind of value.
        {With({{"yn", 5}}), "'yn' expects \"yes\" or \"no\" or \"not_sure\""},
        {{{"consent", "maybe"}}, "'consent' expects \"yes\" or \"no\""},
        {With({{"area", {"knee"}}}), "'area' expects one option code (knee, hip)"},
        {With({{"meds", 2}}), "'meds' expects a list of option codes (x, y, none)"},
        {With({{"height", "tall"}}), "'height' expects a number in cm"},
        {With({{"dob", 1960}}), "'dob' expects a date as \"YYYY-MM-DD\""},
        {With({{"remarks", 7}}), "'remarks' expects text"},
        // Options.
        {With({{"area", "kne"}}), "'area' has no option 'kne' (options: knee, hip)"},
        {With({{"meds", {"x", "z"}}}), "'meds' has no option 'z' (options: x, y, none)"},
        {With({{"meds", nlohmann::json::array()}}), "'meds' expects at least one option code; leave the question out to skip it"},
        {With({{"meds", {"x", "none"}}}), "'meds' combines an option that excludes the others (such as none) with other options"},
        // Numbers.
        {With({{"height", {{"value", 6}, {"unit", "ft"}}}}), "'height' unit 'ft' is not accepted (cm, in)"},
        {With({{"height", {{"value", 1e308}, {"unit", "in"}}}}), "'height' is not a finite number"},
        {With({{"minutes", 1.5}}), "'minutes' must be a whole number, not 1.5"},
        {With({{"minutes", {{"value", 0.01}, {"unit", "h"}}}}), "'minutes' must be a whole number, not 0.01"},
        {With({{"height", 400}}), "'height' 400 is outside 0 to 300 cm"},
        {With({{"height", -0.5}}), "'height' -0.5 is outside 0 to 300 cm"},
        {With({{"height", {{"value", 200}, {"unit", "in"}}}}), "'height' 200 in is outside 0 to 300 cm"},
        {With({{"minutes", {{"value", 11}, {"unit", "h"}}}}), "'minutes' 11 h is outside 0 to 600 min"},
        // Dates.
        {With({{"dob", "01/02/1960"}}), "'dob' expects a date as \"YYYY-MM-DD\""},
        {With({{"dob", "1961-02-29"}}), "'dob' expects a date as \"YYYY-MM-DD\""},  // no such day
        {With({{"surgery", "2020"}}), "'surgery' expects a date as \"YYYY-MM-DD\" or \"YYYY-MM\""},
        {With({{"dob", "2026-06-16"}}), "'dob' 2026-06-16 is in the future"},
        {With({{"surgery", "2026-07"}}), "'surgery' 2026-07-01 is in the future"},
        {With({{"dob", "1915-06-15"}}), "'dob' 1915-06-15 is more than 110 years ago"},
        // Text.
        {With({{"remarks", "\xC3\xA9t\xC3\xA9 and more"}}), "'remarks' is 12 characters long; at most 10 are allowed"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.answers.dump());
        kiosk::AnswersParse parsed = kiosk::AnswersFromJson(Small(), row.answers, kToday);
        REQUIRE_FALSE(parsed.errors.empty());
        CHECK(parsed.errors[0] == row.message);
        // A refused consent also leaves the required question unanswered; nothing else is said.
        CHECK(parsed.errors.size() == (row.answers.contains("consent") && parsed.answers.values[0].state == rules::AnswerState::Skipped ? 2u : 1u));
    }
    // At the limits: accepted.
    CHECK(kiosk::AnswersFromJson(s, With({{"height", 300}, {"minutes", {{"value", 10}, {"unit", "h"}}}}), kToday).ok());
    CHECK(kiosk::AnswersFromJson(s, With({{"dob", "2026-06-15"}, {"surgery", "2026-06"}}), kToday).ok());
    CHECK(kiosk::AnswersFromJson(s, With({{"dob", "1915-06-16"}, {"remarks", "0123456789"}}), kToday).ok());

    // A syntax error names its place; nothing is answered.
    kiosk::AnswersParse broken = kiosk::AnswersFromJsonText(s, "{\"consent\": \"yes\",}", kToday);
    REQUIRE(broken.errors.size() == 1);
    CHECK(broken.errors[0].rfind("not valid JSON: ", 0) == 0);
    CHECK(broken.errors[0].find("line 1, column 19") != std::string::npos);
    CHECK(broken.answers.values[s.FindQuestion("consent")].state == rules::AnswerState::Skipped);
}

TEST_CASE("every error of a file is reported, not the first only") {
    kiosk::AnswersParse parsed =
        kiosk::AnswersFromJson(Small(), {{"area", "kne"}, {"height", 400}, {"dob", "2030-01-01"}}, kToday);
    CHECK(parsed.errors == std::vector<std::string>{"'area' has no option 'kne' (options: knee, hip)",
                                                    "'dob' 2030-01-01 is in the future", "'height' 400 is outside 0 to 300 cm",
                                                    "'consent' is required and has no answer"});
}

TEST_CASE("a number too large for a double (1e400) is an error naming its question, not an exception") {
    const rules::Screening& s = Small();
    struct Row {
        const char* text;
        const char* message;
    };
    const Row rows[] = {
        {R"({"consent": "yes", "height": 1e400})", "'height' has a number that cannot be read"},
        {R"({"consent": "yes", "height": -1e400})", "'height' has a number that cannot be read"},
        {R"({"consent": "yes", "minutes": {"value": 1e400, "unit": "h"}})", "'minutes' has a number that cannot be read"},
        {R"({"consent": "yes", "meds": ["x", 1e999]})", "'meds' has a number that cannot be read"},
        {R"([1e400])", "a number cannot be read"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.text);
        kiosk::AnswersParse parsed;
        REQUIRE_NOTHROW(parsed = kiosk::AnswersFromJsonText(s, row.text, kToday));
        REQUIRE(parsed.errors.size() == 1);
        CHECK(parsed.errors[0].find(row.message) != std::string::npos);
        CHECK(parsed.errors[0].find("1e") != std::string::npos);  // the number as written
    }
    // The largest finite double is read, and refused by the question's limits as usual.
    kiosk::AnswersParse huge = kiosk::AnswersFromJsonText(s, R"({"consent": "yes", "height": 1e308})", kToday);
    REQUIRE(huge.errors.size() == 1);
    CHECK(huge.errors[0].find("'height' 1e+308 is outside 0 to 300 cm") != std::string::npos);
}
