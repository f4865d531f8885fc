// The patient screens one by one, driven by taps: gates, the urgent screen, the idle warning and
// reset, a failed submit, review edits, number and date checks, and the out-of-order screen.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "patient_taps.h"
#include "store/sqlite.h"

using namespace ui_driver;

namespace {

std::string Text(Headless& k, const char* key, int language = 0) { return k.app->Screening()->texts.at(key)[language]; }

}  // namespace

TEST_CASE("consent declined: the gate's message, nothing stored, then welcome again") {
    Headless k;
    k.Tap("lang:en");
    CHECK(k.Screen() == "question:consent_data");
    CHECK(k.Shows("Do you agree to share your answers with our care team?"));
    CHECK_FALSE(k.Has("nav:skip"));  // consent cannot be skipped
    k.Tap("option:no");
    CHECK(k.Screen() == "done");
    CHECK(k.Shows("No problem. Please see the front desk."));
    CHECK(k.Reader()->Submissions(std::nullopt).value->empty());
    k.Tap("nav:finish");
    CHECK(k.Screen() == "welcome");
}

TEST_CASE("a minor is stopped right after the date of birth, with the staff-assist message") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapUntil(k, CaseAnswers(s, "V2"), "dob");
    TapAnswer(k, s, s.FindQuestion("dob"), CaseAnswers(s, "V2").values[s.FindQuestion("dob")]);
    CHECK(k.Screen() == "done");
    CHECK(k.Shows("Please check in at the front desk. A staff member will help you."));
    auto rows = k.Reader()->Submissions(std::nullopt);
    REQUIRE(rows.value->size() == 1);
    CHECK(rows.value->front().record.outcome == "CLINICIAN_REVIEW");
}

TEST_CASE("a red flag shows the urgent screen at once, the alert is already stored, and the patient may go on") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapUntil(k, CaseAnswers(s, "V11"), "spine_warning");
    CHECK(k.Reader()->OpenAlerts().value->empty());
    k.Tap("option:bladder_bowel");
    k.Tap("nav:next");
    CHECK(k.Screen() == "urgent");
    CHECK(k.Shows("Please go to the front desk"));
    CHECK_FALSE(k.Shows("cauda"));  // no diagnosis named
    REQUIRE(k.Reader()->OpenAlerts().value->size() == 1);
    k.Tap("nav:continue");
    CHECK(k.Screen().rfind("question:", 0) == 0);
}

TEST_CASE("the idle warning counts down, a tap keeps the answers, and the reset leaves no trace of the patient") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapUntil(k, CaseAnswers(s, "V3"), "diagnosis");
    k.Tap("option:arthritis");
    k.Tap("option:moderate");
    REQUIRE(k.Screen() == "question:pain_duration");
    k.Wait(std::chrono::seconds(91));
    CHECK(k.Screen() == "idle_warning");
    CHECK(k.Shows("Are you still there?"));
    CHECK(k.Shows("this screen will clear in 29 seconds"));
    CHECK_FALSE(k.Shows("How long have you had this pain?"));  // the question is hidden under the warning
    k.Tap("nav:still_here");
    CHECK(k.Screen() == "question:pain_duration");
    k.Tap("nav:back");
    k.Tap("nav:back");
    REQUIRE(k.Screen() == "question:diagnosis");
    CHECK(k.Shows("Arthritis or \"wear and tear\""));  // the chosen answer is on screen before the reset
    k.Tap("toggle:larger_text");
    CHECK(k.app->LargerText());

    k.Wait(std::chrono::seconds(120));
    CHECK(k.Screen() == "welcome");
    // The very next frame: none of the patient's answers, and the patient's toggles are off.
    for (const char* text : {"Arthritis", "wear and tear", "Moderate", "Knee", "What has a doctor"}) {
        CAPTURE(text);
        CHECK_FALSE(k.Shows(text));
    }
    CHECK_FALSE(k.app->LargerText());
    k.Tap("lang:en");
    k.Tap("option:yes");
    CHECK(k.Screen() == "question:dob");
    CHECK_FALSE(k.Shows("19"));  // no digit of the previous date of birth in the date fields
}

