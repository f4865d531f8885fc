// Answer sets given through the kiosk's Session in each language, for the language property.
#include "core/patient_properties.h"

#include <algorithm>
#include <memory>

#include "core/clock.h"
#include "core/decision_json.h"
#include "core/session.h"
#include "rules/cases.h"
#include "rules/decision.h"

namespace kiosk {
namespace {

// The screening day at noon, always: a property run must not depend on when it runs.
class FixedClock final : public Clock {
public:
    explicit FixedClock(const rules::Date& today) : m_today(today) {}
    SystemTime Now() const override { return UtcTime(m_today, std::chrono::hours(12)); }
    rules::Date Today() const override { return m_today; }
    SteadyTime Monotonic() const override { return SteadyTime{}; }  // no timer runs in a property check

private:
    rules::Date m_today;
};

rules::Observation FromDecision(const rules::Screening& screening, const rules::Decision& decision) {
    rules::Observation o;
    o.outcome = decision.outcome;
    o.reasons = rules::ReasonCodes(screening, decision);
    o.tracks = decision.tracks;
    for (const rules::UndeterminedRule& u : decision.undetermined) o.undetermined.push_back(screening.rules[u.rule].id);
    std::sort(o.undetermined.begin(), o.undetermined.end());
    return o;
}

// The language-independent part of a stored decision, in the same terms.
rules::Observation FromStored(const rules::Screening& screening, const StoredDecision& stored) {
    rules::Observation o;
    o.outcome = stored.outcome.empty() ? -1 : screening.FindOutcome(stored.outcome);
    for (const auto* list : {&stored.reasons, &stored.notes})
        for (const StoredRule& r : *list)
            if (!r.reason.empty()) o.reasons.push_back(r.reason);
    if (stored.fallback) o.reasons.push_back(stored.fallback->reason);
    std::sort(o.reasons.begin(), o.reasons.end());
    o.reasons.erase(std::unique(o.reasons.begin(), o.reasons.end()), o.reasons.end());
    for (const rules::Track& t : screening.tracks) {
        std::optional<rules::TrackStatus> status = rules::ParseTrackStatus(stored.TrackStatus(t.id));
        o.tracks.push_back(static_cast<uint8_t>(status ? *status : rules::TrackStatus::Ok));
    }
    for (const StoredRule& r : stored.undetermined) o.undetermined.push_back(r.id);
    std::sort(o.undetermined.begin(), o.undetermined.end());
    return o;
}

}  // namespace

PatientRun RunAsPatient(const rules::Screening& screening, const rules::AnswerSet& set, const rules::Date& today, int language) {
    PatientRun run;
    FixedClock clock(today);
    Session session(screening, clock);
    session.ChooseLanguage(language);
    std::vector<const rules::GivenAnswer*> given(screening.questions.size(), nullptr);
    for (const rules::GivenAnswer& a : set.answers) given[a.question] = &a;

    std::optional<Completed> completed;
    const size_t limit = 4 * screening.questions.size() + 8;  // every question, its helper, a red flag, submit
    for (size_t step = 0; step < limit && !completed; ++step) {
        const SessionState state = session.State();
        if (state == SessionState::Urgent) {
            session.Continue();
        } else if (state == SessionState::Review || state == SessionState::Ended) {
            completed = session.Submit();
        } else if (state == SessionState::Consent || state == SessionState::Question) {
            const SessionView view = session.View();
            const rules::Question& q = screening.questions[view.question];
            const rules::GivenAnswer* a = given[view.question];
            const std::string* text = a ? std::get_if<std::string>(&a->input) : nullptr;
            bool moved = false;
            if (!a) moved = session.Skip();
            else if (text && *text == "not_sure") moved = session.NotSure();
            else moved = session.Answer(a->input).status == AnswerStatus::Accepted;
            if (!moved) {
                run.problem = "the kiosk in " + screening.languages[language] + " refused '" + q.id + "' = " +
                              (a ? rules::FormatAnswerValue(screening, *a) : std::string("(skipped)"));
                return run;
            }
        } else {
            break;
        }
    }
    if (!completed) {
        run.problem = "the kiosk in " + screening.languages[language] + " never reached the end (state " +
                      SessionStateName(session.State()) + ")";
        return run;
    }
    run.decision = FromDecision(screening, completed->decision);
    const std::string text = DecisionToJson(screening, completed->decision, today, language).dump();
    run.stored = FromStored(screening, ReadDecision(text));
    return run;
}

rules::PropertyCheck LanguageInvariance(const rules::Screening& screening, const rules::Date& today, PatientPath path) {
    if (!path) path = [&screening, today](const rules::AnswerSet& set, int language) { return RunAsPatient(screening, set, today, language); };
    rules::Observer engine = rules::EngineObserver(screening, today);
    return [&screening, engine, path](const rules::AnswerSet& set, rules::PropertyRng&) -> std::optional<std::string> {
        const rules::Observation expected = engine(set);
        rules::Observation first_stored;
        for (size_t l = 0; l < screening.languages.size(); ++l) {
            const std::string& code = screening.languages[l];
            PatientRun run = path(set, static_cast<int>(l));
            if (!run.problem.empty()) return run.problem;
            if (run.decision != expected)
                return "through the kiosk in " + code + ": " + rules::DescribeObservation(screening, run.decision) +
                       "; the engine on the same answers: " + rules::DescribeObservation(screening, expected);
            if (l == 0) first_stored = run.stored;
            else if (run.stored != first_stored)
                return "stored in " + code + " and read back: " + rules::DescribeObservation(screening, run.stored) + "; stored in " +
                       screening.languages[0] + ": " + rules::DescribeObservation(screening, first_stored);
        }
        return std::nullopt;
    };
}

}  // namespace kiosk
