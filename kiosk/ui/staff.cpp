// Staff mode: reads from the store what each staff screen shows and acts on what the screens ask
// (reset, review, acknowledge, export, settings, lock, quit), as the signed-in account. Reads of
// patient data (the queue, a result, the alerts, the interrupted session's answers) go through
// Store::Authorize first and are shown only when it succeeded: the role may, and the audit row was
// written. Reset and quit are authorized too: a refusal stops them, but other database errors do
// not, as they take patient data off the screen; lock always goes ahead. Sign-in, break-glass and
// staff accounts are in ui/staff_sign_in.cpp; the screens themselves are in ui/staff/, one file
// each, and never touch the store.
#include "ui/staff.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "store/export/encrypted_file.h"
#include "store/export/removable.h"
#include "store/export_job.h"
#include "store/saved_settings.h"
#include "ui/staff/staff_screens.h"
#include "ui/staff_state.h"

namespace kiosk::ui {

using staff::Intent;
using staff::Screen;
using namespace staff_detail;

namespace staff {

const char* ScreenName(Screen screen) {
    switch (screen) {
        case Screen::Closed: return "closed";
        case Screen::NotSetUp: return "staff:not_set_up";
        case Screen::SignIn: return "staff:sign_in";
        case Screen::Pin: return "staff:pin";
        case Screen::NewCode: return "staff:new_code";
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
        case Screen::Staff: return "staff:accounts";
        case Screen::ConfirmDisable: return "staff:confirm_disable";
        case Screen::NewRole: return "staff:new_role";
    }
    return "staff";
}

}  // namespace staff

namespace staff_detail {

int64_t UnixSeconds(const Clock& clock) {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

std::string Sentence(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
    if (!text.empty() && text.back() != '.') text += '.';
    return text;
}

std::string Trimmed(const std::string& text) {
    size_t first = text.find_first_not_of(' '), last = text.find_last_not_of(' ');
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

std::string Plural(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

std::string Plain(const store::DbError& error) {
    switch (error.kind) {
        case store::DbErrorKind::Refused:
        case store::DbErrorKind::Constraint:
        case store::DbErrorKind::Other: return Sentence(error.message);
        default: return error.Describe();
    }
}

}  // namespace staff_detail

namespace {

// Reviewed results are listed newest first up to this many; older ones are in the exports.
constexpr size_t kReviewedShown = 100;

std::optional<int64_t> ParseInt(const std::string& text) {
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// results-20260615-093000.csv (local time), .csv.kxp when encrypted, with -2, -3... if that name is taken.
std::string ExportPath(const std::string& folder, SystemTime now, store::ExportFormat format, bool encrypted) {
    const std::string extension = std::string(store::ExportExtension(format)) + (encrypted ? std::string(store::kEncryptedExtension) : "");
    std::filesystem::path base = std::filesystem::path(folder) / ("results-" + FormatLocalTime(now, "%Y%m%d-%H%M%S"));
    std::string path = base.string() + extension;
    std::error_code ignored;
    for (int n = 2; std::filesystem::exists(path, ignored) && n < 100; ++n) path = base.string() + "-" + std::to_string(n) + extension;
    return path;
}

// Authorizes a read of patient data (its audit row); the reason it was refused or failed, for
// staff, or empty when the read may go ahead.
std::string AuthorizeRead(const StaffContext& c, const std::string& actor, store::Permission permission, const char* action,
                          const std::string& detail, const char* what) {
    store::Result<bool> done = c.store->Authorize(actor, permission, action, detail);
    if (done.ok()) return {};
    if (done.error->kind == store::DbErrorKind::Refused) return std::string(what) + " not shown: " + Plain(*done.error);
    return std::string(what) + " not shown: the audit log cannot be written (" + done.error->Describe() + ").";
}

}  // namespace

void StaffMode::State::LoadMenu(const StaffContext& c) {
    menu = staff::MenuView{};
    menu.has_store = c.store != nullptr;
    menu.has_screening = c.screening != nullptr;
    menu.signed_in = signed_in;
    menu.role = account.role;
    menu.who = account.name + ", " + store::RoleLabel(account.role);
    menu.kiosk_id = c.kiosk_id;
    menu.fault = c.fault;
    menu.store_problem = c.store_problem;
    if (c.clinic_server_status) menu.clinic_server = "Clinic server: " + c.clinic_server_status();
    if (!c.store) return;
    // Counts only, no patient data: not audited reads.
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
void StaffMode::State::LoadQueue(Ui& ui, const StaffContext& c) {
    rows.clear();
    results.clear();
    queue_problem.clear();
    if (!c.store) return;
    queue_problem = AuthorizeRead(c, Actor(), store::Permission::SeeQueue, "view queue",
                                  queue.all ? "all results" : "results to review", "The results are");
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

// The result with its answers, once the read is authorized and in the audit log; else the queue says why.
bool StaffMode::State::OpenResult(Ui& ui, const StaffContext& c, const std::string& id) {
    for (const store::StoredSubmission& row : rows) {
        if (row.id != id) continue;
        if (!c.store) return false;
        queue_problem = AuthorizeRead(c, Actor(), store::Permission::OpenResult, "open result", id, "The result is");
        if (!queue_problem.empty()) return false;
        result = staff::ReadResult(ui, row, true);
        return true;
    }
    return false;
}

void StaffMode::State::LoadAlerts(const StaffContext& c) {
    alerts.clear();
    if (!c.store) return;
    alerts_notice = AuthorizeRead(c, Actor(), store::Permission::SeeAlerts, "view alerts", "", "Urgent alerts are");
    if (!alerts_notice.empty()) return;
    auto read = c.store->OpenAlerts();
    if (!read.ok()) {
        alerts_notice = "Urgent alerts cannot be read: " + read.error->Describe();
        return;
    }
    for (const store::Alert& alert : *read.value) alerts.push_back(staff::ReadAlert(c.screening, alert));
}

void StaffMode::State::LoadSettings(const StaffContext& c) {
    settings = staff::SettingsUi{};
    settings.values = c.store ? ReadSavedSettings(*c.store, c.screening, c.settings, &settings.message) : c.settings;
    settings.failed = !settings.message.empty();
    // One language is always selected: the one in force, else the screening's first.
    std::string& language = settings.values.default_language;
    if (c.screening && !c.screening->languages.empty() && c.screening->FindLanguage(language) < 0)
        language = c.screening->languages[0];
}

// Opens `to` when the signed-in role may and what it needs is there. Before sign-in only the
// fault; while a spent recovery code waits to be replaced, nothing but that.
void StaffMode::State::Open(Screen to, Ui& ui, const StaffContext& c) {
    if (!signed_in && to != Screen::Fault) return;
    if (code_pending) return;
    using P = store::Permission;
    switch (to) {
        case Screen::Menu: LoadMenu(c); break;
        case Screen::Queue:
            if (!c.store || !May(P::SeeQueue)) return;
            LoadQueue(ui, c);
            break;
        case Screen::Alerts:
            if (!c.store || !May(P::SeeAlerts)) return;
            alerts_notice.clear();
            LoadAlerts(c);
            break;
        case Screen::Session:
            if (!c.session) return;
            session = staff::SessionUi{};
            break;
        case Screen::ConfirmReset:
            if (!c.session || !May(P::ResetSession)) return;
            session = staff::SessionUi{};
            break;
        case Screen::Export:
            if (!c.store || !c.screening || !May(P::Export)) return;
            export_ui.result.clear();
            export_ui.failed = false;
            export_ui.may_plain = account.role == store::Role::Admin;
            export_ui.plain = export_ui.plain && export_ui.may_plain;
            // Room for the longest passphrase the keyboard types, so typing never reallocates and
            // leaves a copy behind that ForgetPassphrases cannot wipe.
            export_ui.passphrase.reserve(staff::kMaxPassphraseTyped * 2 + 1);
            export_ui.again.reserve(staff::kMaxPassphraseTyped * 2 + 1);
            CheckExportFolder(c);
            break;
        case Screen::Settings:
            if (!c.store || !c.screening || !May(P::Settings)) return;
            LoadSettings(c);
            break;
        case Screen::Staff:
            if (!c.store || !May(P::ManageStaff)) return;
            staff = staff::StaffUi{};
            LoadStaff(c);
            break;
        case Screen::ConfirmQuit:
            if (!May(P::CloseKiosk)) return;
            break;
        default: break;
    }
    if (screen == Screen::Export && to != Screen::Export) ForgetPassphrases();
    notice.clear();
    Go(to);
}

void StaffMode::State::ForgetPassphrases() {
    store::WipeSecret(export_ui.passphrase);
    store::WipeSecret(export_ui.again);
    export_ui.field = 0;
}

void StaffMode::State::CheckExportFolder(const StaffContext& c) {
    export_ui.folder_problem.clear();
    if (c.export_requires_removable && !c.export_folder.empty())
        export_ui.folder_problem = store::ExportFolderProblem(c.export_folder).value_or("");
}

void StaffMode::State::Back(Ui& ui, const StaffContext& c) {
    switch (screen) {
        case Screen::Result: Open(Screen::Queue, ui, c); break;
        case Screen::Name: Go(name_ui.back_to); break;
        case Screen::ConfirmReset: Open(Screen::Session, ui, c); break;
        case Screen::ConfirmDisable:
        case Screen::NewRole: Go(Screen::Staff); break;
        case Screen::Pin:
            if (pin.purpose == staff::PinPurpose::Recovery) {
                pin.purpose = staff::PinPurpose::SignIn;
                pin.digits.clear();
                pin.message.clear();
                Go(Screen::Pin);
            } else {
                Go(Screen::Staff);  // a new PIN for an account, or a new account's: back to the accounts
            }
            break;
        default: Open(Screen::Menu, ui, c); break;
    }
}

void StaffMode::State::Review(Ui& ui, const StaffContext& c, const std::string& id) {
    if (!c.store || !May(store::Permission::MarkReviewed)) return;
    store::Result<bool> done = c.store->MarkReviewed(id, Actor());
    if (!done.ok()) {
        result_notice = "Not saved: " + Plain(*done.error);
        return;
    }
    result_notice = *done.value ? "Marked reviewed by " + account.name + "." : "This result was already reviewed.";
    LoadQueue(ui, c);
    Go(OpenResult(ui, c, id) ? Screen::Result : Screen::Queue);
}

void StaffMode::State::Acknowledge(const StaffContext& c, const std::string& id_text) {
    if (!c.store || !May(store::Permission::AcknowledgeAlert)) return;
    constexpr std::string_view kKept = "kept:";
    const bool kept = id_text.compare(0, kKept.size(), kKept) == 0;
    std::optional<int64_t> id = kept ? std::optional<int64_t>(0) : ParseInt(id_text);
    if (!id) return;
    store::Result<bool> done =
        kept ? c.store->AcknowledgeKeptAlert(id_text.substr(kKept.size()), Actor()) : c.store->AcknowledgeAlert(*id, Actor());
    if (!done.ok()) {
        alerts_notice = "Not saved: " + Plain(*done.error);
        return;
    }
    LoadAlerts(c);
    if (alerts_notice.empty())
        alerts_notice = *done.value ? "Alert acknowledged by " + account.name + "." : "This alert was already acknowledged.";
}

void StaffMode::State::Export(store::ExportFormat format, const StaffContext& c) {
    if (!c.store || !c.screening || c.export_folder.empty() || !May(store::Permission::Export)) return;
    const bool plain = export_ui.plain && export_ui.may_plain;
    export_ui.failed = true;
    if (!plain) {
        if (auto problem = store::PassphraseProblem(export_ui.passphrase)) {
            export_ui.result = "Nothing was exported. " + Sentence(*problem);
            return;
        }
        if (export_ui.passphrase != export_ui.again) {
            export_ui.result = "Nothing was exported. The two passphrases differ: type the same one twice.";
            return;
        }
    }
    // Asked again at every export: the stick may have been pulled out since the screen opened.
    CheckExportFolder(c);
    if (!export_ui.folder_problem.empty()) {
        export_ui.result = "Nothing was exported. " + Sentence(export_ui.folder_problem);
        return;
    }
    int language = c.settings.default_language.empty() ? 0 : std::max(0, c.screening->FindLanguage(c.settings.default_language));
    store::ExportRequest request{
        .format = format,
        .path = ExportPath(c.export_folder, c.clock->Now(), format, !plain),
        .status = export_ui.pending_only ? std::optional(store::SubmissionStatus::Pending) : std::nullopt,
        .since = "",
        .mark_exported = export_ui.mark_exported,
        .language = language,
        .actor = Actor(),
        .passphrase = plain ? std::string() : export_ui.passphrase,
        .require_removable = c.export_requires_removable,
    };
    store::Result<store::ExportSummary> done = store::ExportResults(*c.store, *c.screening, request);
    store::WipeSecret(request.passphrase);
    export_ui.failed = !done.ok();
    if (!done.ok()) {
        export_ui.result = "Nothing was exported. " + done.error->Describe();
        return;
    }
    export_ui.result = "Exported " + Plural(done.value->count, "result", "results") + " to " + done.value->path +
                       (done.value->encrypted ? ", encrypted: it opens only with the passphrase (kiosk decrypt-export)"
                                              : ", PLAIN: not encrypted, anyone with the stick can read it") +
                       (export_ui.mark_exported ? " (marked exported)." : ".");
    notice = export_ui.result;
}

bool StaffMode::State::SaveSettings(const StaffContext& c) {
    if (!c.store || !c.screening || c.screening->languages.empty() || !May(store::Permission::Settings)) return false;
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

StaffMode::StaffMode() : m_state(std::make_unique<State>()) {}
StaffMode::~StaffMode() = default;

bool StaffMode::IsOpen() const { return m_state->screen != Screen::Closed; }
bool StaffMode::Authenticated() const { return IsOpen() && m_state->signed_in; }
bool StaffMode::May(store::Permission permission) const { return IsOpen() && m_state->May(permission); }
std::string StaffMode::CurrentScreen() const { return staff::ScreenName(m_state->screen); }

void StaffMode::Enter(const StaffContext& context) {
    State& s = *m_state;
    s = State{};
    s.last_touch = context.clock->Monotonic();
    if (!context.store) {
        // No database, no account to check: only the fault, which holds no patient data (see Authenticated()).
        s.Go(Screen::Fault);
        return;
    }
    if (context.not_set_up) {
        // No administrator: nobody to sign in, and nothing is chosen on the glass.
        s.Go(Screen::NotSetUp);
        return;
    }
    s.LoadSignIn(context);
    s.Go(Screen::SignIn);
}

void StaffMode::Tick(const StaffContext& context) {
    State& s = *m_state;
    if (!IsOpen() || context.clock->Monotonic() - s.last_touch < kAutoLock) return;
    if (s.signed_in && context.store) context.store->Audit(s.Actor(), "auto-lock", "a minute without a touch");
    s.ForgetPassphrases();
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
    const bool out_of_order = !context.fault.empty();
    const staff::SessionSummary summary = staff::SummariseSession(context.session);
    Intent intent;
    BeginScreen(ui, "staff");
    // Above every screen, the sign-in and PIN pads too: patients wait to be seen. Which red flag
    // fired only on a signed-in screen with reading unlocked, like the alerts in the database.
    const bool reasons = s.signed_in && context.store && context.store->CanRead() && s.screen != Screen::SignIn &&
                         s.screen != Screen::Pin && s.screen != Screen::NotSetUp;
    const std::string banner = staff::KeptAlertsBanner(context.screening, context.kept_alerts, context.kept_alerts_problem, reasons);
    if (!banner.empty()) {
        staff::UrgentPanel(ui, banner, ImGui::GetContentRegionAvail().x);
        ImGui::Dummy(ImVec2(0, ui.metrics.gap * 0.5f));
    }
    switch (s.screen) {
        case Screen::Closed: break;
        case Screen::NotSetUp: intent = staff::DrawNotSetUp(ui, context.fault, to_top); break;
        case Screen::SignIn: intent = staff::DrawSignIn(ui, s.sign_in, out_of_order, to_top); break;
        case Screen::Pin: intent = staff::DrawPin(ui, out_of_order && !s.signed_in, s.pin, to_top); break;
        case Screen::NewCode: intent = staff::DrawNewCode(ui, s.new_code, to_top); break;
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
            intent = staff::DrawSession(ui, summary, answers, s.session, s.May(store::Permission::ShowAnswers), to_top);
            break;
        }
        case Screen::ConfirmReset: intent = staff::DrawConfirmReset(ui, summary, to_top); break;
        case Screen::ConfirmQuit: intent = staff::DrawConfirmQuit(ui, to_top); break;
        case Screen::Queue:
            intent = staff::DrawQueue(ui, s.results, s.queue, s.queue_problem, s.May(store::Permission::OpenResult), to_top);
            break;
        case Screen::Result: {
            std::string_view disclaimer = ui.screening ? ui.L("text:staff_disclaimer") : std::string_view();
            intent = staff::DrawResult(ui, s.result, disclaimer, s.result_notice, to_top);
            break;
        }
        case Screen::Alerts: intent = staff::DrawAlerts(ui, s.alerts, s.alerts_notice, to_top); break;
        case Screen::Name: intent = staff::DrawName(ui, s.name_ui, to_top); break;
        case Screen::Export: intent = staff::DrawExport(ui, context.export_folder, s.export_ui, to_top); break;
        case Screen::Settings: intent = staff::DrawSettings(ui, context.screening, s.settings, to_top); break;
        case Screen::Staff: intent = staff::DrawStaff(ui, s.staff, to_top); break;
        case Screen::ConfirmDisable: intent = staff::DrawConfirmDisable(ui, s.staff, to_top); break;
        case Screen::NewRole: intent = staff::DrawNewRole(ui, s.staff, to_top); break;
    }
    EndScreen();

    using Kind = Intent::Kind;
    using P = store::Permission;
    switch (intent.kind) {
        case Kind::None: break;
        case Kind::Open: s.Open(intent.screen, ui, context); break;
        case Kind::Back: s.Back(ui, context); break;
        case Kind::Lock:
            if (s.signed_in && context.store) context.store->Audit(s.Actor(), "lock", "");
            s.ForgetPassphrases();
            s = State{};
            break;
        case Kind::ChooseAccount: s.ChooseAccount(intent.id); break;
        case Kind::TypeName: s.AskName(staff::NamePurpose::SignIn, Screen::SignIn); break;
        case Kind::NotYou:
            s.LoadSignIn(context);
            s.pin = staff::PinUi{};
            s.Go(Screen::SignIn);
            break;
        case Kind::UseRecovery:
            s.pin.purpose = staff::PinPurpose::Recovery;
            s.pin.digits.clear();
            s.pin.message.clear();
            s.Go(Screen::Pin);
            break;
        case Kind::EnterPin: s.EnterPin(ui, context); break;
        case Kind::CodeDone: s.CodeDone(ui, context); break;
        case Kind::CodeRetry: s.MakeNewCode(context); break;
        case Kind::ShowAnswers:
            if (!s.May(P::ShowAnswers) || !context.session || !summary.can_show_answers) break;
            // Who looked and where the patient was; never the answers themselves. No row, no answers.
            s.session.message = context.store ? AuthorizeRead(context, s.Actor(), P::ShowAnswers, "show answers",
                                                              "interrupted session: " + summary.where, "The answers are")
                                              : "The answers are not shown: without the database their viewing cannot be recorded.";
            s.session.show_answers = s.session.message.empty();
            break;
        case Kind::HideAnswers: s.session.show_answers = false; break;
        case Kind::ResetSession: {
            if (!s.May(P::ResetSession) || !context.session || !summary.active) break;
            if (context.store) {
                store::Result<bool> allowed = context.store->Authorize(s.Actor(), P::ResetSession, "staff reset", summary.where);
                // Refused: the role may not. Any other failure: the reset takes patient data off the
                // screen, so it goes ahead unaudited.
                if (allowed.error && allowed.error->kind == store::DbErrorKind::Refused) {
                    s.session.message = "Not reset: " + Plain(*allowed.error);
                    s.Go(Screen::Session);
                    break;
                }
                context.store->Audit(s.Actor(), "lock", "after a reset");
            }
            action.reset_session = true;
            // Locked at once: the next patient walks up to the welcome screen, not a staff screen.
            s = State{};
            break;
        }
        case Kind::Quit: {
            if (!s.May(P::CloseKiosk)) break;
            if (context.store) {
                store::Result<bool> allowed =
                    context.store->Authorize(s.Actor(), P::CloseKiosk, "quit", "the kiosk was closed from staff mode");
                if (allowed.error && allowed.error->kind == store::DbErrorKind::Refused) {
                    s.notice = "Not closed: " + Plain(*allowed.error);
                    s.Open(Screen::Menu, ui, context);
                    break;
                }
            }
            action.quit = true;
            break;
        }
        case Kind::Filter:
            s.queue.all = intent.value == 1;
            s.to_top = true;
            break;
        case Kind::OpenResult:
            if (!s.May(P::OpenResult)) break;
            s.result_notice.clear();
            if (s.OpenResult(ui, context, intent.id)) s.Go(Screen::Result);
            break;
        case Kind::Review: s.Review(ui, context, intent.id); break;
        case Kind::Acknowledge: s.Acknowledge(context, intent.id); break;
        case Kind::NameEntered: s.NameEntered(ui, context); break;
        case Kind::Export: s.Export(static_cast<store::ExportFormat>(intent.value), context); break;
        case Kind::SaveSettings: action.settings_changed = s.SaveSettings(context); break;
        case Kind::AccountPin:
        case Kind::Unlock:
        case Kind::Disable:
        case Kind::ConfirmDisable:
        case Kind::AddAccount:
        case Kind::ChooseRole: s.StaffAction(intent, context); break;
    }
    return action;
}

}  // namespace kiosk::ui
