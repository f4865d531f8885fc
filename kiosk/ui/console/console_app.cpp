// The front-desk console: connection, sign-in, the board, alerts with their alarm and escalation,
// the kiosks' health, export, and locking when untouched. See console_app.h.
#include "ui/console/console_app.h"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "rules/loader.h"
#include "store/export.h"
#include "store/export_job.h"

extern char** environ;

namespace kiosk::ui {

using console::AlarmLevel;
using console::ConsoleIntent;
using console::Screen;

namespace {

// "3 min", "45 s", "2 h 5 min".
std::string Duration(int64_t seconds) {
    if (seconds < 0) seconds = 0;
    if (seconds < 60) return std::to_string(seconds) + " s";
    if (seconds < 3600) return std::to_string(seconds / 60) + " min";
    return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

// Seconds between two ISO 8601 UTC instants ("2026-12-02T10:42:05Z"); 0 when either does not parse.
int64_t SecondsBetween(const std::string& from, const std::string& to) {
    auto parse = [](const std::string& iso, int64_t& out) {
        int y, mo, d, h, mi, s;
        if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return false;
        out = static_cast<int64_t>(rules::DayNumber({y, mo, d})) * 86400 + h * 3600 + mi * 60 + s;
        return true;
    };
    int64_t a = 0, b = 0;
    if (!parse(from, a) || !parse(to, b)) return 0;
    return b - a;
}

std::string IsoDay(const rules::Date& date) {
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", date.year, date.month, date.day);
    return out;
}

}  // namespace

ConsoleApp::ConsoleApp(ConsoleOptions options)
    : m_options(std::move(options)), m_clock(m_options.clock ? m_options.clock : &m_system_clock) {
    rules::LoadResult loaded = rules::LoadScreeningFile(m_options.screening_path);
    if (loaded.screening && !loaded.diagnostics.HasErrors())
        m_screening = std::move(loaded.screening);
    else
        m_screening_problem = "The screening file " + m_options.screening_path +
                              " does not load: outcomes and reasons are shown by their codes.";
    m_state.sound_problem = m_options.sound_problem;
    m_state.export_folder = m_options.export_folder;
    m_metrics = Metrics::For(1280, 800, false);
    Connect();
}

ConsoleApp::~ConsoleApp() {
    if (m_options.alarm && m_alarm != AlarmLevel::Off) m_options.alarm(AlarmLevel::Off);
    ReapCommands();
}

void ConsoleApp::BuildFonts(ImFontAtlas& atlas, ImVec2 display_size) {
    m_metrics = Metrics::For(std::max(1.0f, display_size.x), std::max(1.0f, display_size.y), false);
    std::string problem = ui::BuildFonts(atlas, m_metrics, m_fonts);
    if (!problem.empty()) m_state.notice = problem;
    m_fonts.loaded = true;
}

bool ConsoleApp::PrepareFrame(ImVec2 display_size) {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = display_size;
    m_metrics = Metrics::For(std::max(1.0f, display_size.x), std::max(1.0f, display_size.y), false);
    m_theme.Apply(ImGui::GetStyle(), m_metrics);
    bool rebuild = !m_fonts.loaded || m_fonts.body_px != m_metrics.body_px || m_fonts.small_px != m_metrics.small_px;
    if (rebuild) BuildFonts(*io.Fonts, display_size);
    return rebuild;
}

std::string ConsoleApp::CurrentScreen() const { return console::ScreenName(m_screen); }

double ConsoleApp::SecondsUntilWake() const {
    // Notifications arrive on the server's socket, which the window does not watch: look often.
    return std::chrono::duration<double>(kPollEvery).count();
}

bool ConsoleApp::Allows(store::Permission permission) const {
    return !m_account.empty() && store::Allows(m_role, permission);
}

// --- The link to the server ----------------------------------------------------------------------

void ConsoleApp::Connect() {
    m_next_connect = Now() + kReconnectEvery;
    auto connected = server::ConsoleClient::Connect(m_options.conninfo);
    if (!connected.ok()) {
        m_link_problem = connected.error->Describe();
        return;
    }
    m_client = std::move(*connected.value);
    auto listening = m_client->Listen();
    if (!listening.ok()) {
        LinkLost(*listening.error);
        return;
    }
    m_link_problem.clear();
    m_state.site = m_client->Site();
    m_state.console = m_client->Name();
    auto accounts = m_client->Accounts();
    m_state.sign_in.accounts.clear();
    m_state.sign_in.problem.clear();
    if (accounts.ok()) {
        for (const server::ConsoleAccount& a : *accounts.value) {
            store::StaffAccount account;
            account.name = a.name;
            account.role = a.role;
            account.reads_results = a.reads_results;
            account.seconds_locked = a.seconds_locked;
            m_state.sign_in.accounts.push_back(account);
        }
        if (m_state.sign_in.accounts.empty())
            m_state.sign_in.problem = "No staff account exists for this site yet: an administrator adds them with "
                                      "kiosk clinic add-staff.";
    } else {
        m_state.sign_in.problem = "The accounts cannot be read: " + accounts.error->Describe();
    }
    if (m_screen == Screen::Offline) m_screen = m_account.empty() ? Screen::SignIn : Screen::Board;
    m_next_refresh = Now();  // read everything at once
}

void ConsoleApp::LinkLost(const server::ServerError& error) {
    m_client.reset();
    m_link_problem = error.Describe();
    m_next_connect = Now() + kReconnectEvery;
}

void ConsoleApp::Service() {
    const SteadyTime now = Now();
    if (!m_client) {
        if (now >= m_next_connect) Connect();
        if (!m_client) return;
    }
    bool alerted = false;
    for (int i = 0; i < 64; ++i) {  // everything that arrived since the last frame
        auto next = m_client->WaitForAlert(std::chrono::milliseconds(0));
        if (!next.ok()) {
            LinkLost(*next.error);
            return;
        }
        if (!*next.value) break;
        alerted = true;
    }
    if (alerted) {
        ReadAlerts();
        ReadBoard();
    }
    if (m_client && now >= m_next_refresh) {
        m_next_refresh = now + kRefreshEvery;
        ReadAlerts();
        ReadBoard();
        ReadKiosks();
    }
}

void ConsoleApp::ReadAlerts() {
    if (!m_client) return;
    auto alerts = m_client->OpenAlerts(m_keys);
    if (!alerts.ok()) {
        LinkLost(*alerts.error);
        return;
    }
    m_alerts = std::move(*alerts.value);
    const SteadyTime now = Now();
    std::map<std::string, SteadyTime> seen;
    for (const server::ServerAlert& a : m_alerts) {
        auto it = m_first_seen.find(a.alert_id);
        seen[a.alert_id] = it != m_first_seen.end() ? it->second : now;
        if (!a.escalated_at.empty()) m_escalated.insert(a.alert_id);
    }
    m_first_seen = std::move(seen);
}

void ConsoleApp::ReadBoard() {
    if (!m_client || m_account.empty()) return;
    const rules::Date day = rules::DateFromDayNumber(rules::DayNumber(LocalDate(m_clock->Now())) + m_state.board_ui.day_offset);
    m_state.day = IsoDay(day);
    server::BoardFilter filter;
    filter.day = m_state.day;
    filter.kiosk = m_state.board_ui.kiosk;
    if (!m_state.board_ui.all) filter.status = store::SubmissionStatus::Pending;
    auto board = m_client->Board(filter, m_keys);
    if (!board.ok()) {
        m_state.board_problem = "The results cannot be read: " + board.error->Describe();
        if (board.error->kind == server::ServerErrorKind::Unreachable) LinkLost(*board.error);
        return;
    }
    m_state.board_problem.clear();
    Ui ui{m_theme, m_metrics, m_fonts, m_tappables, m_screening.get(), staff::StaffLanguage(m_screening.get()), m_clock->Today()};
    auto now_iso = m_client->ServerNow();
    std::vector<console::BoardRow> rows;
    for (const server::BoardResult& b : *board.value) {
        console::BoardRow row;
        row.result = staff::ReadResult(ui, b.submission, false);
        // The outcome is in clear: an urgent outcome is urgent on the board even while sealed.
        if (m_screening && b.submission.record.outcome) {
            const int o = m_screening->FindOutcome(*b.submission.record.outcome);
            for (const rules::Rule& rule : m_screening->rules)
                if (o >= 0 && rule.level == o && rule.flow == rules::Flow::Interrupt) row.result.urgent = true;
        }
        row.kiosk = b.submission.record.kiosk_id;
        if (b.submission.status == store::SubmissionStatus::Reviewed)
            row.waiting = "reviewed by " + b.submission.reviewed_by + " at " + staff::LocalTime(b.submission.reviewed_at);
        else if (now_iso.ok())
            row.waiting = "waiting " + Duration(SecondsBetween(b.submission.record.submitted_at, *now_iso.value));
        rows.push_back(std::move(row));
    }
    // The urgent first, then the longest waiting (oldest) first; reviewed ones last.
    std::stable_sort(rows.begin(), rows.end(), [](const console::BoardRow& a, const console::BoardRow& b) {
        if (a.result.NeedsReview() != b.result.NeedsReview()) return a.result.NeedsReview();
        if (a.result.urgent != b.result.urgent) return a.result.urgent;
        return a.result.time < b.result.time;
    });
    m_state.board = std::move(rows);
}

void ConsoleApp::ReadKiosks() {
    if (!m_client) return;
    auto kiosks = m_client->Kiosks();
    if (!kiosks.ok()) {
        m_state.kiosks_problem = "The kiosks cannot be read: " + kiosks.error->Describe();
        return;
    }
    m_state.kiosks_problem.clear();
    m_state.kiosks.clear();
    m_state.kiosk_ids.clear();
    for (const server::KioskHealth& k : *kiosks.value) {
        console::KioskRow row;
        row.kiosk = k.kiosk_id;
        m_state.kiosk_ids.push_back(k.kiosk_id);
        // Three missed heartbeats (30 s each by default) and a kiosk is offline.
        constexpr int64_t kOfflineAfter = 100;
        if (!k.ever_seen) {
            row.state = "never connected";
        } else if (k.seconds_since_seen <= kOfflineAfter) {
            row.online = true;
            row.state = "online, seen " + Duration(k.seconds_since_seen) + " ago";
        } else {
            row.state = "OFFLINE since " + staff::LocalTime(k.last_seen) + " (" + Duration(k.seconds_since_seen) + ")";
        }
        row.queue = std::to_string(k.rows_waiting) + " waiting";
        if (k.oldest_waiting_seconds && k.rows_waiting > 0) row.queue += ", oldest " + Duration(*k.oldest_waiting_seconds);
        row.screening = k.screening_id.empty() ? "unknown" : k.screening_id + " " + k.screening_version;
        row.older_screening = m_screening && !k.screening_hash.empty() && k.screening_hash != m_screening->content_hash;
        row.out_of_order = k.out_of_order;
        m_state.kiosks.push_back(std::move(row));
    }
}

// --- Alerts: alarm and escalation ------------------------------------------------------------------

void ConsoleApp::Escalate() {
    if (!m_client) return;
    const SteadyTime now = Now();
    for (const server::ServerAlert& a : m_alerts) {
        if (m_escalated.count(a.alert_id)) continue;
        auto seen = m_first_seen.find(a.alert_id);
        if (seen == m_first_seen.end() || now - seen->second < m_options.escalate_after) continue;
        m_escalated.insert(a.alert_id);  // louder at once, whatever the server says next
        std::string detail = "unacknowledged for " + Duration(m_options.escalate_after.count()) + "; " +
                             (m_options.escalation_command.empty() ? std::string("no escalation command is configured")
                                                                   : "runs: " + m_options.escalation_command);
        // The audit first: an escalation the server did not record runs no command (another console
        // may have escalated it already, and a pager must not ring twice).
        auto marked = m_client->MarkEscalated(a.alert_id, detail);
        if (!marked.ok()) {
            m_state.notice = "The escalation of an alert could not be recorded: " + marked.error->Describe();
            m_state.notice_failed = true;
            continue;
        }
        if (!*marked.value || m_options.escalation_command.empty()) continue;
        std::string id = "ALERT_ID=" + a.alert_id, kiosk = "ALERT_KIOSK=" + a.kiosk_id, site = "ALERT_SITE=" + m_client->Site();
        std::vector<char*> env;
        for (char** e = environ; *e; ++e) env.push_back(*e);
        env.push_back(id.data());
        env.push_back(kiosk.data());
        env.push_back(site.data());
        env.push_back(nullptr);
        const char* argv[] = {"/bin/sh", "-c", m_options.escalation_command.c_str(), nullptr};
        pid_t pid = 0;
        if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), env.data()) == 0) {
            m_commands.push_back(pid);
        } else {
            m_client->Audit("console", "escalation_command", "could not start: " + m_options.escalation_command);
        }
    }
}

