// The kiosk application without a window: loads the screening and the database, runs the patient
// session and the staff mode, and draws one frame of the screen that is up.
#include "ui/app.h"

#include <algorithm>
#include <cmath>

#include "core/labels.h"
#include "rules/loader.h"
#include "store/saved_settings.h"
#include "ui/not_set_up.h"
#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

// The staff corner: a press held this long on the top-left corner opens staff sign-in.
constexpr double kCornerHoldSeconds = 3.0;
// How far the wall clock may be behind the newest stored time stamp before it is not believed.
constexpr std::chrono::minutes kStoredTimeSlack{5};

}  // namespace

App::App(AppOptions options) : m_options(std::move(options)) {
    if (m_options.clock) {
        m_clock = m_options.clock;
    } else {
        m_system_clock = std::make_unique<SystemClock>();
        m_clock = m_system_clock.get();
    }
    m_staff = std::make_unique<StaffMode>();
    Load();
}

App::~App() = default;

// Fail closed: a screening that does not load, lacks the window's labels or a database that does
// not open puts the kiosk out of order; the reason is kept for staff.
void App::Load() {
    rules::LoadResult loaded = rules::LoadScreeningFile(m_options.screening_path);
    if (!loaded.screening) {
        std::string text = loaded.diagnostics.Format();
        m_fault = "The screening file does not load:\n" + text;
        return;
    }
    std::vector<std::string> missing = MissingPatientLabels(*loaded.screening);
    if (!missing.empty()) {
        m_fault = "The screening file lacks texts the kiosk shows:";
        for (const std::string& line : missing) m_fault += "\n" + line;
        return;
    }
    m_screening = std::move(loaded.screening);
    auto opened = store::Store::Open(store::StoreOptions{m_options.database_path});
    if (auto* error = std::get_if<store::DbError>(&opened)) {
        m_fault = "The clinic database cannot be used: " + error->Describe();
        RefreshKeptAlerts();  // from the file alone: staff must still see them
        return;
    }
    m_store = std::move(std::get<std::unique_ptr<store::Store>>(opened));
    // Alerts kept outside the database that opening it did not move in: it does not take writes,
    // so the kiosk is out of order until it does (RecheckWrites moves them in then).
    RefreshKeptAlerts();
    if (!m_kept_alerts.empty()) {
        store::Result<int64_t> moved = m_store->MoveKeptAlerts();
        if (moved.ok()) {
            RefreshKeptAlerts();
        } else {
            m_store_problem = moved.error->Describe();
            const size_t kept = m_kept_alerts.size();
            m_write_fault = "The database did not take a write (" + moved.error->Describe() + "); " + std::to_string(kept) +
                            (kept == 1 ? " urgent alert is" : " urgent alerts are") + " kept in " + m_store->KeptAlertsPath() +
                            " and will be moved into the database when it takes writes again; no new screening starts until "
                            "the database takes a write.";
            m_write_checked = m_clock->Monotonic();
        }
    }
    m_recorder = std::make_unique<Recorder>(*m_screening, *m_store, m_options.kiosk_id);
    m_session = std::make_unique<Session>(*m_screening, *m_clock, ToSessionSettings(m_options.settings));
    ApplySettings();
    CheckSetUp();
}

void App::CheckSetUp() {
    if (!m_store) return;
    m_set_up_checked = m_clock->Monotonic();
    // Set up: an administrator to sign in, and the clinic key that every result is sealed to.
    store::Result<bool> has = m_store->HasAdministrator();
    store::Result<bool> key = has.ok() ? m_store->HasClinicKey() : has;
    if (key.ok()) m_not_set_up = !*has.value || !*key.value;
    else m_store_problem = key.error->Describe();  // shown to staff; the last answer holds
}

