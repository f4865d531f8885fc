// Test helper: a kiosk with a hand-set clock running a Session on the default screening, and a
// driver that answers every question the session shows from a set of answers, as a patient would.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/session.h"
#include "rules/loader.h"

namespace session_driver {

using namespace std::chrono_literals;
using kiosk::SessionState;

inline const rules::Screening& Default() {
    static std::unique_ptr<rules::Screening> screening = [] {
        rules::LoadResult r = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
        if (!r.screening) FAIL(r.diagnostics.Format());
        return std::move(r.screening);
    }();
    return *screening;
}

inline const rules::Date kDay{2026, 6, 15};
using Codes = std::vector<std::string>;

inline int Q(const char* id) {
    int q = Default().FindQuestion(id);
    REQUIRE_MESSAGE(q >= 0, id);
    return q;
}

inline std::string Rule(int r) { return r < 0 ? "-" : Default().rules[r].id; }

inline std::string Text(const char* key, int language = 0) { return Default().texts.at(key)[language]; }

// One kiosk: a hand-set clock at 09:00 UTC on the screening day and a session on the default screening.
struct Kiosk {
    explicit Kiosk(kiosk::SystemTime start = kiosk::UtcTime(kDay, 9h), kiosk::SessionSettings settings = {})
        : clock(start), session(Default(), clock, settings) {}
    kiosk::ManualClock clock;
    kiosk::Session session;

    std::string On() const {
        kiosk::SessionView v = session.View();
        if (v.question >= 0) return Default().questions[v.question].id;
        return kiosk::SessionStateName(v.state);
    }
    rules::AnswerState StateOf(const char* id) const { return session.AnswersInMemory().values[Q(id)].state; }
    void Say(const rules::AnswerInput& input) {
        const std::string where = On();
        const int question = session.View().question;
        kiosk::AnswerResult result = session.Answer(input);
        REQUIRE_MESSAGE(result.status == kiosk::AnswerStatus::Accepted,
                        where << ": " << (result.problem ? rules::DescribeAnswerProblem(Default().questions[question], *result.problem) : ""));
    }
};

// The answer as a screen would send it.
inline rules::AnswerInput InputFor(int q, const rules::Answer& a) {
    const rules::Question& question = Default().questions[q];
    if (a.state == rules::AnswerState::Unsure) return std::string("not_sure");
    switch (question.type) {
        case rules::QuestionType::YesNo: return std::string(a.yes ? "yes" : "no");
        case rules::QuestionType::Single: return question.options[a.option].code;
        case rules::QuestionType::Multi: {
            Codes codes;
            for (size_t o = 0; o < question.options.size(); ++o)
                if ((a.set >> o) & 1u) codes.push_back(question.options[o].code);
            return codes;
        }
        case rules::QuestionType::Integer:
        case rules::QuestionType::Decimal: return a.number;
        case rules::QuestionType::Date: return a.date;
        case rules::QuestionType::Text: return a.text;
    }
    return std::string();
}

struct Trace {
    Codes asked;   // question ids in the order the session showed them
    Codes alerts;  // "rule@question": each UrgentAlert and the question that raised it
};

// Starts a session and answers every question it shows from `answers` (skipping those without
// one, answering "not sure" through the helper), going on after red flags, until it stops asking.
// Five seconds pass per question: a real pace that never reaches the idle warning.
// `after_each`, when given, runs after every intent and takes the session's events itself (a
// Recorder draining them); otherwise the driver takes them and notes the alerts in the trace.
inline Trace Drive(Kiosk& k, const rules::Answers& answers, int language = 0, const std::function<void()>& after_each = {}) {
    Trace trace;
    REQUIRE(k.session.ChooseLanguage(language));
    for (int guard = 0; guard < 200; ++guard) {
        kiosk::SessionView v = k.session.View();
        if (v.state == SessionState::Urgent) {
            REQUIRE(k.session.Continue());
            continue;
        }
        if (v.state != SessionState::Consent && v.state != SessionState::Question) break;
        const std::string id = Default().questions[v.question].id;
        trace.asked.push_back(id);
        k.clock.Advance(5s);
        k.session.Tick();
        const rules::Answer& a = answers.values[v.question];
        if (a.state == rules::AnswerState::Skipped) {
            REQUIRE_MESSAGE(k.session.Skip(), id);
        } else if (a.state == rules::AnswerState::Unsure) {
            REQUIRE(k.session.NotSure());
            if (k.session.View().helper_visible) REQUIRE(k.session.NotSure());
        } else {
            k.Say(InputFor(v.question, a));
        }
        if (after_each) {
            after_each();
            continue;
        }
        for (const kiosk::SessionEvent& e : k.session.TakeEvents())
            if (const auto* alert = std::get_if<kiosk::UrgentAlert>(&e)) trace.alerts.push_back(Rule(alert->rule) + "@" + id);
    }
    return trace;
}

}  // namespace session_driver
