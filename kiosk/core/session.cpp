// One patient's screening as a state machine; see session.h for the states and the contract.
#include "core/session.h"

#include <algorithm>
#include <cassert>

namespace kiosk {
namespace {

bool IsNotSure(const rules::AnswerInput& input) {
    if (const std::string* text = std::get_if<std::string>(&input)) return *text == "not_sure";
    if (const auto* list = std::get_if<std::vector<std::string>>(&input)) return list->size() == 1 && (*list)[0] == "not_sure";
    return false;
}

int CountAnswered(const rules::Answers& answers) {
    return static_cast<int>(std::count_if(answers.values.begin(), answers.values.end(),
                                          [](const rules::Answer& a) { return a.state != rules::AnswerState::Skipped; }));
}

// What is submitted or sent with an alert: a question that is not shown was never asked.
void ClearHidden(rules::Answers& answers, const std::vector<uint8_t>& shown) {
    for (size_t q = 0; q < answers.values.size(); ++q)
        if (!shown[q]) answers.values[q] = rules::Answer{};
}

}  // namespace

const char* SessionStateName(SessionState state) {
    switch (state) {
        case SessionState::Welcome: return "welcome";
        case SessionState::Consent: return "consent";
        case SessionState::Question: return "question";
        case SessionState::Urgent: return "urgent";
        case SessionState::Ended: return "ended";
        case SessionState::Review: return "review";
        case SessionState::Submitting: return "submitting";
        case SessionState::Done: return "done";
        case SessionState::IdleWarning: return "idle_warning";
    }
    return "?";
}

Session::Session(const rules::Screening& screening, const Clock& clock, SessionSettings settings)
    : m_screening(screening), m_clock(clock), m_settings(settings), m_params(screening.ParameterValues()) {
    assert(!screening.questions.empty() && !screening.languages.empty() && "a loaded screening has questions and languages");
    Wipe();
}

// ---------------------------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------------------------

SessionView Session::View() const {
    SessionView v;
    v.state = m_state;
    v.below = Visible();
    v.language = m_language;
    v.submit_failed = m_submit_failed;
    v.progress_n = static_cast<int>(std::count(m_shown.begin(), m_shown.end(), uint8_t{1}));

    const SessionState below = Visible();
    if (below == SessionState::Consent || below == SessionState::Question) {
        const rules::Question& q = m_screening.questions[m_current];
        v.question = m_current;
        v.answer = m_answers.values[m_current];
        v.progress_k = static_cast<int>(std::count(m_shown.begin(), m_shown.begin() + m_current + 1, uint8_t{1}));
        v.can_skip = !q.required;
        v.can_not_sure = q.not_sure;
        v.can_next = v.answer.state != rules::AnswerState::Skipped || !q.required;
        v.can_back = true;
        v.helper_visible = m_helper_visible;
        v.reask = m_refused > 0;
        if (m_helper_visible) {
            auto helper = m_screening.texts.find("not_sure_helper");
            if (helper != m_screening.texts.end()) v.helper_text = Text(helper->second);
        }
    } else if (below == SessionState::Review) {
        v.progress_k = v.progress_n;
        v.can_back = true;
        for (size_t q = 0; q < m_shown.size(); ++q)
            if (m_shown[q]) v.review.push_back({static_cast<int>(q), m_answers.values[q]});
    }
    if (below == SessionState::Urgent) v.urgent_message = RuleMessage(m_urgent_rule);
    if (below == SessionState::Ended || below == SessionState::Done) v.end_message = m_end_message;

    if (m_state == SessionState::IdleWarning) {
        auto left = m_settings.idle_reset - (m_clock.Monotonic() - m_last_touch);
        v.idle_seconds_left = std::max(0, static_cast<int>(std::chrono::ceil<std::chrono::seconds>(left).count()));
    }
    return v;
}

std::string_view Session::Text(const rules::LangText& text) const {
    if (text.empty()) return {};
    return text[static_cast<size_t>(m_language) < text.size() ? static_cast<size_t>(m_language) : 0];
}

// A rule's own patient message, else the message of the outcome it stands for.
std::string_view Session::RuleMessage(int rule) const {
    if (rule < 0) return {};
    const rules::Rule& r = m_screening.rules[rule];
    if (!r.patient_message.empty()) return Text(r.patient_message);
    int level = rules::RuleLevel(m_screening, r, m_params);
    return level >= 0 ? Text(m_screening.outcomes[level].patient_message) : std::string_view{};
}

// ---------------------------------------------------------------------------------------------
// Intents
// ---------------------------------------------------------------------------------------------

void Session::NoteTouch() {
    m_last_touch = m_clock.Monotonic();
    if (m_state == SessionState::IdleWarning) m_state = m_below;
}

void Session::Touch() { NoteTouch(); }

bool Session::ChooseLanguage(int language) {
    if (language < 0 || static_cast<size_t>(language) >= m_screening.languages.size()) return false;
    if (m_state == SessionState::Submitting) return false;
    NoteTouch();
    m_language = language;
    if (m_state != SessionState::Welcome) return true;

    // The screening day is fixed when the patient starts: a session across midnight keeps its age rules.
    m_started = m_clock.Now();
    m_today = m_clock.Today();
    ++m_counters.started;
    RecomputeShown();
    for (size_t q = 0; q < m_shown.size(); ++q)
        if (m_shown[q]) {
            GoToQuestion(static_cast<int>(q));
            return true;
        }
    EnterReview();  // a screening whose every question is hidden: nothing to ask
    return true;
}

AnswerResult Session::Answer(const rules::AnswerInput& input) {
    NoteTouch();
    AnswerResult result;
    if (!Asking()) return result;
    if (IsNotSure(input)) {
        if (NotSure()) {
            result.status = AnswerStatus::Accepted;
        } else {
            result.status = AnswerStatus::Refused;
            result.problem.emplace().kind = rules::AnswerProblemKind::NotSureNotOffered;
        }
        return result;
    }
    // SetAnswer clears the answer before checking the input: keep the old one if the new one does not fit.
    rules::Answer before = m_answers.values[m_current];
    result.problem = rules::SetAnswer(m_screening, m_answers, m_current, input, m_today);
    if (!result.problem) {
        result.status = AnswerStatus::Accepted;
        PassQuestion();
        return result;
    }
    m_answers.values[m_current] = std::move(before);
    result.status = AnswerStatus::Refused;
    if (!rules::IsNumberLimit(result.problem->kind)) return result;
    // Spec §3: a number out of range is asked again once, then left unanswered (stored as null).
    if (m_refused > 0 && !m_screening.questions[m_current].required) {
        m_answers.values[m_current] = rules::Answer{};
        result.status = AnswerStatus::LeftUnanswered;
        PassQuestion();
        return result;
    }
    ++m_refused;
    return result;
}

bool Session::NotSure() {
    NoteTouch();
    if (!Asking() || !m_screening.questions[m_current].not_sure) return false;
    if (!m_helper_shown) {
        // Spec §3: a prompt to pick the closest answer, once, cut "don't know" answers [S38].
        m_helper_shown = true;
        m_helper_visible = true;
        return true;
    }
    m_answers.values[m_current] = rules::Answer{};
    m_answers.values[m_current].state = rules::AnswerState::Unsure;
    PassQuestion();
    return true;
}

bool Session::DismissHelper() {
    NoteTouch();
    if (!m_helper_visible) return false;
    m_helper_visible = false;
    return true;
}

bool Session::Skip() {
    NoteTouch();
    if (!Asking() || m_screening.questions[m_current].required) return false;
    m_answers.values[m_current] = rules::Answer{};
    PassQuestion();
    return true;
}

bool Session::Next() {
    NoteTouch();
    if (!Asking()) return false;
    const bool unanswered = m_answers.values[m_current].state == rules::AnswerState::Skipped;
    if (unanswered && m_screening.questions[m_current].required) return false;
    PassQuestion();
    return true;
}

bool Session::Back() {
    NoteTouch();
    if (m_state == SessionState::Review) {
        for (int q = static_cast<int>(m_shown.size()) - 1; q >= 0; --q)
            if (m_shown[q]) {
                GoToQuestion(q);
                return true;
            }
        return false;
    }
    if (!Asking()) return false;
    if (m_editing) {
        EnterReview();
        return true;
    }
    for (int q = m_current - 1; q >= 0; --q)
        if (m_shown[q]) {
            GoToQuestion(q);
            return true;
        }
    Reset(ResetReason::StartOver);
    return true;
}

bool Session::Continue() {
    NoteTouch();
    if (m_state != SessionState::Urgent) return false;
    m_urgent_rule = -1;
    Advance();
    return true;
}

bool Session::EditFromReview(int question) {
    NoteTouch();
    if (m_state != SessionState::Review) return false;
    if (question < 0 || static_cast<size_t>(question) >= m_shown.size() || !m_shown[question]) return false;
    m_editing = true;
    GoToQuestion(question);
    return true;
}

std::optional<Completed> Session::Submit() {
    NoteTouch();
    if (m_state != SessionState::Review && m_state != SessionState::Ended) return std::nullopt;

    Completed c;
    c.today = m_today;
    c.language = m_language;
    c.started = m_started;
    c.submitted = m_clock.Now();
    // Decide once to learn what is shown (a gate also hides everything after it), clear the rest,
    // and decide again so the stored decision is exactly that of the stored answers.
    c.answers = m_answers;
    rules::Decide(m_screening, c.answers, m_today, m_params, c.decision);
    ClearHidden(c.answers, c.decision.shown);
    rules::Decide(m_screening, c.answers, m_today, m_params, c.decision);

    // A red flag that escaped the per-answer check (an earlier answer changed after a later one)
    // still alerts staff now, not only through the stored outcome.
    for (const rules::FiredRule& f : c.decision.fired)
        if (m_screening.rules[f.rule].flow == rules::Flow::Interrupt && !m_alerted[f.rule]) RaiseAlert(f.rule, c.answers);
    for (size_t r = 0; r < m_alerted.size(); ++r)
        if (m_alerted[r]) c.alerted.push_back(static_cast<int32_t>(r));

    // Consent declined: the decision says so (store == false) and no answer leaves the session.
    if (!c.decision.store) c.answers = rules::MakeAnswers(m_screening);

    if (c.decision.ended_by >= 0) m_end_message = RuleMessage(c.decision.ended_by);
    else if (c.decision.outcome >= 0) m_end_message = Text(m_screening.outcomes[c.decision.outcome].patient_message);
    if (m_end_message.empty()) {
        auto finished = m_screening.texts.find("finished");
        if (finished != m_screening.texts.end()) m_end_message = Text(finished->second);
    }
    m_submit_from = m_state;
    m_state = SessionState::Submitting;
    return c;
}

void Session::Submitted(bool ok) {
    if (m_state != SessionState::Submitting) return;
    if (!ok) {
        // Not durable, so not thanked: everything stays for a retry.
        m_submit_failed = true;
        m_state = m_submit_from;
        if (m_state == SessionState::Review) m_end_message = {};
        m_last_touch = m_clock.Monotonic();
        return;
    }
    // Durable: nothing of the patient stays but the language of the closing message.
    const int language = m_language;
    const std::string_view message = m_end_message;
    Wipe();
    m_language = language;
    m_end_message = message;
    m_state = SessionState::Done;
    m_last_touch = m_clock.Monotonic();
    ++m_counters.submitted;
}

bool Session::Finish() {
    NoteTouch();
    if (m_state != SessionState::Done) return false;
    Wipe();
    return true;
}

bool Session::StartOver() {
    NoteTouch();
    if (m_state == SessionState::Welcome || m_state == SessionState::Submitting) return false;
    if (m_state == SessionState::Done) Wipe();
    else Reset(ResetReason::StartOver);
    return true;
}

void Session::StaffReset() { Reset(ResetReason::Staff); }

void Session::Tick() {
    const SessionState state = m_state;
    if (state == SessionState::Welcome || state == SessionState::Submitting) return;
    const auto idle = m_clock.Monotonic() - m_last_touch;
    if (state == SessionState::Done) {
        if (idle >= m_settings.done_hold) Wipe();
        return;
    }
    if (idle >= m_settings.idle_reset) {
        Reset(ResetReason::Idle);
    } else if (idle >= m_settings.idle_warning && state != SessionState::IdleWarning) {
        m_below = state;
        m_state = SessionState::IdleWarning;
        m_helper_visible = false;
    }
}

std::optional<std::chrono::milliseconds> Session::NextTimer() const {
    using std::chrono::milliseconds;
    const SessionState state = m_state;
    if (state == SessionState::Welcome || state == SessionState::Submitting) return std::nullopt;
    const auto idle = m_clock.Monotonic() - m_last_touch;
    auto until = [&](std::chrono::seconds limit) {
        return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(limit - idle));
    };
    if (state == SessionState::Done) return until(m_settings.done_hold);
    if (state != SessionState::IdleWarning) return until(m_settings.idle_warning);
    // The countdown shows whole seconds: wake when the next one starts.
    const auto left = std::chrono::ceil<milliseconds>(m_settings.idle_reset - idle);
    const milliseconds step = left % std::chrono::seconds(1);
    return std::max(milliseconds(0), step == milliseconds(0) ? std::min(left, milliseconds(1000)) : step);
}

