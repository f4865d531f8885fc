// The expression checker: resolves names and types a syntax tree into the screening's node pool.
#pragma once

#include <vector>

#include "rules/expr.h"
#include "rules/screening.h"

namespace rules {

enum class ExprPlace { ShowIf, Derived, Rule };

struct CheckEnv {
    Screening& screening;
    ExprPlace place = ExprPlace::Rule;
    int question_limit = -1;        // ShowIf: only questions before this index may be read
    std::string owner;              // "show_if of 'pregnant'", for messages
    const std::vector<uint8_t>* quiet_options = nullptr;  // per question: its options had errors, so
                                                           // names checked against them are not reported again
};

struct CheckResult {
    int32_t root = -1;
    TypeInfo type;
    std::vector<int32_t> questions;  // read directly or through derived values, sorted, unique
    bool reads_state = false;        // uses status() or level()
};

// Types `tree` into screening.expr. Reports every problem; returns false on any error.
// `want_bool`: the expression is a condition.
bool CheckExpression(const SyntaxTree& tree, CheckEnv& env, bool want_bool, Diagnostics& diags, CheckResult& out);

// The closest of `candidates` to `name` for a "did you mean" hint, or "".
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace rules