void ConsoleApp::ReapCommands() {
    for (auto it = m_commands.begin(); it != m_commands.end();) {
        int status = 0;
        pid_t done = waitpid(*it, &status, WNOHANG);
        if (done == 0) {
            ++it;
            continue;
        }
        if (done > 0 && m_client) {
            std::string how = WIFEXITED(status) ? "exited " + std::to_string(WEXITSTATUS(status))
                                                : "ended by signal " + std::to_string(WTERMSIG(status));
            m_client->Audit("console", "escalation_command", m_options.escalation_command + ": " + how);
        }
        it = m_commands.erase(it);
    }
}

void ConsoleApp::SetAlarm() {
    AlarmLevel level = AlarmLevel::Off;
    for (const server::ServerAlert& a : m_alerts)
        level = std::max(level, m_escalated.count(a.alert_id) ? AlarmLevel::Loud : AlarmLevel::Ring);
    if (level == m_alarm) return;
    m_alarm = level;
    if (m_options.alarm) m_options.alarm(level);
}

// --- People ------------------------------------------------------------------------------------

void ConsoleApp::NoteInput() {
    const ImGuiIO& io = ImGui::GetIO();
    bool input = io.MouseDown[0] || io.MouseDown[1] || io.MouseWheel != 0 || io.InputQueueCharacters.Size > 0 ||
                 (io.MouseDelta.x != 0 && io.MouseDelta.x > -1e6f) || (io.MouseDelta.y != 0 && io.MouseDelta.y > -1e6f);
    if (input) m_last_input = Now();
}

