// Printing a checked expression tree back as text, with the parser's precedence (expr_precedence.h).
#include "rules/expr_print.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

#include "expr_precedence.h"

namespace rules {
namespace {

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out;
}

// The operator an op is written with, and whether it comes before its operand; empty for ops
// written as a value or a call.
struct Written {
    std::string_view text;
    bool prefix = false;
};

Written WrittenAs(Op op) {
    switch (op) {
        case Op::Or: return {"or"};
        case Op::And: return {"and"};
        case Op::Not: return {"not", true};
        case Op::Eq: return {"="};
        case Op::Ne: return {"!="};
        case Op::Lt: return {"<"};
        case Op::Le: return {"<="};
        case Op::Gt: return {">"};
        case Op::Ge: return {">="};
        case Op::InList: case Op::Contains: case Op::AnyOf: return {"in"};
        case Op::NotInList: return {"not in"};
        case Op::Add: return {"+"};
        case Op::Sub: return {"-"};
        case Op::Mul: return {"*"};
        case Op::Div: return {"/"};
        case Op::Neg: return {"-", true};
        default: return {};
    }
}

Precedence PrecedenceOf(Op op) {
    Written w = WrittenAs(op);
    return w.text.empty() ? Precedence::Primary : OperatorPrecedence(w.text, w.prefix);
}

class Printer {
public:
    explicit Printer(const Screening& s) : m_s(s) {}

    // The node, in parentheses when it binds looser than its place (`outer`) allows.
    std::string Print(int32_t node, Precedence outer = Precedence::None) const {
        const Node& n = m_s.expr.nodes[node];
        std::string text = Body(n);
        return PrecedenceOf(n.op) < outer ? "(" + text + ")" : text;
    }

private:
    std::string Codes(const TypeInfo& type, uint64_t mask) const {
        std::vector<std::string> names;
        for (uint32_t bit = 0; bit < 64; ++bit) {
            if (!((mask >> bit) & 1u)) continue;
            if ((type.kind == ValueType::Option || type.kind == ValueType::OptionSet) && type.domain >= 0 &&
                bit < m_s.questions[type.domain].options.size())
                names.push_back(m_s.questions[type.domain].options[bit].code);
            else if (type.kind == ValueType::TrackStatus)
                names.push_back(TrackStatusName(static_cast<TrackStatus>(bit)));
            else
                names.push_back(OutcomeByRank(static_cast<int>(bit)));
        }
        return "[" + Join(names) + "]";
    }

    std::string OutcomeByRank(int rank) const {
        for (const Outcome& o : m_s.outcomes)
            if (o.rank == rank) return o.id;
        return std::to_string(rank);
    }

    std::string Constant(const Node& n) const {
        switch (n.type.kind) {
            case ValueType::Bool: return n.constant.boolean ? "yes" : "no";
            case ValueType::Number: return NumberText(n.constant.number);
            case ValueType::String: return "\"" + n.constant_text + "\"";
            case ValueType::Option:
                if (n.type.domain >= 0 && n.constant.integer >= 0 &&
                    static_cast<size_t>(n.constant.integer) < m_s.questions[n.type.domain].options.size())
                    return m_s.questions[n.type.domain].options[n.constant.integer].code;
                return "?";
            case ValueType::OptionList: return Codes({n.type.element, n.type.domain, n.type.element}, n.mask);
            case ValueType::TrackStatus: return TrackStatusName(static_cast<TrackStatus>(n.constant.integer));
            case ValueType::Outcome: return OutcomeByRank(n.constant.integer);
            default: return "?";
        }
    }

    std::string Call(const char* name, int32_t question) const { return std::string(name) + "(" + m_s.questions[question].id + ")"; }

