// Staff mode driven by taps on the real App, headless, over real SQLite files, signed in as a staff
// account: the PIN and its lockout, the corner press, auto-lock, the queue, urgent alerts, export,
// settings, reset, the fault, and that no interrupted patient's answer is drawn unless staff ask.
// Every action audited as the signed-in account. (Accounts, roles and break-glass: test_accounts.cpp.)
#include <doctest/doctest.h>

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "core/labels.h"
#include "patient_taps.h"
#include "staff_taps.h"
#include "store/sqlite.h"
#include "core/settings.h"
#include "store/export/encrypted_file.h"
#include "store/saved_settings.h"
#include "ui/staff.h"
#include "ui/theme.h"

using namespace ui_driver;
namespace store = kiosk::store;

namespace {

// Whether the last frame painted `color` inside the touch target `key` (a highlighted row).
bool PaintedIn(Headless& k, const std::string& key, ImU32 color) {
    const kiosk::ui::Tappable* t = k.Find(key);
    REQUIRE_MESSAGE(t, "no " << key);
    ImDrawData* data = ImGui::GetDrawData();
    for (int l = 0; l < data->CmdListsCount; ++l) {
        const ImVector<ImDrawVert>& v = data->CmdLists[l]->VtxBuffer;
        for (const ImDrawVert& vertex : v)
            if (vertex.col == color && vertex.pos.x >= t->min.x - 1 && vertex.pos.x <= t->max.x + 1 &&
                vertex.pos.y >= t->min.y - 1 && vertex.pos.y <= t->max.y + 1)
                return true;
    }
    return false;
}

// The labels of the options the patient chose so far (single and multiple choice, four letters or
// more so they cannot hide inside staff words): what must not be drawn over an interrupted session.
std::vector<std::string> ChosenLabels(Headless& k) {
    const rules::Screening& s = *k.app->Screening();
    const kiosk::Session& session = *k.app->PatientSession();
    std::vector<std::string> labels;
    for (size_t q = 0; q < s.questions.size(); ++q) {
        const rules::Answer& a = session.AnswersInMemory().values[q];
        if (!session.Shown()[q] || a.state != rules::AnswerState::Given) continue;
        const rules::Question& question = s.questions[q];
        for (size_t o = 0; o < question.options.size(); ++o) {
            bool chosen = question.type == rules::QuestionType::Single ? a.option == static_cast<int>(o)
                        : question.type == rules::QuestionType::Multi  ? (a.set >> o & 1) != 0
                                                                        : false;
            if (chosen && question.options[o].label[0].size() >= 4) labels.push_back(question.options[o].label[0]);
        }
    }
    return labels;
}

// Everything the screen draws, scrolled through to the end of its list (text scrolled out of a
// list is not drawn at all), without spaces.
std::string ReadAll(Headless& k) {
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    std::string all = Headless::Squeeze(k.DrawnText());
    for (int drag = 0; drag < 40; ++drag) {
        std::string before = Headless::Squeeze(k.DrawnText());
        k.Drag(ImVec2(size.x * 0.5f, size.y * 0.7f), -size.y * 0.3f);
        std::string after = Headless::Squeeze(k.DrawnText());
        if (after == before) break;
        all += after;
    }
    return all;
}

bool ShowsAnywhere(const std::string& all, const std::string& text) { return all.find(Headless::Squeeze(text)) != std::string::npos; }

void CheckNoneShown(Headless& k, const std::vector<std::string>& labels) {
    const std::string all = ReadAll(k);
    for (const std::string& label : labels) {
        CAPTURE(label);
        CAPTURE(k.Screen());
        CHECK_FALSE(ShowsAnywhere(all, label));
    }
}

// A patient of case V13 who stopped before the hot-joint question.
std::vector<std::string> InterruptedPatient(Headless& k) {
    TapUntil(k, CaseAnswers(*k.app->Screening(), "V13"), "hot_joint");
    std::vector<std::string> labels = ChosenLabels(k);
    REQUIRE(labels.size() >= 3);
    for (const std::string& label : labels) REQUIRE(k.Shows(label) == false);  // the question on screen names none
    return labels;
}

}  // namespace

TEST_CASE("a wrong PIN is refused, five lock the account for 30 s, and the lockout survives a restart") {
    Headless k;
    OpenAndType(k, kAdmin, "99999999");
    CHECK(k.Screen() == "staff:pin");
    CHECK(k.Shows("Wrong PIN. 4 more wrong PINs lock this account for a while."));
    for (int i = 2; i <= 4; ++i) {
        TypePin(k, "99999" + std::to_string(i));
        k.Tap("pin:enter");
    }
    CHECK(k.Shows("1 more wrong PIN locks"));
    TypePin(k, "99999564");
    k.Tap("pin:enter");
    CHECK(k.Shows("Too many wrong PINs: try again in 30 s."));
    TypePin(k, kAdminPin);  // the right PIN is not even checked while locked out
    k.Tap("pin:enter");
    CHECK(k.Screen() == "staff:pin");
    CHECK(k.Shows("Too many wrong PINs: try again in 30 s."));
    CHECK(Audited(k, "lockout").has_value());
    CHECK_FALSE(Audited(k, "sign-in").has_value());

    // A new kiosk process on the same database file, at the same moment: still locked.
    kiosk::ui::AppOptions options;
    options.database_path = k.dir.File("clinic.db");
    Headless restarted(1920, 1080, options);
    OpenAndType(restarted, kAdmin, kAdminPin);
    CHECK(restarted.Screen() == "staff:pin");
    CHECK(restarted.Shows("Too many wrong PINs"));
    restarted.Wait(std::chrono::seconds(31));
    TypePin(restarted, kAdminPin);
    restarted.Tap("pin:enter");
    CHECK(restarted.Screen() == "staff:menu");
    CHECK(Audited(restarted, "sign-in").value().actor == "staff:Ada Admin");
}