void ConsoleApp::Lock(const std::string& why) {
    if (!m_account.empty() && m_client) m_client->Audit(Actor(), "lock", why);
    m_account.clear();
    m_keys.clear();  // the clinic keys' guarded memory is zeroed as they are freed
    m_role = store::Role::FrontDesk;
    const std::string site = m_state.site, console = m_state.console;
    staff::SignInView sign_in = m_state.sign_in;
    // Nothing read while signed in survives the lock.
    m_state = console::ConsoleState{};
    m_state.site = site;
    m_state.console = console;
    m_state.sign_in = std::move(sign_in);
    m_state.sound_problem = m_options.sound_problem;
    m_state.export_folder = m_options.export_folder;
    m_screen = m_client ? Screen::SignIn : Screen::Offline;
    m_to_top = true;
    ReadAlerts();  // the banner again without reasons
}

void ConsoleApp::SignIn(const std::string& pin) {
    m_state.pin.digits.clear();
    if (!m_client) {
        m_state.pin.message = "The clinic server is not reached: " + m_link_problem;
        return;
    }
    auto result = m_client->SignIn(m_state.pin.account, pin);
    if (!result.ok()) {
        m_state.pin.message = "Sign-in could not be checked: " + result.error->Describe();
        return;
    }
    server::ConsoleSignIn& s = *result.value;
    using O = server::ConsoleSignIn::Outcome;
    if (s.outcome == O::WrongPin) {
        m_state.pin.message = s.seconds_locked > 0 ? "Wrong PIN. The account is locked for " + Duration(s.seconds_locked) + "."
                                                   : "Wrong PIN. " + std::to_string(s.attempts_left) + " tries before a lockout.";
        return;
    }
    if (s.outcome == O::Locked) {
        m_state.pin.message = "This account is locked for " + Duration(s.seconds_locked) + " after wrong PINs.";
        return;
    }
    if (s.outcome == O::Unknown) {
        m_state.pin.message = "No such account on this site.";
        return;
    }
    m_account = s.name;
    m_role = s.role;
    m_keys = std::move(s.keys);
    m_last_input = Now();
    m_state.pin = staff::PinUi{};
    m_state.who = m_account + ", " + store::RoleLabel(m_role);
    m_state.may_open = Allows(store::Permission::OpenResult);
    m_state.may_review = Allows(store::Permission::MarkReviewed);
    m_state.may_export = Allows(store::Permission::Export);
    m_state.may_acknowledge = Allows(store::Permission::AcknowledgeAlert);
    if (!m_state.may_open)
        m_state.notice = "Outcomes only: a clinician or administrator opens results.";
    else if (m_keys.empty())
        m_state.notice = "This account holds no clinic key yet: reasons and answers stay sealed (kiosk clinic grant-key).";
    m_screen = Screen::Board;
    m_to_top = true;
    ReadAlerts();
    ReadBoard();
    ReadKiosks();
}

