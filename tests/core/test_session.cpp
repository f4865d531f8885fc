// The patient session over the default screening: spec §5 vignettes, navigation, red flags, gates, idle and resets.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "core/session.h"
#include "rules/cases.h"
#include "rules/loader.h"
#include "session_driver.h"
#include "../rules/screening_text.h"

using namespace std::chrono_literals;
using kiosk::SessionState;

namespace {

using namespace session_driver;

const rules::TestCase& Case(const std::string& prefix) {
    for (const rules::TestCase& c : Default().cases)
        if (c.name.rfind(prefix + " ", 0) == 0) return c;
    FAIL("no case " << prefix);
    return Default().cases.front();
}

const rules::Answers& CaseAnswers(const std::string& prefix) { return Default().case_answers[Case(prefix).answers]; }

// The codes a case's expect.reasons is compared with (rules::ReasonCodes).
Codes Reasons(const rules::Decision& d) { return rules::ReasonCodes(Default(), d); }

std::string Outcome(const rules::Decision& d) { return d.outcome < 0 ? "none" : Default().outcomes[d.outcome].id; }

Codes GivenIds(const rules::Answers& answers) {
    Codes out;
    for (size_t q = 0; q < answers.values.size(); ++q)
        if (answers.values[q].state != rules::AnswerState::Skipped) out.push_back(Default().questions[q].id);
    return out;
}

kiosk::Completed SubmitFromReview(Kiosk& k) {
    REQUIRE(k.session.State() == SessionState::Review);
    std::optional<kiosk::Completed> c = k.session.Submit();
    REQUIRE(c.has_value());
    CHECK(k.session.State() == SessionState::Submitting);
    return std::move(*c);
}

// Nothing of a patient is left: the state a fresh session has.
void CheckWiped(const Kiosk& k) {
    CHECK(k.session.State() == SessionState::Welcome);
    CHECK(GivenIds(k.session.AnswersInMemory()).empty());
    CHECK(k.session.Language() == 0);
    CHECK_FALSE(k.session.HelperShown());
    kiosk::SessionView v = k.session.View();
    CHECK(v.question == -1);
    CHECK(v.review.empty());
    CHECK(v.urgent_message.empty());
    CHECK(v.end_message.empty());
    CHECK_FALSE(v.submit_failed);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Spec §5 vignettes
// ---------------------------------------------------------------------------------------------

TEST_CASE("every §5 vignette in the screening file, answered through the session, gives the file's expected result") {
    const rules::Screening& s = Default();
    int driven = 0;
    for (const rules::TestCase& c : s.cases) {
        if (c.name.size() < 2 || c.name[0] != 'V' || c.name[1] < '0' || c.name[1] > '9' || !c.parameters.empty()) continue;
        CAPTURE(c.name);
        REQUIRE(c.today == kDay);
        const rules::Answers& answers = s.case_answers[c.answers];
        Kiosk k;
        Drive(k, answers);
        REQUIRE((k.session.State() == SessionState::Review || k.session.State() == SessionState::Ended));
        std::optional<kiosk::Completed> done = k.session.Submit();
        REQUIRE(done.has_value());

        // The same decision the engine gives on the file's answers (it ignores answers to hidden
        // questions; the session never gives them).
        rules::Decision expected = rules::Decide(s, answers, c.today);
        CHECK(done->decision.fired == expected.fired);
        CHECK(done->decision.outcome == expected.outcome);
        if (c.expect.has_outcome) CHECK(done->decision.outcome == c.expect.outcome);
        if (c.expect.has_reasons) CHECK(Reasons(done->decision) == c.expect.reasons);
        CHECK(done->decision.ignored.empty());
        for (size_t q = 0; q < s.questions.size(); ++q) {
            CAPTURE(s.questions[q].id);
            if (!expected.shown[q]) CHECK(done->answers.values[q].state == rules::AnswerState::Skipped);
            else if (expected.store) CHECK(done->answers.values[q].state == answers.values[q].state);
        }
        ++driven;
    }
    CHECK(driven == 10);
}

TEST_CASE("V1: turns 18 today, so the date of birth does not end the screening, tendinopathy -> CONSIDER_PRP") {
    Kiosk k;
    CHECK(k.session.State() == SessionState::Welcome);
    Trace t = Drive(k, CaseAnswers("V1"));
    CHECK(t.asked.front() == "consent_data");
    CHECK(t.asked[1] == "dob");
    CHECK(t.asked.size() > 20);
    CHECK(t.alerts.empty());
    kiosk::Completed c = SubmitFromReview(k);
    CHECK(Outcome(c.decision) == "CONSIDER_PRP");
    CHECK(Reasons(c.decision) == Codes{"IND-TENDON-PRP", "R-NSAID-PREP"});
    CHECK(c.decision.ended_by == -1);
    CHECK(c.today == kDay);
    CHECK(c.language == 0);
    CHECK(c.started == kiosk::UtcTime(kDay, 9h));
    CHECK(c.submitted == k.clock.Now());
    CHECK(c.submitted - c.started == std::chrono::seconds(5 * static_cast<int>(t.asked.size())));
}

TEST_CASE("V2: turns 18 tomorrow: stopped right after the date of birth, only consent and dob kept") {
    Kiosk k;
    Trace t = Drive(k, CaseAnswers("V2"));
    CHECK(t.asked == Codes{"consent_data", "dob"});
    CHECK(k.session.State() == SessionState::Ended);
    kiosk::SessionView v = k.session.View();
    CHECK(v.question == -1);
    CHECK(std::string(v.end_message) == Default().rules[Default().FindRule("G1")].patient_message[0]);
    CHECK_FALSE(k.session.Next());  // no more questions
    CHECK_FALSE(k.session.Back());  // the gate stands

    std::optional<kiosk::Completed> c = k.session.Submit();
    REQUIRE(c.has_value());
    CHECK(c->decision.store);
    CHECK(Rule(c->decision.ended_by) == "G1");
    CHECK(Outcome(c->decision) == "CLINICIAN_REVIEW");
    CHECK(Reasons(c->decision) == Codes{"R-AGE-MINOR"});
    CHECK(GivenIds(c->answers) == Codes{"consent_data", "dob"});
    CHECK(c->answers.values[Q("dob")].date == rules::Date{2008, 6, 16});

    k.session.Submitted(true);
    CHECK(k.session.State() == SessionState::Done);
    CHECK(std::string(k.session.View().end_message) == Default().rules[Default().FindRule("G1")].patient_message[0]);
    CHECK(GivenIds(k.session.AnswersInMemory()).empty());
}

TEST_CASE("V2 across midnight: the screening day is the day the patient started, not the clock's new day") {
    // At 23:59:58 the patient is 17; on the 16th they would be 18. The session keeps the 15th.
    Kiosk k(kiosk::UtcTime(kDay, 23h + 59min + 58s));
    Trace t = Drive(k, CaseAnswers("V2"));
    CHECK(k.clock.Today() == rules::Date{2026, 6, 16});
    CHECK(t.asked == Codes{"consent_data", "dob"});
    CHECK(k.session.State() == SessionState::Ended);
    std::optional<kiosk::Completed> c = k.session.Submit();
    REQUIRE(c.has_value());
    CHECK(c->today == kDay);
    CHECK(Reasons(c->decision) == Codes{"R-AGE-MINOR"});
}

TEST_CASE("V3: 58 M moderate knee OA -> LIKELY_CANDIDATE_MSC, questions for women and other joints are not asked") {
    Kiosk k;
    Trace t = Drive(k, CaseAnswers("V3"));
    auto asked = [&](const char* id) { return std::find(t.asked.begin(), t.asked.end(), id) != t.asked.end(); };
    CHECK_FALSE(asked("pregnant"));
    CHECK_FALSE(asked("breastfeeding"));
    CHECK_FALSE(asked("spine_warning"));
    CHECK_FALSE(asked("surgery_date"));
    CHECK(asked("oa_severity"));
    CHECK(asked("last_steroid_shot"));
    CHECK(asked("replacement_plan"));
    CHECK(t.alerts.empty());

    kiosk::SessionView review = k.session.View();
    REQUIRE(review.state == SessionState::Review);
    CHECK(review.progress_k == review.progress_n);
    CHECK(static_cast<size_t>(review.progress_n) == t.asked.size());
    REQUIRE(review.review.size() == t.asked.size());
    for (size_t i = 0; i < t.asked.size(); ++i) CHECK(Default().questions[review.review[i].question].id == t.asked[i]);

    kiosk::Completed c = SubmitFromReview(k);
    CHECK(Outcome(c.decision) == "LIKELY_CANDIDATE_MSC");
    CHECK(Reasons(c.decision) == Codes{"IND-OA-MSC", "R-NSAID-PREP"});
}

TEST_CASE("V11: the spine red flag raises one urgent alert at spine_warning, the patient goes on -> URGENT_STAFF_ALERT") {
    Kiosk k;
    const rules::Answers& answers = CaseAnswers("V11");
    REQUIRE(k.session.ChooseLanguage(0));
    // Walk up to the red-flag question by hand, to see the interrupt as the patient does.
    while (k.On() != "spine_warning") {
        REQUIRE(k.session.View().question >= 0);
        int q = k.session.View().question;
        if (answers.values[q].state == rules::AnswerState::Skipped) REQUIRE(k.session.Skip());
        else k.Say(InputFor(q, answers.values[q]));
        CHECK(k.session.TakeEvents().empty());
    }
    k.clock.Advance(3s);
    k.Say(Codes{"bladder_bowel"});
    CHECK(k.session.State() == SessionState::Urgent);
    kiosk::SessionView v = k.session.View();
    CHECK(std::string(v.urgent_message) == Default().rules[Default().FindRule("U2")].patient_message[0]);

    std::vector<kiosk::SessionEvent> events = k.session.TakeEvents();
    REQUIRE(events.size() == 1);
    const auto* alert = std::get_if<kiosk::UrgentAlert>(&events[0]);
    REQUIRE(alert != nullptr);
    CHECK(Rule(alert->rule) == "U2");
    CHECK(alert->time == k.clock.Now());
    CHECK(alert->session_started == kiosk::UtcTime(kDay, 9h));
    // The answers so far go with it; nothing after the red flag has been answered yet.
    CHECK(alert->answers.values[Q("spine_warning")].state == rules::AnswerState::Given);
    CHECK(alert->answers.values[Q("pain_area")].state == rules::AnswerState::Given);
    CHECK(alert->answers.values[Q("infection_now")].state == rules::AnswerState::Skipped);
    CHECK(alert->answers.values[Q("hot_joint")].state == rules::AnswerState::Skipped);  // hidden for low back pain
    CHECK(k.session.Counters().urgent_alerts == 1);

    // The patient may go on with the form.
    REQUIRE(k.session.Continue());
    CHECK(k.On() == "infection_now");

    // Going back over the red flag and giving it again raises nothing new.
    REQUIRE(k.session.Back());
    CHECK(k.On() == "spine_warning");
    k.Say(Codes{"bladder_bowel", "saddle"});
    CHECK(k.On() == "infection_now");
    CHECK(k.session.TakeEvents().empty());

    Trace rest = Drive(k, answers);  // ChooseLanguage mid-session only sets the language
    CHECK(rest.alerts.empty());
    kiosk::Completed c = SubmitFromReview(k);
    CHECK(Outcome(c.decision) == "URGENT_STAFF_ALERT");
    CHECK(Reasons(c.decision) == Codes{"R-RF-SPINE", "R-SPINE"});
    CHECK(c.alerted == std::vector<int32_t>{Default().FindRule("U2")});
    CHECK(k.session.TakeEvents().empty());
    k.session.Submitted(true);
    // The closing screen for an urgent outcome repeats "tell the front desk now".
    CHECK(std::string(k.session.View().end_message) == Default().outcomes[c.decision.outcome].patient_message[0]);
}

TEST_CASE("V11 driven straight through: exactly one alert, raised by spine_warning") {
    Kiosk k;
    Trace t = Drive(k, CaseAnswers("V11"));
    CHECK(t.alerts == Codes{"U2@spine_warning"});
    kiosk::Completed c = SubmitFromReview(k);
    CHECK(Outcome(c.decision) == "URGENT_STAFF_ALERT");
}

TEST_CASE("V13: infection today with mild OA -> NOT_ELIGIBLE_TODAY, not a red flag, so no alert") {
    Kiosk k;
    Trace t = Drive(k, CaseAnswers("V13"));
    CHECK(t.alerts.empty());
    kiosk::Completed c = SubmitFromReview(k);
    CHECK(Outcome(c.decision) == "NOT_ELIGIBLE_TODAY");
    CHECK(Reasons(c.decision) == Codes{"IND-OA-PRP", "R-INFECT"});
    CHECK(c.decision.store);
}

TEST_CASE("consent declined: the screening ends at once and nothing at all is stored") {
    Kiosk k;
    REQUIRE(k.session.ChooseLanguage(1));
    CHECK(k.session.State() == SessionState::Consent);
    k.Say(std::string("no"));
    CHECK(k.session.State() == SessionState::Ended);
    const rules::Rule& g2 = Default().rules[Default().FindRule("G2")];
    CHECK(std::string(k.session.View().end_message) == g2.patient_message[1]);  // in Spanish

    std::optional<kiosk::Completed> c = k.session.Submit();
    REQUIRE(c.has_value());
    CHECK_FALSE(c->decision.store);
    CHECK(Rule(c->decision.ended_by) == "G2");
    CHECK(c->decision.outcome == -1);
    CHECK(GivenIds(c->answers).empty());  // not even the "no"
    k.session.Submitted(true);
    CHECK(k.session.State() == SessionState::Done);
    CHECK(std::string(k.session.View().end_message) == g2.patient_message[1]);
}

// ---------------------------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------------------------

// Consent yes, born 1990 (36: pregnancy questions apply), female, not pregnant, not breastfeeding, knee, right.
void AnswerUpToDiagnosis(Kiosk& k) {
    REQUIRE(k.session.ChooseLanguage(0));
    k.Say(std::string("yes"));
    k.Say(rules::Date{1990, 4, 2});
    k.Say(std::string("female"));
    k.Say(std::string("no"));
    k.Say(std::string("no"));
    k.Say(std::string("knee"));
    k.Say(std::string("right"));
    REQUIRE(k.On() == "diagnosis");
}

TEST_CASE("next and back move over shown questions only, an answer that becomes hidden is kept but never submitted") {
    Kiosk k;
    AnswerUpToDiagnosis(k);
    k.Say(std::string("arthritis"));
    CHECK(k.On() == "oa_severity");
    k.Say(std::string("moderate"));
    CHECK(k.On() == "pain_duration");

    REQUIRE(k.session.Back());
    CHECK(k.On() == "oa_severity");
    CHECK(k.session.View().answer.option == Default().questions[Q("oa_severity")].FindOption("moderate"));
    REQUIRE(k.session.Back());
    CHECK(k.On() == "diagnosis");

    k.Say(std::string("tendon"));
    CHECK(k.On() == "pain_duration");  // oa_severity is now hidden and passed over
    CHECK_FALSE(k.session.Shown()[Q("oa_severity")]);
    CHECK(k.StateOf("oa_severity") == rules::AnswerState::Given);  // kept in memory
    REQUIRE(k.session.Back());
    CHECK(k.On() == "diagnosis");  // back passes over it too

    // Arthritis again: the question returns with the answer the patient gave.
    k.Say(std::string("arthritis"));
    CHECK(k.On() == "oa_severity");
    CHECK(k.session.View().answer.state == rules::AnswerState::Given);
    REQUIRE(k.session.Back());
    k.Say(std::string("tendon"));

    while (k.session.State() == SessionState::Question) REQUIRE(k.session.Skip());
    kiosk::Completed c = SubmitFromReview(k);
    CHECK(c.answers.values[Q("oa_severity")].state == rules::AnswerState::Skipped);
    CHECK(c.answers.values[Q("diagnosis")].option == Default().questions[Q("diagnosis")].FindOption("tendon"));
    CHECK(c.decision.ignored.empty());
    CHECK(k.session.AnswersInMemory().values[Q("oa_severity")].state == rules::AnswerState::Given);  // until Submitted
}

TEST_CASE("Next keeps an answer, moves past an unanswered optional question, and never past the consent unanswered") {
    Kiosk k;
    REQUIRE(k.session.ChooseLanguage(0));
    CHECK_FALSE(k.session.View().can_next);
    CHECK_FALSE(k.session.Next());
    k.Say(std::string("yes"));
    REQUIRE(k.session.Back());
    CHECK(k.session.View().can_next);
    REQUIRE(k.session.Next());
    CHECK(k.On() == "dob");
    CHECK(k.StateOf("consent_data") == rules::AnswerState::Given);
    REQUIRE(k.session.Next());  // no date given: skipped
    CHECK(k.On() == "sex_at_birth");
    CHECK(k.StateOf("dob") == rules::AnswerState::Skipped);
}

TEST_CASE("skip is refused on the consent and allowed elsewhere, not sure only where the question offers it") {
    Kiosk k;
    REQUIRE(k.session.ChooseLanguage(0));
    kiosk::SessionView v = k.session.View();
    CHECK(v.state == SessionState::Consent);
    CHECK_FALSE(v.can_skip);
    CHECK_FALSE(v.can_not_sure);
    CHECK_FALSE(k.session.Skip());
    CHECK_FALSE(k.session.NotSure());
    kiosk::AnswerResult refused = k.session.Answer(std::string("not_sure"));
    CHECK(refused.status == kiosk::AnswerStatus::Refused);
    CHECK(refused.problem.value().kind == rules::AnswerProblemKind::NotSureNotOffered);
    refused = k.session.Answer(std::string("maybe"));  // the engine's problem with a bad input
    CHECK(refused.status == kiosk::AnswerStatus::Refused);
    CHECK(refused.problem.value().kind == rules::AnswerProblemKind::WrongType);
    CHECK(k.session.State() == SessionState::Consent);
    CHECK(k.StateOf("consent_data") == rules::AnswerState::Skipped);

    k.Say(std::string("yes"));
    v = k.session.View();
    CHECK(v.can_skip);
    CHECK_FALSE(v.can_not_sure);  // dob
    REQUIRE(k.session.Skip());
    CHECK(k.On() == "sex_at_birth");

    // A bad input keeps the answer the patient gave before.
    k.Say(std::string("female"));
    REQUIRE(k.session.Back());
    CHECK(k.session.Answer(std::string("kne")).problem.value().kind == rules::AnswerProblemKind::UnknownOption);
    CHECK(k.StateOf("sex_at_birth") == rules::AnswerState::Given);
    CHECK(k.On() == "sex_at_birth");

    // From the consent, Back is the language choice again, with nothing kept.
    REQUIRE(k.session.Back());
    REQUIRE(k.session.Back());
    CHECK(k.On() == "consent_data");
    REQUIRE(k.session.Back());
    CheckWiped(k);
}

// From the consent, skips every question up to `id` (going on after any red flag).
void SkipTo(Kiosk& k, const char* id) {
    for (int guard = 0; guard < 50 && k.On() != id; ++guard) {
        if (k.session.State() == SessionState::Urgent) REQUIRE(k.session.Continue());
        else REQUIRE_MESSAGE(k.session.Skip(), k.On());
    }
    REQUIRE(k.On() == id);
}

TEST_CASE("a number out of range is asked again once with the limits, then left unanswered (spec §3)") {
    Kiosk k;
    REQUIRE(k.session.ChooseLanguage(0));
    k.Say(std::string("yes"));
    SkipTo(k, "height");
    CHECK_FALSE(k.session.View().reask);

    // The first: refused with the limits; the question stays, marked as asked again.
    kiosk::AnswerResult r = k.session.Answer(500.0);
    CHECK(r.status == kiosk::AnswerStatus::Refused);
    REQUIRE(r.problem);
    CHECK(r.problem->kind == rules::AnswerProblemKind::OutOfRange);
    CHECK(r.problem->value == 500);
    CHECK(r.problem->min == 90);
    CHECK(r.problem->max == 245);
    CHECK(r.problem->unit == "cm");
    CHECK(k.On() == "height");
    CHECK(k.session.View().reask);
    k.session.Touch();  // typing the next number
    CHECK(k.session.View().reask);

    // A refusal that is not about the limits is no re-ask: an unknown unit is only refused.
    r = k.session.Answer(rules::MeasuredInput{6, "ft"});
    CHECK(r.status == kiosk::AnswerStatus::Refused);
    CHECK(r.problem.value().kind == rules::AnswerProblemKind::UnknownUnit);
    CHECK(k.On() == "height");

    // The second number out of range: left unanswered (null), and the session moves on.
    r = k.session.Answer(rules::MeasuredInput{20, "in"});
    CHECK(r.status == kiosk::AnswerStatus::LeftUnanswered);
    CHECK(r.problem.value().kind == rules::AnswerProblemKind::OutOfRange);
    CHECK(r.problem->given_unit == "in");
    CHECK(k.On() == "weight");
    CHECK(k.StateOf("height") == rules::AnswerState::Skipped);
    CHECK_FALSE(k.session.View().reask);

    // Back on the question the count starts again; after a valid answer too, and a refused
    // number keeps the answer given before until it is refused a second time.
    REQUIRE(k.session.Back());
    CHECK_FALSE(k.session.View().reask);
    CHECK(k.session.Answer(300.0).status == kiosk::AnswerStatus::Refused);
    k.Say(rules::MeasuredInput{70, "in"});
    CHECK(k.On() == "weight");
    REQUIRE(k.session.Back());
    CHECK_FALSE(k.session.View().reask);
    CHECK(k.session.Answer(50.0).status == kiosk::AnswerStatus::Refused);
    CHECK(k.StateOf("height") == rules::AnswerState::Given);
    CHECK(k.session.AnswersInMemory().values[Q("height")].number == doctest::Approx(177.8));
    CHECK(k.session.Answer(50.0).status == kiosk::AnswerStatus::LeftUnanswered);
    CHECK(k.StateOf("height") == rules::AnswerState::Skipped);
}

TEST_CASE("dates are refused as often as they are wrong: the re-ask rule is for numbers only") {
    Kiosk k;
    REQUIRE(k.session.ChooseLanguage(0));
    k.Say(std::string("yes"));
    REQUIRE(k.On() == "dob");
    const std::pair<rules::AnswerInput, rules::AnswerProblemKind> refused[] = {
        {std::string("1960-02-30"), rules::AnswerProblemKind::InvalidDate},
        {rules::Date{1960, 2, 30}, rules::AnswerProblemKind::InvalidDate},
        {std::string("196-02-03"), rules::AnswerProblemKind::InvalidDate},
        {rules::Date{2026, 6, 16}, rules::AnswerProblemKind::InFuture},
        {rules::Date{1915, 6, 15}, rules::AnswerProblemKind::TooOld},
        {std::string("2027-01-01"), rules::AnswerProblemKind::InFuture},
    };
    for (const auto& [input, kind] : refused) {
        kiosk::AnswerResult r = k.session.Answer(input);
        CHECK(r.status == kiosk::AnswerStatus::Refused);
        CHECK(r.problem.value().kind == kind);
        CHECK(k.On() == "dob");
        CHECK_FALSE(k.session.View().reask);
    }
    k.Say(std::string("1915-06-16"));  // 110 years old today: the oldest accepted
    CHECK(k.On() == "sex_at_birth");
}

TEST_CASE("a required number is asked again as often as it is out of range: it cannot be left unanswered") {
    std::unique_ptr<rules::Screening> s = test::Load(test::ScreeningText(R"(
[[questions]]
id = "weeks"
type = "integer"
required = true
min = 1
max = 52
text.en = "Weeks?"
)", ""));
    kiosk::ManualClock clock(kiosk::UtcTime(kDay, 9h));
    kiosk::Session session(*s, clock);
    REQUIRE(session.ChooseLanguage(0));
    for (int attempt = 0; attempt < 3; ++attempt) {
        CAPTURE(attempt);
        kiosk::AnswerResult r = session.Answer(60.0);
        CHECK(r.status == kiosk::AnswerStatus::Refused);
        CHECK(session.View().question == 0);
        CHECK(session.View().reask);
    }
    CHECK(session.Answer(2.5).problem.value().kind == rules::AnswerProblemKind::NotWhole);
    CHECK(session.Answer(12.0).status == kiosk::AnswerStatus::Accepted);
    CHECK(session.State() == SessionState::Review);
}

TEST_CASE("the not-sure helper shows once per session, the first time the patient picks not sure") {
    Kiosk k;
    AnswerUpToDiagnosis(k);
    kiosk::SessionView v = k.session.View();
    CHECK(v.can_not_sure);
    CHECK_FALSE(v.helper_visible);

    REQUIRE(k.session.NotSure());
    v = k.session.View();
    CHECK(v.helper_visible);
    CHECK(std::string(v.helper_text) == Text("not_sure_helper"));
    CHECK(k.On() == "diagnosis");  // the patient may still pick the closest answer
    CHECK(k.StateOf("diagnosis") == rules::AnswerState::Skipped);

    REQUIRE(k.session.NotSure());  // really not sure
    CHECK(k.StateOf("diagnosis") == rules::AnswerState::Unsure);
    CHECK(k.On() == "oa_severity");  // unknown diagnosis: ask rather than assume
    CHECK_FALSE(k.session.View().helper_visible);

    // Later "not sure" answers go straight through; the helper never comes back.
    k.Say(std::string("not_told"));
    while (k.On() != "last_steroid_shot") REQUIRE(k.session.Skip());  // treatments skipped: unknown shows it
    k.Say(std::string("not_sure"));
    CHECK(k.StateOf("last_steroid_shot") == rules::AnswerState::Unsure);
    CHECK_FALSE(k.session.View().helper_visible);

    // Staff reset clears the flag: the next patient sees the helper.
    k.session.StaffReset();
    AnswerUpToDiagnosis(k);
    REQUIRE(k.session.NotSure());
    CHECK(k.session.View().helper_visible);
    REQUIRE(k.session.DismissHelper());
    CHECK_FALSE(k.session.View().helper_visible);
    k.Say(std::string("tendon"));
    CHECK(k.On() == "pain_duration");
}

TEST_CASE("progress is question k of n over the questions that will be shown given the answers so far") {
    Kiosk k;
    REQUIRE(k.session.ChooseLanguage(0));
    auto progress = [&] {
        kiosk::SessionView v = k.session.View();
        return std::to_string(v.progress_k) + "/" + std::to_string(v.progress_n);
    };
    // 35 questions; lasting_relief needs an answered treatments_tried, so it is not counted yet.
    // Every other show_if is unknown before its question is answered, and unknown shows.
    CHECK(progress() == "1/34");
    k.Say(std::string("yes"));
    CHECK(progress() == "2/34");
    k.Say(rules::Date{1990, 4, 2});
    CHECK(progress() == "3/34");
    k.Say(std::string("male"));  // no pregnancy questions
    CHECK(k.On() == "pain_area");
    CHECK(progress() == "4/32");
    k.Say(std::string("knee"));
    CHECK(progress() == "5/32");
    k.Say(std::string("right"));
    CHECK(progress() == "6/32");
    k.Say(std::string("tendon"));  // no arthritis grade, no spine warning
    CHECK(k.On() == "pain_duration");
    CHECK(progress() == "7/30");
    k.Say(std::string("6_12m"));
    k.Say(6.0);
    k.Say(Codes{"rest", "pt"});  // lasting_relief appears, last_steroid_shot goes
    CHECK(k.On() == "lasting_relief");
    CHECK(progress() == "10/30");
    REQUIRE(k.session.Back());
    CHECK(progress() == "9/30");
}

TEST_CASE("review: tap an answer to change it, answer any question the change reveals, then back to review") {
    Kiosk k;
    Drive(k, CaseAnswers("V3"));
    REQUIRE(k.session.State() == SessionState::Review);
    const size_t before = k.session.View().review.size();

    CHECK_FALSE(k.session.EditFromReview(Q("pregnant")));  // not shown for this patient
    REQUIRE(k.session.EditFromReview(Q("pain_score")));
    CHECK(k.On() == "pain_score");
    k.Say(9.0);
    CHECK(k.session.State() == SessionState::Review);
    CHECK(k.session.AnswersInMemory().values[Q("pain_score")].number == 9.0);

    // Disc: the spine warning question appears and is asked before review; nothing else is re-asked.
    REQUIRE(k.session.EditFromReview(Q("diagnosis")));
    k.Say(std::string("disc"));
    CHECK(k.On() == "spine_warning");
    k.Say(Codes{"none"});
    CHECK(k.session.State() == SessionState::Review);
    // oa_severity hidden, spine_warning shown: as many lines as before.
    CHECK(k.session.View().review.size() == before);

    // Back while editing returns to review with the answer unchanged.
    REQUIRE(k.session.EditFromReview(Q("tobacco")));
    REQUIRE(k.session.Back());
    CHECK(k.session.State() == SessionState::Review);
    CHECK(k.session.AnswersInMemory().values[Q("tobacco")].option == Default().questions[Q("tobacco")].FindOption("former"));

    // Back from review goes to the last question.
    REQUIRE(k.session.Back());
    CHECK(k.On() == "interest");
    REQUIRE(k.session.Next());
    CHECK(k.session.State() == SessionState::Review);

    kiosk::Completed c = SubmitFromReview(k);
    CHECK(Reasons(c.decision) == Codes{"R-NSAID-PREP", "R-SPINE"});
    CHECK(c.answers.values[Q("oa_severity")].state == rules::AnswerState::Skipped);
}

TEST_CASE("changing the date of birth from review to a minor's ends the screening") {
    Kiosk k;
    Drive(k, CaseAnswers("V3"));
    REQUIRE(k.session.EditFromReview(Q("dob")));
    k.Say(rules::Date{2010, 1, 1});
    CHECK(k.session.State() == SessionState::Ended);
    std::optional<kiosk::Completed> c = k.session.Submit();
    REQUIRE(c.has_value());
    CHECK(GivenIds(c->answers) == Codes{"consent_data", "dob"});
    CHECK(Reasons(c->decision) == Codes{"R-AGE-MINOR"});
}

// ---------------------------------------------------------------------------------------------
// Submit
// ---------------------------------------------------------------------------------------------

TEST_CASE("a submit the store could not make durable keeps everything for a retry") {
    Kiosk k;
    Drive(k, CaseAnswers("V3"));
    const rules::Answers in_memory = k.session.AnswersInMemory();
    kiosk::Completed first = SubmitFromReview(k);
    CHECK_FALSE(k.session.Next());   // nothing moves while the owner stores
    CHECK_FALSE(k.session.Submit().has_value());
    k.session.Tick();
    k.clock.Advance(10min);
    k.session.Tick();                // no idle wipe while storing
    CHECK(k.session.State() == SessionState::Submitting);

    k.session.Submitted(false);
    kiosk::SessionView v = k.session.View();
    CHECK(v.state == SessionState::Review);
    CHECK(v.submit_failed);
    CHECK(v.end_message.empty());    // not thanked
    CHECK(GivenIds(k.session.AnswersInMemory()) == GivenIds(in_memory));
    CHECK(k.session.Counters().submitted == 0);

    kiosk::Completed retry = SubmitFromReview(k);
    CHECK(GivenIds(retry.answers) == GivenIds(first.answers));
    CHECK(retry.decision.fired == first.decision.fired);
    CHECK(retry.started == first.started);
    CHECK(retry.submitted > first.submitted);

    k.session.Submitted(true);
    v = k.session.View();
    CHECK(v.state == SessionState::Done);
    CHECK_FALSE(v.submit_failed);
    CHECK(std::string(v.end_message) == Default().outcomes[retry.decision.outcome].patient_message[0]);
    CHECK(GivenIds(k.session.AnswersInMemory()).empty());  // wiped as soon as it is durable
    CHECK(k.session.Counters().submitted == 1);

    // The closing message stays for done_hold, then the kiosk waits for the next patient.
    k.clock.Advance(19s);
    k.session.Tick();
    CHECK(k.session.State() == SessionState::Done);
    k.clock.Advance(1s);
    k.session.Tick();
    CheckWiped(k);
    CHECK(k.session.TakeEvents().empty());  // a completed session is not abandoned
}

TEST_CASE("Finish on the closing screen returns to the welcome screen at once") {
    Kiosk k;
    Drive(k, CaseAnswers("V13"));
    SubmitFromReview(k);
    k.session.Submitted(true);
    REQUIRE(k.session.Finish());
    CheckWiped(k);
}

// ---------------------------------------------------------------------------------------------
// Idle, resets
// ---------------------------------------------------------------------------------------------

TEST_CASE("idle: a warning at 90 s with the seconds left, a full wipe at 120 s, a touch restarts the count") {
    Kiosk k;
    AnswerUpToDiagnosis(k);
    const auto start = k.clock.Now();

    k.clock.Advance(89s);
    k.session.Tick();
    CHECK(k.session.State() == SessionState::Question);
    k.clock.Advance(1s);
    k.session.Tick();
    kiosk::SessionView v = k.session.View();
    CHECK(v.state == SessionState::IdleWarning);
    CHECK(v.below == SessionState::Question);
    CHECK(v.idle_seconds_left == 30);
    CHECK(v.question == Q("diagnosis"));  // the screen below the warning
    k.clock.Advance(12500ms);
    CHECK(k.session.View().idle_seconds_left == 18);

    k.session.Touch();
    CHECK(k.session.State() == SessionState::Question);
    k.clock.Advance(89s);
    k.session.Tick();
    CHECK(k.session.State() == SessionState::Question);

    // An intent during the warning resumes and then applies.
    k.clock.Advance(1s);
    k.session.Tick();
    REQUIRE(k.session.State() == SessionState::IdleWarning);
    k.Say(std::string("arthritis"));
    CHECK(k.On() == "oa_severity");

    k.clock.Advance(119s);
    k.session.Tick();
    CHECK(k.session.State() == SessionState::IdleWarning);
    CHECK(k.session.View().idle_seconds_left == 1);
    k.clock.Advance(1s);
    k.session.Tick();
    CheckWiped(k);
    CHECK(k.clock.Now() - start == 90s + 12500ms + 90s + 120s);

    std::vector<kiosk::SessionEvent> events = k.session.TakeEvents();
    REQUIRE(events.size() == 1);
    const auto* abandoned = std::get_if<kiosk::Abandoned>(&events[0]);
    REQUIRE(abandoned != nullptr);
    CHECK(abandoned->reason == kiosk::ResetReason::Idle);
    CHECK(abandoned->state == SessionState::Question);
    CHECK(abandoned->answered == 8);
    CHECK(k.session.Counters().abandoned == 1);
    CHECK(k.session.Counters().abandoned_empty == 0);

    // The welcome screen itself never times out: there is nothing to wipe.
    k.clock.Advance(1h);
    k.session.Tick();
    CHECK(k.session.State() == SessionState::Welcome);
    CHECK(k.session.TakeEvents().empty());
}

TEST_CASE("NextTimer: how long an event-driven window may sleep, to the millisecond") {
    Kiosk k;
    CHECK_FALSE(k.session.NextTimer().has_value());  // welcome: only a touch changes anything
    AnswerUpToDiagnosis(k);
    CHECK(k.session.NextTimer() == 90s);
    k.clock.Advance(30500ms);
    CHECK(k.session.NextTimer() == 59500ms);
    k.clock.Advance(59500ms);
    k.session.Tick();
    REQUIRE(k.session.State() == SessionState::IdleWarning);
    CHECK(k.session.NextTimer() == 1s);  // the countdown shows 30, then 29 a second later
    k.clock.Advance(250ms);
    CHECK(k.session.NextTimer() == 750ms);
    k.clock.Advance(750ms);
    CHECK(k.session.View().idle_seconds_left == 29);
    k.clock.Advance(29s);
    CHECK(k.session.NextTimer() == 0ms);
    k.session.Tick();
    CHECK_FALSE(k.session.NextTimer().has_value());  // wiped: welcome again
}

TEST_CASE("idle times are settings, and a session abandoned before any answer is counted as empty") {
    Kiosk k(kiosk::UtcTime(kDay, 9h), kiosk::SessionSettings{30s, 45s, 5s});
    REQUIRE(k.session.ChooseLanguage(1));
    k.clock.Advance(30s);
    k.session.Tick();
    CHECK(k.session.State() == SessionState::IdleWarning);
    CHECK(k.session.View().idle_seconds_left == 15);
    k.clock.Advance(15s);
    k.session.Tick();
    CheckWiped(k);
    CHECK(k.session.Counters().started == 1);
    CHECK(k.session.Counters().abandoned == 1);
    CHECK(k.session.Counters().abandoned_empty == 1);
    std::vector<kiosk::SessionEvent> events = k.session.TakeEvents();
    REQUIRE(events.size() == 1);
    CHECK(std::get<kiosk::Abandoned>(events[0]).answered == 0);
    CHECK(std::get<kiosk::Abandoned>(events[0]).state == SessionState::Consent);
}

// Wipes the session the way `reason` names: the idle timeout, staff, or the patient's start over.
void WipeBy(Kiosk& k, kiosk::ResetReason reason) {
    if (reason == kiosk::ResetReason::Idle) {
        k.clock.Advance(120s);
        k.session.Tick();
    } else if (reason == kiosk::ResetReason::Staff) {
        k.session.StaffReset();
    } else {
        REQUIRE(k.session.StartOver());
    }
}

TEST_CASE("nothing of a patient survives a reset: answers, hidden answers, language, helper, alerts") {
    for (kiosk::ResetReason reason : {kiosk::ResetReason::Idle, kiosk::ResetReason::Staff, kiosk::ResetReason::StartOver}) {
        CAPTURE(static_cast<int>(reason));
        Kiosk k;
        REQUIRE(k.session.ChooseLanguage(1));
        const rules::Answers& v11 = CaseAnswers("V11");
        while (k.session.State() != SessionState::Urgent) {
            REQUIRE(k.session.View().question >= 0);
            int q = k.session.View().question;
            if (q == Q("diagnosis")) {
                REQUIRE(k.session.NotSure());  // the helper flag is set
                k.Say(std::string("arthritis"));
                k.Say(std::string("mild"));
                REQUIRE(k.session.Back());
                REQUIRE(k.session.Back());
                k.Say(std::string("disc"));  // the grade is now a hidden answer in memory
                continue;
            }
            if (v11.values[q].state == rules::AnswerState::Skipped) REQUIRE(k.session.Skip());
            else k.Say(InputFor(q, v11.values[q]));
        }
        // The alert is left undrained on purpose: the owner has not stored it yet.
        REQUIRE(k.StateOf("oa_severity") == rules::AnswerState::Given);
        REQUIRE(k.session.HelperShown());
        REQUIRE(k.session.Language() == 1);

        WipeBy(k, reason);
        CheckWiped(k);
        for (const rules::Answer& a : k.session.AnswersInMemory().values) CHECK(a.state == rules::AnswerState::Skipped);
        for (uint8_t shown : k.session.Shown()) CHECK(shown == 0);

        std::vector<kiosk::SessionEvent> events = k.session.TakeEvents();
        REQUIRE(events.size() == 2);
        // Staff must still learn of the red flag, but the answers that came with it are gone.
        const auto* alert = std::get_if<kiosk::UrgentAlert>(&events[0]);
        REQUIRE(alert != nullptr);
        CHECK(Rule(alert->rule) == "U2");
        CHECK(GivenIds(alert->answers).empty());
        const auto* abandoned = std::get_if<kiosk::Abandoned>(&events[1]);
        REQUIRE(abandoned != nullptr);
        CHECK(abandoned->reason == reason);
        CHECK(abandoned->state == SessionState::Urgent);
        CHECK(abandoned->answered > 5);

        // The next patient starts clean: the same red flag alerts again, the helper shows again.
        AnswerUpToDiagnosis(k);
        REQUIRE(k.session.NotSure());
        CHECK(k.session.View().helper_visible);
        CHECK(k.StateOf("oa_severity") == rules::AnswerState::Skipped);
    }
}

TEST_CASE("a wipe forgets a refused number: the next patient is asked again before anything is left unanswered") {
    for (kiosk::ResetReason reason : {kiosk::ResetReason::Idle, kiosk::ResetReason::Staff, kiosk::ResetReason::StartOver}) {
        CAPTURE(static_cast<int>(reason));
        Kiosk k;
        REQUIRE(k.session.ChooseLanguage(0));
        k.Say(std::string("yes"));
        SkipTo(k, "height");
        REQUIRE(k.session.Answer(500.0).status == kiosk::AnswerStatus::Refused);
        REQUIRE(k.session.View().reask);
        WipeBy(k, reason);
        CheckWiped(k);
        REQUIRE(k.session.ChooseLanguage(0));
        k.Say(std::string("yes"));
        SkipTo(k, "height");
        CHECK_FALSE(k.session.View().reask);
        CHECK(k.session.Answer(500.0).status == kiosk::AnswerStatus::Refused);
        CHECK(k.On() == "height");
    }
}

TEST_CASE("staff reset works from any state, including a warning or the closing screen") {
    Kiosk k;
    k.session.StaffReset();  // on the welcome screen: nothing to abandon
    CHECK(k.session.TakeEvents().empty());

    AnswerUpToDiagnosis(k);
    k.clock.Advance(95s);
    k.session.Tick();
    REQUIRE(k.session.State() == SessionState::IdleWarning);
    k.session.StaffReset();
    CheckWiped(k);
    std::vector<kiosk::SessionEvent> events = k.session.TakeEvents();
    REQUIRE(events.size() == 1);
    CHECK(std::get<kiosk::Abandoned>(events[0]).reason == kiosk::ResetReason::Staff);
    CHECK(std::get<kiosk::Abandoned>(events[0]).state == SessionState::Question);

    Drive(k, CaseAnswers("V13"));
    SubmitFromReview(k);
    k.session.Submitted(true);
    k.session.StaffReset();
    CheckWiped(k);
    CHECK(k.session.TakeEvents().empty());  // submitted, so not abandoned
    CHECK(k.session.Counters().abandoned == 1);
    CHECK(k.session.Counters().submitted == 1);
}
