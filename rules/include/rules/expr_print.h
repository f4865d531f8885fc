// Printing a checked expression back as the screening file would write it (exports, tools).
#pragma once

#include <cstdint>
#include <string>

#include "rules/screening.h"

namespace rules {

// The expression rooted at `node` (an index into screening.expr.nodes: a show_if, a derived
// value's expr, a rule's when) as text that parses back to the same tree. Parentheses only
// where precedence needs them, with two exceptions: `a and b` inside `or` is always
// parenthesised, because clinicians read these; `a or (b or c)` prints as `a or b or c`, the
// same condition read back as `(a or b) or c`. The checker's rewrites show: `x not in q` prints
// as `not x in q`, an option code written as a string as the bare code, `==` as `=`.
std::string ExpressionText(const Screening& screening, int32_t node);

// A number as the expression text and exports write it: whole numbers below 10^15 without a
// decimal point ("18"), others in the shortest form that reads back exactly, written as JSON
// writes numbers ("18.5", "0.0001", "1e-05", "1e+15"). Not-a-number and infinities as "nan",
// "inf", "-inf" (which a screening never holds: the loader refuses them, see NumberProblem).
std::string NumberText(double number);

}  // namespace rules
