// Mutation testing of a screening file: small faults planted in its rules, and whether its own
// cases notice each one, with an answer set that shows a fault nobody noticed.
//
// Everything runs in process on copies of a loaded Screening: a mutant is the screening with one
// change to its checked expression trees or rule effects, made ready again with PrepareDecisions.
// A mutant is killed when at least one of the file's [[cases]] fails on it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rules/answers.h"
#include "rules/diagnostics.h"
#include "rules/screening.h"

namespace rules {

enum class MutantKind : uint8_t {
    RemoveRule,        // the rule never fires (and is never undetermined)
    NegateRule,        // `when` becomes `not (when)`
    ShiftThreshold,    // a numeric comparison's threshold moved one step up or down (MutationStep)
    SwapStrictness,    // < and <=, > and >= exchanged
    DropOption,        // one option left out of `q in [...]`, `code in q` or `q in [...]` on a multiple choice
    LowerOutcome,      // the rule's outcome replaced by the next lower rank (the lowest: a note); a rule
                       // with level_from gets a fixed level, one below its parameter's value in the file
    LowerTrack,        // one procedure status the rule sets one step lower (contra, review, note, ok)
    RemoveShowIfTerm,  // a question's show_if: an `and`/`or` replaced by one of its sides, or a lone condition removed
    NegateDerived,     // a yes/no derived value negated
    ShiftDerived,      // a numeric derived value one step more or less
    DropDerivedTerm,   // one side of an and/or/+ dropped, or one condition of count(...)
};
const char* MutantKindName(MutantKind kind);
constexpr int kMutantKindCount = 11;

// What a mutant changes: a rule (its condition or effect), a question's show_if, a derived value.
enum class MutantTarget : uint8_t { Rule, ShowIf, Derived };

// One planted fault. `Apply` makes it on a copy of the screening it was generated from.
struct Mutant {
    MutantKind kind = MutantKind::RemoveRule;
    MutantTarget target = MutantTarget::Rule;
    int32_t index = -1;    // the rule, question (show_if) or derived value
    int32_t node = -1;     // the expression node changed (Screening::expr.nodes); -1 for a whole rule
    int32_t detail = -1;   // DropOption: the option; LowerTrack: the track; RemoveShowIfTerm and
                           // DropDerivedTerm: the side kept (0 = a, 1 = b) or, in count(...), the condition dropped
    double delta = 0;      // ShiftThreshold, ShiftDerived: the step, signed
    bool safety = false;   // a safety rule, or read by one (IsSafetyRule)
    SourcePos pos;         // where the changed rule, condition or value is written
    std::string description;  // in a clinician's words: "rule U2: option 'saddle' dropped from ..."
};

// Every mutant of every rule, show_if and derived value, in file order of what they change.
std::vector<Mutant> GenerateMutants(const Screening& screening);

// Makes the mutant's change on `screening` (a copy of the one it was generated from) and calls
// PrepareDecisions. The copy's constant texts still point into the original: keep it alive.
void ApplyMutant(Screening& screening, const Mutant& mutant);

// A rule that keeps a patient from a procedure: its level (with the screening's own parameter
// values) is ranked at or above the review outcome, or it sets some procedure to review or contra.
bool IsSafetyRule(const Screening& screening, int rule);

// The step a threshold moves by: 1 for whole numbers compared with whole numbers (integer
// answers, ages in years, months_since in months, days_since in days, counts); otherwise one unit
// of the threshold's last written decimal, and at least 0.1 (18.5 moves by 0.1, 1.25 by 0.01).
double MutationStep(const Screening& screening, int32_t compared_node, double threshold);

// What a decision gives that a case would check: outcome (its rank), reason codes, procedure statuses.
struct DecisionSummary {
    int outcome = -1;  // -1: none
    int rank = 0;
    std::vector<std::string> reasons;
    std::vector<uint8_t> tracks;
    bool operator==(const DecisionSummary&) const = default;
};

// An answer set on which the original and the mutant decide differently.
struct Witness {
    int base_case = -1;     // the case whose answers it starts from (its today and parameters apply)
    Answers answers;
    DecisionSummary original, mutant;
    bool lower = false;     // the mutant gives a lower outcome rank or a lower procedure status
};

// Searches for a witness: from each case's answers (the cleanest cases first), one answer the
// changed rule reads is changed (each option alone, an option added or removed, skipped, "not
// sure", numbers and dates at a threshold and one step either side), then two. With
// `prefer_lower` it goes on until it finds one where the mutant decides lower, and returns the
// first difference only when there is none. `budget` caps the answer sets tried.
bool FindWitness(const Screening& original, const Screening& mutant, const Mutant& m, bool prefer_lower, Witness& out,
                 int budget = 10000);

// The witness as a [[cases]] block an author can paste into the file: every answer given, the
// base case's day and parameters, and what the ORIGINAL screening decides as the expectation.
std::string WitnessCaseToml(const Screening& original, const Mutant& m, const Witness& witness);

enum class MutantFate : uint8_t { Killed, Dangerous, Survived, NoWitness };

struct MutantResult {
    Mutant mutant;
    MutantFate fate = MutantFate::Killed;
    Witness witness;  // for Dangerous and Survived
};

struct MutationReport {
    bool cases_pass = true;  // the original's cases all pass (otherwise nothing was mutated)
    std::vector<MutantResult> results;
    int killed = 0, dangerous = 0, survived = 0, no_witness = 0;  // survived excludes dangerous and no_witness
    int Total() const { return static_cast<int>(results.size()); }
};

// Generates every mutant, runs the file's cases on each, and looks for a witness for each survivor.
// Dangerous: a survivor marked `safety` whose witness decides lower than the original.
MutationReport RunMutation(const Screening& screening);


}  // namespace rules
