// One patient's screening as a state machine: language, consent, questions, red flags, gates, review, submit, idle.
#pragma once

// No UI and no storage here. Screens read a SessionView and call the intents of Session; the
// owner (the app) calls Tick() every frame, drains TakeEvents() (an UrgentAlert is stored at
// once), makes a Completed durable and reports back with Submitted(ok).
//
//   Welcome -> Consent -> Question <-> Question ... -> Review -> Submitting -> Done -> Welcome
//   Question -(red flag)-> Urgent -(Continue)-> the next Question
//   Consent or Question -(gate)-> Ended -> Submitting (the gate's result; nothing for a declined consent)
//   any patient screen -(no touch, idle_warning)-> IdleWarning -(touch)-> back; -(idle_reset)-> wiped, Welcome
//   StaffReset(), StartOver(): wiped, Welcome

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "rules/answers.h"
#include "rules/decision.h"
#include "rules/screening.h"

namespace kiosk {

enum class SessionState : uint8_t {
    Welcome,      // language choice; no patient data exists
    Consent,      // the screening's first question, when it is required (the consent)
    Question,     // a shown question (SessionView::question)
    Urgent,       // a red-flag rule fired: the patient is told to see staff now; Continue() goes on
    Ended,        // a gate rule fired: no more questions; the owner submits the gate's result
    Review,       // every shown question with its answer; EditFromReview() changes one
    Submitting,   // the owner is making the Completed durable; Submitted(ok) follows
    Done,         // durable; the closing message shows; the answers are already wiped
    IdleWarning,  // nobody touched the screen for idle_warning; any intent resumes
};
const char* SessionStateName(SessionState state);

struct SessionSettings {
    std::chrono::seconds idle_warning{90};  // spec §3: warn after 90 s without a touch
    std::chrono::seconds idle_reset{120};   // wipe after 120 s without a touch (counted from the touch, not the warning)
    std::chrono::seconds done_hold{20};     // the closing message stays this long, then Welcome
};

// A red flag (a rule with flow = "interrupt") fired. Raised once per rule per session, as soon as
// the patient has passed every question the rule reads. The owner stores it at once: a patient
// told to go to the desk may never come back to submit.
struct UrgentAlert {
    int rule = -1;                 // index into Screening::rules
    SystemTime time;
    SystemTime session_started;    // links the alert to the session's submission
    int language = 0;
    rules::Answers answers;        // the answers so far, hidden ones cleared; every one skipped
                                   // if the session was wiped before the owner drained the alert
};

enum class ResetReason : uint8_t { Idle, Staff, StartOver };

// A started session was wiped before it was submitted. Carries no answer, only how many there were.
struct Abandoned {
    ResetReason reason = ResetReason::Idle;
    SessionState state = SessionState::Welcome;  // where the patient was (under an idle warning: the screen below it)
    int answered = 0;                             // questions with an answer (given or "not sure")
    SystemTime time;
};

using SessionEvent = std::variant<UrgentAlert, Abandoned>;

// Counts since the session object was made; no patient data, so they survive every reset.
struct SessionCounters {
    int started = 0;          // a language was chosen
    int submitted = 0;        // submissions (and gate results) the owner made durable
    int abandoned = 0;        // wiped before submitting: idle, staff reset or start over
    int abandoned_empty = 0;  // of those, with no answer at all (someone who walked away at once)
    int urgent_alerts = 0;
};

// What the owner makes durable. Answers to questions that are not shown are cleared.
struct Completed {
    rules::Answers answers;      // shown answers only; all skipped when decision.store is false
    rules::Decision decision;    // decided on `answers`; store == false: store nothing at all (consent declined)
    rules::Date today;           // the screening day the decision used
    int language = 0;
    SystemTime started, submitted;
    std::vector<int32_t> alerted;  // interrupt rules whose UrgentAlert this session already raised
};

// What came of an answer the patient gave (Session::Answer).
enum class AnswerStatus : uint8_t {
    Accepted,        // set, and the session moved on ("not_sure" the first time: the helper shows instead)
    Refused,         // the engine refused it (`problem`): the question stays on screen with its old answer
    LeftUnanswered,  // a number refused again (spec §3): the question is left unanswered and the session moved on
    NotAsking,       // no question on screen (a stale frame): nothing changed
};

struct AnswerResult {
    AnswerStatus status = AnswerStatus::NotAsking;
    std::optional<rules::AnswerProblem> problem;  // Refused, LeftUnanswered: why
};

struct ReviewItem {
    int question = -1;
    rules::Answer answer;
};

// Everything a screen needs, by value. Texts point into the Screening and are in `language`.
struct SessionView {
    SessionState state = SessionState::Welcome;
    SessionState below = SessionState::Welcome;  // under IdleWarning: the screen a touch returns to; otherwise = state
    int language = 0;                            // index into Screening::languages
    int question = -1;                           // Consent, Question (also under IdleWarning); -1 otherwise
    rules::Answer answer;                        // the question's current answer, to pre-select it after Back
    int progress_k = 0;                          // "question k of n" over the questions that will be shown
    int progress_n = 0;                          // given the answers so far (an unknown show_if counts as shown)
    bool can_skip = false;                       // not required
    bool can_not_sure = false;                   // the question offers "Not sure"
    bool can_next = false;                       // answered, or skippable
    bool can_back = false;
    bool helper_visible = false;                 // the "not sure" helper, once per session
    bool reask = false;                          // a number was refused on this question: it is asked again, and
                                                 // the next refused number leaves it unanswered (spec §3)
    bool submit_failed = false;                  // the last Submit did not become durable; Submit() retries
    int idle_seconds_left = 0;                   // IdleWarning: seconds until the wipe
    std::string_view helper_text;                // [text] not_sure_helper, when helper_visible
    std::string_view urgent_message;             // Urgent: the red flag's patient message
    std::string_view end_message;                // Ended, Done: the gate's message or the outcome's
    std::vector<ReviewItem> review;              // Review: every shown question, in asking order
};

class Session {
public:
    // `screening` and `clock` must outlive the session.
    Session(const rules::Screening& screening, const Clock& clock, SessionSettings settings = {});

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    SessionView View() const;
    SessionState State() const { return m_state; }

