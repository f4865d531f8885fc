// The front-desk console against a real clinic server: a patient taps through a screening on a real
// kiosk (headless), the kiosk drains into PostgreSQL, and the console (headless, tapped like the
// kiosk) rings, shows the board, acknowledges, reviews, escalates on its injected clock and locks,
// each audited on the server.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../server/server_fixture.h"
#include "patient_taps.h"
#include "server/console_client.h"
#include "server/drain.h"
#include "staff_taps.h"
#include "ui/console/console_app.h"

using namespace ui_driver;
using kiosk::server::ConsoleClient;
using kiosk::ui::console::AlarmLevel;

namespace {

constexpr const char* kClinician = "Cleo Clinician";
constexpr const char* kClinicianPin = "13572468";
constexpr const char* kDesk = "Fran Desk";
constexpr const char* kDeskPin = "86421357";

// A site on a fresh database of the test cluster: the kiosk "kiosk-ui" (the Headless kiosk's id),
// a console login, a front-desk account and a clinician holding the tests' clinic key.
struct Clinic {
    test_support::ClinicDb db;
    std::string site, kiosk_uri, console_uri;
    Clinic() {
        db.Init();
        site = db.Site("front");
        kiosk_uri = db.AddKiosk(site, "kiosk-ui");
        console_uri = db.AddConsole(site, "desk");
        using kiosk::store::Role;
        auto desk = kiosk::server::AddConsoleStaff(db.AdminUri(), {site, kDesk, Role::FrontDesk, kDeskPin, test_support::kTestPinCost});
        REQUIRE_MESSAGE(desk.ok(), desk.error->Describe());
        auto clinician =
            kiosk::server::AddConsoleStaff(db.AdminUri(), {site, kClinician, Role::Clinician, kClinicianPin, test_support::kTestPinCost});
        REQUIRE_MESSAGE(clinician.ok(), clinician.error->Describe());
        auto granted = kiosk::server::GrantConsoleKey(db.AdminUri(), site, kClinician, kClinicianPin, *test_support::TestKey());
        REQUIRE_MESSAGE(granted.ok(), granted.error->Describe());
    }

    // What the kiosk's worker does after a commit: one pass of the drain.
    void Drain(Headless& kiosk) const {
        auto store = kiosk.Reader();
        kiosk::server::PgConnection conn(kiosk_uri);
        kiosk::server::DrainReport report = kiosk::server::DrainOnce(*store, conn, {site, "kiosk-ui"});
        REQUIRE_MESSAGE(report.ok(), report.error->Describe());
        REQUIRE(report.Rows() > 0);
    }

    std::vector<kiosk::server::ConsoleAuditEntry> Audit() const {
        auto client = ConsoleClient::Connect(console_uri);
        REQUIRE_MESSAGE(client.ok(), client.error->Describe());
        auto log = (*client.value)->AuditLog(500);
        REQUIRE_MESSAGE(log.ok(), log.error->Describe());
        return *log.value;
    }
    bool Audited(const std::string& action, const std::string& actor = "") const {
        for (const auto& e : Audit())
            if (e.action == action && (actor.empty() || e.actor == actor)) return true;
        return false;
    }
};

// The console, headless at 1280 x 800 on a hand-set clock, its alarm recorded.
class Console final : public FrontendDriver {
public:
    explicit Console(const Clinic& clinic, kiosk::ui::ConsoleOptions options = {})
        : FrontendDriver(ImVec2(1280, 800)), clock(kiosk::UtcTime(kDay, std::chrono::hours(9))) {
        options.conninfo = clinic.console_uri;
        if (options.screening_path.empty()) options.screening_path = DefaultScreening();
        options.clock = &clock;
        options.alarm = [this](AlarmLevel level) { alarms.push_back(level); };
        app = std::make_unique<kiosk::ui::ConsoleApp>(std::move(options));
        Frame();
    }
    ~Console() override {
        ImGui::SetCurrentContext(m_context);
        app.reset();
    }
    void Wait(std::chrono::seconds seconds) {
        clock.Advance(seconds);
        Frame();
    }
    void SignIn(const std::string& name, const std::string& pin) {
        Tap("staff:sign_in:" + name);
        REQUIRE(Screen() == "console:pin");
        TypePin(*this, pin);
        Tap("pin:enter");
        REQUIRE_MESSAGE(Screen() == "console:board", "signing in as " << name << ": " << DrawnText());
    }
    // Frames until `done`, up to `limit` of real time (notifications cross a socket); returns the time it took.
    template <class Done>
    std::chrono::milliseconds FramesUntil(Done done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
        const auto start = std::chrono::steady_clock::now();
        while (!done() && std::chrono::steady_clock::now() - start < limit) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            Frame();
        }
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    }