void ConsoleApp::Export(int format_value) {
    auto format = static_cast<store::ExportFormat>(format_value);
    m_state.export_failed = true;
    if (!Allows(store::Permission::Export) || !m_client || m_keys.empty() || !m_screening) {
        m_state.export_result = !m_screening ? m_screening_problem
                                             : "This account cannot export: it must be an administrator's holding the clinic key.";
        return;
    }
    // The board's day, local midnight to midnight, as UTC bounds.
    rules::Date day = rules::DateFromDayNumber(rules::DayNumber(LocalDate(m_clock->Now())) + m_state.board_ui.day_offset);
    std::tm local{};
    local.tm_year = day.year - 1900;
    local.tm_mon = day.month - 1;
    local.tm_mday = day.day;
    local.tm_isdst = -1;
    std::time_t start = std::mktime(&local);
    local = std::tm{};
    local.tm_year = day.year - 1900;
    local.tm_mon = day.month - 1;
    local.tm_mday = day.day + 1;
    local.tm_isdst = -1;
    std::time_t end = std::mktime(&local);
    auto iso = [](std::time_t t) {
        std::tm utc{};
        gmtime_r(&t, &utc);
        char out[32];
        std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &utc);
        return std::string(out);
    };
    auto results = m_client->ResultsBetween(iso(start), iso(end), m_keys);
    if (!results.ok()) {
        m_state.export_result = "The results cannot be read: " + results.error->Describe();
        return;
    }
    const std::vector<store::StoredSubmission>& rows = *results.value;
    int64_t sealed = 0;
    for (const store::StoredSubmission& r : rows) sealed += r.sealed ? 1 : 0;
    if (sealed > 0) {
        m_state.export_result = std::to_string(sealed) + " of the day's results do not open with this account's keys: nothing was "
                                "exported (grant the account every kiosk's key with kiosk clinic grant-key).";
        return;
    }
    std::string content;
    const int language = staff::StaffLanguage(m_screening.get());
    switch (format) {
        case store::ExportFormat::Csv: content = store::ExportCsv(*m_screening, rows, language); break;
        case store::ExportFormat::Jsonl: content = store::ExportJsonl(rows); break;
        case store::ExportFormat::Fhir: content = store::ExportFhirBundleText(*m_screening, rows); break;
    }
    std::string path = m_options.export_folder + "/results-" + m_state.site + "-" + IsoDay(day) + store::ExportExtension(format);
    // The audit first: no audit, no export.
    auto audited = m_client->Audit(Actor(), "export", std::to_string(rows.size()) + " results of " + IsoDay(day) + " to " + path);
    if (!audited.ok()) {
        m_state.export_result = "Nothing was exported: the audit log could not be written (" + audited.error->Describe() + ").";
        return;
    }
    const mode_t old_mask = ::umask(077);  // the file holds patients' answers: this account's only
    auto problem = store::WriteFileAtomically(path, content);
    ::umask(old_mask);
    store::WipeSecret(content);
    if (problem) {
        m_state.export_result = "The file could not be written: " + *problem;
        m_client->Audit(Actor(), "export_failed", *problem);
        return;
    }
    m_state.export_failed = false;
    m_state.export_result = std::to_string(rows.size()) + (rows.size() == 1 ? " result" : " results") + " exported to " + path + ".";
}