    // Patient intents. Each is a touch: it restarts the idle timer and leaves IdleWarning first.
    // One that does not apply in the current state (a stale frame) changes nothing else and
    // returns false.

    // Welcome: sets the language and starts the session. Later: switches the language only.
    bool ChooseLanguage(int language);
    // Answers the question on screen and moves on (next shown question, Urgent, Ended or Review).
    // An input that does not fit the question is refused with the engine's problem and keeps the old
    // answer; a number outside the limits is asked again once (View().reask), and refused a second
    // time it leaves the question unanswered and moves on, unless the question is required (spec §3).
    // "not_sure" is the same as NotSure().
    AnswerResult Answer(const rules::AnswerInput& input);
    // Where the question offers it. The first time in a session it only shows the helper (the
    // patient may still pick the closest answer); after that it answers "not sure" and moves on.
    bool NotSure();
    bool DismissHelper();
    // Leaves the question unanswered (clearing an earlier answer) and moves on; not when required.
    bool Skip();
    // Moves on keeping the current answer; an unanswered question is skipped (not when required).
    bool Next();
    // The previous shown question; from Review the last one; while editing from Review, back to
    // Review; from the first question, back to Welcome with everything wiped.
    bool Back();
    // Urgent: back to the questions, after the one that raised the flag.
    bool Continue();
    // Review: change one shown question's answer. After it the session asks any question that
    // the change newly shows, then returns to Review.
    bool EditFromReview(int question);
    // Review or Ended: the submission (nullopt in any other state). The session waits in
    // Submitting until Submitted().
    std::optional<Completed> Submit();
    // Done (the closing screen's button): wiped, Welcome.
    bool Finish();
    // The patient's "start over": wiped, Welcome.
    bool StartOver();
    // A touch that is no intent (typing a number, scrolling): restarts the idle timer.
    void Touch();