    kiosk::ManualClock clock;
    std::unique_ptr<kiosk::ui::ConsoleApp> app;
    std::vector<AlarmLevel> alarms;

protected:
    kiosk::ui::Frontend& Front() const override { return *app; }
};

// A patient answers the red-flag case V11 on the kiosk until its urgent screen: the alert is stored.
void RedFlag(Headless& k) {
    const rules::Screening& s = *k.app->Screening();
    const rules::Answers& v11 = CaseAnswers(s, "V11");
    k.Tap("lang:en");
    for (int guard = 0; guard < 60 && k.Screen() != "urgent"; ++guard) {
        REQUIRE(k.Screen().rfind("question:", 0) == 0);
        const int q = s.FindQuestion(k.Screen().substr(9));
        TapAnswer(k, s, q, v11.values[q]);
    }
    REQUIRE(k.Screen() == "urgent");
}

// A patient submits case `prefix` on the kiosk.
void Submit(Headless& k, const std::string& prefix) {
    TapThrough(k, CaseAnswers(*k.app->Screening(), prefix), "en");
    if (k.Screen() == "review") k.Tap("nav:submit");
    REQUIRE(k.Screen() == "done");
    k.Tap("nav:finish");
}

}  // namespace

TEST_CASE("a red flag tapped on a kiosk rings on the console the frame after the notification, and a signed-in person acknowledges it") {
    Clinic clinic;
    Console console(clinic);
    REQUIRE(console.Screen() == "console:sign_in");
    CHECK(console.Shows(kDesk));
    CHECK(console.app->Alarm() == AlarmLevel::Off);

    Headless kiosk;
    RedFlag(kiosk);
    clinic.Drain(kiosk);  // the commit on the server NOTIFYs the console's connection
    const auto took = console.FramesUntil([&] { return !console.app->OpenAlerts().empty(); });
    MESSAGE("the alert reached the console's frame " << took.count() << " ms after the kiosk's drain committed");
    REQUIRE(console.app->OpenAlerts().size() == 1);
    CHECK(took < std::chrono::seconds(1));
    const std::string id = console.app->OpenAlerts()[0].alert_id;
    CHECK(console.Shows("URGENT"));
    CHECK(console.Shows("kiosk kiosk-ui"));
    REQUIRE(console.alarms.size() == 1);
    CHECK(console.alarms.back() == AlarmLevel::Ring);
    // No one signed in: the reason stays sealed, and the banner asks for a sign-in.
    CHECK_FALSE(console.Shows("Red flag"));
    console.Tap("alert:sign_in:" + id);
    REQUIRE(console.Screen() == "console:sign_in");
    console.SignIn(kDesk, kDeskPin);
    // Still ringing: signing in is not acknowledging.
    CHECK(console.app->Alarm() == AlarmLevel::Ring);
    console.Tap("alert:ack:" + id);
    CHECK(console.app->OpenAlerts().empty());
    CHECK(console.app->Alarm() == AlarmLevel::Off);
    CHECK_FALSE(console.Shows("URGENT"));
    CHECK(console.Shows("Alert acknowledged by Fran Desk"));
    CHECK(clinic.Audited("sign_in", "staff:" + std::string(kDesk)));
    CHECK(clinic.Audited("acknowledge", "staff:" + std::string(kDesk)));
}

TEST_CASE("a clinician's board: the day's results of every kiosk, urgent first, with reasons, while the front desk sees outcomes only") {
    Clinic clinic;
    Headless kiosk;
    Submit(kiosk, "V2");
    RedFlag(kiosk);
    clinic.Drain(kiosk);

    Console desk(clinic);
    desk.SignIn(kDesk, kDeskPin);
    REQUIRE_FALSE(desk.app->OpenAlerts().empty());
    CHECK(desk.Shows("Reasons are sealed"));
    CHECK_FALSE(desk.Has("console:tab:export"));  // an administrator's

    Console cleo(clinic);
    cleo.SignIn(kClinician, kClinicianPin);
    CHECK_FALSE(cleo.Shows("Reasons are sealed"));
    CHECK(cleo.Shows("Red flag"));  // the banner names the red flag once a key opens it
    std::string rows;
    for (const kiosk::ui::Tappable& t : cleo.app->Tappables())
        if (t.key.rfind("console:row:", 0) == 0) rows += t.key + " ";
    CAPTURE(rows);
    REQUIRE_FALSE(rows.empty());
    const std::string first = rows.substr(0, rows.find(' '));
    cleo.Tap(first);
    REQUIRE(cleo.Screen() == "console:result");
    cleo.Tap("staff:result:review");
    CHECK(cleo.Shows("Marked reviewed by Cleo Clinician"));
    CHECK(clinic.Audited("review", "staff:" + std::string(kClinician)));
}

