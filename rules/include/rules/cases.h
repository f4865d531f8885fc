// Running a screening file's own test cases.
#pragma once

#include <string>
#include <vector>

#include "rules/screening.h"

namespace rules {

struct CaseResult {
    int case_index = -1;
    bool passed = true;
    std::vector<std::string> failures;  // "outcome: expected X, got Y", ...
};

struct CaseReport {
    std::vector<CaseResult> results;
    std::vector<int> never_fired;  // rule indices fired by no case
    int passed = 0;
    int failed = 0;
};

CaseReport RunCases(const Screening& screening);

struct Decision;
struct UndeterminedRule;

// The reason codes a decision names, sorted and without repeats: what a case's `expect.reasons`
// is compared with and what staff see. The reasons of the rules that fired (notes and indications
// included); for each undetermined rule whose unknown effect raised the outcome
// (UnknownRaisesOutcome), R-UNKNOWN-<question id> for each answer it lacked; the fallback reason.
// So an outcome at review or above names at least one code whenever the rules that can give it
// have reason codes (a rule may have none, as a consent gate or a composition step).
std::vector<std::string> ReasonCodes(const Screening& screening, const Decision& decision);

// The R-UNKNOWN-<question id> codes one undetermined rule adds to ReasonCodes (none when its
// unknown effect does not raise the outcome), in the order of Decision::missing.
std::vector<std::string> UnknownReasonCodes(const Screening& screening, const Decision& decision, const UndeterminedRule& rule);

}  // namespace rules
