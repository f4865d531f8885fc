// Mutation testing: which faults to plant in a screening, how to plant one, and the run over all.
//
// Mutants change the checked `nodes` trees (never `eval`, which PrepareDecisions rebuilds) and the
// rules' levels and track statuses (whose `effects` PrepareDecisions recomputes). New nodes are
// appended; a node replaced by one of its operands is overwritten with a copy of that operand.
#include "rules/mutate.h"

#include <algorithm>
#include <cmath>

#include "rules/cases.h"
#include "rules/decision.h"
#include "rules/expr_print.h"

namespace rules {
namespace {

bool IsComparison(Op op) { return op >= Op::Eq && op <= Op::Ge; }
bool IsOrdering(Op op) { return op >= Op::Lt && op <= Op::Ge; }

// The nodes of one expression tree, root first, without entering derived values (each derived
// value is mutated once, on its own).
void CollectTree(const Screening& s, int32_t node, std::vector<int32_t>& out) {
    if (node < 0) return;
    out.push_back(node);
    const Node& n = s.expr.nodes[node];
    if (n.op == Op::CountTrue) {
        for (int32_t i = 0; i < n.arg_count; ++i) CollectTree(s, s.expr.args[n.first_arg + i], out);
        return;
    }
    if (n.op == Op::Const) return;
    CollectTree(s, n.a, out);
    CollectTree(s, n.b, out);
}

// Whether an expression reads a patient's answer, directly or through derived values.
bool ReadsAnswer(const Screening& s, int32_t node) {
    if (node < 0) return false;
    const Node& n = s.expr.nodes[node];
    switch (n.op) {
        case Op::Question: case Op::Answered: case Op::Unsure: case Op::Skipped: case Op::Unknown: case Op::Shown: return true;
        case Op::Derived: return ReadsAnswer(s, s.derived[n.index].expr);
        case Op::Const: case Op::Param: case Op::Status: case Op::Level: return false;
        case Op::CountTrue:
            for (int32_t i = 0; i < n.arg_count; ++i)
                if (ReadsAnswer(s, s.expr.args[n.first_arg + i])) return true;
            return false;
        default: return ReadsAnswer(s, n.a) || ReadsAnswer(s, n.b);
    }
}

// Whether an expression reads derived value `d`, directly or through other derived values.
bool ReadsDerived(const Screening& s, int32_t node, int32_t d) {
    if (node < 0) return false;
    const Node& n = s.expr.nodes[node];
    if (n.op == Op::Derived) return n.index == d || ReadsDerived(s, s.derived[n.index].expr, d);
    if (n.op == Op::Const) return false;
    if (n.op == Op::CountTrue) {
        for (int32_t i = 0; i < n.arg_count; ++i)
            if (ReadsDerived(s, s.expr.args[n.first_arg + i], d)) return true;
        return false;
    }
    return ReadsDerived(s, n.a, d) || ReadsDerived(s, n.b, d);
}

bool IsWhole(double x) { return std::isfinite(x) && std::floor(x) == x; }

// Whether a number expression only takes whole values (integer answers, ages, counts...).
bool WholeValued(const Screening& s, int32_t node) {
    const Node& n = s.expr.nodes[node];
    switch (n.op) {
        case Op::Question: return s.questions[n.index].type == QuestionType::Integer;
        case Op::Const: return IsWhole(n.constant.number);
        case Op::Param: return !s.parameters[n.index].value.is_string && IsWhole(s.parameters[n.index].value.number);
        case Op::Derived: return WholeValued(s, s.derived[n.index].expr);
        case Op::Add: case Op::Sub: case Op::Mul: return WholeValued(s, n.a) && WholeValued(s, n.b);
        case Op::Neg: return WholeValued(s, n.a);
        case Op::Age: case Op::MonthsSince: case Op::DaysSince: case Op::CountSet: case Op::CountTrue: return true;
        default: return false;
    }
}

// A threshold side: a constant or a number parameter, read without any answer.
bool IsThreshold(const Screening& s, int32_t node) {
    const Node& n = s.expr.nodes[node];
    return n.op == Op::Const || (n.op == Op::Param && !s.parameters[n.index].value.is_string);
}

double ThresholdValue(const Screening& s, int32_t node) {
    const Node& n = s.expr.nodes[node];
    return n.op == Op::Const ? n.constant.number : s.parameters[n.index].value.number;
}

// Rounds away the binary noise of adding a decimal step (18.5 + 0.1).
double RoundStep(double x) { return std::round(x * 1e6) / 1e6; }

std::string LevelName(const Screening& s, int level) {
    if (level >= 0) return s.outcomes[level].id;
    if (level == kLevelNote) return "note";
    if (level == kLevelIndication) return "indication";
    return "none";
}

// The next lower level: the outcome of the next lower rank, below the lowest a note.
int LowerLevel(const Screening& s, int level) {
    int best = kLevelNote;
    for (size_t o = 0; o < s.outcomes.size(); ++o)
        if (s.outcomes[o].rank < s.outcomes[level].rank && (best < 0 || s.outcomes[o].rank > s.outcomes[best].rank))
            best = static_cast<int>(o);
    return best;
}

const char* OpText(Op op) {
    switch (op) {
        case Op::Eq: return "=";
        case Op::Ne: return "!=";
        case Op::Lt: return "<";
        case Op::Le: return "<=";
        case Op::Gt: return ">";
        default: return ">=";
    }
}

Op SwappedOp(Op op) {
    switch (op) {
        case Op::Lt: return Op::Le;
        case Op::Le: return Op::Lt;
        case Op::Gt: return Op::Ge;
        default: return Op::Gt;
    }
}

int32_t PushNode(Screening& s, Node n) {
    s.expr.nodes.push_back(std::move(n));
    return static_cast<int32_t>(s.expr.nodes.size() - 1);
}

int32_t PushNot(Screening& s, int32_t node) {
    Node n;
    n.op = Op::Not;
    n.a = node;
    n.type.kind = ValueType::Bool;
    n.pos = s.expr.nodes[node].pos;
    return PushNode(s, std::move(n));
}

// `node + delta`, a number.
int32_t PushPlus(Screening& s, int32_t node, double delta) {
    Node c;
    c.op = Op::Const;
    c.type.kind = ValueType::Number;
    c.constant.state = State::Known;
    c.constant.number = delta;
    c.pos = s.expr.nodes[node].pos;
    const int32_t constant = PushNode(s, std::move(c));
    Node add;
    add.op = Op::Add;
    add.a = node;
    add.b = constant;
    add.type.kind = ValueType::Number;
    add.pos = s.expr.nodes[node].pos;
    return PushNode(s, std::move(add));
}

// Overwrites `node` with a copy of its operand `child` (the subtree below stays shared).
void ReplaceWithChild(Screening& s, int32_t node, int32_t child) {
    Node copy = s.expr.nodes[child];
    s.expr.nodes[node] = std::move(copy);
}

std::string Quote(const Screening& s, int32_t node) { return "`" + ExpressionText(s, node) + "`"; }

class Generator {
public:
    explicit Generator(const Screening& s) : m_s(s) {}

