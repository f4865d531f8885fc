// What every export reads of one stored submission: its answers and decision, read once, and the
// answer and text helpers the formats share. Internal to kiosk/store/export.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decision_json.h"
#include "rules/screening.h"
#include "store/store.h"

namespace kiosk::store::exports {

inline constexpr const char* kNotSure = "not_sure";

// The answers and decision of one stored submission, read once. The database only accepts valid
// JSON (CHECK json_valid), but an export must still not fail on a row it cannot read: such
// answers are null and such a decision unreadable, and their cells empty.
struct Stored {
    nlohmann::json answers;
    StoredDecision decision;
    bool same_file = false;  // decided on the very screening file we export with
};

nlohmann::json ParseOrNull(const std::string& text);
Stored ReadStored(const rules::Screening& screening, const StoredSubmission& submission);

// The stored answer to `q`, or null when it was skipped or not shown (in ignored_answers).
const nlohmann::json& AnswerOf(const Stored& stored, const rules::Question& q);
bool IsNotSure(const nlohmann::json& value);
// The option codes of a stored answer: one code, a list, or yes/no (also as a JSON boolean).
std::vector<std::string> Codes(const nlohmann::json& value);
// A number answer in the question's own unit. Answers files may say {"value": 5.5, "unit": "ft"}.
std::optional<double> NumberOf(const rules::Question& q, const nlohmann::json& value);
// The shortest text that reads back as the same number ("170", "72.5"), as JSON writes numbers.
std::string NumberText(double number);

// `language` clamped to the screening's languages (0 when out of range).
size_t LanguageIndex(const rules::Screening& screening, int language);
// The text in `language`, else the first language's, else empty.
const std::string& Text(const rules::LangText& texts, size_t language);
const std::string& NotSureLabel(const rules::Screening& screening, size_t language);

std::string Join(const std::vector<std::string>& items, std::string_view separator);

}  // namespace kiosk::store::exports
