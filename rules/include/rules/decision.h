// Deciding: a screening plus one patient's answers give a Decision that explains itself.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "rules/answers.h"
#include "rules/expr.h"
#include "rules/screening.h"

namespace rules {

// A rule that fired, with the level it fired at: kLevel* or an outcome index, resolved with the
// parameter values of that Decide call (a case's or a clinic's override of a level_from
// parameter included), so no reader re-derives it.
struct FiredRule {
    int32_t rule = -1;
    int32_t level = kLevelNone;
    bool operator==(const FiredRule&) const = default;
};

// A rule whose condition was unknown, with its resolved level (as FiredRule) and the answers it lacked.
struct UndeterminedRule {
    int32_t rule = -1;
    int32_t level = kLevelNone;
    int32_t missing_first = 0;  // into Decision::missing
    int32_t missing_count = 0;
};

// The result of one decision. Reuse one Decision for many calls to Decide: after the first
// call its storage is sized and deciding allocates nothing.
struct Decision {
    int outcome = -1;                 // outcome index; -1 = none (the screening ended storing nothing)
    bool fallback = false;            // no rule gave an outcome; [decision] fallback_outcome applied
    bool store = true;                // false: store nothing (consent declined)
    int ended_by = -1;                // rule with flow = "end" that ended the screening
    std::vector<FiredRule> fired;     // every rule that fired (notes and indications too), in file order
    std::vector<UndeterminedRule> undetermined;
    std::vector<int32_t> missing;     // question indices, see UndeterminedRule
    std::vector<uint8_t> tracks;      // TrackStatus per track
    std::vector<uint8_t> shown;       // per question: 1 if the question is asked
    std::vector<int32_t> ignored;     // questions with an answer that is not shown (never submitted)

    // Scratch space for the evaluator.
    std::vector<EvalValue> derived_values;
    std::vector<uint8_t> derived_done;
    std::vector<uint8_t> rule_state;  // per rule: 0 not evaluated, 1 false, 2 fired, 3 undetermined
    int current_rank = 0;
    TrackFloor track_floor;           // the tracks so far; `tracks` is written from it at the end

    enum class RuleResult : uint8_t { NotEvaluated = 0, False = 1, Fired = 2, Undetermined = 3 };
    RuleResult Result(int rule) const { return static_cast<RuleResult>(rule_state[rule]); }
    bool Fired(int rule) const;
    bool Interrupts(const Screening& screening) const;  // a fired rule has flow = "interrupt"
};

// Decides. `params` are the parameter values (Screening::ParameterValues(), or a case's
// overrides); `today` is the screening day. Never throws; allocates nothing once `out` has
// been used for this screening.
void Decide(const Screening& screening, const Answers& answers, const Date& today,
            std::span<const ParamValue> params, Decision& out);

// Decides with the screening's own parameter values.
Decision Decide(const Screening& screening, const Answers& answers, const Date& today);

// Which questions are shown for these answers (the session uses this for navigation).
void ComputeShown(const Screening& screening, const Answers& answers, const Date& today,
                  std::span<const ParamValue> params, Decision& scratch);

// The outcome a rule's level stands for with these parameter values (kLevel* or an outcome index).
int RuleLevel(const Screening& screening, const Rule& rule, std::span<const ParamValue> params);

// The status a rule sets on a track when it fires at `level` (kNoTrackEffect: none).
int8_t RuleTrackEffect(const Screening& screening, const Rule& rule, int level, size_t track);

// What a rule does to a decision at `level`, when it fires and when it is undetermined. Stored
// for each rule's own level (Rule::effects); Decide computes it for a rule whose level comes
// from a parameter.
RuleEffects RuleEffectsAt(const Screening& screening, const Rule& rule, int level);

// What an undetermined rule names when its unknown effect raised the outcome: the prefix of
// "R-UNKNOWN-<question id>", one code for each answer it lacked (spec 7a.3: an outcome at review
// or above always names a reason; a screening's own rules may give the same codes, as C-24 does).
inline constexpr std::string_view kUnknownReasonPrefix = "R-UNKNOWN-";

// Whether `rule`, undetermined at `level`, raises the outcome: its unknown effect counts
// (unknown = "review", or the default for a rule at the review outcome or above). A rule set to
// "ignore", a note, an indication or a track-only rule does not.
bool UnknownRaisesOutcome(const Screening& screening, const Rule& rule, int level);

// Builds what deciding reads besides the checked model: the evaluation form of the expressions
// (ExprPool::BuildEval), each rule's effects at its own level, the list of gate rules. The loader
// calls it once a screening is valid; call it again after changing a loaded screening.
void PrepareDecisions(Screening& screening);

// Evaluates one expression (for tests and tools).
Value EvaluateExpression(const Screening& screening, int32_t node, const Answers& answers,
                         const Date& today, std::span<const ParamValue> params, Decision& scratch);

}  // namespace rules
