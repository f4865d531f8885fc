// Writing [[cases]] blocks: the TOML an author pastes into a screening file, from the tools that
// find answer sets (kiosk test --mutate, --properties).
#pragma once

#include <string>
#include <string_view>

#include "rules/answers.h"
#include "rules/screening.h"

namespace rules {

// A TOML basic string: quoted, with quotes, backslashes and line breaks escaped.
std::string TomlString(std::string_view text);

// "2026-06-15", "not_sure", ["a", "b"], 170: an answer as a TOML value, as [[cases]] answers take it;
// empty for a skipped answer.
std::string AnswerToml(const Screening& screening, const Answers& answers, int question);

}  // namespace rules