std::vector<SessionEvent> Session::TakeEvents() {
    std::vector<SessionEvent> events;
    events.swap(m_events);
    return events;
}

// ---------------------------------------------------------------------------------------------
// Navigation, rules
// ---------------------------------------------------------------------------------------------

void Session::GoToQuestion(int question) {
    m_current = question;
    m_seen[question] = 1;
    m_helper_visible = false;
    m_refused = 0;
    m_state = question == 0 && m_screening.questions[0].required ? SessionState::Consent : SessionState::Question;
}

void Session::EnterReview() {
    m_state = SessionState::Review;
    m_current = -1;
    m_editing = false;
    m_helper_visible = false;
}

void Session::RecomputeShown() {
    rules::ComputeShown(m_screening, m_answers, m_today, m_params, m_scratch);
    m_shown = m_scratch.shown;
}

// The patient leaves the current question with its answer set: visibility follows the answer,
// then red flags and gates, then the next question.
void Session::PassQuestion() {
    m_helper_visible = false;
    m_refused = 0;
    RecomputeShown();
    if (CheckRules(m_current)) return;
    Advance();
}

// Decides on the answers up to `up_to_question` (later ones count as not yet answered, so a
// rule never fires on an answer the patient has not confirmed on this pass). Raises an alert
// for each red flag that newly fired and whose questions have all been passed; a fired gate
// ends the screening. Returns true when the state left the questions.
bool Session::CheckRules(int up_to_question) {
    rules::Answers so_far = m_answers;
    for (size_t q = static_cast<size_t>(up_to_question) + 1; q < so_far.values.size(); ++q) so_far.values[q] = rules::Answer{};
    rules::Decide(m_screening, so_far, m_today, m_params, m_scratch);
    ClearHidden(so_far, m_scratch.shown);

    int first_new = -1;
    for (const rules::FiredRule& f : m_scratch.fired) {
        const int32_t r = f.rule;
        const rules::Rule& rule = m_screening.rules[r];
        if (rule.flow != rules::Flow::Interrupt || m_alerted[r] || rule.last_question > up_to_question) continue;
        RaiseAlert(r, so_far);
        if (first_new < 0) first_new = r;
    }
    const int gate = m_scratch.ended_by;
    if (gate >= 0 && m_screening.rules[gate].last_question <= up_to_question) {
        m_state = SessionState::Ended;
        m_end_message = RuleMessage(gate);
        m_editing = false;
        return true;
    }
    if (first_new >= 0) {
        m_urgent_rule = first_new;
        m_state = SessionState::Urgent;
        return true;
    }
    return false;
}

