// One patient's answers to a screening, checked against the questions as they are set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rules/date.h"

namespace rules {

struct Screening;

enum class AnswerState : uint8_t { Skipped, Unsure, Given };

struct Answer {
    AnswerState state = AnswerState::Skipped;
    bool yes = false;       // yes_no
    int32_t option = -1;    // single
    uint64_t set = 0;       // multi
    double number = 0;      // integer / decimal, in the question's unit
    Date date;              // date
    std::string text;       // text
};

// Indexed like Screening::questions; every question starts skipped.
struct Answers {
    std::vector<Answer> values;
};

Answers MakeAnswers(const Screening& screening);

// An answer as it arrives from a file: "yes", "not_sure", an option code, a list of codes,
// a number, a number with a unit, a date.
struct MeasuredInput {
    double value = 0;
    std::string unit;
};
using AnswerInput = std::variant<std::string, std::vector<std::string>, double, MeasuredInput, Date>;

// Sets the answer to question `question` from `input`. Returns an error message (without
// the question id, which the caller names) when the value does not fit the question:
// wrong type, unknown option code, out of limits, a future date, too long.
// `today` is the screening day, for date limits.
std::optional<std::string> SetAnswer(const Screening& screening, Answers& answers, int question,
                                     const AnswerInput& input, const Date& today);

// The answer in the form of an answers file value, for reports: "yes", "knee", "[pt, meds]",
// "170 cm", "2026-06-15", "not_sure", "(skipped)".
std::string DescribeAnswer(const Screening& screening, const Answers& answers, int question);

}  // namespace rules