    std::vector<Mutant> Run() {
        for (size_t q = 0; q < m_s.questions.size(); ++q)
            if (m_s.questions[q].show_if >= 0) ShowIf(static_cast<int32_t>(q));
        for (size_t d = 0; d < m_s.derived.size(); ++d) Derived(static_cast<int32_t>(d));
        for (size_t r = 0; r < m_s.rules.size(); ++r) RuleMutants(static_cast<int32_t>(r));
        return std::move(m_out);
    }

private:
    Mutant& Add(MutantKind kind, MutantTarget target, int32_t index, int32_t node, SourcePos pos, std::string description) {
        Mutant m;
        m.kind = kind;
        m.target = target;
        m.index = index;
        m.node = node;
        m.pos = pos;
        m.safety = m_safety;
        m.description = std::move(description);
        m_out.push_back(std::move(m));
        return m_out.back();
    }

    void ShowIf(int32_t q) {
        const Question& question = m_s.questions[q];
        m_safety = false;
        for (size_t r = 0; r < m_s.rules.size(); ++r) {
            const auto& read = m_s.rules[r].questions;
            if (IsSafetyRule(m_s, static_cast<int>(r)) && std::find(read.begin(), read.end(), q) != read.end()) m_safety = true;
        }
        const std::string who = "question " + question.id + ": show_if " + Quote(m_s, question.show_if);
        std::vector<int32_t> tree;
        CollectTree(m_s, question.show_if, tree);
        bool any = false;
        for (int32_t node : tree) {
            const Node& n = m_s.expr.nodes[node];
            if (n.op != Op::And && n.op != Op::Or) continue;
            any = true;
            for (int side = 0; side < 2; ++side) {
                const int32_t kept = side == 0 ? n.a : n.b, dropped = side == 0 ? n.b : n.a;
                Add(MutantKind::RemoveShowIfTerm, MutantTarget::ShowIf, q, node, m_s.expr.nodes[dropped].pos,
                    who + ": term " + Quote(m_s, dropped) + " removed from " + Quote(m_s, node) + ", leaving " + Quote(m_s, kept))
                    .detail = side;
            }
        }
        if (!any)
            Add(MutantKind::RemoveShowIfTerm, MutantTarget::ShowIf, q, -1, m_s.expr.nodes[question.show_if].pos,
                who + " removed: the question is always asked");
    }