void App::PurgeIfDue() {
    if (!m_store || !m_session || !m_fault.empty() || !m_clock_fault.empty()) return;
    if (m_session->State() != SessionState::Welcome || m_staff->IsOpen()) return;
    const SteadyTime now = m_clock->Monotonic();
    if (m_next_purge && now < *m_next_purge) return;
    store::Result<store::PurgeSummary> purged =
        m_store->Purge(m_clock->Now(), m_settings.retention_done, m_settings.retention_unreviewed, "kiosk", false);
    if (purged.ok() && purged.value->wal_not_emptied.empty()) {
        m_next_purge = now + kPurgeEvery;
        return;
    }
    if (purged.ok()) {
        // Deleted all the same; the next purge, in an hour, empties the log.
        const store::PurgeSummary& p = *purged.value;
        m_next_purge = now + kPurgeRetry;
        const int64_t results = p.done + p.unreviewed;
        m_store_problem = "Deleted " + std::to_string(results) + (results == 1 ? " result and " : " results and ") +
                          std::to_string(p.alerts) + (p.alerts == 1 ? " acknowledged alert" : " acknowledged alerts") +
                          " past their retention; the database's log still holds the deleted rows' sealed bytes until the next "
                          "checkpoint (tried again in an hour): " + p.wal_not_emptied;
        return;
    }
    m_next_purge = now + kPurgeRetry;
    m_store_problem = "Results past their retention could not be deleted (tried again in an hour): " + purged.error->Describe();
}

StaffContext App::MakeStaffContext() const {
    std::string fault = m_fault;
    if (!m_clock_fault.empty()) fault += (fault.empty() ? "" : "\n") + m_clock_fault;
    if (!m_write_fault.empty()) fault += (fault.empty() ? "" : "\n") + m_write_fault;
    StaffContext context{m_store.get(), m_screening.get(), m_clock, m_options.kiosk_id, m_options.export_folder,
                         fault, m_store_problem, m_session.get(), m_settings};
    context.not_set_up = m_store && m_not_set_up;
    context.export_requires_removable = m_options.export_requires_removable;
    context.kept_alerts = m_kept_alerts;
    context.kept_alerts_problem = m_kept_alerts_problem;
    context.clinic_server_status = m_options.clinic_server_status;
    return context;
}

// Time stamps and the age gate come from the wall clock, so a clock that went back would date
// results wrongly and age patients wrongly. Two lower bounds are certain: the build date, and the
// newest time stamp already stored (every kiosk writing to the database stamped it from a clock).
std::string App::CheckClock() const {
    const SystemTime now = m_clock->Now();
    const SystemTime not_before = m_options.clock_not_before.value_or(BuildTime());
    const std::string says = "The kiosk's clock says " + store::UtcIso(now).substr(0, 16) + " UTC";
    const std::string fix = " Set the date and time of this computer (and check its time source), then open the welcome screen again.";
    if (now < not_before)
        return says + ", before this kiosk software was built (" + store::UtcIso(not_before).substr(0, 10) +
               "): the clock is wrong, so no screening starts." + fix;
    if (!m_options.clock_after_stored_rows || !m_store) return {};
    store::Result<std::optional<std::string>> newest = m_store->NewestTimestamp();
    if (!newest.ok()) return {};  // a database that cannot be read shows its own error when written
    // A few minutes' slack: time servers step a clock back by seconds, which is no reason to stop.
    if (*newest.value && store::UtcIso(now + kStoredTimeSlack) < **newest.value)
        return says + ", earlier than the newest record in the clinic database (" + **newest.value +
               "): the clock has gone back, so no screening starts." + fix;
    return {};
}

void App::ApplySettings() {
    if (!m_session || !m_store) return;
    std::string problem;
    m_settings = ReadSavedSettings(*m_store, m_screening.get(), m_options.settings, &problem);
    if (!problem.empty()) m_store_problem = problem;  // shown to staff; the configuration's values hold
    m_session->SetSettings(ToSessionSettings(m_settings));
    int index = m_settings.default_language.empty() ? 0 : m_screening->FindLanguage(m_settings.default_language);
    m_default_language = index >= 0 ? index : 0;
    m_settings.default_language = m_screening->languages[m_default_language];
}