    std::string Body(const Node& n) const {
        const Precedence p = PrecedenceOf(n.op);
        const std::string op(WrittenAs(n.op).text);
        // Left-associative: the right operand at the same level needs parentheses (a - (b - c)).
        auto binary = [&] { return Print(n.a, p) + " " + op + " " + Print(n.b, Tighter(p)); };
        // Comparisons do not chain: a comparison on either side needs parentheses.
        auto comparison = [&](const std::string& right) { return Print(n.a, Tighter(p)) + " " + op + " " + right; };
        switch (n.op) {
            case Op::Const: return Constant(n);
            case Op::Question: return m_s.questions[n.index].id;
            case Op::Derived: return m_s.derived[n.index].id;
            case Op::Param: return m_s.parameters[n.index].id;
            case Op::Not: return op + " " + Print(n.a, p);
            case Op::And: return binary();
            case Op::Or: {
                // `a and b` inside `or` is parenthesised although `and` binds tighter: clinicians read this.
                auto side = [&](int32_t child, Precedence at) {
                    return m_s.expr.nodes[child].op == Op::And ? "(" + Print(child) + ")" : Print(child, at);
                };
                return side(n.a, p) + " " + op + " " + side(n.b, p);
            }
            case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: return comparison(Print(n.b, Tighter(p)));
            case Op::InList: case Op::NotInList: case Op::AnyOf: return comparison(Codes(m_s.expr.nodes[n.a].type, n.mask));
            case Op::Contains: {
                const TypeInfo& set = m_s.expr.nodes[n.a].type;
                std::string code = set.domain >= 0 && n.index >= 0 && static_cast<size_t>(n.index) < m_s.questions[set.domain].options.size()
                                       ? m_s.questions[set.domain].options[n.index].code : "?";
                return code + " " + op + " " + Print(n.a, Tighter(p));
            }
            case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: return binary();
            case Op::Neg: return op + Print(n.a, p);
            case Op::Answered: return Call("answered", n.index);
            case Op::Unsure: return Call("unsure", n.index);
            case Op::Skipped: return Call("skipped", n.index);
            case Op::Unknown: return Call("unknown", n.index);
            case Op::Shown: return Call("shown", n.index);
            case Op::Age: return "age(" + Print(n.a) + ")";
            case Op::MonthsSince: return "months_since(" + Print(n.a) + ")";
            case Op::DaysSince: return "days_since(" + Print(n.a) + ")";
            case Op::CountSet: return "count(" + Print(n.a) + ")";
            case Op::CountTrue: {
                std::vector<std::string> args;
                for (int32_t i = 0; i < n.arg_count; ++i) args.push_back(Print(m_s.expr.args[n.first_arg + i]));
                return "count(" + Join(args) + ")";
            }
            case Op::Status: return "status(" + m_s.tracks[n.index].id + ")";
            case Op::Level: return "level()";
        }
        return "?";
    }

    const Screening& m_s;
};

// The shortest digits that read back as `number` (finite, not zero), laid out as JSON writers
// lay them out (nlohmann-json's dtoa): plain up to 15 digits before the point and 4 zeros after
// it, otherwise d.ddde+XX with at least two exponent digits.
std::string ShortestText(double number) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(number), std::chars_format::scientific);
    const std::string_view scientific(buffer, static_cast<size_t>(result.ptr - buffer));  // d.ddde+XX
    const size_t e = scientific.find('e');
    std::string digits(1, scientific[0]);
    if (e > 1) digits += scientific.substr(2, e - 2);
    int exponent = 0;
    std::string_view exponent_text = scientific.substr(e + 1);
    if (exponent_text.front() == '+') exponent_text.remove_prefix(1);
    std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);

    const int k = static_cast<int>(digits.size());
    const int n = exponent + 1;  // where the decimal point goes, counted from the first digit
    constexpr int kMinExponent = -4, kMaxExponent = 15;
    std::string out = number < 0 ? "-" : "";
    if (k <= n && n <= kMaxExponent) return out + digits + std::string(static_cast<size_t>(n - k), '0') + ".0";
    if (0 < n && n <= kMaxExponent) return out + digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
    if (kMinExponent < n && n <= 0) return out + "0." + std::string(static_cast<size_t>(-n), '0') + digits;
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    const int shown = n - 1;
    const int magnitude = shown < 0 ? -shown : shown;
    out += std::string("e") + (shown < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + std::to_string(magnitude);
    return out;
}

}  // namespace

std::string NumberText(double number) {
    if (number > -1e15 && number < 1e15 && number == std::trunc(number)) return std::to_string(static_cast<long long>(number));
    if (std::isnan(number)) return "nan";
    if (std::isinf(number)) return number < 0 ? "-inf" : "inf";
    return ShortestText(number);
}

std::string ExpressionText(const Screening& screening, int32_t node) { return Printer(screening).Print(node); }

}  // namespace rules