TEST_CASE("a three-second press on the top-left corner opens staff sign-in, a shorter one does not") {
    Headless k;
    k.Hold(ImVec2(10, 10), 1.5);
    CHECK(k.Screen() == "welcome");
    k.Hold(ImVec2(1900, 10), 3.5);  // the other corner
    CHECK(k.Screen() == "welcome");
    k.Hold(ImVec2(10, 10), 3.2);
    CHECK(k.Screen() == "staff:sign_in");
    CHECK(k.Shows("Tap your name, then enter your PIN."));
    CHECK(k.Has(std::string("staff:sign_in:") + kAdmin));
    CHECK(k.Shows("administrator"));
    k.Tap(std::string("staff:sign_in:") + kAdmin);
    CHECK(k.Screen() == "staff:pin");
    CHECK(k.Shows(std::string("PIN for ") + kAdmin));
    k.Tap("pin:not_you");
    CHECK(k.Screen() == "staff:sign_in");
}

TEST_CASE("staff mode locks itself after a minute without a touch, and audits it") {
    Headless k;
    SignIn(k);
    CHECK(k.app->SecondsUntilWake() == doctest::Approx(60));  // an event-driven window wakes for the lock
    k.Wait(std::chrono::seconds(40));
    CHECK(k.Screen() == "staff:menu");
    CHECK(k.app->SecondsUntilWake() == doctest::Approx(20));
    k.Tap("staff:menu:queue");  // a touch restarts the minute
    k.Wait(std::chrono::seconds(40));
    CHECK(k.Screen() == "staff:queue");
    k.Wait(std::chrono::seconds(21));
    CHECK(k.Screen() == "welcome");
    CHECK(Audited(k, "auto-lock").value().detail == "a minute without a touch");
    // Even the sign-in list closes unattended.
    k.app->OpenStaff();
    k.Wait(std::chrono::seconds(61));
    CHECK(k.Screen() == "welcome");
}

TEST_CASE("the queue shows a submitted result's outcome, reasons and sources, a clinician marks it reviewed as the account") {
    Headless k;
    AddAccount(k, "Ana Ruiz", store::Role::Clinician, "13579264");
    const std::string id = SubmitCase(k, "V13");
    const rules::Screening& s = *k.app->Screening();
    SignIn(k, "Ana Ruiz", "13579264");
    CHECK(k.Shows("1 result to review"));
    k.Tap("staff:menu:queue");
    REQUIRE(k.Has("staff:queue:row:" + id));
    const std::string label = s.outcomes[s.FindOutcome("NOT_ELIGIBLE_TODAY")].staff_label[0];
    CHECK(k.Shows(label));
    CHECK(k.Shows("R-INFECT"));
    CHECK(k.Shows("English"));

    k.Tap("staff:queue:row:" + id);
    CHECK(k.Screen() == "staff:result");
    CHECK(k.Shows(label));
    CHECK(k.Shows(s.rules[s.FindRule("N-1")].staff_text));
    CHECK(k.Shows("Sources: S2, S3, S9a, S24a"));
    CHECK(k.Shows(std::string(kiosk::Label(s, "text:staff_disclaimer", 0))));
    CHECK(k.Shows(id));
    // Submitted answers are for staff: the knee, as the patient chose it.
    const rules::Question& area = s.questions[s.FindQuestion("pain_area")];
    const std::string all = ReadAll(k);
    CHECK(ShowsAnywhere(all, "Tracks"));
    CHECK(ShowsAnywhere(all, "Bone marrow (BMAC): contra"));
    CHECK(ShowsAnywhere(all, "Answers"));
    CHECK(ShowsAnywhere(all, area.options[area.FindOption("knee")].label[0]));

    // No name is asked for: the review is the signed-in account's.
    k.Tap("staff:result:review");
    CHECK(k.Screen() == "staff:result");
    CHECK(k.Shows("Marked reviewed by Ana Ruiz."));
    CHECK_FALSE(k.Find("staff:result:review")->enabled);
    auto reviewed = k.Reader()->Submissions(kiosk::store::SubmissionStatus::Reviewed);
    REQUIRE(reviewed.value->size() == 1);
    CHECK(reviewed.value->front().id == id);
    CHECK(reviewed.value->front().reviewed_by == "Ana Ruiz");
    std::optional<kiosk::store::AuditEntry> audit = Audited(k, "review");
    REQUIRE(audit);
    CHECK(audit->actor == "staff:Ana Ruiz");
    CHECK(audit->detail == id);

    k.Tap("staff:back");
    CHECK(k.Screen() == "staff:queue");
    CHECK_FALSE(k.Has("staff:queue:row:" + id));
    CHECK(k.Shows("No results to review."));
    k.Tap("staff:queue:filter:all");
    CHECK(k.Has("staff:queue:row:" + id));
    CHECK(k.Shows("reviewed"));
}