// --- Intents -------------------------------------------------------------------------------------

void ConsoleApp::Apply(const ConsoleIntent& intent) {
    using K = ConsoleIntent::Kind;
    if (intent.kind == K::None) return;
    m_state.notice.clear();
    m_state.notice_failed = false;
    auto fail = [this](const std::string& what, const server::ServerError& error) {
        m_state.notice = what + ": " + error.Describe();
        m_state.notice_failed = true;
    };
    switch (intent.kind) {
        case K::None: break;
        case K::Retry: Connect(); break;
        case K::Lock:
            if (m_screen == Screen::Offline) {
                m_quit = true;
                break;
            }
            if (m_screen == Screen::Pin) {
                m_state.pin = staff::PinUi{};
                m_screen = Screen::SignIn;
                break;
            }
            Lock("by hand");
            break;
        case K::ChooseAccount:
            m_state.pin = staff::PinUi{};
            m_state.pin.account = intent.id;
            m_screen = Screen::Pin;
            break;
        case K::NotYou:
            m_state.pin = staff::PinUi{};
            m_screen = Screen::SignIn;
            break;
        case K::EnterPin: {
            std::string pin = m_state.pin.digits;
            SignIn(pin);
            store::WipeSecret(pin);
            break;
        }
        case K::SignInFirst:
            if (m_account.empty() && m_client) m_screen = Screen::SignIn;
            break;
        case K::Acknowledge: {
            if (!Allows(store::Permission::AcknowledgeAlert) || !m_client) break;
            auto done = m_client->Acknowledge(intent.id, Actor());
            if (!done.ok()) {
                fail("The alert was not acknowledged", *done.error);
                break;
            }
            m_state.notice = *done.value ? "Alert acknowledged by " + m_account + "." : "That alert was already acknowledged.";
            ReadAlerts();
            break;
        }
        case K::Open:
            m_screen = intent.screen;
            m_to_top = true;
            if (m_screen == Screen::Kiosks) ReadKiosks();
            if (m_screen == Screen::Audit && m_client) {
                auto log = m_client->AuditLog(200);
                m_state.audit_problem = log.ok() ? "" : "The audit log cannot be read: " + log.error->Describe();
                if (log.ok()) m_state.audit = std::move(*log.value);
            }
            if (m_screen == Screen::Export) m_state.export_result.clear();
            break;
        case K::Back:
            m_screen = Screen::Board;
            m_to_top = true;
            ReadBoard();
            break;
        case K::OpenResult: {
            if (!Allows(store::Permission::OpenResult) || !m_client) break;
            // The result as the board read it, with its answers this time.
            server::BoardFilter filter;
            filter.day = m_state.day;
            auto board = m_client->Board(filter, m_keys);
            if (!board.ok()) {
                fail("The result cannot be read", *board.error);
                break;
            }
            for (const server::BoardResult& b : *board.value) {
                if (b.submission.id != intent.id) continue;
                Ui ui{m_theme, m_metrics, m_fonts, m_tappables, m_screening.get(), staff::StaffLanguage(m_screening.get()),
                      m_clock->Today()};
                m_state.result = staff::ReadResult(ui, b.submission, true);
                m_state.result_kiosk = b.submission.record.kiosk_id;
                m_client->Audit(Actor(), "open_result", b.submission.id);
                m_screen = Screen::Result;
                m_to_top = true;
            }
            break;
        }
        case K::Review: {
            if (!Allows(store::Permission::MarkReviewed) || !m_client) break;
            auto done = m_client->MarkReviewed(intent.id, Actor());
            if (!done.ok()) {
                fail("The result was not marked reviewed", *done.error);
                break;
            }
            m_state.notice = *done.value ? "Marked reviewed by " + m_account + "." : "It was already reviewed.";
            m_state.result.status = store::SubmissionStatus::Reviewed;
            ReadBoard();
            break;
        }
        case K::Day:
            m_state.board_ui.day_offset = intent.value == 0 ? 0 : std::min(0, m_state.board_ui.day_offset + intent.value);
            ReadBoard();
            break;
        case K::Status:
            m_state.board_ui.all = intent.value == 1;
            ReadBoard();
            break;
        case K::Kiosk:
            m_state.board_ui.kiosk = intent.id;
            ReadBoard();
            break;
        case K::Export: Export(intent.value); break;
    }
}

