// Loading a screening file's test cases ([case_templates], [[cases]]): answers, parameter
// overrides and expectations, checked against the loaded questions, rules and outcomes.
// Running them is cases.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include <toml++/toml.h>

#include "rules/screening.h"
#include "toml_read.h"

namespace rules {

// Loads the cases into screening.cases and screening.case_answers. `quiet_options` (per question)
// marks questions whose options had errors, so answers naming them are not reported again;
// with `rules_have_errors`, a reason or rule a case names that does not exist is likely their
// consequence and is not reported either.
void LoadCases(const toml::table& root, TomlReader& read, Screening& screening, const std::vector<uint8_t>& quiet_options,
               bool rules_have_errors);

}  // namespace rules
