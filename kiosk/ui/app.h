// The kiosk application without a window: owns the screening, the database, the patient session
// and the staff mode, and draws one ImGui frame of whichever screen is up. The platform layer
// (kiosk/platform) owns the window, GL and the event loop; tests drive App headless.
#pragma once

#include <imgui.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/recorder.h"
#include "core/session.h"
#include "core/settings.h"
#include "rules/screening.h"
#include "store/store.h"
#include "ui/fonts.h"
#include "ui/frontend.h"
#include "ui/staff.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace kiosk::ui {

struct AppOptions {
    std::string screening_path;    // the screening file to load
    std::string database_path;     // the clinic database (created if absent)
    std::string kiosk_id = "kiosk";
    std::string export_folder;     // where staff exports go; empty: staff are told to configure it
    bool export_requires_removable = true;  // only onto a mounted removable device (kiosk.toml); tests turn it off
    KioskSettings settings;        // the configuration's; what staff saved in the database wins
    const Clock* clock = nullptr;  // nullptr: the system clock
    // No new screening starts while the wall clock is implausible: before `clock_not_before`
    // (nullopt: the build date, BuildTime()) or, with `clock_after_stored_rows`, before the newest
    // time stamp in the database. A clock that is fast cannot be told from a right one this way.
    std::optional<SystemTime> clock_not_before;
    bool clock_after_stored_rows = true;
    // With a clinic server (kiosk.toml's clinic_server): called right after a result or an alert
    // is committed, on the UI thread; it must return at once (DrainWorker::Wake). Empty: no server.
    std::function<void()> wake_outbox;
    // One line for the staff menu ("last sent 12 s ago, 0 waiting", or why sending fails); read
    // when the menu opens; it must not block. Empty: no server, no line.
    std::function<std::string()> clinic_server_status;
};

// Patient-side UI state that is not the session's: wiped with the session (no patient data may
// survive a reset in UI state either).
struct QuestionUi {
    int question = -1;            // the question this state belongs to
    uint64_t multi = 0;           // toggles not yet confirmed with Next
    std::string number;           // digits typed on the number pad
    int unit = 0;                 // 0 = the question's unit, i > 0 = Question::units[i - 1]
    int date_field = 0;           // 0, 1, 2 in the language's order
    std::string date_parts[3];    // year, month, day as typed
    std::string text;             // free text typed on the keyboard
    std::optional<rules::AnswerProblem> problem;  // why the session refused the last answer; shown until the patient types
};

