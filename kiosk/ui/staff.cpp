// Staff mode: signs staff in, reads from the store what each staff screen shows, acts on what the
// screens ask (reset, review, acknowledge, export, settings, lock, quit) and audits each action.
// Reads of patient data (the queue, a result, the alerts, the interrupted session's answers) are
// audited first and shown only when their audit row was written; lock, reset and quit, which take
// patient data off the screen, go ahead even when the audit log cannot be written.
// The screens themselves are in ui/staff/, one file each; they never touch the store.
#include "ui/staff.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "store/export_job.h"
#include "store/saved_settings.h"
#include "store/staff_pin.h"
#include "ui/staff/staff_screens.h"

namespace kiosk::ui {

using staff::Intent;
using staff::Screen;

namespace staff {

const char* ScreenName(Screen screen) {
    switch (screen) {
        case Screen::Closed: return "closed";
        case Screen::Pin: return "staff:pin";
        case Screen::ChoosePin: return "staff:choose_pin";
        case Screen::Fault: return "staff:fault";
        case Screen::Menu: return "staff:menu";
        case Screen::Session: return "staff:session";
        case Screen::ConfirmReset: return "staff:confirm_reset";
        case Screen::Queue: return "staff:queue";
        case Screen::Result: return "staff:result";
        case Screen::Alerts: return "staff:alerts";
        case Screen::Name: return "staff:name";
        case Screen::Export: return "staff:export";
        case Screen::Settings: return "staff:settings";
        case Screen::ConfirmQuit: return "staff:confirm_quit";
    }
    return "staff";
}

}  // namespace staff

namespace {

// Reviewed results are listed newest first up to this many; older ones are in the exports.
constexpr size_t kReviewedShown = 100;

int64_t UnixSeconds(const Clock& clock) {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

std::optional<int64_t> ParseInt(const std::string& text) {
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// "a staff PIN has at least 6 digits" -> "A staff PIN has at least 6 digits."
std::string Sentence(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
    if (!text.empty() && text.back() != '.') text += '.';
    return text;
}

std::string Trimmed(const std::string& text) {
    size_t first = text.find_first_not_of(' '), last = text.find_last_not_of(' ');
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

// results-20260615-093000.csv (local time), with -2, -3... if that name is taken.
std::string ExportPath(const std::string& folder, SystemTime now, store::ExportFormat format) {
    const std::string extension = format == store::ExportFormat::Fhir ? ".fhir.json" : ".csv";
    std::filesystem::path base = std::filesystem::path(folder) / ("results-" + FormatLocalTime(now, "%Y%m%d-%H%M%S"));
    std::string path = base.string() + extension;
    std::error_code ignored;
    for (int n = 2; std::filesystem::exists(path, ignored) && n < 100; ++n) path = base.string() + "-" + std::to_string(n) + extension;
    return path;
}

std::string Plural(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

// Writes the audit row of a read; the reason it failed, for staff, or empty when written.
std::string AuditRead(const StaffContext& c, const std::string& actor, const char* action, const std::string& detail,
                      const char* what) {
    store::Result<bool> audited = c.store->Audit(actor, action, detail);
    if (audited.ok()) return {};
    return std::string(what) + " not shown: the audit log cannot be written (" + audited.error->Describe() + ").";
}

}  // namespace

struct StaffMode::State {
    Screen screen = Screen::Closed;
    bool signed_in = false;
    bool to_top = true;             // the screen was just opened: start it scrolled to the top
    SteadyTime last_touch{};        // Clock::Monotonic(): the auto-lock ignores steps of the wall clock
    std::string name;               // the last staff name typed during this visit: prefills the next
    std::string notice;             // what the last action did, on the menu

    staff::PinUi pin;
    staff::SessionUi session;
    staff::QueueUi queue;
    staff::NameUi name_ui;
    staff::ExportUi export_ui;
    staff::SettingsUi settings;

    // Read from the store when a screen opens or an action changed it, not every frame. Results
    // hold patient data: all of it goes when staff mode locks (the whole State is replaced).
    staff::MenuView menu;
    std::vector<store::StoredSubmission> rows;
    std::vector<staff::ResultView> results;
    std::string queue_problem;
    staff::ResultView result;       // the open one, with its answers
    std::string result_notice;
    std::vector<staff::AlertView> alerts;
    std::string alerts_notice;

    std::string Actor() const { return name.empty() ? std::string("staff") : "staff:" + name; }

    void Go(Screen to) {
        screen = to;
        to_top = true;
    }

    void LoadMenu(const StaffContext& c) {
        menu = staff::MenuView{};
        menu.has_store = c.store != nullptr;
        menu.has_screening = c.screening != nullptr;
        menu.signed_in = signed_in;
        menu.kiosk_id = c.kiosk_id;
        menu.fault = c.fault;
        menu.store_problem = c.store_problem;
        if (!c.store) return;
        auto alerts_read = c.store->OpenAlerts();
        if (alerts_read.ok()) menu.open_alerts = static_cast<int>(alerts_read.value->size());
        else menu.load_problem = "Urgent alerts cannot be read: " + alerts_read.error->Describe();
        for (store::SubmissionStatus status : {store::SubmissionStatus::Pending, store::SubmissionStatus::Exported}) {
            auto read = c.store->Submissions(status);
            if (read.ok()) menu.to_review += static_cast<int>(read.value->size());
            else menu.load_problem = "Results cannot be read: " + read.error->Describe();
        }
    }

    // Every result still to review (oldest first: who has waited longest), then the most recent
    // reviewed ones (newest first).
    void LoadQueue(Ui& ui, const StaffContext& c) {
        rows.clear();
        results.clear();
        queue_problem.clear();
        if (!c.store) return;
        queue_problem = AuditRead(c, Actor(), "view queue", queue.all ? "all results" : "results to review", "The results are");
        if (!queue_problem.empty()) return;
        auto read = c.store->Submissions(std::nullopt);
        if (!read.ok()) {
            queue_problem = "Results cannot be read: " + read.error->Describe();
            return;
        }
        rows = std::move(*read.value);
        for (store::StoredSubmission& row : rows) {
            if (store::NeedsReview(row.status)) results.push_back(staff::ReadResult(ui, row, false));
        }
        size_t listed = 0;
        for (auto it = rows.rbegin(); it != rows.rend() && listed < kReviewedShown; ++it) {
            if (store::NeedsReview(it->status)) continue;
            results.push_back(staff::ReadResult(ui, *it, false));
            ++listed;
        }
    }

    // The result with its answers, once its read is in the audit log; else the queue says why.
    bool OpenResult(Ui& ui, const StaffContext& c, const std::string& id) {
        for (const store::StoredSubmission& row : rows) {
            if (row.id != id) continue;
            if (!c.store) return false;
            queue_problem = AuditRead(c, Actor(), "open result", id, "The result is");
            if (!queue_problem.empty()) return false;
            result = staff::ReadResult(ui, row, true);
            return true;
        }
        return false;
    }

    void LoadAlerts(const StaffContext& c) {
        alerts.clear();
        if (!c.store) return;
        alerts_notice = AuditRead(c, Actor(), "view alerts", "", "Urgent alerts are");
        if (!alerts_notice.empty()) return;
        auto read = c.store->OpenAlerts();
        if (!read.ok()) {
            alerts_notice = "Urgent alerts cannot be read: " + read.error->Describe();
            return;
        }
        for (const store::Alert& alert : *read.value) alerts.push_back(staff::ReadAlert(c.screening, alert));
    }

    void LoadSettings(const StaffContext& c) {
        settings = staff::SettingsUi{};
        settings.values = c.store ? ReadSavedSettings(*c.store, c.screening, c.settings, &settings.message) : c.settings;
        settings.failed = !settings.message.empty();
        // One language is always selected: the one in force, else the screening's first.
        std::string& language = settings.values.default_language;
        if (c.screening && !c.screening->languages.empty() && c.screening->FindLanguage(language) < 0)
            language = c.screening->languages[0];
    }

    // Opens `to` when what it needs is there. Without a PIN only the fault can be seen.
    void Open(Screen to, Ui& ui, const StaffContext& c) {
        if (!signed_in && to != Screen::Fault) return;
        switch (to) {
            case Screen::Menu: LoadMenu(c); break;
            case Screen::Queue:
                if (!c.store) return;
                LoadQueue(ui, c);
                break;
            case Screen::Alerts:
                if (!c.store) return;
                alerts_notice.clear();
                LoadAlerts(c);
                break;
            case Screen::Session:
            case Screen::ConfirmReset:
                if (!c.session) return;
                session = staff::SessionUi{};
                break;
            case Screen::Export:
                if (!c.store || !c.screening) return;
                export_ui.result.clear();
                export_ui.failed = false;
                break;
            case Screen::Settings:
                if (!c.store || !c.screening) return;
                LoadSettings(c);
                break;
            default: break;
        }
        notice.clear();
        Go(to);
    }

    void Back(Ui& ui, const StaffContext& c) {
        switch (screen) {
            case Screen::Result: Open(Screen::Queue, ui, c); break;
            case Screen::Name: Go(name_ui.back_to); break;
            case Screen::ConfirmReset: Open(Screen::Session, ui, c); break;
            default: Open(Screen::Menu, ui, c); break;
        }
    }

    void CheckPin(Ui& ui, const StaffContext& c) {
        if (!c.store) return;
        const std::string digits = pin.digits;
        pin.digits.clear();
        if (screen == Screen::ChoosePin) {
            if (std::optional<std::string> problem = store::PinProblem(digits)) {
                pin.message = Sentence(*problem);
            } else if (pin.first.empty()) {
                pin.first = digits;
                pin.message.clear();
            } else if (pin.first != digits) {
                pin.first.clear();
                pin.message = "The two PINs differ. Choose one again.";
            } else {
                store::Result<bool> set = store::SetStaffPin(*c.store, digits, "staff");
                pin = staff::PinUi{};
                if (set.error) {
                    pin.message = "The PIN was not saved: " + set.error->Describe();
                } else {
                    signed_in = true;
                    Open(Screen::Menu, ui, c);
                    notice = "The staff PIN is set. Keep it secret; change it with \"kiosk staff set-pin\".";
                }
            }
            return;
        }
        store::PinCheck check = store::VerifyStaffPin(*c.store, digits, "staff", UnixSeconds(*c.clock));
        switch (check.status) {
            case store::PinCheck::Status::Ok:
                pin = staff::PinUi{};
                signed_in = true;
                Open(Screen::Menu, ui, c);
                break;
            case store::PinCheck::Status::Wrong: {
                int left = store::kFreeAttempts - check.failures;
                if (check.seconds_locked > 0)
                    pin.message = "Wrong PIN. Too many wrong PINs: try again in " + std::to_string(check.seconds_locked) + " s.";
                else if (left > 0)
                    pin.message = "Wrong PIN. " + Plural(static_cast<size_t>(left), "more wrong PIN locks", "more wrong PINs lock") +
                                  " the pad for a while.";
                else
                    pin.message = "Wrong PIN.";
                break;
            }
            case store::PinCheck::Status::LockedOut:
                pin.message = "Too many wrong PINs: try again in " + std::to_string(check.seconds_locked) + " s.";
                break;
            case store::PinCheck::Status::NoPin:
                pin = staff::PinUi{};
                Go(Screen::ChoosePin);
                break;
            case store::PinCheck::Status::StoreError:
                // Refused, the right PIN too: an attempt that cannot be counted and audited does not count.
                pin.message = "The PIN was not checked: the attempt cannot be recorded (" +
                              (check.error ? check.error->Describe() : std::string("database error")) +
                              "). Nobody can sign in until the database can be written.";
                break;
        }
    }

    void NameEntered(Ui& ui, const StaffContext& c) {
        const std::string typed = Trimmed(name_ui.text);
        if (typed.empty()) {
            name_ui.message = "Type your name first.";
            return;
        }
        if (!c.store) return;
        name = typed;
        if (name_ui.purpose == Intent::Kind::Review) {
            store::Result<bool> done = c.store->MarkReviewed(name_ui.target, name);
            if (!done.ok()) {
                name_ui.message = "Not saved: " + done.error->Describe();
                return;
            }
            result_notice = *done.value ? "Marked reviewed by " + name + "." : "This result was already reviewed.";
            const std::string id = name_ui.target;
            LoadQueue(ui, c);
            Go(OpenResult(ui, c, id) ? Screen::Result : Screen::Queue);
        } else if (name_ui.purpose == Intent::Kind::Acknowledge) {
            std::optional<int64_t> id = ParseInt(name_ui.target);
            if (!id) return;
            store::Result<bool> done = c.store->AcknowledgeAlert(*id, name);
            if (!done.ok()) {
                name_ui.message = "Not saved: " + done.error->Describe();
                return;
            }
            LoadAlerts(c);
            if (alerts_notice.empty())
                alerts_notice = *done.value ? "Alert acknowledged by " + name + "." : "This alert was already acknowledged.";
            Go(Screen::Alerts);
        }
    }

    void AskName(Intent::Kind purpose, const std::string& target, Screen back_to) {
        name_ui = staff::NameUi{};
        name_ui.text = name;
        name_ui.purpose = purpose;
        name_ui.target = target;
        name_ui.back_to = back_to;
        Go(Screen::Name);
    }

    void Export(store::ExportFormat format, const StaffContext& c) {
        if (!c.store || !c.screening || c.export_folder.empty()) return;
        int language = c.settings.default_language.empty() ? 0 : std::max(0, c.screening->FindLanguage(c.settings.default_language));
        store::ExportRequest request{
            .format = format,
            .path = ExportPath(c.export_folder, c.clock->Now(), format),
            .status = export_ui.pending_only ? std::optional(store::SubmissionStatus::Pending) : std::nullopt,
            .since = "",
            .mark_exported = export_ui.mark_exported,
            .language = language,
            .actor = Actor(),
        };
        store::Result<store::ExportSummary> done = store::ExportResults(*c.store, *c.screening, request);
        export_ui.failed = !done.ok();
        if (!done.ok()) {
            export_ui.result = "Nothing was exported. " + done.error->Describe();
            return;
        }
        export_ui.result = "Exported " + Plural(done.value->count, "result", "results") + " to " + done.value->path +
                           (export_ui.mark_exported ? " (marked exported)." : ".");
        notice = export_ui.result;
    }

    bool SaveSettings(const StaffContext& c) {
        if (!c.store || !c.screening || c.screening->languages.empty()) return false;
        const KioskSettings& wanted = settings.values;
        std::vector<SettingsProblem> problems = CheckSettings(wanted, SettingsAuthor::Staff, c.screening);
        if (!problems.empty()) {
            settings.message = "Not saved. " + problems.front().message;
            settings.failed = true;
            return false;
        }
        const KioskSettings now = ReadSavedSettings(*c.store, c.screening, c.settings);
        store::Result<bool> saved = kiosk::SaveSettings(*c.store, now, wanted, Actor());
        settings.failed = !saved.ok();
        if (!saved.ok()) settings.message = "Not saved: " + saved.error->Describe();
        else settings.message = *saved.value ? "Saved. The kiosk uses the new settings from now on." : "Nothing changed.";
        return saved.value.value_or(false);
    }
};

StaffMode::StaffMode() : m_state(std::make_unique<State>()) {}
StaffMode::~StaffMode() = default;

bool StaffMode::IsOpen() const { return m_state->screen != Screen::Closed; }
bool StaffMode::Authenticated() const { return IsOpen() && m_state->signed_in; }
std::string StaffMode::CurrentScreen() const { return staff::ScreenName(m_state->screen); }

void StaffMode::Enter(const StaffContext& context) {
    State& s = *m_state;
    s = State{};
    s.last_touch = context.clock->Monotonic();
    if (!context.store) {
        // No database, no PIN to check: only the fault, which holds no patient data (see Authenticated()).
        s.Go(Screen::Fault);
        return;
    }
    s.Go(Screen::Pin);
    store::Result<bool> has = store::HasStaffPin(*context.store);
    if (has.error) s.pin.message = "The PIN cannot be checked: " + has.error->Describe();
    else if (!*has.value) s.Go(Screen::ChoosePin);
}

void StaffMode::Tick(const StaffContext& context) {
    State& s = *m_state;
    if (!IsOpen() || context.clock->Monotonic() - s.last_touch < kAutoLock) return;
    if (s.signed_in && context.store) context.store->Audit(s.Actor(), "auto-lock", "a minute without a touch");
    s = State{};
}

double StaffMode::SecondsUntilWake(const StaffContext& context) const {
    if (!IsOpen()) return -1;
    auto left = kAutoLock - (context.clock->Monotonic() - m_state->last_touch);
    return std::max(0.0, std::chrono::duration<double>(left).count());
}

StaffAction StaffMode::Draw(Ui& patient_ui, const StaffContext& context) {
    State& s = *m_state;
    StaffAction action;
    if (s.screen == Screen::Closed) return action;
    // Staff text is English; what comes from the screening file (answer labels, the keyboard's
    // space bar) is in the staff language, not the interrupted patient's.
    Ui ui{patient_ui.theme, patient_ui.metrics, patient_ui.fonts, patient_ui.tappables, patient_ui.screening,
          staff::StaffLanguage(patient_ui.screening), patient_ui.today};
    // A finger anywhere is activity for the auto-lock, even one scrolling a list.
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) || ImGui::IsMouseDown(ImGuiMouseButton_Left)) s.last_touch = context.clock->Monotonic();

    const bool to_top = s.to_top;
    s.to_top = false;
    const staff::SessionSummary summary = staff::SummariseSession(context.session);
    Intent intent;
    BeginScreen(ui, "staff");
    switch (s.screen) {
        case Screen::Closed: break;
        case Screen::Pin:
        case Screen::ChoosePin:
            intent = staff::DrawPin(ui, s.screen == Screen::ChoosePin, !context.fault.empty(), s.pin, to_top);
            break;
        case Screen::Fault: intent = staff::DrawFault(ui, context.fault, context.store_problem, s.signed_in, to_top); break;
        case Screen::Menu:
            s.menu.session = summary;
            s.menu.notice = s.notice;
            intent = staff::DrawMenu(ui, s.menu, to_top);
            break;
        case Screen::Session: {
            // Read live, only while staff asked for them; never kept in staff state.
            std::vector<std::pair<std::string, std::string>> answers;
            if (s.session.show_answers && context.session) answers = staff::SessionAnswers(ui, *context.session);
            intent = staff::DrawSession(ui, summary, answers, s.session, to_top);
            break;
        }
        case Screen::ConfirmReset: intent = staff::DrawConfirmReset(ui, summary, to_top); break;
        case Screen::ConfirmQuit: intent = staff::DrawConfirmQuit(ui, to_top); break;
        case Screen::Queue: intent = staff::DrawQueue(ui, s.results, s.queue, s.queue_problem, to_top); break;
        case Screen::Result: {
            std::string_view disclaimer = ui.screening ? ui.L("text:staff_disclaimer") : std::string_view();
            intent = staff::DrawResult(ui, s.result, disclaimer, s.result_notice, to_top);
            break;
        }
        case Screen::Alerts: intent = staff::DrawAlerts(ui, s.alerts, s.alerts_notice, to_top); break;
        case Screen::Name: intent = staff::DrawName(ui, s.name_ui, to_top); break;
        case Screen::Export: intent = staff::DrawExport(ui, context.export_folder, s.export_ui, to_top); break;
        case Screen::Settings: intent = staff::DrawSettings(ui, context.screening, s.settings, to_top); break;
    }
    EndScreen();

    using Kind = Intent::Kind;
    switch (intent.kind) {
        case Kind::None: break;
        case Kind::Open: s.Open(intent.screen, ui, context); break;
        case Kind::Back: s.Back(ui, context); break;
        case Kind::Lock:
            if (s.signed_in && context.store) context.store->Audit(s.Actor(), "lock", "");
            s = State{};
            break;
        case Kind::EnterPin: s.CheckPin(ui, context); break;
        case Kind::ShowAnswers:
            if (!s.signed_in || !context.session || !summary.can_show_answers) break;
            // Who looked and where the patient was; never the answers themselves. No row, no answers.
            s.session.message =
                context.store ? AuditRead(context, s.Actor(), "show answers", "interrupted session: " + summary.where, "The answers are")
                              : "The answers are not shown: without the database their viewing cannot be recorded.";
            s.session.show_answers = s.session.message.empty();
            break;
        case Kind::HideAnswers: s.session.show_answers = false; break;
        case Kind::ResetSession:
            if (!s.signed_in || !context.session || !summary.active) break;
            if (context.store) {
                context.store->Audit(s.Actor(), "staff reset", summary.where);
                context.store->Audit(s.Actor(), "lock", "after a reset");
            }
            action.reset_session = true;
            // Locked at once: the next patient walks up to the welcome screen, not a staff screen.
            s = State{};
            break;
        case Kind::Quit:
            if (!s.signed_in) break;
            if (context.store) context.store->Audit(s.Actor(), "quit", "the kiosk was closed from staff mode");
            action.quit = true;
            break;
        case Kind::Filter:
            s.queue.all = intent.value == 1;
            s.to_top = true;
            break;
        case Kind::OpenResult:
            s.result_notice.clear();
            if (s.OpenResult(ui, context, intent.id)) s.Go(Screen::Result);
            break;
        case Kind::Review: s.AskName(Kind::Review, intent.id, Screen::Result); break;
        case Kind::Acknowledge: s.AskName(Kind::Acknowledge, intent.id, Screen::Alerts); break;
        case Kind::NameEntered: s.NameEntered(ui, context); break;
        case Kind::Export: s.Export(static_cast<store::ExportFormat>(intent.value), context); break;
        case Kind::SaveSettings: action.settings_changed = s.SaveSettings(context); break;
    }
    return action;
}

}  // namespace kiosk::ui