    void Derived(int32_t d) {
        const DerivedValue& value = m_s.derived[d];
        m_safety = false;
        for (size_t r = 0; r < m_s.rules.size(); ++r)
            if (IsSafetyRule(m_s, static_cast<int>(r)) && ReadsDerived(m_s, m_s.rules[r].when, d)) m_safety = true;
        const std::string who = "derived value " + value.id + " = " + Quote(m_s, value.expr);
        if (value.type.kind == ValueType::Bool)
            Add(MutantKind::NegateDerived, MutantTarget::Derived, d, value.expr, value.pos, who + ": negated");
        if (value.type.kind == ValueType::Number) {
            const double step = WholeValued(m_s, value.expr) ? 1 : 0.1;
            for (double delta : {step, -step})
                Add(MutantKind::ShiftDerived, MutantTarget::Derived, d, value.expr, value.pos,
                    who + ": " + (delta > 0 ? "one step more (+" : "one step less (-") + NumberText(step) + ")")
                    .delta = delta;
        }
        std::vector<int32_t> tree;
        CollectTree(m_s, value.expr, tree);
        for (int32_t node : tree) {
            const Node& n = m_s.expr.nodes[node];
            if (n.op == Op::And || n.op == Op::Or || n.op == Op::Add) {
                for (int side = 0; side < 2; ++side) {
                    const int32_t dropped = side == 0 ? n.b : n.a;
                    Add(MutantKind::DropDerivedTerm, MutantTarget::Derived, d, node, m_s.expr.nodes[dropped].pos,
                        who + ": term " + Quote(m_s, dropped) + " dropped from " + Quote(m_s, node))
                        .detail = side;
                }
            } else if (n.op == Op::CountTrue) {
                for (int32_t i = 0; i < n.arg_count; ++i) {
                    const int32_t dropped = m_s.expr.args[n.first_arg + i];
                    Add(MutantKind::DropDerivedTerm, MutantTarget::Derived, d, node, m_s.expr.nodes[dropped].pos,
                        who + ": " + Quote(m_s, dropped) + " no longer counted")
                        .detail = i;
                }
            }
        }
    }

    void RuleMutants(int32_t r) {
        const Rule& rule = m_s.rules[r];
        m_safety = IsSafetyRule(m_s, r);
        const std::string who = "rule " + rule.id;
        Add(MutantKind::RemoveRule, MutantTarget::Rule, r, -1, rule.pos, who + " removed: it never fires");
        Add(MutantKind::NegateRule, MutantTarget::Rule, r, rule.when, m_s.expr.nodes[rule.when].pos,
            who + ": condition " + Quote(m_s, rule.when) + " negated: it fires exactly when it should not");
        std::vector<int32_t> tree;
        CollectTree(m_s, rule.when, tree);
        for (int32_t node : tree) Condition(r, node, who);

        const std::vector<ParamValue> params = m_s.ParameterValues();
        const int level = RuleLevel(m_s, rule, params);
        if (level >= 0) {
            const int lower = LowerLevel(m_s, level);
            Add(MutantKind::LowerOutcome, MutantTarget::Rule, r, -1, rule.pos,
                who + ": outcome lowered from " + LevelName(m_s, level) + " to " + LevelName(m_s, lower));
        }
        for (size_t t = 0; t < m_s.tracks.size(); ++t) {
            const int8_t effect = RuleTrackEffect(m_s, rule, level, t);
            if (effect <= static_cast<int8_t>(TrackStatus::Ok)) continue;
            Rule lowered = rule;
            lowered.tracks.resize(m_s.tracks.size(), kNoTrackEffect);
            lowered.tracks[t] = static_cast<int8_t>(effect - 1);
            if (RuleTrackEffect(m_s, lowered, level, t) >= effect) continue;  // a level_from outcome holds it up
            Add(MutantKind::LowerTrack, MutantTarget::Rule, r, -1, rule.pos,
                who + ": " + m_s.tracks[t].id + " status lowered from " + TrackStatusName(static_cast<TrackStatus>(effect)) + " to " +
                    TrackStatusName(static_cast<TrackStatus>(effect - 1)))
                .detail = static_cast<int32_t>(t);
        }
    }