class App final : public Frontend {
public:
    explicit App(AppOptions options);
    ~App() override;
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Builds the fonts for a display of `display_size` into `atlas` (the atlas the ImGui context
    // will use), so that the first PrepareFrame need not. Needs no ImGui context: the platform
    // runs it on another thread while the window opens.
    void BuildFonts(ImFontAtlas& atlas, ImVec2 display_size) override;
    // Before ImGui::NewFrame(): sizes fonts and style for the display. Returns true when the font
    // atlas was rebuilt, so the renderer must upload it again. Requires a current ImGui context.
    bool PrepareFrame(ImVec2 display_size) override;
    // Between ImGui::NewFrame() and ImGui::Render(): draws the screen and applies what was tapped.
    void DrawFrame() override;

    // How long the platform may sleep before a timer needs a frame (idle countdown, the closing
    // screen, staff auto-lock): seconds, or a negative number when only input can change the screen.
    double SecondsUntilWake() const override;

    // The window manager asked to close: honoured only from staff mode (a patient cannot quit).
    void RequestClose() override;
    bool QuitRequested() const override { return m_quit; }
    // The keyboard chord for staff (Ctrl+Alt+S): opens staff sign-in.
    void OpenStaff() override;
    // No active administrator in the database: the kiosk serves no patient (see CheckSetUp()).
    bool NotSetUp() const { return m_not_set_up; }
    // While not set up, how often the database is asked again, so an administrator added on the
    // terminal (another process) puts the kiosk in service without a restart.
    static constexpr std::chrono::seconds kSetUpRecheck{3};
    // After a write failed, how often the database is tried again while the kiosk is out of order.
    static constexpr std::chrono::seconds kWriteRecheck{30};
    // Retention (Store::Purge): at start-up and then this often on the monotonic clock, and only at
    // the welcome screen with staff mode closed and a believable wall clock (the limits count on
    // it); after a failure, or a purge whose log could not be emptied, which staff see, again
    // after kPurgeRetry.
    static constexpr std::chrono::hours kPurgeEvery{24};
    static constexpr std::chrono::hours kPurgeRetry{1};

    // For tests and the e2e driver: the touch targets of the last frame, by key.
    const std::vector<Tappable>& Tappables() const override { return m_tappables; }
    std::string CurrentScreen() const override;  // "welcome", "question:dob", "review", "staff:queue", "out_of_order", "not_set_up", ...
    const std::string& Fault() const { return m_fault; }  // why the kiosk is out of order; empty when it works
    const std::string& ClockFault() const { return m_clock_fault; }  // why the wall clock is not believed; empty when it is
    const std::string& WriteFault() const { return m_write_fault; }  // why no new screening starts after a failed write; empty when none
    Session* PatientSession() { return m_session.get(); }
    store::Store* Store() { return m_store.get(); }
    const rules::Screening* Screening() const { return m_screening.get(); }
    const Metrics& CurrentMetrics() const { return m_metrics; }
    bool LargerText() const { return m_larger_text; }
    bool HighContrast() const { return m_high_contrast; }

private:
    void Load();
    // Staff settings stored in the database (idle times, default language) over the configuration's.
    void ApplySettings();
    StaffContext MakeStaffContext() const;
    void ApplyIntent(const PatientIntent& intent);
    void AfterIntent();
    void WipeUi();
    void DrawPatient(Ui& ui);
    void SubmitNow();
    void StaffLongPress(Ui& ui);
    // Why no screening may start at the wall clock's time now, or empty (see AppOptions).
    std::string CheckClock() const;
    // Out of order: a fault, a wrong clock, or a write that failed (for the next patient: the one
    // whose result could not be saved keeps their answers and may try again).
    bool OutOfOrder() const {
        return !m_fault.empty() || !m_clock_fault.empty() || !m_session ||
               (!m_write_fault.empty() && m_session->State() == SessionState::Welcome);
    }
    // While a write fault stands, at the welcome screen: one audited write; when it is taken, the
    // kiosk is back in order.
    void RecheckWrites();
    // Reads the alerts kept outside the database for the staff screens' banner (every frame: one
    // small file, and they must show the moment they exist and go the moment they move in).
    void RefreshKeptAlerts();
    // Asks the store whether an active administrator exists; a read that fails keeps the last answer.
    void CheckSetUp();
    // Runs the retention purge when it is due and no patient or staff member is at the screen.
    void PurgeIfDue();

    AppOptions m_options;
    std::unique_ptr<SystemClock> m_system_clock;
    const Clock* m_clock = nullptr;
    std::unique_ptr<rules::Screening> m_screening;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<Recorder> m_recorder;
    std::unique_ptr<StaffMode> m_staff;
    std::string m_fault;           // out of order: the reason, for staff only
    std::string m_store_problem;   // the last database error, for staff
    std::string m_clock_fault;     // the wall clock is implausible: out of order until it is right (checked on the welcome screen)
    std::string m_write_fault;     // a result or an alert could not be saved: out of order until a write is taken again
    SteadyTime m_write_checked{};  // Clock::Monotonic() of the last write failure or recheck
    std::vector<store::Alert> m_kept_alerts;  // Store::KeptAlerts() as of this frame
    std::string m_kept_alerts_problem;        // why they could not be read
    bool m_not_set_up = true;      // until the store says an administrator exists (fail closed)
    SteadyTime m_set_up_checked{}; // Clock::Monotonic() of the last CheckSetUp()
    std::optional<SteadyTime> m_next_purge;  // Clock::Monotonic() when the purge is due; nullopt: at start-up

    Metrics m_metrics;
    Theme m_theme = Theme::Normal();
    Fonts m_fonts;
    ImVec2 m_built_for{0, 0};
    bool m_built_larger = false;
    bool m_larger_text = false;    // the patient's toggles: this session only
    bool m_high_contrast = false;
    QuestionUi m_question_ui;
    std::vector<Tappable> m_tappables;
    SessionState m_last_state = SessionState::Welcome;
    double m_corner_press_started = -1;  // ImGui time a corner press began, for the staff long-press
    bool m_quit = false;
    int m_default_language = 0;    // the welcome screen's language until a patient picks one
    KioskSettings m_settings;      // in force: the options' with staff's saved ones applied, language resolved
};

}  // namespace kiosk::ui