void App::BuildFonts(ImFontAtlas& atlas, ImVec2 display_size) {
    m_metrics = Metrics::For(std::max(1.0f, display_size.x), std::max(1.0f, display_size.y), m_larger_text);
    std::string problem = ui::BuildFonts(atlas, m_metrics, m_fonts);
    if (!problem.empty() && m_fault.empty()) m_fault = problem;
    m_fonts.loaded = true;  // even ImGui's fallback font: do not rebuild every frame
}

bool App::PrepareFrame(ImVec2 display_size) {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no imgui.ini: nothing is written next to the kiosk
    io.LogFilename = nullptr;
    io.DisplaySize = display_size;
    m_metrics = Metrics::For(std::max(1.0f, display_size.x), std::max(1.0f, display_size.y), m_larger_text);
    m_theme = m_high_contrast ? Theme::HighContrast() : Theme::Normal();
    m_theme.Apply(ImGui::GetStyle(), m_metrics);
    bool rebuild = !m_fonts.loaded || m_fonts.body_px != m_metrics.body_px || m_fonts.small_px != m_metrics.small_px;
    if (rebuild) BuildFonts(*io.Fonts, display_size);
    return rebuild;
}

std::string App::CurrentScreen() const {
    if (m_staff->IsOpen()) return m_staff->CurrentScreen();
    if (OutOfOrder()) return "out_of_order";
    if (m_not_set_up) return "not_set_up";
    SessionView view = m_session->View();
    if (view.state == SessionState::Consent || view.state == SessionState::Question)
        return "question:" + m_screening->questions[view.question].id;
    return SessionStateName(view.state);
}

void App::DrawFrame() {
    m_tappables.clear();
    // Timers first, so a wipe that is due is already done in the frame that is drawn.
    if (m_session) {
        m_session->Tick();
        AfterIntent();
        // A screening starts only from the welcome screen: the clock is checked there, every frame,
        // so a clock set right puts the kiosk back in order at the next touch.
        if (m_fault.empty() && m_session->State() == SessionState::Welcome) m_clock_fault = CheckClock();
        if (m_not_set_up && m_clock->Monotonic() - m_set_up_checked >= kSetUpRecheck) CheckSetUp();
        RecheckWrites();
        PurgeIfDue();
    }
    RefreshKeptAlerts();
    int language = m_default_language;
    if (m_session && m_session->State() != SessionState::Welcome) language = m_session->Language();
    Ui ui{m_theme, m_metrics, m_fonts, m_tappables, m_screening.get(), language, m_clock->Today()};
    StaffContext context = MakeStaffContext();
    if (m_staff->IsOpen()) {
        m_staff->Tick(context);
        if (m_staff->IsOpen()) {
            StaffAction action = m_staff->Draw(ui, context);
            if (action.reset_session && m_session) {
                m_session->StaffReset();
                AfterIntent();
            }
            if (action.quit) m_quit = true;
            if (action.settings_changed) ApplySettings();
            return;
        }
    }
    if (OutOfOrder()) {
        DrawOutOfOrder(ui);
    } else if (m_not_set_up) {
        DrawNotSetUp(ui);
    } else {
        DrawPatient(ui);
    }
    StaffLongPress(ui);
}

void App::DrawPatient(Ui& ui) {
    SessionView view = m_session->View();
    PatientChrome chrome{m_larger_text, m_high_contrast};
    PatientIntent intent;
    switch (view.state) {
        case SessionState::Welcome: intent = DrawWelcome(ui, view, chrome); break;
        case SessionState::Consent:
        case SessionState::Question: intent = DrawQuestion(ui, view, chrome, m_question_ui); break;
        case SessionState::Review: intent = DrawReview(ui, view, chrome); break;
        case SessionState::IdleWarning: intent = DrawIdleWarning(ui, view); break;
        case SessionState::Urgent:
        case SessionState::Ended:
        case SessionState::Submitting:
        case SessionState::Done: intent = DrawMessage(ui, view, chrome); break;
    }
    if (intent.kind != PatientIntent::Kind::None) {
        ApplyIntent(intent);
        AfterIntent();
    }
}

