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
struct Question;

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

// Why SetAnswer refused an input. A patient on the kiosk's screens can cause only the number
// kinds (OutOfRange, NotWhole, NotFinite) and the date kinds (InvalidDate, InFuture, TooOld); the
// others are mistakes in an answers file or a test case.
enum class AnswerProblemKind : uint8_t {
    NotSureNotOffered,    // "not_sure" where the question does not offer it
    WrongType,            // a value of the wrong form for the question (a list for yes/no, text for a number)
    UnknownOption,        // `code` is not an option of the question
    NoOption,             // an empty list of codes (leaving the question out is how to skip it)
    NotSureWithOptions,   // "not_sure" inside a list of options
    ExclusiveWithOthers,  // an exclusive option (such as none) together with other options
    UnknownUnit,          // `given_unit` is neither the question's unit nor one of its alternatives
    NotFinite,            // the number, in the question's unit, is infinite or not a number
    NotWhole,             // an integer question, and the number in the question's unit has a fraction
    OutOfRange,           // `value` in `given_unit` is outside `min` to `max`
    InvalidDate,          // not a date as "YYYY-MM-DD" (or "YYYY-MM"), or a day the calendar lacks (31 February)
    InFuture,             // `date` is after the screening day, and the question takes past dates only
    TooOld,               // `date` is more than `max_age_years` years before the screening day
    TooLong,              // `length` characters where at most `max_length` are allowed
};

// The kind, with what was given and the limit it broke; fields a kind does not name stay default.
struct AnswerProblem {
    AnswerProblemKind kind = AnswerProblemKind::WrongType;
    std::string code;          // UnknownOption: the code given
    // The number kinds (NotFinite, NotWhole, OutOfRange): the number as given, the unit it came
    // in (empty = the question's own; UnknownUnit: the unit refused), and the question's limits in its unit.
    double value = 0;
    std::string given_unit;
    double min = 0, max = 0;
    std::string unit;          // empty when the question has none
    Date date;                 // InFuture, TooOld: the date as it would be stored (day 1 for a month)
    int max_age_years = 0;     // TooOld
    int length = 0;            // TooLong: characters (not bytes) given
    int max_length = 0;        // TooLong
};

// The number kinds: a number the question's limits do not hold (spec §3 asks it again once).
constexpr bool IsNumberLimit(AnswerProblemKind kind) {
    return kind == AnswerProblemKind::NotFinite || kind == AnswerProblemKind::NotWhole || kind == AnswerProblemKind::OutOfRange;
}

// Sets the answer to question `question` from `input`, or returns why the value does not fit the
// question, leaving the answer skipped. `today` is the screening day, for date limits.
std::optional<AnswerProblem> SetAnswer(const Screening& screening, Answers& answers, int question,
                                       const AnswerInput& input, const Date& today);

// The problem in words for staff, files and the CLI, without the question id (the caller names it):
// "has no option 'kne' (options: knee, hip)", "400 is outside 0 to 300 cm", "2030-01-01 is in the
// future". `question` is the question SetAnswer refused the answer to.
std::string DescribeAnswerProblem(const Question& question, const AnswerProblem& problem);

// The answer in the form of an answers file value, for reports: "yes", "knee", "[pt, meds]",
// "170 cm", "2026-06-15", "not_sure", "(skipped)".
std::string DescribeAnswer(const Screening& screening, const Answers& answers, int question);

}  // namespace rules
