// What staff screens show of stored results, alerts and the interrupted session, read into text:
// the stored decision through kiosk::ReadDecision, times made local.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/answers_json.h"
#include "core/clock.h"
#include "core/decision_json.h"
#include "core/labels.h"
#include "ui/screens/screens.h"
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

namespace {

using Json = nlohmann::json;

std::string InLanguage(const rules::LangText& text, int language) {
    if (text.empty()) return {};
    return text[static_cast<size_t>(language) < text.size() ? static_cast<size_t>(language) : 0];
}

std::string QuestionText(const rules::Screening* screening, const std::string& id, int language) {
    int q = screening ? screening->FindQuestion(id) : -1;
    return q >= 0 ? InLanguage(screening->questions[q].text, language) : id;
}

// One reason, note or undetermined rule of a stored decision.
ReasonView ReadReason(const StoredRule& rule, const rules::Screening* screening, int language) {
    ReasonView r;
    r.rule = rule.id;
    r.code = rule.reason.empty() ? rule.id : rule.reason;
    r.staff_text = rule.staff_text;
    r.level = rule.level;
    for (const std::string& source : rule.sources) r.sources += (r.sources.empty() ? "" : ", ") + source;
    for (const std::string& question : rule.missing)
        r.missing += (r.missing.empty() ? "" : "; ") + QuestionText(screening, question, language);
    return r;
}

// An answer that left rules undetermined and so raised the outcome, as a reason of its own
// (R-UNKNOWN-<question>, spec 7a.3): the rules it left undetermined, and the question asked.
ReasonView UnknownReason(const StoredDecision& decision, const std::string& code, const rules::Screening* screening, int language) {
    ReasonView r;
    r.code = code;
    for (const StoredRule& rule : decision.undetermined)
        if (std::find(rule.unknown_reasons.begin(), rule.unknown_reasons.end(), code) != rule.unknown_reasons.end())
            r.rule += (r.rule.empty() ? "" : ", ") + rule.id;
    std::string question = code.substr(std::min(code.size(), rules::kUnknownReasonPrefix.size()));
    r.staff_text = "Answered not sure or skipped, so " + r.rule + " could not be decided: " + QuestionText(screening, question, language);
    return r;
}

std::vector<ReasonView> ReadReasons(const std::vector<StoredRule>& list, const rules::Screening* screening, int language) {
    std::vector<ReasonView> out;
    for (const StoredRule& rule : list) out.push_back(ReadReason(rule, screening, language));
    return out;
}

// The stored answers as question and answer, in the screening's order; raw codes when the
// screening on the kiosk no longer matches them (a result stored under an older version).
std::vector<std::pair<std::string, std::string>> ReadAnswers(Ui& ui, const std::string& answers_json, const rules::Date& today,
                                                             std::string& problem) {
    std::vector<std::pair<std::string, std::string>> out;
    if (ui.screening) {
        AnswersParse parsed = AnswersFromJsonText(*ui.screening, answers_json, today);
        if (parsed.ok()) {
            for (size_t q = 0; q < ui.screening->questions.size(); ++q) {
                const rules::Answer& answer = parsed.answers.values[q];
                if (answer.state == rules::AnswerState::Skipped) continue;
                int index = static_cast<int>(q);
                out.emplace_back(InLanguage(ui.screening->questions[q].text, ui.language), DescribeForPatient(ui, index, answer));
            }
            return out;
        }
    }
    Json raw = Json::parse(answers_json, nullptr, false);
    if (!raw.is_object()) {
        problem = "The stored answers cannot be read.";
        return out;
    }
    for (const auto& [id, value] : raw.items()) out.emplace_back(id, value.is_string() ? value.get<std::string>() : value.dump());
    return out;
}

}  // namespace

int StaffLanguage(const rules::Screening* screening) {
    int english = screening ? screening->FindLanguage("en") : -1;
    return english >= 0 ? english : 0;
}

std::string LocalTime(const std::string& iso) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute, &second) != 6) return iso;
    using namespace std::chrono;
    year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)), std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return iso;
    sys_seconds at = sys_days(date) + hours(hour) + minutes(minute) + seconds(second);
    return FormatLocalTime(at, "%Y-%m-%d %H:%M");
}

ResultView ReadResult(Ui& ui, const store::StoredSubmission& row, bool answers) {
    const rules::Screening* s = ui.screening;
    const store::SubmissionRecord& record = row.record;
    ResultView v;
    v.id = row.id;
    v.time = LocalTime(record.submitted_at);
    v.status = row.status;
    v.source = record.source;
    int language = s ? s->FindLanguage(record.language) : -1;
    std::string_view name = language >= 0 ? Label(*s, "language_name", language) : std::string_view();
    v.language = name.empty() ? record.language : std::string(name);

    // Sealed and this account holds no clinic key: the outcome only (it is stored in clear).
    const StoredDecision decision = row.sealed ? StoredDecision{} : ReadDecision(record.decision_json);
    if (row.sealed)
        v.problem = "Answers and reasons are sealed: this account cannot open them. A clinician or administrator whose "
                    "account reads results can (an administrator grants it with kiosk keys grant).";
    else if (!decision.readable) v.problem = "The stored decision cannot be read.";
    int outcome = s && record.outcome ? s->FindOutcome(*record.outcome) : -1;
    if (outcome >= 0) v.outcome_label = InLanguage(s->outcomes[outcome].staff_label, ui.language);
    if (v.outcome_label.empty()) v.outcome_label = decision.outcome_label;
    if (v.outcome_label.empty()) v.outcome_label = record.outcome.value_or("No outcome (nothing decided)");
    v.urgent = decision.interrupt;
    v.reasons = ReadReasons(decision.reasons, s, ui.language);
    // Staff never see an outcome at review with no reason: an unknown answer that raised it is one.
    for (const std::string& code : decision.UnknownReasonCodes()) v.reasons.push_back(UnknownReason(decision, code, s, ui.language));
    v.notes = ReadReasons(decision.notes, s, ui.language);
    v.undetermined = ReadReasons(decision.undetermined, s, ui.language);
    for (const StoredTrack& t : decision.tracks) {
        int track = s ? s->FindTrack(t.track) : -1;
        std::string label = track >= 0 ? InLanguage(s->tracks[track].label, ui.language) : t.track;
        v.tracks.emplace_back(label.empty() ? t.track : label, t.status);
    }
    if (answers && !row.sealed) {
        std::string problem;
        v.answers = ReadAnswers(ui, record.answers_json, decision.today.value_or(ui.today), problem);
        if (!problem.empty()) v.problem += (v.problem.empty() ? "" : " ") + problem;
    }
    return v;
}