void App::ApplyIntent(const PatientIntent& intent) {
    Session& s = *m_session;
    using Kind = PatientIntent::Kind;
    switch (intent.kind) {
        case Kind::None: break;
        case Kind::ChooseLanguage: s.ChooseLanguage(intent.index); break;
        case Kind::Answer: {
            // Refused: the question stays and the screen says why; a refused number is typed afresh.
            AnswerResult result = s.Answer(intent.input);
            if (result.status == AnswerStatus::Refused) {
                m_question_ui.problem = result.problem;
                m_question_ui.number.clear();
            }
            break;
        }
        case Kind::NotSure: s.NotSure(); break;
        case Kind::DismissHelper: s.DismissHelper(); break;
        case Kind::Skip: s.Skip(); break;
        case Kind::Next: s.Next(); break;
        case Kind::Back: s.Back(); break;
        case Kind::Continue: s.Continue(); break;
        case Kind::Edit: s.EditFromReview(intent.index); break;
        case Kind::Submit: SubmitNow(); break;
        case Kind::Finish: s.Finish(); break;
        case Kind::StartOver: s.StartOver(); break;
        case Kind::Touch: s.Touch(); break;
        case Kind::ToggleLargerText:
            m_larger_text = !m_larger_text;
            s.Touch();
            break;
        case Kind::ToggleHighContrast:
            m_high_contrast = !m_high_contrast;
            s.Touch();
            break;
    }
}

void App::SubmitNow() {
    store::Result<std::string> result = m_recorder->Submit(*m_session);
    if (result.error) {
        m_store_problem = result.error->Describe();
        m_write_fault = "A result could not be saved (" + result.error->Describe() +
                        "). The patient's answers are kept on the screen for another try; no new screening starts until the "
                        "database takes a write again (tried every " + std::to_string(kWriteRecheck.count()) + " s).";
        m_write_checked = m_clock->Monotonic();
    } else {
        m_write_fault.clear();
        if (!result.value->empty() && m_options.wake_outbox) m_options.wake_outbox();
    }
}

void App::RecheckWrites() {
    if (m_write_fault.empty() || !m_store || m_session->State() != SessionState::Welcome) return;
    if (m_clock->Monotonic() - m_write_checked < kWriteRecheck) return;
    m_write_checked = m_clock->Monotonic();
    if (!m_store->Audit("kiosk", "write check", "the database takes writes again: back in order").ok()) return;
    // The write moved any kept alerts in (Store::Audit); asked again, so that a move that failed
    // keeps the kiosk out of order with its reason.
    store::Result<int64_t> moved = m_store->MoveKeptAlerts();
    if (!moved.ok()) {
        m_store_problem = moved.error->Describe();
        return;
    }
    m_write_fault.clear();
    RefreshKeptAlerts();
}

void App::RefreshKeptAlerts() {
    m_kept_alerts.clear();
    m_kept_alerts_problem.clear();
    if (!m_store && m_options.database_path.empty()) return;
    store::Result<std::vector<store::Alert>> kept =
        m_store ? m_store->KeptAlerts() : store::ReadKeptAlerts(m_options.database_path);
    if (kept.ok()) m_kept_alerts = std::move(*kept.value);
    else m_kept_alerts_problem = kept.error->Describe();
}

// After every intent and tick: store alerts and counts, send a gate's result, and wipe the UI
// state whenever the session was wiped (idle, staff, start over, after the closing screen).
void App::AfterIntent() {
    const int64_t alerts_before = m_recorder->AlertsStored();
    std::optional<store::DbError> drained = m_recorder->Drain(*m_session);
    // An urgent alert is on the clinic's server the moment it can be: the worker sends it now.
    if (m_recorder->AlertsStored() != alerts_before && m_options.wake_outbox) m_options.wake_outbox();
    if (auto error = drained) {
        m_store_problem = error->Describe();
        // An urgent alert sent the patient to the desk all the same (Recorder::Drain); it is kept
        // in the file beside the database, or in memory and tried again at every step. A result
        // that could not be saved stays the reason shown: it is the one staff must act on.
        if (m_write_fault.empty()) {
            RefreshKeptAlerts();
            const size_t kept = m_kept_alerts.size();
            std::string where;
            if (m_recorder->AlertsInMemory() > 0)
                where = "an urgent alert is kept in memory only (the file beside the database did not take it either) and tried again";
            else if (kept > 0)
                where = std::to_string(kept) + (kept == 1 ? " urgent alert is" : " urgent alerts are") + " kept in " +
                        m_store->KeptAlertsPath() + " and will be moved into the database when it takes writes again";
            m_write_fault = "The database did not take a write (" + error->Describe() + ")" + (where.empty() ? "" : "; " + where) +
                            "; no new screening starts until the database takes a write.";
        }
        m_write_checked = m_clock->Monotonic();
    }
    if (m_session->State() == SessionState::Ended) SubmitNow();
    SessionState now = m_session->State();
    if (now == SessionState::Welcome && m_last_state != SessionState::Welcome) WipeUi();
    if (now == SessionState::Consent || now == SessionState::Question) {
        if (m_session->View().question != m_question_ui.question) m_question_ui = QuestionUi{};
    }
    m_last_state = now;
}