void Session::RaiseAlert(int rule, const rules::Answers& answers) {
    m_alerted[rule] = 1;
    ++m_counters.urgent_alerts;
    UrgentAlert alert;
    alert.rule = rule;
    alert.time = m_clock.Now();
    alert.session_started = m_started;
    alert.language = m_language;
    alert.answers = answers;
    m_events.emplace_back(std::move(alert));
}

// The next shown question after the current one; while editing from Review only questions the
// patient has never been asked (the edit made them appear). None left: Review.
void Session::Advance() {
    for (size_t q = static_cast<size_t>(m_current) + 1; q < m_shown.size(); ++q) {
        if (!m_shown[q] || (m_editing && m_seen[q])) continue;
        GoToQuestion(static_cast<int>(q));
        return;
    }
    EnterReview();
}

// ---------------------------------------------------------------------------------------------
// Reset
// ---------------------------------------------------------------------------------------------

void Session::Reset(ResetReason reason) {
    const SessionState where = Visible();
    if (where != SessionState::Welcome && where != SessionState::Done) {
        Abandoned a;
        a.reason = reason;
        a.state = where;
        a.answered = CountAnswered(m_answers);
        a.time = m_clock.Now();
        ++m_counters.abandoned;
        if (a.answered == 0) ++m_counters.abandoned_empty;
        m_events.emplace_back(a);
    }
    Wipe();
}

// Invariant 5: nothing of a patient survives. Every answer, the language, the helper and alert
// flags, the engine's scratch (it holds derived values such as age), and the answers inside any
// alert the owner has not drained yet (the alert itself stays: staff must still be told).
void Session::Wipe() {
    const size_t question_count = m_screening.questions.size();
    m_state = SessionState::Welcome;
    m_below = SessionState::Welcome;
    m_submit_from = SessionState::Review;
    m_language = 0;
    m_current = -1;
    m_editing = false;
    m_helper_shown = false;
    m_helper_visible = false;
    m_refused = 0;
    m_submit_failed = false;
    m_urgent_rule = -1;
    m_end_message = {};
    m_answers = rules::MakeAnswers(m_screening);
    m_shown.assign(question_count, 0);
    m_seen.assign(question_count, 0);
    m_alerted.assign(m_screening.rules.size(), 0);
    m_scratch = rules::Decision{};
    m_today = rules::Date{};
    m_started = SystemTime{};
    m_last_touch = m_clock.Monotonic();
    for (SessionEvent& event : m_events)
        if (UrgentAlert* alert = std::get_if<UrgentAlert>(&event)) alert->answers = rules::MakeAnswers(m_screening);
}

}  // namespace kiosk
