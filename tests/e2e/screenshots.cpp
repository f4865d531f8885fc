// kiosk_screenshots OUTPUT_FOLDER: the README's pictures, taken from the real kiosk at 1920x1080
// under a private Xvfb on a fresh database: welcome, a choice question, review, the thank-you
// screen, the staff results queue and one result opened (sealed in the database, readable after a
// clinician's sign-in), the encrypted export, the urgent screen a red flag shows the patient, the
// staff's urgent alerts, and the banner of an alert kept beside a database that could not take it.
// Each is the kiosk's own --screenshot, asked for with SIGUSR1.
#include <sys/stat.h>

#include <cstdio>
#include <iostream>

#include "store/sqlite.h"
#include "x_session.h"

using namespace x_session;

namespace {

const char* const kKiosk = KIOSK_BINARY;
const char* const kPin = "48291664";
const char* const kStaffName = "Ana Ruiz";

// Asks the kiosk for a screenshot and copies it to `out` once it has been replaced.
void Shot(Kiosk& k, const std::string& shot, const std::string& out) {
    struct stat before {};
    bool existed = stat(shot.c_str(), &before) == 0;
    kill(k.Process().Pid(), SIGUSR1);
    Clock::time_point start = Clock::now();
    for (;;) {
        struct stat now {};
        if (stat(shot.c_str(), &now) == 0 && (!existed || now.st_ino != before.st_ino)) break;
        if (SecondsSince(start) > 15) throw std::runtime_error("no screenshot for " + out + "; kiosk log:\n" + Tail(k.Log()));
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::filesystem::copy_file(shot, out, std::filesystem::copy_options::overwrite_existing);
    std::cout << out << ": " << std::filesystem::file_size(out) / 1024 << " KiB, on '" << k.Current().name << "'\n";
}

// Locks staff mode; the patient's screen comes back, and a thank-you screen still showing is closed.
void LockToWelcome(Kiosk& k) {
    Screen s = k.Tap("staff:lock");
    if (s.name == "done") k.Tap("nav:finish");
    k.WaitForScreen("welcome");
}

int Run(const std::string& folder) {
    std::filesystem::create_directories(folder);
    TempFolder folder_guard("kiosk-screenshots");
    const std::string& work = folder_guard.path;

    std::string db = work + "/clinic.db", shot = work + "/shot.png";
    EnrolAdministrator(kKiosk, db, work, kStaffName, kPin);

    // Two results already in the queue (paper forms, spec vignettes 13 and 3), so the staff
    // screen shows what a morning looks like rather than one screening that skipped everything.
    const char* const kPaperForms[] = {
        R"({"consent_data": "yes", "dob": "1971-01-10", "sex_at_birth": "male", "pain_area": "knee", "pain_side": "right",
            "diagnosis": "arthritis", "oa_severity": "mild", "pain_duration": "3_6m", "pain_score": 5,
            "treatments_tried": ["pt", "meds"], "lasting_relief": "short", "prior_surgery": "no", "replacement_plan": "no",
            "imaging": "yes_12m", "hot_joint": "no", "infection_now": "yes", "fever_7d": "no", "skin_problem": ["none"],
            "blood_conditions": ["none"], "bleeding_history": "no", "cancer": "no", "other_conditions": ["none"],
            "medications": ["none"], "allergies": ["none"], "tobacco": "never", "height": 178, "weight": 84,
            "harvest_site_history": ["none"], "interest": "advice"})",
        R"({"consent_data": "yes", "dob": "1968-01-10", "sex_at_birth": "male", "pain_area": "knee", "pain_side": "left",
            "diagnosis": "arthritis", "oa_severity": "moderate", "pain_duration": "gt_1y", "pain_score": 7,
            "treatments_tried": ["pt", "meds", "steroid_shot"], "last_steroid_shot": "gt_3m", "lasting_relief": "short",
            "prior_surgery": "no", "replacement_plan": "recommended", "imaging": "yes_12m", "hot_joint": "no",
            "infection_now": "no", "fever_7d": "no", "skin_problem": ["none"], "blood_conditions": ["none"],
            "bleeding_history": "no", "cancer": "no", "other_conditions": ["none"], "medications": ["nsaid"],
            "allergies": ["none"], "tobacco": "former", "height": 180, "weight": 84, "harvest_site_history": ["none"],
            "interest": "advice"})",
    };
    for (const char* form : kPaperForms) {
        std::ofstream(work + "/paper.json") << form;
        if (RunProgram({{kKiosk, "submit", "--answers", work + "/paper.json", "--db", db}, {}, work + "/submit.txt", "", -1}) != 0)
            throw std::runtime_error("kiosk submit failed: " + ReadText(work + "/submit.txt"));
    }

    // An export folder on this machine's disk (no stick in a screenshot run).
    std::filesystem::create_directories(work + "/export");
    std::ofstream(work + "/kiosk.toml") << "export_folder = \"" << work << "/export\"\nexport_requires_removable = false\n";

    Xvfb x(1920, 1080, work + "/xvfb.log");
    Kiosk k(x, {kKiosk, {"run", "--db", db, "--config", work + "/kiosk.toml", "--screenshot", shot}, work, {}});  // fullscreen
    k.WaitForScreen("welcome");
    Shot(k, shot, folder + "/welcome.png");

    // A patient with knee pain who answers the first questions and skips the rest.
    bool asked_area = false;
    TapThroughScreening(k, [&](Kiosk& kiosk, const Screen& s) {
        if (s.name == "question:dob") {
            TypeDate(kiosk, 1961, 3, 14);
            return true;
        }
        if (s.name == "question:sex_at_birth") {
            kiosk.Tap("option:male");
            return true;
        }
        if (s.name == "question:pain_area") {
            Shot(kiosk, shot, folder + "/question.png");
            asked_area = true;
            kiosk.Tap("option:knee");
            return true;
        }
        if (s.name == "question:pain_side") {
            kiosk.Tap("option:left");
            return true;
        }
        return false;
    });
    if (!asked_area) throw std::runtime_error("the screening never asked question:pain_area");
    Shot(k, shot, folder + "/review.png");
    k.Tap("nav:submit");
    k.WaitForScreen("done");
    Shot(k, shot, folder + "/thank-you.png");

    Screen menu = EnterStaff(k, kStaffName, kPin);
    k.Tap("staff:menu:queue");
    Screen queue = k.WaitForScreen("staff:queue");
    Shot(k, shot, folder + "/staff-queue.png");
    // The first result opened: its answers and decision are sealed in the database; a clinician's
    // sign-in unlocked reading them for this session.
    for (const Target& t : queue.targets) {
        if (t.key.rfind("staff:queue:row:", 0) != 0) continue;
        k.Tap(t.key);
        k.WaitForScreen("staff:result");
        Shot(k, shot, folder + "/staff-result.png");
        k.Tap("staff:back");
        break;
    }
    k.WaitForScreen("staff:queue");
    k.Tap("staff:back");
    k.WaitForScreen("staff:menu");
    k.Tap("staff:menu:export");
    k.WaitForScreen("staff:export");
    // The passphrase typed twice on the screen's own keyboard, shown as stars.
    auto type = [&](const std::string& field, const std::string& text) {
        k.Tap(field);
        for (char c : text) k.Tap(c == ' ' ? std::string("key:space") : "key:" + std::string(1, c));
    };
    type("staff:export:passphrase", "correct horse battery");
    type("staff:export:again", "correct horse battery");
    Shot(k, shot, folder + "/staff-export.png");
    LockToWelcome(k);

    // A patient whose knee became hot and swollen: the urgent screen, and the alert at the desk.
    auto red_flag = [&](const std::string& picture) {
        return [&, picture](Kiosk& kiosk, const Screen& s) {
            if (s.name != "question:hot_joint") return false;
            kiosk.Tap("option:yes");
            if (!kiosk.Current().Has("nav:continue")) kiosk.Tap("nav:next");
            kiosk.WaitForScreen("urgent", 30);  // up to the database's busy timeout when it is held
            if (!picture.empty()) Shot(kiosk, shot, picture);
            return true;
        };
    };
    TapThroughScreening(k, red_flag(folder + "/urgent.png"));
    k.Tap("nav:submit");
    k.WaitForScreen("done");
    EnterStaff(k, kStaffName, kPin);
    k.Tap("staff:menu:alerts");
    k.WaitForScreen("staff:alerts");
    Shot(k, shot, folder + "/staff-alerts.png");
    LockToWelcome(k);

    // The same red flag while another process holds the database's write lock (as a full or
    // broken disk would refuse it): the alert is kept in the file beside the database, and every
    // staff screen says so, starting with the sign-in list.
    {
        kiosk::store::Connection other(db, false);
        other.Exec("BEGIN IMMEDIATE", "holding the write lock");
        TapThroughScreening(k, red_flag(""));
        k.Key("ctrl+alt+s");
        k.WaitForScreen("staff:sign_in");
        Shot(k, shot, folder + "/staff-kept-alert.png");
        other.Exec("ROLLBACK", "releasing the write lock");
    }
    k.Process().Stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "Usage: kiosk_screenshots OUTPUT_FOLDER\n";
        return 2;
    }
    try {
        return Run(argv[1]);
    } catch (const std::exception& e) {
        std::cerr << "kiosk_screenshots: " << e.what() << "\n";
        return 1;
    }
}