TEST_CASE("a review raised only by an unknown answer shows that answer as its reason, in the queue and the result") {
    Headless k;
    // The replacement plan "not sure": no rule names it; R-TJA-SOON is undetermined and raises review.
    const std::string id = SubmitCase(k, "Replacement plan not");
    const rules::Screening& s = *k.app->Screening();
    SignIn(k);
    k.Tap("staff:menu:queue");
    REQUIRE(k.Has("staff:queue:row:" + id));
    CHECK(k.Shows(s.outcomes[s.FindOutcome("CLINICIAN_REVIEW")].staff_label[0]));
    CHECK(k.Shows("R-UNKNOWN-replacement_plan"));
    CHECK_FALSE(k.Shows("No reasons fired"));

    k.Tap("staff:queue:row:" + id);
    CHECK(k.Screen() == "staff:result");
    const std::string all = ReadAll(k);
    CHECK(ShowsAnywhere(all, "R-UNKNOWN-replacement_plan (rule C-15)"));
    CHECK(ShowsAnywhere(all, "Answered not sure or skipped, so C-15 could not be decided"));
    CHECK_FALSE(ShowsAnywhere(all, "No rule fired."));
}

TEST_CASE("two rules with one reason code show that code once in the queue row, and both rules in the result") {
    Headless k;
    // The hot-joint and spinal red-flag questions both skipped: U3 and U4 share R-RF-UNSURE.
    kiosk::store::SubmissionRecord record = test_support::SampleRecord("CLINICIAN_REVIEW");
    auto rule = [](const char* id) {
        return std::string(R"({"id":")") + id + R"(","effect":{"level":"CLINICIAN_REVIEW"},"reason":"R-RF-UNSURE",)" +
               R"("reason_text":"","staff_text":"staff check the same day","sources":[]})";
    };
    record.decision_json = R"({"outcome":"CLINICIAN_REVIEW","reasons":[)" + rule("U3") + "," + rule("U4") +
                           R"(],"notes":[],"undetermined":[],"tracks":{}})";
    auto stored = k.app->Store()->Submit(record, "kiosk");
    REQUIRE(stored.ok());
    SignIn(k);
    k.Tap("staff:menu:queue");
    REQUIRE(k.Has("staff:queue:row:" + *stored.value));
    const std::string drawn = k.DrawnText();
    size_t count = 0;
    for (size_t at = drawn.find("R-RF-UNSURE"); at != std::string::npos; at = drawn.find("R-RF-UNSURE", at + 1)) ++count;
    CHECK(count == 1);
    k.Tap("staff:queue:row:" + *stored.value);
    REQUIRE(k.Screen() == "staff:result");
    const std::string all = ReadAll(k);
    CHECK(ShowsAnywhere(all, "R-RF-UNSURE (rule U3)"));
    CHECK(ShowsAnywhere(all, "R-RF-UNSURE (rule U4)"));
}

TEST_CASE("an urgent alert raised mid-screening is highlighted and acknowledged by the signed-in front desk") {
    Headless k;
    AddAccount(k, "Luis", store::Role::FrontDesk, "97531064");
    const rules::Screening& s = *k.app->Screening();
    const rules::Answers& v11 = CaseAnswers(s, "V11");
    k.Tap("lang:en");
    for (int guard = 0; guard < 60 && k.Screen() != "urgent"; ++guard) {
        REQUIRE(k.Screen().rfind("question:", 0) == 0);
        TapAnswer(k, s, s.FindQuestion(k.Screen().substr(9)), v11.values[s.FindQuestion(k.Screen().substr(9))]);
    }
    REQUIRE(k.Screen() == "urgent");
    auto open = k.Reader()->OpenAlerts();
    REQUIRE(open.value->size() == 1);
    const std::string alert = std::to_string(open.value->front().id);
    const std::string rule = open.value->front().rule_id;
    // Another kiosk session's alert, stored the same way.
    auto second = k.app->Store()->RaiseAlert("kiosk-ui@earlier", rule, "R-SPINE-RED", "2026-06-15T08:50:00.000Z");
    REQUIRE(second.ok());

    SignIn(k, "Luis", "97531064");
    const ImU32 urgent = kiosk::ui::Theme::Normal().urgent;
    CHECK(k.Shows("2 urgent alerts"));
    CHECK(PaintedIn(k, "staff:menu:alerts", urgent));
    k.Tap("staff:menu:alerts");
    CHECK(k.Screen() == "staff:alerts");
    REQUIRE(k.Has("staff:alert:ack:" + alert));
    CHECK(PaintedIn(k, "staff:alert:ack:" + alert, urgent));
    // Which red flag fired is sealed with the answers: the front desk, who reads no results, sees
    // that one fired and when, and fetches a clinician; the rule's text stays off this screen.
    CHECK(k.Shows("A red flag fired (which one is sealed: a clinician's sign-in shows it)"));
    CHECK_FALSE(k.Shows(s.rules[s.FindRule(rule)].staff_text));

    k.Tap("staff:alert:ack:" + alert);
    CHECK(k.Screen() == "staff:alerts");
    CHECK(k.Shows("Alert acknowledged by Luis."));
    CHECK_FALSE(k.Has("staff:alert:ack:" + alert));
    open = k.Reader()->OpenAlerts();
    REQUIRE(open.value->size() == 1);
    CHECK(Audited(k, "alert acknowledged").value().actor == "staff:Luis");

    k.Tap("staff:alert:ack:" + std::to_string(*second.value));
    CHECK(k.Reader()->OpenAlerts().value->empty());
    CHECK(k.Shows("No urgent alert is open."));
    k.Tap("staff:back");
    CHECK(k.Shows("Urgent alerts: none open"));
    CHECK_FALSE(PaintedIn(k, "staff:menu:alerts", urgent));
}

namespace {

constexpr const char* kExportPassphrase = "correct horse battery staple";

// Types the export passphrase in both boxes on the export screen's keyboard.
void TypePassphraseTwice(Headless& k, const std::string& first, const std::string& second) {
    k.Tap("staff:export:passphrase");
    TypeText(k, first);
    k.Tap("staff:export:again");
    TypeText(k, second);
}

std::vector<std::filesystem::path> FilesIn(const std::filesystem::path& folder) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

TEST_CASE("export seals CSV and FHIR files to the passphrase typed twice, names them .kxp, and marks the results exported") {
    test_support::TempDir out("kiosk-export");
    kiosk::ui::AppOptions options;
    options.export_folder = out.path.string();
    options.export_requires_removable = false;  // a temporary folder, not a stick
    Headless k(1920, 1080, options);
    const std::string id = SubmitCase(k, "V13");
    SignIn(k);
    k.Tap("staff:menu:export");
    CHECK(k.Shows(out.path.string()));
    CHECK(k.Shows("Tap, then type the passphrase"));
    CHECK_FALSE(k.Find("staff:export:csv")->enabled);  // no passphrase yet
    TypePassphraseTwice(k, kExportPassphrase, kExportPassphrase);
    CHECK(k.Shows("The two passphrases match."));
    CHECK_FALSE(k.Shows("correct horse"));  // masked
    CheckTouchTargets(k, 1920, 1080);
    k.Tap("staff:export:csv");

    std::vector<std::filesystem::path> files = FilesIn(out.path);
    REQUIRE(files.size() == 1);
    const std::string name = files[0].filename().string();
    CHECK(name.rfind("results-", 0) == 0);
    CHECK(name.size() == std::string("results-20260615-090000.csv.kxp").size());
    CHECK(name.ends_with(".csv.kxp"));
    CHECK(k.Shows("Exported 1 result to"));
    CHECK(k.Shows(name));
    CHECK(k.Shows("encrypted"));
    const std::string sealed = test_support::ReadFile(files[0]);
    CHECK(sealed.find(id) == std::string::npos);
    store::Decrypted opened = store::DecryptExport(sealed, kExportPassphrase);
    REQUIRE_MESSAGE(opened.ok(), opened.message);
    CHECK(opened.plain->find(id) != std::string::npos);
    CHECK(k.Reader()->Submissions(kiosk::store::SubmissionStatus::Exported).value->size() == 1);
    std::optional<kiosk::store::AuditEntry> audit = Audited(k, "export");
    REQUIRE(audit);
    CHECK(audit->actor == "staff:Ada Admin");
    CHECK(audit->detail.find(name) != std::string::npos);
    CHECK(audit->detail.find("1 results, encrypted") != std::string::npos);

    k.Tap("staff:export:fhir");  // the passphrase stays while staff are on the screen
    std::filesystem::path fhir;
    for (const std::filesystem::path& file : FilesIn(out.path))
        if (file.string().ends_with(".fhir.json.kxp")) fhir = file;
    REQUIRE_FALSE(fhir.empty());
    CHECK(k.Shows(fhir.filename().string()));

    // Only the results not yet exported: none left.
    k.Tap("staff:export:scope:pending");
    k.Tap("staff:export:csv");
    CHECK(k.Shows("Exported 0 results"));

    // An administrator may choose a plain file: written as it is, audited as PLAIN.
    k.Tap("staff:export:scope:all");
    k.Tap("staff:export:plain");
    CHECK_FALSE(k.Has("staff:export:passphrase"));
    k.Tap("staff:export:csv");
    std::filesystem::path plain;
    for (const std::filesystem::path& file : FilesIn(out.path))
        if (file.string().ends_with(".csv")) plain = file;
    REQUIRE_FALSE(plain.empty());
    CHECK(test_support::ReadFile(plain).find(id) != std::string::npos);
    CHECK(k.Shows("PLAIN"));
    CHECK(Audited(k, "export")->detail.find("PLAIN") != std::string::npos);

    // Leaving the screen forgets the passphrase.
    k.Tap("staff:back");
    k.Tap("staff:menu:export");
    k.Tap("staff:export:plain");
    CHECK(k.Shows("Tap, then type the passphrase"));
    CHECK(k.Shows("Tap, then type it again"));
}

TEST_CASE("the export screen's targets, keyboard included, are big enough and apart at every screen size") {
    test_support::TempDir out("kiosk-export");
    kiosk::ui::AppOptions options;
    options.export_folder = (out.path / "usb").string();  // no stick: the message and "check again" too
    const std::pair<float, float> sizes[] = {{1024, 768}, {1280, 800}, {3840, 2160}, {1080, 1920}, {768, 1024}};
    for (const auto& [width, height] : sizes) {
        CAPTURE(width);
        CAPTURE(height);
        Headless k(width, height, options);
        SignIn(k);
        k.Tap("staff:menu:export");
        REQUIRE(k.Has("staff:export:recheck"));
        REQUIRE(k.Has("key:q"));
        k.Frame();
        CheckTouchTargets(k, width, height);
    }
}

TEST_CASE("a clinician's sign-in opens a sealed alert and result, and the lock seals them again for the next person") {
    Headless k;
    AddAccount(k, "Dr Ruiz", store::Role::Clinician, "73510264");
    const rules::Screening& s = *k.app->Screening();
    REQUIRE(k.app->Store()->RaiseAlert("kiosk-ui@earlier", "U1", "R-RF-HOTJOINT", "2026-06-15T08:50:00.000Z").ok());
    const std::string id = SubmitCase(k, "V13");
    CHECK_FALSE(k.app->Store()->CanRead());  // the kiosk wrote both with no one signed in
    SignIn(k, "Dr Ruiz", "73510264");
    CHECK(k.app->Store()->CanRead());
    k.Tap("staff:menu:alerts");
    CHECK(k.Shows(s.rules[s.FindRule("U1")].staff_text));
    k.Tap("staff:back");
    k.Tap("staff:menu:queue");
    k.Tap("staff:queue:row:" + id);
    CHECK(k.Shows(s.rules[s.FindRule("N-1")].staff_text));
    k.Tap("staff:lock");
    CHECK_FALSE(k.app->Store()->CanRead());
    CHECK(k.app->Store()->Submissions(std::nullopt).value->front().sealed);
}

TEST_CASE("export refuses a short passphrase and two that differ, on screen, before anything is written") {
    test_support::TempDir out("kiosk-export");
    kiosk::ui::AppOptions options;
    options.export_folder = out.path.string();
    options.export_requires_removable = false;
    Headless k(1920, 1080, options);
    SignIn(k);
    k.Tap("staff:menu:export");
    TypePassphraseTwice(k, "too short", "");
    CHECK(k.Shows("at least 12 characters"));
    CHECK_FALSE(k.Find("staff:export:csv")->enabled);
    k.Tap("staff:export:again");
    TypeText(k, "not the same one");
    k.Tap("staff:export:passphrase");
    TypeText(k, " at all");
    CHECK(k.Shows("The two passphrases differ."));
    CHECK_FALSE(k.Find("staff:export:csv")->enabled);
    CHECK_FALSE(k.Find("staff:export:fhir")->enabled);
    CHECK(FilesIn(out.path).empty());
}

TEST_CASE("export explains how to set the folder, and shows why a write failed") {
    SUBCASE("no export folder configured") {
        Headless k;
        SignIn(k);
        k.Tap("staff:menu:export");
        CHECK(k.Shows("No export folder is set"));
        CHECK(k.Shows("export_folder"));
        CHECK(k.Shows("kiosk.toml"));
        CHECK_FALSE(k.Find("staff:export:csv")->enabled);
    }
    SUBCASE("a folder that is not there, with the removable check turned off") {
        test_support::TempDir out("kiosk-export");
        kiosk::ui::AppOptions options;
        options.export_folder = (out.path / "usb").string();
        options.export_requires_removable = false;
        Headless k(1920, 1080, options);
        SignIn(k);
        k.Tap("staff:menu:export");
        TypePassphraseTwice(k, kExportPassphrase, kExportPassphrase);
        k.Tap("staff:export:csv");
        CHECK(k.Shows("Nothing was exported."));
        CHECK_FALSE(std::filesystem::exists(out.path / "usb"));
        CHECK(Audited(k, "export failed").has_value());
    }
}

TEST_CASE("no USB stick in the export folder: the screen says so, checks again when asked, and writes nothing") {
    test_support::TempDir out("kiosk-export");
    kiosk::ui::AppOptions options;  // export_requires_removable: true, the default
    for (const std::string& folder : {(out.path / "usb").string(), out.path.string()}) {
        CAPTURE(folder);
        options.export_folder = folder;  // missing, then an empty folder on this machine's own disk
        Headless k(1920, 1080, options);
        SignIn(k);
        k.Tap("staff:menu:export");
        CHECK(k.Shows("No USB stick in the export slot: insert one"));
        TypePassphraseTwice(k, kExportPassphrase, kExportPassphrase);
        CHECK_FALSE(k.Find("staff:export:csv")->enabled);
        CHECK_FALSE(k.Find("staff:export:fhir")->enabled);
        k.Tap("staff:export:recheck");
        CHECK(k.Screen() == "staff:export");
        CHECK(k.Shows("No USB stick in the export slot"));
        CHECK(k.Shows(std::string(28, '*')));  // checking again kept what was typed, masked
        CHECK(FilesIn(out.path).empty());
        CHECK_FALSE(Audited(k, "export").has_value());
    }
}

TEST_CASE("settings are checked, saved in the store, audited, and applied by the kiosk") {
    Headless k;
    SignIn(k);
    k.Tap("staff:menu:settings");
    CHECK(k.Shows("90 s"));
    CHECK(k.Shows("120 s"));
    k.Tap("staff:settings:warning:+10");
    k.Tap("staff:settings:reset:+60");
    k.Tap("staff:settings:lang:es");
    CHECK(k.Shows("100 s"));
    CHECK(k.Shows("180 s"));
    k.Tap("staff:settings:save");
    CHECK(k.Shows("Saved."));
    store::Store& db = *k.app->Store();
    CHECK(db.GetSetting(kiosk::kSettingIdleWarning).value->value_or("") == "100");
    CHECK(db.GetSetting(kiosk::kSettingIdleReset).value->value_or("") == "180");
    CHECK(db.GetSetting(kiosk::kSettingDefaultLanguage).value->value_or("") == "es");
    bool warning_audited = false;
    for (const auto& row : Audit(k))
        if (row.action == "setting" && row.detail == "idle_warning_seconds 90 -> 100") warning_audited = row.actor == "staff:Ada Admin";
    CHECK(warning_audited);
    CHECK(k.app->PatientSession()->Settings().idle_warning == std::chrono::seconds(100));
    CHECK(k.app->PatientSession()->Settings().idle_reset == std::chrono::seconds(180));

    // A wipe before the warning is refused and nothing changes.
    for (int i = 0; i < 2; ++i) k.Tap("staff:settings:reset:-60");
    k.Tap("staff:settings:warning:+10");
    CHECK(k.Shows("60 s"));
    k.Tap("staff:settings:save");
    CHECK(k.Shows("Not saved."));
    CHECK(db.GetSetting(kiosk::kSettingIdleReset).value->value_or("") == "180");
    // Steps stop at the limits.
    for (int i = 0; i < 12; ++i) k.Tap("staff:settings:warning:+60");
    CHECK(k.Shows(std::to_string(kiosk::kStaffLimits.warning.max) + " s"));

    // Staff see what they saved the next time.
    k.Tap("staff:lock");
    SignIn(k);
    k.Tap("staff:menu:settings");
    CHECK(k.Shows("100 s"));
    CHECK(k.Shows("180 s"));
}

TEST_CASE("saved settings are read back with the configuration under them, and bad ones are ignored") {
    test_support::TempDir dir;
    auto db = test_support::OpenStore(store::StoreOptions{dir.File("clinic.db")});
    kiosk::KioskSettings base{std::chrono::seconds(45), std::chrono::seconds(75), "en"};
    kiosk::KioskSettings read = kiosk::ReadSavedSettings(*db, nullptr, base);
    CHECK(read.idle_warning == std::chrono::seconds(45));
    REQUIRE(db->SetSetting(kiosk::kSettingIdleWarning, "60", "test", "x").ok());
    REQUIRE(db->SetSetting(kiosk::kSettingIdleReset, "200", "test", "x").ok());
    read = kiosk::ReadSavedSettings(*db, nullptr, base);
    CHECK(read.idle_warning == std::chrono::seconds(60));
    CHECK(read.idle_reset == std::chrono::seconds(200));
    CHECK(read.default_language == "en");
    REQUIRE(db->SetSetting(kiosk::kSettingIdleReset, "soon", "test", "x").ok());
    std::string problem;
    read = kiosk::ReadSavedSettings(*db, nullptr, base, &problem);
    CHECK(read.idle_warning == std::chrono::seconds(45));
    CHECK(problem.find("idle_reset_seconds") != std::string::npos);

    struct Row {
        int warning, reset;
        bool ok;
    };
    for (Row row : {Row{30, 40, true}, Row{29, 120, false}, Row{90, 601, false}, Row{100, 105, false}, Row{600, 590, false}}) {
        CAPTURE(row.warning);
        CAPTURE(row.reset);
        kiosk::KioskSettings s{std::chrono::seconds(row.warning), std::chrono::seconds(row.reset), ""};
        CHECK(kiosk::CheckSettings(s, kiosk::SettingsAuthor::Staff, nullptr).empty() == row.ok);
    }
}

// The limits staff work within (kStaffLimits), at each edge: what the settings screen lets them
// step to, what it refuses to save and why. kiosk.toml's wider ones are tested in tests/cli.
TEST_CASE("staff choose idle times within the staff limits, and the settings screen says which") {
    constexpr kiosk::IdleLimits limits = kiosk::kStaffLimits;
    using Kind = kiosk::SettingsProblem::Kind;
    struct Row {
        int warning, reset;
        std::optional<Kind> problem;
        std::string message;
    };
    auto range = [](kiosk::SecondsRange r) { return std::to_string(r.min) + " to " + std::to_string(r.max) + " seconds."; };
    const std::string countdown = "The wipe must come at least " + std::to_string(limits.min_countdown) +
                                  " seconds after the idle warning, so the patient has time to answer it.";
    const Row rows[] = {
        {limits.warning.min, limits.warning.min + limits.min_countdown, std::nullopt, ""},
        {limits.warning.max - limits.min_countdown, limits.reset.max, std::nullopt, ""},
        {limits.warning.min - 1, limits.reset.max, Kind::OutOfRange, "The idle warning must come after " + range(limits.warning)},
        {limits.warning.max + 1, limits.reset.max, Kind::OutOfRange, "The idle warning must come after " + range(limits.warning)},
        {limits.warning.min, limits.reset.max + 1, Kind::OutOfRange, "The idle wipe must come after " + range(limits.reset)},
        {90, 90 + limits.min_countdown - 1, Kind::CountdownTooShort, countdown},
    };
    for (const Row& row : rows) {
        CAPTURE(row.warning);
        CAPTURE(row.reset);
        kiosk::KioskSettings s{std::chrono::seconds(row.warning), std::chrono::seconds(row.reset), ""};
        std::vector<kiosk::SettingsProblem> problems = kiosk::CheckSettings(s, kiosk::SettingsAuthor::Staff, nullptr);
        REQUIRE(problems.empty() == !row.problem);
        if (!row.problem) continue;
        CHECK(problems.front().kind == *row.problem);
        CHECK(problems.front().message == row.message);
    }

    Headless k;
    SignIn(k);
    k.Tap("staff:menu:settings");
    CHECK(k.Shows("From " + std::to_string(limits.warning.min) + " to " + std::to_string(limits.warning.max) +
                  " s; the wipe comes at least " + std::to_string(limits.min_countdown) + " s after the question."));
    // The steppers stop at the edges, and the edges can be saved.
    for (int i = 0; i < 20; ++i) k.Tap("staff:settings:warning:-60");
    for (int i = 0; i < 20; ++i) k.Tap("staff:settings:reset:+60");
    CHECK(k.Shows(std::to_string(limits.warning.min) + " s"));
    CHECK(k.Shows(std::to_string(limits.reset.max) + " s"));
    k.Tap("staff:settings:save");
    CHECK(k.Shows("Saved."));
    store::Store& db = *k.app->Store();
    CHECK(db.GetSetting(kiosk::kSettingIdleWarning).value->value_or("") == std::to_string(limits.warning.min));
    CHECK(db.GetSetting(kiosk::kSettingIdleReset).value->value_or("") == std::to_string(limits.reset.max));
    // Both at the lower edge: no time left to answer the warning, so nothing is saved.
    for (int i = 0; i < 20; ++i) k.Tap("staff:settings:reset:-60");
    k.Tap("staff:settings:save");
    CHECK(k.Shows("Not saved. " + countdown));
    CHECK(db.GetSetting(kiosk::kSettingIdleReset).value->value_or("") == std::to_string(limits.reset.max));
    CHECK(k.app->PatientSession()->Settings().idle_reset == std::chrono::seconds(limits.reset.max));
}

TEST_CASE("while staff mode is open over an interrupted session, no answer is drawn until staff ask") {
    Headless k;
    const std::vector<std::string> labels = InterruptedPatient(k);
    SignIn(k);
    CheckNoneShown(k, labels);
    CHECK(k.Shows("A patient is on question"));
    for (const char* screen : {"staff:menu:queue", "staff:menu:alerts", "staff:menu:settings", "staff:menu:export"}) {
        k.Tap(screen);
        CheckNoneShown(k, labels);
        k.Tap("staff:back");
    }
    k.Tap("staff:menu:session");
    CHECK(k.Screen() == "staff:session");
    CHECK(k.Shows("A patient is on question"));
    CheckNoneShown(k, labels);
    k.Tap("staff:session:show_answers");
    const std::string all = ReadAll(k);
    for (const std::string& label : labels) {
        CAPTURE(label);
        CHECK(ShowsAnywhere(all, label));
    }
    std::optional<kiosk::store::AuditEntry> audit = Audited(k, "show answers");
    REQUIRE(audit);
    CHECK(audit->detail.find("A patient is on question") != std::string::npos);
    for (const std::string& label : labels) CHECK(audit->detail.find(label) == std::string::npos);
    k.Tap("staff:session:hide_answers");
    CheckNoneShown(k, labels);
    // Shown once is not shown for good: leaving the screen hides them again.
    k.Tap("staff:session:show_answers");
    k.Tap("staff:back");
    k.Tap("staff:menu:session");
    CheckNoneShown(k, labels);
    // And the patient carries on where they were once staff lock.
    k.Tap("staff:lock");
    CHECK(k.Screen() == "question:hot_joint");
}

TEST_CASE("a staff reset mid-screening returns to welcome with none of the patient's answers on screen") {
    Headless k;
    const std::vector<std::string> labels = InterruptedPatient(k);
    SignIn(k);
    k.Tap("staff:menu:session");
    k.Tap("staff:session:reset");
    CHECK(k.Screen() == "staff:confirm_reset");
    k.Tap("staff:reset:cancel");
    CHECK(k.Screen() == "staff:session");
    k.Tap("staff:session:reset");
    k.Tap("staff:reset:confirm");
    CHECK(k.Screen() == "welcome");
    CheckNoneShown(k, labels);
    k.Frame();
    CheckNoneShown(k, labels);
    for (const rules::Answer& a : k.app->PatientSession()->AnswersInMemory().values) CHECK(a.state == rules::AnswerState::Skipped);
    std::optional<kiosk::store::AuditEntry> audit = Audited(k, "staff reset");
    REQUIRE(audit);
    CHECK(audit->actor == "staff:Ada Admin");
    CHECK(Audited(k, "lock").value().detail == "after a reset");
    for (const auto& row : Audit(k))
        for (const std::string& label : labels) CHECK(row.detail.find(label) == std::string::npos);
    // Staff mode locked with the reset: the next touch on the corner asks who signs in again.
    k.app->OpenStaff();
    k.Frame();
    CHECK(k.Screen() == "staff:sign_in");
}

TEST_CASE("lock and quit are audited, quitting asks first") {
    Headless k;
    SignIn(k);
    k.Tap("staff:lock");
    CHECK(k.Screen() == "welcome");
    CHECK(Audited(k, "lock").value().actor == "staff:Ada Admin");
    SignIn(k);
    k.Tap("staff:menu:quit");
    CHECK(k.Screen() == "staff:confirm_quit");
    k.Tap("staff:quit:cancel");
    CHECK(k.Screen() == "staff:menu");
    CHECK_FALSE(k.app->QuitRequested());
    k.Tap("staff:menu:quit");
    k.Tap("staff:quit:confirm");
    CHECK(k.app->QuitRequested());
    CHECK(Audited(k, "quit").value().actor == "staff:Ada Admin");
}

TEST_CASE("out of order: staff see the whole reason, without a database there is no PIN and nothing but the fault") {
    SUBCASE("the database cannot be opened") {
        test_support::TempDir dir;
        kiosk::ui::AppOptions options;
        options.database_path = dir.Write("clinic.db", std::string(4096, 'x'));
        Headless k(1920, 1080, options);
        REQUIRE_FALSE(k.app->Fault().empty());
        k.app->OpenStaff();
        k.Frame();
        CHECK(k.Screen() == "staff:fault");
        CHECK(k.Shows("The clinic database cannot be used"));
        CHECK(k.Shows("Shown without a PIN"));
        REQUIRE(k.app->Tappables().size() == 1);
        CHECK(k.app->Tappables()[0].key == "staff:lock");
        k.Tap("staff:lock");
        CHECK(k.Screen() == "out_of_order");
    }
    SUBCASE("the screening file does not load: every diagnostic line") {
        kiosk::ui::AppOptions options;
        options.screening_path = std::string(KIOSK_SOURCE_DIR) + "/tests/rules/broken/01-toml-unclosed-string.toml";
        Headless k(1920, 1080, options);
        const std::string fault = k.app->Fault();
        REQUIRE_FALSE(fault.empty());
        k.app->OpenStaff();
        k.Frame();
        CHECK(k.Screen() == "staff:fault");
        size_t start = 0;
        while (start < fault.size()) {
            size_t end = std::min(fault.find('\n', start), fault.size());
            std::string line = fault.substr(start, end - start);
            CAPTURE(line);
            CHECK(k.Shows(line));
            start = end + 1;
        }
    }
}

TEST_CASE("staff screens fit and keep 64 px targets from 1024x768 to 3840x2160 and in portrait") {
    struct Size {
        float width, height;
    };
    for (Size size : {Size{1024, 768}, Size{1920, 1080}, Size{3840, 2160}, Size{1080, 1920}}) {
        CAPTURE(size.width);
        CAPTURE(size.height);
        test_support::TempDir out("kiosk-export");
        kiosk::ui::AppOptions options;
        options.export_folder = out.path.string();
        Headless k(size.width, size.height, options);
        auto check = [&] {
            CAPTURE(k.Screen());
            CheckTouchTargets(k, size.width, size.height);
        };
        const std::string id = SubmitCase(k, "V13");
        AddAccount(k, "Bea Lopez", store::Role::Clinician, "13579264");
        k.app->OpenStaff();
        k.Frame();
        check();  // the list of accounts
        k.Tap("staff:sign_in:type");
        check();  // the keyboard
        TypeText(k, "ada admin");
        k.Tap("staff:name:ok");  // below the keyboard on a small screen: scrolled into view
        REQUIRE(k.Screen() == "staff:pin");
        check();  // an administrator's PIN pad, with its recovery code button
        k.Tap("pin:recovery");
        check();
        k.Tap("staff:back");
        TypePin(k, kAdminPin);
        k.Tap("pin:enter");
        REQUIRE(k.Screen() == "staff:menu");
        check();
        for (const char* screen : {"staff:menu:session", "staff:menu:alerts", "staff:menu:export", "staff:menu:settings",
                                   "staff:menu:quit", "staff:menu:staff"}) {
            k.Tap(screen);
            check();
            k.Tap("staff:back");
        }
        k.Tap("staff:menu:staff");
        k.Tap("staff:accounts:disable:Bea Lopez");
        check();
        k.Tap("staff:back");
        k.Tap("staff:accounts:add");
        TypeText(k, "cy");
        k.Tap("staff:name:ok");
        REQUIRE(k.Screen() == "staff:new_role");
        check();
        k.Tap("staff:back");
        k.Tap("staff:back");
        k.Tap("staff:menu:queue");
        check();
        k.Tap("staff:queue:row:" + id);
        check();
        k.Tap("staff:result:review");
        CHECK(k.Screen() == "staff:result");
    }
}

TEST_CASE("closing the window is refused to patients, to the PIN pad and to roles that may not close the kiosk") {
    Headless k;
    AddAccount(k, "Bea Lopez", store::Role::Clinician, "13579264");
    k.app->RequestClose();
    CHECK_FALSE(k.app->QuitRequested());
    k.app->OpenStaff();
    k.Frame();
    k.Tap(std::string("staff:sign_in:") + kAdmin);
    REQUIRE(k.Screen() == "staff:pin");
    k.app->RequestClose();
    CHECK_FALSE(k.app->QuitRequested());
    k.Tap("staff:lock");
    SignIn(k, "Bea Lopez", "13579264");
    k.app->RequestClose();
    CHECK_FALSE(k.app->QuitRequested());
    k.Tap("staff:lock");
    SignIn(k);
    k.app->RequestClose();
    CHECK(k.app->QuitRequested());
}

TEST_CASE("while the audit log cannot be written no result opens, no answers show and no one signs in, and staff see why") {
    Headless k;
    const std::string id = SubmitCase(k, "V13");
    const std::vector<std::string> labels = InterruptedPatient(k);
    SignIn(k);
    k.Tap("staff:menu:queue");
    REQUIRE(k.Find("staff:queue:row:" + id));
    // Another process holds the database's write lock: every audit row is refused.
    store::Connection lock(k.dir.File("clinic.db"), false);
    lock.Exec("BEGIN IMMEDIATE", "holding the write lock");

    k.Tap("staff:queue:row:" + id);
    CHECK(k.Screen() == "staff:queue");
    CHECK(k.Shows("The result is not shown: the audit log cannot be written"));
    k.Tap("staff:back");
    k.Tap("staff:menu:session");
    k.Tap("staff:session:show_answers");
    CHECK(k.Shows("The answers are not shown: the audit log cannot be written"));
    CHECK(k.Find("staff:session:show_answers"));  // still offered, not shown
    CheckNoneShown(k, labels);
    k.Tap("staff:lock");  // locking takes data off the screen: it goes ahead unaudited
    OpenAndType(k, kAdmin, kAdminPin);
    CHECK(k.Screen() == "staff:pin");
    CHECK(k.Shows("The PIN was not checked: the attempt cannot be recorded"));

    lock.Exec("ROLLBACK", "releasing the write lock");
    TypePin(k, kAdminPin);
    k.Tap("pin:enter");
    REQUIRE(k.Screen() == "staff:menu");
    k.Tap("staff:menu:queue");
    k.Tap("staff:queue:row:" + id);
    CHECK(k.Screen() == "staff:result");
    std::optional<kiosk::store::AuditEntry> opened = Audited(k, "open result");
    REQUIRE(opened);
    CHECK(opened->detail == id);
    CHECK(Audited(k, "view queue").has_value());
    CHECK(k.app->Store()->CheckAuditChain().value->ok());
}