TEST_CASE("a submit the database refuses keeps the patient on review with a message, a retry stores it") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapThrough(k, CaseAnswers(s, "V3"), "en");
    REQUIRE(k.Screen() == "review");
    {
        kiosk::store::Connection other(k.dir.File("clinic.db"), false);
        other.Exec("BEGIN EXCLUSIVE", "test");
        k.Tap("nav:submit");
        CHECK(k.Screen() == "review");
        CHECK(k.Shows("Your answers were not sent yet"));
        other.Exec("COMMIT", "test");
    }
    k.Tap("nav:submit");
    CHECK(k.Screen() == "done");
    CHECK(k.Shows(Text(k, "finished").substr(0, 40)));
    CHECK(k.Reader()->Submissions(std::nullopt).value->size() == 1);
}

TEST_CASE("review: tapping an answer changes it, and the flow returns to review") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapThrough(k, CaseAnswers(s, "V3"), "en");
    REQUIRE(k.Screen() == "review");
    CHECK(k.Shows("What is your date of birth?"));
    k.Tap("edit:pain_side");
    CHECK(k.Screen() == "question:pain_side");
    k.Tap("option:right");
    CHECK(k.Screen() == "review");
    k.Tap("nav:submit");
    auto rows = k.Reader()->Submissions(std::nullopt);
    REQUIRE(rows.value->size() == 1);
    CHECK(rows.value->front().record.answers_json.find("\"pain_side\":\"right\"") != std::string::npos);
}

TEST_CASE("multiple choice: an exclusive option clears the others, and another option clears it") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapUntil(k, CaseAnswers(s, "V3"), "treatments_tried");
    k.Tap("option:rest");
    k.Tap("option:pt");
    k.Tap("option:none");
    k.Tap("option:meds");
    k.Tap("nav:next");
    const rules::Answer& a = k.app->PatientSession()->AnswersInMemory().values[s.FindQuestion("treatments_tried")];
    const rules::Question& q = s.questions[s.FindQuestion("treatments_tried")];
    CHECK(a.set == uint64_t{1} << q.FindOption("meds"));
}

TEST_CASE("a number out of range is asked again once with the limits, then left unanswered") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapUntil(k, CaseAnswers(s, "V3"), "height");
    CHECK(k.Shows("Please enter a number from 90 to 245 cm."));
    TypeDigits(k, "500");
    k.Tap("nav:next");
    CHECK(k.Screen() == "question:height");
    CHECK(k.Shows("Please check the number. It should be from 90 to 245 cm."));
    CHECK(k.Has("nav:skip"));
    TypeDigits(k, "6");
    CHECK_FALSE(k.Shows("Please check the number."));  // typing clears the message, not the re-ask
    TypeDigits(k, "00");
    k.Tap("nav:next");
    CHECK(k.Screen() != "question:height");
    CHECK(k.app->PatientSession()->AnswersInMemory().values[s.FindQuestion("height")].state == rules::AnswerState::Skipped);
    // The other unit: inches, with its own limits.
    k.Tap("nav:back");
    REQUIRE(k.Screen() == "question:height");
    k.Tap("unit:in");
    CHECK(k.Shows("from 35.4 to 96.5 in"));
    TypeDigits(k, "70");
    k.Tap("nav:next");
    const rules::Answer& h = k.app->PatientSession()->AnswersInMemory().values[s.FindQuestion("height")];
    CHECK(h.state == rules::AnswerState::Given);
    CHECK(h.number == doctest::Approx(177.8));
}

