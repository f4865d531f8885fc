// Operator precedence of the expression language: one table, read by the parser and the printer.
#pragma once

#include <cstdint>
#include <string_view>

namespace rules {

// Loosest first. Binary operators are left-associative (`a - b - c` is `(a - b) - c`), except
// comparisons, which do not chain (`a < b < c` is an error). A prefix operator's operand binds at
// the operator's own level: `not a and b` is `(not a) and b`, `not a = b` is `not (a = b)`,
// `-a * b` is `(-a) * b`. Primary: literals, names, calls, lists and parentheses.
enum class Precedence : uint8_t { None, Or, And, Not, Compare, Sum, Product, Negate, Primary };

// The next tighter level (the right operand of a left-associative operator binds at it).
constexpr Precedence Tighter(Precedence p) { return static_cast<Precedence>(static_cast<uint8_t>(p) + 1); }

struct OperatorSyntax {
    std::string_view text;  // as written; "not in" is two words, "==" is read as "="
    bool prefix;            // `not x`, `-x`; otherwise written between its two operands
    Precedence precedence;
};

inline constexpr OperatorSyntax kOperators[] = {
    {"or", false, Precedence::Or},
    {"and", false, Precedence::And},
    {"not", true, Precedence::Not},
    {"=", false, Precedence::Compare},
    {"!=", false, Precedence::Compare},
    {"<", false, Precedence::Compare},
    {"<=", false, Precedence::Compare},
    {">", false, Precedence::Compare},
    {">=", false, Precedence::Compare},
    {"in", false, Precedence::Compare},
    {"not in", false, Precedence::Compare},
    {"+", false, Precedence::Sum},
    {"-", false, Precedence::Sum},
    {"*", false, Precedence::Product},
    {"/", false, Precedence::Product},
    {"-", true, Precedence::Negate},
};

// The precedence of `text` written between two operands (prefix = false) or before one; None
// when it is no such operator.
constexpr Precedence OperatorPrecedence(std::string_view text, bool prefix) {
    for (const OperatorSyntax& op : kOperators)
        if (op.text == text && op.prefix == prefix) return op.precedence;
    return Precedence::None;
}

}  // namespace rules