void App::WipeUi() {
    m_question_ui = QuestionUi{};
    m_larger_text = false;  // the toggles hold for one patient only
    m_high_contrast = false;
    ImGui::GetStateStorage()->Clear();  // nothing a screen kept (scroll positions) survives
}

void App::StaffLongPress(Ui& ui) {
    // A finger held still on the top-left corner for three seconds; nothing is drawn there, so the
    // patient is not invited to try. Ctrl+Alt+S (the platform) is the keyboard way in.
    const ImGuiIO& io = ImGui::GetIO();
    const float corner = std::round(120 * ui.metrics.scale);
    const bool in_corner = io.MouseDown[0] && io.MousePos.x >= 0 && io.MousePos.x < corner && io.MousePos.y >= 0 &&
                           io.MousePos.y < corner;
    if (!in_corner) {
        m_corner_press_started = -1;
        return;
    }
    if (m_corner_press_started < 0) m_corner_press_started = ImGui::GetTime();
    if (ImGui::GetTime() - m_corner_press_started >= kCornerHoldSeconds) {
        m_corner_press_started = -1;
        OpenStaff();
    }
}

void App::OpenStaff() {
    if (m_staff->IsOpen()) return;
    if (m_not_set_up) CheckSetUp();  // an administrator added a moment ago can sign in at once
    RefreshKeptAlerts();
    StaffContext context = MakeStaffContext();
    m_staff->Enter(context);
    if (m_session) m_session->Touch();
}

void App::RequestClose() {
    // Only a signed-in account that may close the kiosk: the sign-in is one long press away for anyone.
    if (m_staff->May(store::Permission::CloseKiosk)) m_quit = true;
}

double App::SecondsUntilWake() const {
    double wake = -1;
    auto consider = [&](double seconds) {
        if (seconds >= 0 && (wake < 0 || seconds < wake)) wake = seconds;
    };
    if (m_session) {
        if (auto timer = m_session->NextTimer()) consider(static_cast<double>(timer->count()) / 1000.0);
    }
    if (m_store && m_not_set_up) {
        auto left = kSetUpRecheck - (m_clock->Monotonic() - m_set_up_checked);
        consider(std::max(0.0, std::chrono::duration<double>(left).count()));
    }
    if (m_store && !m_write_fault.empty()) {
        auto left = kWriteRecheck - (m_clock->Monotonic() - m_write_checked);
        consider(std::max(0.0, std::chrono::duration<double>(left).count()));
    }
    // Wakes for the purge when it falls due; once due, the frame after a patient or staff member
    // leaves runs it (a due purge that waits must not wake the loop again and again).
    if (m_store && m_next_purge) {
        const double left = std::chrono::duration<double>(*m_next_purge - m_clock->Monotonic()).count();
        if (left > 0) consider(left);
    }
    StaffContext context = MakeStaffContext();
    consider(m_staff->SecondsUntilWake(context));
    if (m_corner_press_started >= 0) consider(std::max(0.0, kCornerHoldSeconds - (ImGui::GetTime() - m_corner_press_started)));
    return wake;
}

}  // namespace kiosk::ui
