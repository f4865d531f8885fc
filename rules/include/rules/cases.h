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

// The reason codes a decision names, sorted and without repeats: what a case's `expect.reasons`
// is compared with. The reasons of the rules that fired, and the fallback reason.
std::vector<std::string> ReasonCodes(const Screening& screening, const Decision& decision);

}  // namespace rules
