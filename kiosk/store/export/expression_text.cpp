// TO BE REPLACED by rules::ExpressionText: a printer of checked expressions with its own copy of
// the precedence table, kept here only until the one beside the parser lands.
#include "store/export/expression_text.h"

#include "store/export/stored.h"

namespace kiosk::store::exports {
namespace {

// The expression as the screening file would write it (for the kiosk-show-if extension).
class ExprPrinter {
public:
    explicit ExprPrinter(const rules::Screening& s) : m_s(s) {}

    std::string Print(int32_t node, int outer = 0) const {
        const rules::Node& n = m_s.expr.nodes[node];
        int precedence = Precedence(n.op);
        std::string text = Body(n);
        return precedence < outer ? "(" + text + ")" : text;
    }

private:
    static int Precedence(rules::Op op) {
        using rules::Op;
        switch (op) {
            case Op::Or: return 1;
            case Op::And: return 2;
            case Op::Not: return 3;
            case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
            case Op::InList: case Op::NotInList: case Op::Contains: case Op::AnyOf: return 4;
            case Op::Add: case Op::Sub: return 5;
            case Op::Mul: case Op::Div: return 6;
            case Op::Neg: return 7;
            default: return 8;
        }
    }

    std::string Codes(const rules::TypeInfo& type, uint64_t mask) const {
        std::vector<std::string> names;
        for (uint32_t bit = 0; bit < 64; ++bit) {
            if (!((mask >> bit) & 1u)) continue;
            if ((type.kind == rules::ValueType::Option || type.kind == rules::ValueType::OptionSet) && type.domain >= 0 &&
                bit < m_s.questions[type.domain].options.size())
                names.push_back(m_s.questions[type.domain].options[bit].code);
            else if (type.kind == rules::ValueType::TrackStatus)
                names.push_back(rules::TrackStatusName(static_cast<rules::TrackStatus>(bit)));
            else
                names.push_back(OutcomeByRank(static_cast<int>(bit)));
        }
        return "[" + Join(names, ", ") + "]";
    }

    std::string OutcomeByRank(int rank) const {
        for (const rules::Outcome& o : m_s.outcomes)
            if (o.rank == rank) return o.id;
        return std::to_string(rank);
    }

    std::string Constant(const rules::Node& n) const {
        switch (n.type.kind) {
            case rules::ValueType::Bool: return n.constant.boolean ? "yes" : "no";
            case rules::ValueType::Number: return NumberText(n.constant.number);
            case rules::ValueType::String: return "\"" + n.constant_text + "\"";
            case rules::ValueType::Option:
                if (n.type.domain >= 0 && n.constant.integer >= 0 &&
                    static_cast<size_t>(n.constant.integer) < m_s.questions[n.type.domain].options.size())
                    return m_s.questions[n.type.domain].options[n.constant.integer].code;
                return "?";
            case rules::ValueType::OptionList: return Codes({n.type.element, n.type.domain, n.type.element}, n.mask);
            case rules::ValueType::TrackStatus: return rules::TrackStatusName(static_cast<rules::TrackStatus>(n.constant.integer));
            case rules::ValueType::Outcome: return OutcomeByRank(n.constant.integer);
            default: return "?";
        }
    }

    std::string Call(const char* name, int32_t question) const { return std::string(name) + "(" + m_s.questions[question].id + ")"; }

    std::string Body(const rules::Node& n) const {
        using rules::Op;
        const int p = Precedence(n.op);
        auto binary = [&](const char* op) { return Print(n.a, p) + " " + op + " " + Print(n.b, p + 1); };
        switch (n.op) {
            case Op::Const: return Constant(n);
            case Op::Question: return m_s.questions[n.index].id;
            case Op::Derived: return m_s.derived[n.index].id;
            case Op::Param: return m_s.parameters[n.index].id;
            case Op::Not: return "not " + Print(n.a, p);
            case Op::And: return binary("and");
            case Op::Or: {
                // `a and b` inside `or` is parenthesised although `and` binds tighter: clinicians read this.
                auto side = [&](int32_t child) {
                    return m_s.expr.nodes[child].op == Op::And ? "(" + Print(child) + ")" : Print(child, p);
                };
                return side(n.a) + " or " + side(n.b);
            }
            case Op::Eq: return Print(n.a, p + 1) + " = " + Print(n.b, p + 1);
            case Op::Ne: return Print(n.a, p + 1) + " != " + Print(n.b, p + 1);
            case Op::Lt: return Print(n.a, p + 1) + " < " + Print(n.b, p + 1);
            case Op::Le: return Print(n.a, p + 1) + " <= " + Print(n.b, p + 1);
            case Op::Gt: return Print(n.a, p + 1) + " > " + Print(n.b, p + 1);
            case Op::Ge: return Print(n.a, p + 1) + " >= " + Print(n.b, p + 1);
            case Op::InList: return Print(n.a, p + 1) + " in " + Codes(m_s.expr.nodes[n.a].type, n.mask);
            case Op::NotInList: return Print(n.a, p + 1) + " not in " + Codes(m_s.expr.nodes[n.a].type, n.mask);
            case Op::Contains: {
                const rules::TypeInfo& set = m_s.expr.nodes[n.a].type;
                std::string code = set.domain >= 0 && n.index >= 0 && static_cast<size_t>(n.index) < m_s.questions[set.domain].options.size()
                                       ? m_s.questions[set.domain].options[n.index].code : "?";
                return code + " in " + Print(n.a, p + 1);
            }
            case Op::AnyOf: return Print(n.a, p + 1) + " in " + Codes(m_s.expr.nodes[n.a].type, n.mask);
            case Op::Add: return binary("+");
            case Op::Sub: return binary("-");
            case Op::Mul: return binary("*");
            case Op::Div: return binary("/");
            case Op::Neg: return "-" + Print(n.a, p);
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
                return "count(" + Join(args, ", ") + ")";
            }
            case Op::Status: return "status(" + m_s.tracks[n.index].id + ")";
            case Op::Level: return "level()";
        }
        return "?";
    }

    const rules::Screening& m_s;
};

}  // namespace

std::string ExpressionText(const rules::Screening& screening, int32_t node) { return ExprPrinter(screening).Print(node); }

}  // namespace kiosk::store::exports