void ConsoleApp::DrawFrame() {
    m_tappables.clear();
    NoteInput();
    Service();
    ReapCommands();
    Escalate();
    SetAlarm();
    if (!m_account.empty() && Now() - m_last_input >= m_options.lock_after) Lock("idle for " + Duration(m_options.lock_after.count()));
    if (!m_client && m_account.empty()) m_screen = Screen::Offline;

    // The banner's lines: kiosk, when, for how long; the red flag when a key opens it.
    m_state.banner.clear();
    m_state.link_problem = m_link_problem;
    m_state.may_acknowledge = Allows(store::Permission::AcknowledgeAlert);
    for (const server::ServerAlert& a : m_alerts) {
        console::BannerAlert b;
        b.id = a.alert_id;
        b.escalated = m_escalated.count(a.alert_id) > 0;
        auto seen = m_first_seen.find(a.alert_id);
        int64_t waited = seen == m_first_seen.end() ? 0 : std::chrono::duration_cast<std::chrono::seconds>(Now() - seen->second).count();
        b.text = "kiosk " + a.kiosk_id + ", a patient was asked to come to the desk at " + staff::LocalTime(a.raised_at) +
                 " (" + Duration(waited) + " ago).";
        if (!a.sealed && !a.rule_id.empty()) {
            store::Alert alert;
            alert.rule_id = a.rule_id;
            alert.reason = a.reason;
            const staff::AlertView view = staff::ReadAlert(m_screening.get(), alert);
            b.text += " Red flag: " + (view.reason.empty() ? view.rule : view.reason);
            if (!view.staff_text.empty()) b.text += " (" + view.staff_text + ")";
            b.text += ".";
        }
        m_state.banner.push_back(std::move(b));
    }

    Ui ui{m_theme, m_metrics, m_fonts, m_tappables, m_screening.get(), staff::StaffLanguage(m_screening.get()), m_clock->Today()};
    BeginScreen(ui, "console");
    ConsoleIntent intent = console::DrawBanner(ui, m_state);
    console::DrawStatusLines(ui, m_state);
    if (!m_screening_problem.empty() && m_screen != Screen::Offline)
        Paragraph(ui, ui.fonts.small, ui.theme.error_text, m_screening_problem, ImGui::GetContentRegionAvail().x);
    ConsoleIntent screen;
    const bool to_top = m_to_top;
    m_to_top = false;
    switch (m_screen) {
        case Screen::Offline: screen = console::DrawOffline(ui, to_top); break;
        case Screen::SignIn: screen = console::FromStaff(staff::DrawSignIn(ui, m_state.sign_in, false, to_top)); break;
        case Screen::Pin: screen = console::FromStaff(staff::DrawPin(ui, false, m_state.pin, to_top)); break;
        case Screen::Board: screen = console::DrawBoard(ui, m_state, to_top); break;
        case Screen::Result:
            screen = console::FromStaff(staff::DrawResult(ui, m_state.result, "Kiosk " + m_state.result_kiosk, m_state.notice, to_top));
            break;
        case Screen::Kiosks: screen = console::DrawKiosks(ui, m_state, to_top); break;
        case Screen::Export: screen = console::DrawExport(ui, m_state, to_top); break;
        case Screen::Audit: screen = console::DrawAudit(ui, m_state, to_top); break;
    }
    EndScreen();
    // The sign-in list has Cancel where the kiosk's has it: nothing to cancel to on the console.
    if (m_screen == Screen::SignIn && screen.kind == ConsoleIntent::Kind::Lock) screen.kind = ConsoleIntent::Kind::None;
    Apply(intent.kind != ConsoleIntent::Kind::None ? intent : screen);
}

}  // namespace kiosk::ui