TEST_CASE("a date of birth in the future or impossible is refused with a plain message") {
    Headless k;
    k.Tap("lang:en");
    k.Tap("option:yes");
    REQUIRE(k.Screen() == "question:dob");
    k.Tap("date:month");
    TypeDigits(k, "02");
    TypeDigits(k, "30");  // the day field follows the month
    TypeDigits(k, "1960");
    k.Tap("nav:next");
    CHECK(k.Screen() == "question:dob");
    CHECK(k.Shows("Please check the date."));
    k.Tap("date:day");
    k.Tap("pad:clear");
    TypeDigits(k, "01");
    k.Tap("date:year");
    k.Tap("pad:clear");
    TypeDigits(k, "2030");
    k.Tap("nav:next");
    CHECK(k.Shows("That date is in the future."));
    // Too long ago for the question's limit (110 years), and a year that is not four digits.
    k.Tap("date:year");
    k.Tap("pad:clear");
    TypeDigits(k, "1900");
    k.Tap("nav:next");
    CHECK(k.Shows("Please check the year."));
    CHECK_FALSE(k.Shows("That date is in the future."));
    k.Tap("date:year");
    k.Tap("pad:clear");
    TypeDigits(k, "196");
    CHECK_FALSE(k.Shows("Please check the year."));  // typing clears the message
    k.Tap("nav:next");
    CHECK(k.Screen() == "question:dob");
    CHECK(k.Shows("Please check the date."));
    k.Tap("date:year");
    k.Tap("pad:clear");
    TypeDigits(k, "1960");
    k.Tap("nav:next");
    CHECK(k.Screen() == "question:sex_at_birth");
    const rules::Screening& s = *k.app->Screening();
    CHECK(k.app->PatientSession()->AnswersInMemory().values[s.FindQuestion("dob")].date == rules::Date{1960, 2, 1});
}

TEST_CASE("in Spanish the dates are day, month, year and every label is Spanish") {
    Headless k;
    k.Tap("lang:es");
    CHECK(k.Shows("¿Está de acuerdo en compartir sus respuestas"));
    k.Tap("option:yes");
    CHECK(k.Shows("¿Cuál es su fecha de nacimiento?"));
    const kiosk::ui::Tappable* day = k.Find("date:day");
    const kiosk::ui::Tappable* month = k.Find("date:month");
    REQUIRE(day);
    REQUIRE(month);
    CHECK(day->min.x < month->min.x);
    CHECK(k.Shows("Atrás"));
    CHECK(k.Shows("Saltar"));
    CHECK(k.Shows("Pregunta 2 de"));
}

TEST_CASE("the first \"not sure\" shows the helper, the second answers it") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    TapUntil(k, CaseAnswers(s, "V3"), "diagnosis");
    k.Tap("option:not_sure");
    CHECK(k.Screen() == "question:diagnosis");
    CHECK(k.Shows("That's OK. If you can, pick the answer that is closest."));
    k.Tap("option:not_sure");
    CHECK(k.Screen() != "question:diagnosis");
    CHECK(k.app->PatientSession()->AnswersInMemory().values[s.FindQuestion("diagnosis")].state == rules::AnswerState::Unsure);
}

TEST_CASE("a screening file that does not load puts the kiosk out of order, with no reason on the patient screen") {
    test_support::TempDir dir;
    std::string broken = dir.Write("broken.toml", "[screening]\nid = \"x\"\nversion = 1\n");
    kiosk::ui::AppOptions options;
    options.screening_path = broken;
    Headless k(1920, 1080, options);
    CHECK(k.Screen() == "out_of_order");
    CHECK(k.Shows("Out of order. Please see reception."));
    CHECK(k.Shows("Fuera de servicio"));
    CHECK_FALSE(k.app->Fault().empty());
    CHECK(k.app->Fault().find("broken.toml") != std::string::npos);
    CHECK_FALSE(k.Shows("broken.toml"));
    CHECK(k.Keys().find("lang:") == std::string::npos);
}

