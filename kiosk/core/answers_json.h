// Answers files (JSON): question id -> value, read against a screening with every error named.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/answers.h"
#include "rules/screening.h"

namespace kiosk {

struct AnswersParse {
    rules::Answers answers;
    std::vector<std::string> errors;  // "'pain_area' has no option 'kne' (options: ...)"
    bool ok() const { return errors.empty(); }
};

// Reads an answers object. Values: "yes"/"no", an option code, a list of codes, a number,
// {"value": 5.5, "unit": "ft"}, "YYYY-MM-DD", text, "not_sure"; null or an absent id = skipped.
AnswersParse AnswersFromJson(const rules::Screening& screening, const nlohmann::json& object, const rules::Date& today);

// Parses text, then AnswersFromJson; a JSON syntax error becomes one error with its byte position.
AnswersParse AnswersFromJsonText(const rules::Screening& screening, const std::string& text, const rules::Date& today);

// The answers that were given (skipped ones left out), in the answers-file format.
nlohmann::json AnswersToJson(const rules::Screening& screening, const rules::Answers& answers);

}  // namespace kiosk
