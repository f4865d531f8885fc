// Running a screening file's test cases: expected against actual, and rule coverage.
#include "rules/cases.h"

#include <algorithm>

#include "rules/decision.h"

namespace rules {

std::vector<std::string> UnknownReasonCodes(const Screening& screening, const Decision& decision, const UndeterminedRule& u) {
    std::vector<std::string> codes;
    if (!UnknownRaisesOutcome(screening, screening.rules[u.rule], u.level)) return codes;
    for (int32_t i = 0; i < u.missing_count; ++i)
        codes.push_back(std::string(kUnknownReasonPrefix) + screening.questions[decision.missing[u.missing_first + i]].id);
    return codes;
}

std::vector<std::string> ReasonCodes(const Screening& screening, const Decision& decision) {
    std::vector<std::string> codes;
    for (const FiredRule& f : decision.fired)
        if (!screening.rules[f.rule].reason.empty()) codes.push_back(screening.rules[f.rule].reason);
    for (const UndeterminedRule& u : decision.undetermined)
        for (std::string& code : UnknownReasonCodes(screening, decision, u)) codes.push_back(std::move(code));
    if (decision.fallback) codes.push_back(screening.fallback_reason);
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    return codes;
}

CaseReport RunCases(const Screening& screening) {
    CaseReport report;
    std::vector<bool> fired(screening.rules.size(), false);
    Decision decision;
    for (size_t i = 0; i < screening.cases.size(); ++i) {
        const TestCase& c = screening.cases[i];
        std::vector<ParamValue> params = screening.ParameterValues();
        for (const auto& [p, value] : c.parameters) params[p] = value;
        Decide(screening, screening.case_answers[c.answers], c.today, params, decision);
        for (const FiredRule& f : decision.fired) fired[f.rule] = true;

        CaseResult result;
        result.case_index = static_cast<int>(i);
        const CaseExpectation& e = c.expect;
        auto outcome_name = [&](int o) { return o < 0 ? std::string("none") : screening.outcomes[o].id; };
        if (e.has_outcome && e.outcome != decision.outcome)
            result.failures.push_back("outcome: expected " + outcome_name(e.outcome) + ", got " + outcome_name(decision.outcome));
        if (e.has_reasons) {
            std::vector<std::string> actual = ReasonCodes(screening, decision);
            std::vector<std::string> missing, extra;
            std::set_difference(e.reasons.begin(), e.reasons.end(), actual.begin(), actual.end(), std::back_inserter(missing));
            std::set_difference(actual.begin(), actual.end(), e.reasons.begin(), e.reasons.end(), std::back_inserter(extra));
            auto join = [](const std::vector<std::string>& v) {
                std::string out;
                for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
                return out;
            };
            if (!missing.empty()) result.failures.push_back("reasons: expected but not given: " + join(missing));
            if (!extra.empty()) result.failures.push_back("reasons: given but not expected: " + join(extra));
        }
        for (const auto& [t, status] : e.tracks) {
            auto actual = static_cast<TrackStatus>(decision.tracks[t]);
            if (actual != status)
                result.failures.push_back("track " + screening.tracks[t].id + ": expected " + TrackStatusName(status) + ", got " +
                                          TrackStatusName(actual));
        }
        if (e.has_undetermined) {
            std::vector<std::string> actual;
            for (const UndeterminedRule& u : decision.undetermined) actual.push_back(screening.rules[u.rule].id);
            std::sort(actual.begin(), actual.end());
            if (actual != e.undetermined) {
                std::string a, x;
                for (const std::string& s : e.undetermined) x += (x.empty() ? "" : ", ") + s;
                for (const std::string& s : actual) a += (a.empty() ? "" : ", ") + s;
                result.failures.push_back("undetermined: expected [" + x + "], got [" + a + "]");
            }
        }
        result.passed = result.failures.empty();
        (result.passed ? report.passed : report.failed)++;
        report.results.push_back(std::move(result));
    }
    for (size_t r = 0; r < fired.size(); ++r)
        if (!fired[r]) report.never_fired.push_back(static_cast<int>(r));
    return report;
}

}  // namespace rules