AlertView ReadAlert(const rules::Screening* screening, const store::Alert& alert) {
    AlertView a;
    a.id = alert.id;
    a.rule = alert.rule_id;
    a.reason = alert.reason.empty() ? alert.rule_id : alert.reason;
    if (alert.sealed) a.reason = "A red flag fired (which one is sealed: a clinician's sign-in shows it)";
    a.time = LocalTime(alert.raised_at);
    int rule = screening ? screening->FindRule(a.rule) : -1;
    if (rule >= 0) a.staff_text = screening->rules[rule].staff_text;
    if (alert.kept_outside) a.kept_id = alert.alert_id;
    return a;
}

std::string KeptAlertsBanner(const rules::Screening* screening, const std::vector<store::Alert>& kept, std::string_view problem,
                             bool reasons) {
    std::string out;
    if (!kept.empty()) {
        std::string earliest = kept.front().raised_at;
        for (const store::Alert& alert : kept) earliest = std::min(earliest, alert.raised_at);
        const std::string local = LocalTime(earliest);
        const std::string from = local.size() == 16 ? local.substr(11) : local;  // "HH:MM" of "YYYY-MM-DD HH:MM"
        const bool one = kept.size() == 1;
        out = std::to_string(kept.size()) + (one ? " urgent alert from " : " urgent alerts from ") + from +
              (one ? " is" : " are") + " kept outside the database because it could not take " + (one ? "it" : "them") +
              ": see the " + (one ? "patient" : "patients") + " at once.";
        for (const store::Alert& alert : kept) {
            if (!reasons || alert.sealed) continue;
            AlertView view = ReadAlert(screening, alert);
            out += "\n" + view.time + "  " + view.reason + (!view.rule.empty() && view.reason != view.rule ? " (rule " + view.rule + ")" : "");
        }
    }
    if (!problem.empty()) {
        if (!out.empty()) out += "\n";
        out += "The file of urgent alerts kept outside the database cannot be read (" + std::string(problem) +
               "): there may be patients to see at once. Call IT.";
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> SessionAnswers(Ui& ui, const Session& session) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!ui.screening) return out;
    const rules::Answers& answers = session.AnswersInMemory();
    const std::vector<uint8_t>& shown = session.Shown();
    for (size_t q = 0; q < answers.values.size() && q < shown.size(); ++q) {
        if (!shown[q] || answers.values[q].state == rules::AnswerState::Skipped) continue;
        out.emplace_back(InLanguage(ui.screening->questions[q].text, ui.language),
                         DescribeForPatient(ui, static_cast<int>(q), answers.values[q]));
    }
    return out;
}

SessionSummary SummariseSession(const Session* session) {
    SessionSummary s;
    if (!session) {
        s.where = "There is no patient session: the kiosk is out of order.";
        return s;
    }
    s.present = true;
    const SessionView view = session->View();
    const SessionState state = view.state == SessionState::IdleWarning ? view.below : view.state;
    const rules::Answers& answers = session->AnswersInMemory();
    const std::vector<uint8_t>& shown = session->Shown();
    for (size_t q = 0; q < answers.values.size() && q < shown.size(); ++q)
        if (shown[q] && answers.values[q].state != rules::AnswerState::Skipped) ++s.answered;
    const std::string k = std::to_string(view.progress_k), n = std::to_string(view.progress_n);
    switch (state) {
        case SessionState::Welcome: s.where = "No patient is using the kiosk: it shows the welcome screen."; break;
        case SessionState::Consent: s.where = "A patient is on the consent question."; break;
        case SessionState::Question: s.where = "A patient is on question " + k + " of " + n + "."; break;
        case SessionState::Urgent:
            s.where = "A patient was shown the urgent screen (a red flag) and asked to come to the desk.";
            break;
        case SessionState::Ended: s.where = "A patient's screening ended early; its result is being stored."; break;
        case SessionState::Review: s.where = "A patient is checking their answers before sending them."; break;
        case SessionState::Submitting: s.where = "A patient's answers are being stored."; break;
        case SessionState::Done:
            s.where = "A patient has just finished: their result is stored and the closing message shows.";
            break;
        case SessionState::IdleWarning: break;  // never below itself
    }
    if (view.state == SessionState::IdleWarning) s.where += " Nobody has touched the screen for a while: the idle warning shows.";
    if (view.submit_failed) s.where += " Storing the answers failed; the patient can try again.";
    s.active = state != SessionState::Welcome;
    if (s.active && state != SessionState::Done)
        s.where += " " + std::to_string(s.answered) + (s.answered == 1 ? " answer" : " answers") + " so far.";
    s.can_show_answers = s.answered > 0 && state != SessionState::Done;
    return s;
}

}  // namespace kiosk::ui::staff