    // Owner calls.
    // ok: durable; the answers are wiped and Done shows the closing message. Not ok: back to
    // Review (or Ended) with everything kept, so Submit() can retry.
    void Submitted(bool ok);
    // Idle: IdleWarning after idle_warning, wipe after idle_reset; Done returns to Welcome after done_hold.
    void Tick();
    // Staff (PIN checked by the owner): wipes everything, Welcome.
    void StaffReset();
    // New idle and closing-screen times (staff settings); they count from the last touch as before.
    void SetSettings(SessionSettings settings) { m_settings = settings; }
    const SessionSettings& Settings() const { return m_settings; }
    // How long until Tick() has something to do (the idle warning, each second of its countdown,
    // the wipe, the end of the closing screen); nullopt when only a touch can change anything.
    // An event-driven window sleeps this long.
    std::optional<std::chrono::milliseconds> NextTimer() const;

    // Urgent alerts and abandoned sessions since the last call, oldest first.
    std::vector<SessionEvent> TakeEvents();
    const SessionCounters& Counters() const { return m_counters; }

    // Read-only state for tests and staff tools.
    const rules::Answers& AnswersInMemory() const { return m_answers; }  // hidden answers included, never submitted
    const std::vector<uint8_t>& Shown() const { return m_shown; }        // per question, for the current answers
    int Language() const { return m_language; }
    bool HelperShown() const { return m_helper_shown; }

private:
    bool Asking() const { return m_state == SessionState::Consent || m_state == SessionState::Question; }
    SessionState Visible() const { return m_state == SessionState::IdleWarning ? m_below : m_state; }
    void NoteTouch();
    void GoToQuestion(int question);
    void EnterReview();
    void PassQuestion();
    bool CheckRules(int up_to_question);
    void RaiseAlert(int rule, const rules::Answers& answers);
    void Advance();
    void RecomputeShown();
    void Reset(ResetReason reason);
    void Wipe();
    std::string_view Text(const rules::LangText& text) const;
    std::string_view RuleMessage(int rule) const;

    const rules::Screening& m_screening;
    const Clock& m_clock;
    SessionSettings m_settings;
    std::vector<rules::ParamValue> m_params;

    // Patient data: every member below is wiped by Wipe().
    SessionState m_state = SessionState::Welcome;
    SessionState m_below = SessionState::Welcome;   // under IdleWarning
    SessionState m_submit_from = SessionState::Review;
    int m_language = 0;
    int m_current = -1;                  // question on screen, or the one that raised Urgent
    bool m_editing = false;              // came from Review: return there when done
    bool m_helper_shown = false;         // the "not sure" helper has been shown this session
    bool m_helper_visible = false;
    int m_refused = 0;                   // numbers refused on the question on screen since it was shown
    bool m_submit_failed = false;
    int m_urgent_rule = -1;
    std::string_view m_end_message;      // Ended, Done
    rules::Answers m_answers;            // hidden answers kept: showing the question again brings them back
    std::vector<uint8_t> m_shown;        // per question, for m_answers
    std::vector<uint8_t> m_seen;         // per question: presented at least once
    std::vector<uint8_t> m_alerted;      // per rule: UrgentAlert raised
    rules::Decision m_scratch;           // holds derived values of this patient's answers
    rules::Date m_today;
    SystemTime m_started{};
    SteadyTime m_last_touch{};           // Clock::Monotonic(): a step of the wall clock moves no timer

    std::vector<SessionEvent> m_events;  // undrained alerts lose their answers on a wipe
    SessionCounters m_counters;
};

}  // namespace kiosk