    void Condition(int32_t r, int32_t node, const std::string& who) {
        const Node& n = m_s.expr.nodes[node];
        if (IsComparison(n.op) && m_s.expr.nodes[n.a].type.kind == ValueType::Number && ReadsAnswer(m_s, node)) {
            // The side to move: the constant or parameter, else the right side.
            const int side = IsThreshold(m_s, n.b) ? 1 : IsThreshold(m_s, n.a) ? 0 : 1;
            const int32_t moved = side == 1 ? n.b : n.a, other = side == 1 ? n.a : n.b;
            const bool known = IsThreshold(m_s, moved);
            const double value = known ? ThresholdValue(m_s, moved) : 0;
            const double step = known ? MutationStep(m_s, other, value) : (WholeValued(m_s, other) ? 1 : 0.1);
            for (double delta : {step, -step}) {
                std::string to = known && m_s.expr.nodes[moved].op == Op::Const
                                     ? NumberText(RoundStep(value + delta))
                                     : ExpressionText(m_s, moved) + (delta > 0 ? " + " : " - ") + NumberText(step);
                Add(MutantKind::ShiftThreshold, MutantTarget::Rule, r, node, n.pos,
                    who + ": in " + Quote(m_s, node) + ", " + Quote(m_s, moved) + " moved one step " + (delta > 0 ? "up" : "down") +
                        " to `" + to + "`")
                    .delta = delta;
                m_out.back().detail = side;
            }
            if (IsOrdering(n.op))
                Add(MutantKind::SwapStrictness, MutantTarget::Rule, r, node, n.pos,
                    who + ": in " + Quote(m_s, node) + ", '" + OpText(n.op) + "' changed to '" + OpText(SwappedOp(n.op)) + "'");
        }
        const bool list = n.op == Op::InList || n.op == Op::NotInList || n.op == Op::AnyOf;
        if (list || n.op == Op::Contains) {
            const TypeInfo& type = m_s.expr.nodes[n.a].type;
            if (type.kind != ValueType::Option && type.kind != ValueType::OptionSet) return;
            const Question& q = m_s.questions[type.domain];
            for (size_t o = 0; o < q.options.size(); ++o) {
                const bool in = list ? ((n.mask >> o) & 1u) != 0 : n.index == static_cast<int32_t>(o);
                if (!in) continue;
                Add(MutantKind::DropOption, MutantTarget::Rule, r, node, n.pos,
                    who + ": option '" + q.options[o].code + "' dropped from " + Quote(m_s, node))
                    .detail = static_cast<int32_t>(o);
            }
        }
    }