TEST_CASE("an alert unacknowledged for two minutes escalates on the console's clock: louder, the command runs once, audited") {
    Clinic clinic;
    test_support::TempDir dir{"console-escalation"};
    const std::string paged = dir.File("paged.txt");
    kiosk::ui::ConsoleOptions options;
    options.escalation_command = "echo \"$ALERT_ID $ALERT_KIOSK $ALERT_SITE\" >> '" + paged + "'";
    Console console(clinic, options);
    Headless kiosk;
    RedFlag(kiosk);
    clinic.Drain(kiosk);
    console.FramesUntil([&] { return !console.app->OpenAlerts().empty(); });
    REQUIRE(console.app->OpenAlerts().size() == 1);
    const std::string id = console.app->OpenAlerts()[0].alert_id;
    CHECK(console.app->Alarm() == AlarmLevel::Ring);

    console.Wait(std::chrono::seconds(119));
    CHECK(console.app->Alarm() == AlarmLevel::Ring);
    CHECK_FALSE(std::filesystem::exists(paged));
    console.Wait(std::chrono::seconds(2));
    CHECK(console.app->Alarm() == AlarmLevel::Loud);
    CHECK(console.Shows("ESCALATED"));
    console.FramesUntil([&] { return std::filesystem::exists(paged) && !test_support::ReadFile(paged).empty(); });
    CHECK(test_support::ReadFile(paged) == id + " kiosk-ui " + clinic.site + "\n");
    CHECK(clinic.Audited("escalate"));
    // A second console that sees the same alert late does not page again: the server recorded it.
    Console other(clinic, options);
    other.Wait(std::chrono::seconds(121));
    other.FramesUntil([] { return false; }, std::chrono::milliseconds(300));
    CHECK(other.app->Alarm() == AlarmLevel::Loud);
    CHECK(test_support::ReadFile(paged) == id + " kiosk-ui " + clinic.site + "\n");
}

TEST_CASE("the console locks itself when untouched, audited, and nothing read while signed in stays on screen") {
    Clinic clinic;
    Headless kiosk;
    Submit(kiosk, "V2");
    clinic.Drain(kiosk);
    kiosk::ui::ConsoleOptions options;
    options.lock_after = std::chrono::seconds(60);
    Console console(clinic, options);
    console.SignIn(kClinician, kClinicianPin);
    CHECK(console.Has("console:tab:kiosks"));
    console.Wait(std::chrono::seconds(59));
    CHECK(console.Screen() == "console:board");
    console.Wait(std::chrono::seconds(2));
    CHECK(console.Screen() == "console:sign_in");
    CHECK(console.app->SignedIn().empty());
    CHECK_FALSE(console.Shows("Cleo Clinician, clinician"));
    CHECK(clinic.Audited("lock", "staff:" + std::string(kClinician)));
}

TEST_CASE("the kiosks screen: each kiosk's heartbeat, and one that never connected") {
    Clinic clinic;
    clinic.db.AddKiosk(clinic.site, "kiosk-hall");
    Headless kiosk;
    {
        auto store = kiosk.Reader();
        kiosk::server::PgConnection conn(clinic.kiosk_uri);
        kiosk::server::HeartbeatInfo info{"regen-ortho-default", "1.0.0", kiosk.app->Screening()->content_hash, ""};
        auto sent = kiosk::server::SendHeartbeat(*store, conn, {clinic.site, "kiosk-ui"}, info);
        REQUIRE_MESSAGE(sent.ok(), sent.error->Describe());
    }
    Console console(clinic);
    console.SignIn(kDesk, kDeskPin);
    console.Tap("console:tab:kiosks");
    REQUIRE(console.Screen() == "console:kiosks");
    CHECK(console.Shows("Kiosk kiosk-ui"));
    CHECK(console.Shows("online, seen"));
    CHECK(console.Shows("Kiosk kiosk-hall"));
    CHECK(console.Shows("never connected"));
}

TEST_CASE("the server out of reach: the console says so and comes back by itself") {
    Clinic clinic;
    Console console(clinic);
    REQUIRE(console.Screen() == "console:sign_in");
    clinic.db.cluster.StopImmediately();
    console.Wait(kiosk::ui::ConsoleApp::kRefreshEvery + std::chrono::seconds(1));
    console.Frame();
    CHECK(console.Shows("The clinic server is not reached"));
    clinic.db.cluster.Start();
    console.Wait(kiosk::ui::ConsoleApp::kReconnectEvery + std::chrono::seconds(1));
    console.FramesUntil([&] { return console.app->LinkProblem().empty(); });
    CHECK(console.app->LinkProblem().empty());
    CHECK(console.Screen() == "console:sign_in");
}