TEST_CASE("a screening file without the window's labels is refused the same way") {
    test_support::TempDir dir;
    std::string text = test_support::ReadFile(DefaultScreening());
    for (const char* line : {"submit.en = ", "submit.es = "}) {
        size_t at = text.find(line);
        REQUIRE(at != std::string::npos);
        text.insert(at, "# ");
    }
    std::string path = dir.Write("nolabel.toml", text);
    kiosk::ui::AppOptions options;
    options.screening_path = path;
    Headless k(1920, 1080, options);
    CHECK(k.Screen() == "out_of_order");
    CHECK(k.app->Fault().find("[labels] has no 'submit'") != std::string::npos);
}

TEST_CASE("a database that cannot be opened puts the kiosk out of order") {
    test_support::TempDir dir;
    std::string path = dir.Write("clinic.db", std::string(4096, 'x'));  // not a database
    kiosk::ui::AppOptions options;
    options.database_path = path;
    Headless k(1920, 1080, options);
    CHECK(k.Screen() == "out_of_order");
    CHECK(k.app->Fault().find("database") != std::string::npos);
    CHECK(test_support::ReadFile(path) == std::string(4096, 'x'));  // nothing was overwritten
}

TEST_CASE("staff settings in the database set the idle times and the welcome screen's language") {
    test_support::TempDir dir;
    std::string db = dir.File("clinic.db");
    std::filesystem::copy_file(Template().path, db);  // a kiosk that is set up (it has an administrator)
    {
        auto store = test_support::OpenStore({db});
        REQUIRE(store->SetSetting(kiosk::kSettingIdleWarning, "30", "test", "idle warning 30 s").ok());
        REQUIRE(store->SetSetting(kiosk::kSettingIdleReset, "45", "test", "idle reset 45 s").ok());
        REQUIRE(store->SetSetting(kiosk::kSettingDefaultLanguage, "es", "test", "default language es").ok());
    }
    kiosk::ui::AppOptions options;
    options.database_path = db;
    Headless k(1920, 1080, options);
    CHECK(k.Shows("Le damos la bienvenida."));
    k.Tap("lang:en");
    CHECK(k.Shows("Do you agree to share your answers"));
    k.Wait(std::chrono::seconds(29));
    CHECK(k.Screen() == "question:consent_data");
    k.Wait(std::chrono::seconds(1));
    CHECK(k.Screen() == "idle_warning");
    CHECK(k.Shows("this screen will clear in 15 seconds"));
    k.Wait(std::chrono::seconds(15));
    CHECK(k.Screen() == "welcome");
    CHECK(k.Shows("Le damos la bienvenida."));
}

TEST_CASE("a free-text question is typed on the on-screen keyboard, with its length limit") {
    test_support::TempDir dir;
    std::string text = test_support::ReadFile(DefaultScreening()) + R"(
[[questions]]
id = "anything_else"
type = "text"
max_length = 12
text.en = "Is there anything else you want us to know?"
text.es = "¿Hay algo más que quiera contarnos?"
)";
    kiosk::ui::AppOptions options;
    options.screening_path = dir.Write("with-text.toml", text);
    Headless k(1920, 1080, options);
    REQUIRE(k.app->Fault().empty());
    const rules::Screening& s = *k.app->Screening();
    rules::Answers answers = CaseAnswers(s, "V3");
    TapUntil(k, answers, "anything_else");
    for (const char* key : {"key:m", "key:y", "key:space", "key:k", "key:n", "key:e", "key:e"}) k.Tap(key);
    CHECK(k.Shows("My Knee"));  // each word starts with a capital
    k.Tap("key:back");
    for (const char* key : {"key:e", "key:space", "key:h", "key:u", "key:r", "key:t"}) k.Tap(key);
    k.Frame();
    CHECK_FALSE(k.Find("key:a")->enabled);  // twelve characters: the keys stop
    k.Tap("nav:next");
    REQUIRE(k.Screen() == "review");
    CHECK(k.app->PatientSession()->AnswersInMemory().values[s.FindQuestion("anything_else")].text == "My Knee Hurt");
}