    const Screening& m_s;
    bool m_safety = false;
    std::vector<Mutant> m_out;
};

}  // namespace

const char* MutantKindName(MutantKind kind) {
    switch (kind) {
        case MutantKind::RemoveRule: return "remove rule";
        case MutantKind::NegateRule: return "negate condition";
        case MutantKind::ShiftThreshold: return "move threshold";
        case MutantKind::SwapStrictness: return "swap < and <=";
        case MutantKind::DropOption: return "drop option";
        case MutantKind::LowerOutcome: return "lower outcome";
        case MutantKind::LowerTrack: return "lower procedure status";
        case MutantKind::RemoveShowIfTerm: return "remove show_if term";
        case MutantKind::NegateDerived: return "negate derived value";
        case MutantKind::ShiftDerived: return "shift derived value";
        case MutantKind::DropDerivedTerm: return "drop derived term";
    }
    return "?";
}

bool IsSafetyRule(const Screening& s, int r) {
    const Rule& rule = s.rules[r];
    const std::vector<ParamValue> params = s.ParameterValues();
    const int level = RuleLevel(s, rule, params);
    if (level >= 0 && s.review_outcome >= 0 && s.outcomes[level].rank >= s.outcomes[s.review_outcome].rank) return true;
    for (size_t t = 0; t < s.tracks.size(); ++t)
        if (RuleTrackEffect(s, rule, level, t) >= static_cast<int8_t>(TrackStatus::Review)) return true;
    return false;
}

double MutationStep(const Screening& s, int32_t compared_node, double threshold) {
    if (IsWhole(threshold) && WholeValued(s, compared_node)) return 1;
    double step = 0.1;
    for (int decimals = 1; decimals <= 6; ++decimals, step /= 10) {
        const double scaled = threshold / step;
        if (std::fabs(scaled - std::round(scaled)) < 1e-6) break;
    }
    return RoundStep(step) > 0 ? RoundStep(step) : 1e-6;
}

std::vector<Mutant> GenerateMutants(const Screening& screening) { return Generator(screening).Run(); }

void ApplyMutant(Screening& s, const Mutant& m) {
    switch (m.kind) {
        case MutantKind::RemoveRule: {
            Node never;
            never.op = Op::Const;
            never.type.kind = ValueType::Bool;
            never.constant = Value::MakeBool(false);
            never.pos = s.rules[m.index].pos;
            s.rules[m.index].when = PushNode(s, std::move(never));
            break;
        }
        case MutantKind::NegateRule: s.rules[m.index].when = PushNot(s, s.rules[m.index].when); break;
        case MutantKind::ShiftThreshold: {
            const int32_t side = m.detail == 1 ? s.expr.nodes[m.node].b : s.expr.nodes[m.node].a;
            if (s.expr.nodes[side].op == Op::Const) {
                s.expr.nodes[side].constant.number = RoundStep(s.expr.nodes[side].constant.number + m.delta);
                break;
            }
            const int32_t moved = PushPlus(s, side, m.delta);
            (m.detail == 1 ? s.expr.nodes[m.node].b : s.expr.nodes[m.node].a) = moved;
            break;
        }
        case MutantKind::SwapStrictness: s.expr.nodes[m.node].op = SwappedOp(s.expr.nodes[m.node].op); break;
        case MutantKind::DropOption: {
            Node& n = s.expr.nodes[m.node];
            if (n.op == Op::Contains) {  // `code in q` without its code: `q in []`
                n.op = Op::AnyOf;
                n.index = -1;
                n.mask = 0;
            } else {
                n.mask &= ~(uint64_t{1} << m.detail);
            }
            break;
        }
        case MutantKind::LowerOutcome: {
            Rule& rule = s.rules[m.index];
            const std::vector<ParamValue> params = s.ParameterValues();
            rule.level = LowerLevel(s, RuleLevel(s, rule, params));
            rule.level_from = -1;
            break;
        }
        case MutantKind::LowerTrack: {
            Rule& rule = s.rules[m.index];
            const std::vector<ParamValue> params = s.ParameterValues();
            const int8_t effect = RuleTrackEffect(s, rule, RuleLevel(s, rule, params), static_cast<size_t>(m.detail));
            rule.tracks.resize(s.tracks.size(), kNoTrackEffect);
            rule.tracks[m.detail] = static_cast<int8_t>(effect - 1);
            break;
        }
        case MutantKind::RemoveShowIfTerm:
            if (m.node < 0) {
                s.questions[m.index].show_if = -1;
            } else {
                const Node& n = s.expr.nodes[m.node];
                ReplaceWithChild(s, m.node, m.detail == 0 ? n.a : n.b);
            }
            break;
        case MutantKind::NegateDerived: s.derived[m.index].expr = PushNot(s, s.derived[m.index].expr); break;
        case MutantKind::ShiftDerived: s.derived[m.index].expr = PushPlus(s, s.derived[m.index].expr, m.delta); break;
        case MutantKind::DropDerivedTerm: {
            const Node& n = s.expr.nodes[m.node];
            if (n.op == Op::CountTrue) {
                const int32_t first = static_cast<int32_t>(s.expr.args.size()), old_first = n.first_arg, count = n.arg_count;
                for (int32_t i = 0; i < count; ++i)
                    if (i != m.detail) s.expr.args.push_back(s.expr.args[old_first + i]);
                s.expr.nodes[m.node].first_arg = first;
                s.expr.nodes[m.node].arg_count = count - 1;
            } else {
                ReplaceWithChild(s, m.node, m.detail == 0 ? n.a : n.b);
            }
            break;
        }
    }
    PrepareDecisions(s);
}

MutationReport RunMutation(const Screening& screening) {
    MutationReport report;
    if (RunCases(screening).failed > 0) {
        report.cases_pass = false;
        return report;
    }
    for (Mutant& m : GenerateMutants(screening)) {
        MutantResult result;
        result.mutant = std::move(m);
        Screening mutant = screening;
        ApplyMutant(mutant, result.mutant);
        if (RunCases(mutant).failed > 0) {
            result.fate = MutantFate::Killed;
            ++report.killed;
        } else if (!FindWitness(screening, mutant, result.mutant, result.mutant.safety, result.witness)) {
            result.fate = MutantFate::NoWitness;
            ++report.no_witness;
        } else if (result.mutant.safety && result.witness.lower) {
            result.fate = MutantFate::Dangerous;
            ++report.dangerous;
        } else {
            result.fate = MutantFate::Survived;
            ++report.survived;
        }
        report.results.push_back(std::move(result));
    }
    return report;
}

}  // namespace rules
