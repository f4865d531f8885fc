// Deciding: evaluates the typed trees three-valued and composes the outcome, tracks and reasons.
//
// Order of work in Decide():
//   1. which questions are shown (show_if in asking order; unknown shows the question);
//   2. rules with flow = "end" that fire cut the screening after the last question they read;
//   3. every rule in file order: fired, undetermined (unknown) or not; level() and status()
//      see the rules above;
//   4. no outcome from any rule: the screening's fallback outcome.
#include <algorithm>
#include <bit>
#include <cmath>

#include "rules/decision.h"

namespace rules {
namespace {

enum class Tri : uint8_t { False, True, Unknown };

EvalValue Known(double x) {
    EvalValue v;
    v.number = x;
    v.state = State::Known;
    return v;
}

EvalValue KnownInteger(int64_t x) {
    EvalValue v;
    v.integer = x;
    v.state = State::Known;
    return v;
}

EvalValue OfState(State state) {
    EvalValue v;
    v.state = state;
    return v;
}

EvalValue FromTri(Tri t) { return t == Tri::Unknown ? OfState(State::Unknown) : KnownInteger(t == Tri::True ? 1 : 0); }

Tri Is(bool b) { return b ? Tri::True : Tri::False; }

constexpr uint8_t kRuleNotEvaluated = 0, kRuleFalse = 1, kRuleFired = 2, kRuleUndetermined = 3;

// Walks the evaluation form (EvalNode) of a screening for one patient's answers. Bool-typed
// nodes go through Condition(), which passes one byte; every other node through Eval().
class Evaluator {
public:
    Evaluator(const Screening& s, const Answers& answers, const Date& today, std::span<const ParamValue> params, Decision& d)
        : m_s(s), m_nodes(s.expr.eval.data()), m_answers(answers.values.data()), m_today(today), m_params(params), m_d(d) {}

    EvalValue Eval(int32_t index) {
        const EvalNode& n = m_nodes[index];
        switch (n.op) {
            case Op::Const: return m_s.expr.constants[n.index];
            case Op::Question: return AnswerValue(n.index);
            case Op::Derived: return DerivedValue(n.index);
            case Op::Param: {
                const ParamValue& p = m_params[n.index];
                if (!p.is_string) return Known(p.number);
                EvalValue v = OfState(State::Known);
                v.text = p.text.data();
                v.length = static_cast<uint32_t>(p.text.size());
                return v;
            }
            case Op::Not: case Op::And: case Op::Or: case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt:
            case Op::Ge: case Op::InList: case Op::NotInList: case Op::Contains: case Op::AnyOf: case Op::Answered:
            case Op::Unsure: case Op::Skipped: case Op::Unknown: case Op::Shown:
                return FromTri(Condition(index));
            case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: {
                EvalValue a = Eval(n.a), b = Eval(n.b);
                if (a.state == State::Absent || b.state == State::Absent) return OfState(State::Absent);
                if (a.state == State::Unknown || b.state == State::Unknown) return OfState(State::Unknown);
                switch (n.op) {
                    case Op::Add: return Known(a.number + b.number);
                    case Op::Sub: return Known(a.number - b.number);
                    case Op::Mul: return Known(a.number * b.number);
                    default:
                        if (b.number == 0) return OfState(State::Unknown);  // total: no division by zero
                        return Known(a.number / b.number);
                }
            }
            case Op::Neg: {
                EvalValue a = Eval(n.a);
                if (a.state != State::Known) return a;
                return Known(-a.number);
            }
            case Op::Age: case Op::MonthsSince: case Op::DaysSince: {
                EvalValue a = Eval(n.a);
                if (a.state != State::Known) return a;
                const int32_t day = static_cast<int32_t>(a.integer);
                if (n.op == Op::DaysSince) return Known(DayNumber(m_today) - day);
                Date from = DateFromDayNumber(day);
                return Known(n.op == Op::Age ? CompletedYears(from, m_today) : CompletedMonths(from, m_today));
            }
            case Op::CountSet: {
                EvalValue a = Eval(n.a);
                if (a.state != State::Known) return a;
                return Known(std::popcount(a.set));
            }
            case Op::CountTrue: {
                int count = 0;
                bool unknown = false;
                for (int32_t i = 0; i < n.arg_count; ++i) {
                    Tri t = Condition(m_s.expr.args[n.first_arg + i]);
                    if (t == Tri::True) ++count;
                    else if (t == Tri::Unknown) unknown = true;
                }
                return unknown ? OfState(State::Unknown) : Known(count);
            }
            case Op::Status: return KnownInteger(m_d.tracks[n.index]);
            case Op::Level: return KnownInteger(m_d.current_rank);
        }
        return OfState(State::Unknown);
    }

    Tri Condition(int32_t index) {
        const EvalNode& n = m_nodes[index];
        switch (n.op) {
            case Op::Not: {
                Tri t = Condition(n.a);
                return t == Tri::Unknown ? Tri::Unknown : t == Tri::True ? Tri::False : Tri::True;
            }
            case Op::And: {
                Tri a = Condition(n.a);
                if (a == Tri::False) return Tri::False;
                Tri b = Condition(n.b);
                if (b == Tri::False) return Tri::False;
                return a == Tri::True && b == Tri::True ? Tri::True : Tri::Unknown;
            }
            case Op::Or: {
                Tri a = Condition(n.a);
                if (a == Tri::True) return Tri::True;
                Tri b = Condition(n.b);
                if (b == Tri::True) return Tri::True;
                return a == Tri::False && b == Tri::False ? Tri::False : Tri::Unknown;
            }
            case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: return Compare(n);
            case Op::InList: case Op::NotInList: case Op::AnyOf: {
                // An absent operand (a question not shown) makes the test false, an unknown one unknown.
                uint64_t value = 0;
                if (n.form != EvalForm::Node) {
                    if (!Shown(n.index)) return Tri::False;
                    const Answer& answer = m_answers[n.index];
                    if (answer.state != AnswerState::Given) return Tri::Unknown;
                    value = n.form == EvalForm::AnswerSet ? answer.set
                          : n.form == EvalForm::AnswerYes ? uint64_t{answer.yes} : static_cast<uint64_t>(answer.option);
                } else {
                    EvalValue a = Eval(n.a);
                    if (a.state == State::Absent) return Tri::False;
                    if (a.state == State::Unknown) return Tri::Unknown;
                    value = n.op == Op::AnyOf ? a.set : static_cast<uint64_t>(a.integer);
                }
                if (n.op == Op::AnyOf) return Is((value & n.mask) != 0);
                return Is(((n.mask >> value) & 1u) != (n.op == Op::NotInList ? 1u : 0u));
            }
            case Op::Contains: {  // BuildEval turns these into AnyOf; kept for a pool built otherwise
                EvalValue a = Eval(n.a);
                if (a.state == State::Absent) return Tri::False;
                if (a.state == State::Unknown) return Tri::Unknown;
                return Is(((a.set >> n.index) & 1u) != 0);
            }
            case Op::Answered: return Is(Shown(n.index) && m_answers[n.index].state == AnswerState::Given);
            case Op::Unsure: return Is(Shown(n.index) && m_answers[n.index].state == AnswerState::Unsure);
            case Op::Skipped: return Is(Shown(n.index) && m_answers[n.index].state == AnswerState::Skipped);
            case Op::Unknown: return Is(Shown(n.index) && m_answers[n.index].state != AnswerState::Given);
            case Op::Shown: return Is(Shown(n.index));
            default: {
                EvalValue v = Eval(index);
                if (v.state == State::Unknown) return Tri::Unknown;
                return Is(v.state == State::Known && v.integer != 0);
            }
        }
    }

    bool Shown(int32_t q) const { return m_d.shown[q] != 0; }

    void ResetDerived() { std::fill(m_d.derived_done.begin(), m_d.derived_done.end(), 0); }

private:
    EvalValue AnswerValue(int32_t q) {
        if (!Shown(q)) return OfState(State::Absent);
        const Answer& a = m_answers[q];
        if (a.state != AnswerState::Given) return OfState(State::Unknown);
        switch (m_s.questions[q].type) {
            case QuestionType::YesNo: return KnownInteger(a.yes ? 1 : 0);
            case QuestionType::Single: return KnownInteger(a.option);
            case QuestionType::Multi: {
                EvalValue v = OfState(State::Known);
                v.set = a.set;
                return v;
            }
            case QuestionType::Integer:
            case QuestionType::Decimal: return Known(a.number);
            case QuestionType::Date: return KnownInteger(DayNumber(a.date));
            case QuestionType::Text: {
                EvalValue v = OfState(State::Known);
                v.text = a.text.data();
                v.length = static_cast<uint32_t>(a.text.size());
                return v;
            }
        }
        return OfState(State::Unknown);
    }

    EvalValue DerivedValue(int32_t d) {
        if (m_d.derived_done[d]) return m_d.derived_values[d];
        EvalValue v = Eval(m_s.derived[d].expr);
        m_d.derived_values[d] = v;
        m_d.derived_done[d] = 1;
        return v;
    }

    Tri Compare(const EvalNode& n) {
        EvalValue a = Eval(n.a), b = Eval(n.b);
        if (a.state == State::Absent || b.state == State::Absent) return Tri::False;
        if (a.state == State::Unknown || b.state == State::Unknown) return Tri::Unknown;
        int c = 0;
        switch (n.kind) {
            case ValueType::Number: c = a.number < b.number ? -1 : a.number > b.number ? 1 : 0; break;
            case ValueType::Text:
            case ValueType::String: c = std::string_view(a.text, a.length).compare(std::string_view(b.text, b.length)); break;
            default: c = a.integer < b.integer ? -1 : a.integer > b.integer ? 1 : 0; break;
        }
        switch (n.op) {
            case Op::Eq: return Is(c == 0);
            case Op::Ne: return Is(c != 0);
            case Op::Lt: return Is(c < 0);
            case Op::Le: return Is(c <= 0);
            case Op::Gt: return Is(c > 0);
            default: return Is(c >= 0);
        }
    }

    const Screening& m_s;
    const EvalNode* m_nodes;
    const Answer* m_answers;
    const Date& m_today;
    std::span<const ParamValue> m_params;
    Decision& m_d;
};

void Prepare(const Screening& s, Decision& d) {
    d.outcome = -1;
    d.fallback = false;
    d.store = true;
    d.ended_by = -1;
    d.current_rank = 0;
    d.fired.clear();
    d.undetermined.clear();
    d.missing.clear();
    d.ignored.clear();
    if (d.fired.capacity() < s.rules.size()) {
        size_t total_questions = 0;
        for (const Rule& r : s.rules) total_questions += r.questions.size();
        d.fired.reserve(s.rules.size());
        d.undetermined.reserve(s.rules.size());
        d.missing.reserve(total_questions);
        d.ignored.reserve(s.questions.size());
    }
    d.tracks.assign(s.tracks.size(), static_cast<uint8_t>(TrackStatus::Ok));
    d.shown.assign(s.questions.size(), 0);
    d.derived_values.resize(s.derived.size());  // read only once derived_done says it was computed
    d.derived_done.assign(s.derived.size(), 0);
    d.rule_state.assign(s.rules.size(), kRuleNotEvaluated);
}

void Shown(const Screening& s, Evaluator& e, Decision& d, int32_t cut) {
    for (size_t q = 0; q < s.questions.size(); ++q) {
        if (static_cast<int32_t>(q) > cut) { d.shown[q] = 0; continue; }
        int32_t show_if = s.questions[q].show_if;
        d.shown[q] = show_if < 0 || e.Condition(show_if) != Tri::False;
    }
}

void Raise(Decision& d, size_t track, int8_t status) {
    if (status != kNoTrackEffect && d.tracks[track] < static_cast<uint8_t>(status)) d.tracks[track] = static_cast<uint8_t>(status);
}

void RaiseTo(const Screening& s, Decision& d, int outcome) {
    d.current_rank = std::max(d.current_rank, s.outcomes[outcome].rank);
}

bool ReviewWhenUnknown(const Screening& s, const Rule& r, int level) {
    if (r.unknown == UnknownPolicy::Review) return true;
    if (r.unknown == UnknownPolicy::Ignore) return false;
    if (level >= 0) return s.review_outcome >= 0 && s.outcomes[level].rank >= s.outcomes[s.review_outcome].rank;
    if (level != kLevelNone) return false;  // a note or an indication
    for (size_t t = 0; t < s.tracks.size(); ++t)
        if (RuleTrackEffect(s, r, level, t) >= static_cast<int8_t>(TrackStatus::Review)) return true;
    return false;
}

}  // namespace

bool Decision::Fired(int rule) const {
    return rule >= 0 && static_cast<size_t>(rule) < rule_state.size() && rule_state[rule] == kRuleFired;
}

bool Decision::Interrupts(const Screening& screening) const {
    for (const FiredRule& f : fired)
        if (screening.rules[f.rule].flow == Flow::Interrupt) return true;
    return false;
}

int RuleLevel(const Screening& s, const Rule& r, std::span<const ParamValue> params) {
    if (r.level_from >= 0) return params[r.level_from].level;
    (void)s;
    return r.level;
}

// A rule's explicit track status wins over its outcome's (C-8 keeps PRP at note under review),
// except that a level taken from a parameter lifts the tracks with it: a clinic that raises
// TOBACCO_LEVEL to review means the procedures too.
int8_t RuleTrackEffect(const Screening& s, const Rule& r, int level, size_t track) {
    int8_t from_outcome = level >= 0 ? s.outcomes[level].track_status : kNoTrackEffect;
    if (!r.tracks.empty() && r.tracks[track] != kNoTrackEffect)
        return r.level_from >= 0 ? std::max(r.tracks[track], from_outcome) : r.tracks[track];
    return from_outcome;
}

void ComputeShown(const Screening& s, const Answers& answers, const Date& today, std::span<const ParamValue> params,
                  Decision& scratch) {
    Prepare(s, scratch);
    Evaluator e(s, answers, today, params, scratch);
    Shown(s, e, scratch, static_cast<int32_t>(s.questions.size()));
}

Value EvaluateExpression(const Screening& s, int32_t node, const Answers& answers, const Date& today,
                         std::span<const ParamValue> params, Decision& scratch) {
    ComputeShown(s, answers, today, params, scratch);
    Evaluator e(s, answers, today, params, scratch);
    const EvalValue v = e.Eval(node);
    Value out;
    out.state = v.state;
    if (v.state != State::Known) return out;
    switch (s.expr.nodes[node].type.kind) {
        case ValueType::Number: out.number = v.number; break;
        case ValueType::Bool: out.boolean = v.integer != 0; break;
        case ValueType::OptionSet:
        case ValueType::OptionList: out.set = v.set; break;
        case ValueType::Text:
        case ValueType::String: out.text = std::string_view(v.text, v.length); break;
        default: out.integer = static_cast<int32_t>(v.integer); break;
    }
    return out;
}

void Decide(const Screening& s, const Answers& answers, const Date& today, std::span<const ParamValue> params, Decision& d) {
    Prepare(s, d);
    Evaluator e(s, answers, today, params, d);
    const int32_t question_count = static_cast<int32_t>(s.questions.size());
    Shown(s, e, d, question_count);

    // Gates: the screening ends after the questions the earliest firing gate reads.
    int32_t cut = question_count;
    for (size_t r = 0; r < s.rules.size(); ++r) {
        const Rule& rule = s.rules[r];
        if (rule.flow != Flow::End || rule.last_question >= cut) continue;
        if (e.Condition(rule.when) == Tri::True) {
            cut = rule.last_question;
            d.ended_by = static_cast<int>(r);
        }
    }
    if (d.ended_by >= 0) {
        d.store = s.rules[d.ended_by].store;
        for (int32_t q = cut + 1; q < question_count; ++q) d.shown[q] = 0;
        e.ResetDerived();
    }

    for (size_t r = 0; r < s.rules.size(); ++r) {
        const Rule& rule = s.rules[r];
        if (d.ended_by >= 0 && rule.last_question > cut) continue;  // never reached
        Tri t = e.Condition(rule.when);
        int level = RuleLevel(s, rule, params);
        if (t == Tri::True) {
            d.rule_state[r] = kRuleFired;
            d.fired.push_back({static_cast<int32_t>(r), level});
            if (level >= 0) RaiseTo(s, d, level);
            for (size_t k = 0; k < s.tracks.size(); ++k) Raise(d, k, RuleTrackEffect(s, rule, level, k));
        } else if (t == Tri::Unknown) {
            d.rule_state[r] = kRuleUndetermined;
            UndeterminedRule u;
            u.rule = static_cast<int32_t>(r);
            u.level = level;
            u.missing_first = static_cast<int32_t>(d.missing.size());
            for (int32_t q : rule.questions)
                if (d.shown[q] && answers.values[q].state != AnswerState::Given) d.missing.push_back(q);
            u.missing_count = static_cast<int32_t>(d.missing.size()) - u.missing_first;
            d.undetermined.push_back(u);
            if (ReviewWhenUnknown(s, rule, level) && s.review_outcome >= 0) {
                if (level == kLevelNone && rule.unknown != UnknownPolicy::Review) {
                    // A track-only rule: the tracks it would restrict are at least review.
                    for (size_t k = 0; k < s.tracks.size(); ++k)
                        if (RuleTrackEffect(s, rule, level, k) >= static_cast<int8_t>(TrackStatus::Review))
                            Raise(d, k, static_cast<int8_t>(TrackStatus::Review));
                } else if (level == kLevelNone) {
                    for (size_t k = 0; k < s.tracks.size(); ++k)
                        if (RuleTrackEffect(s, rule, level, k) != kNoTrackEffect) Raise(d, k, static_cast<int8_t>(TrackStatus::Review));
                } else {
                    // As if the review outcome had fired.
                    RaiseTo(s, d, s.review_outcome);
                    for (size_t k = 0; k < s.tracks.size(); ++k) Raise(d, k, s.outcomes[s.review_outcome].track_status);
                }
            }
        } else {
            d.rule_state[r] = kRuleFalse;
        }
    }

    if (d.current_rank > 0) {
        for (size_t o = 0; o < s.outcomes.size(); ++o)
            if (s.outcomes[o].rank == d.current_rank) d.outcome = static_cast<int>(o);
    } else if (d.ended_by < 0 && s.fallback_outcome >= 0) {
        d.outcome = s.fallback_outcome;
        d.fallback = true;
        RaiseTo(s, d, s.fallback_outcome);
        for (size_t k = 0; k < s.tracks.size(); ++k) Raise(d, k, s.outcomes[s.fallback_outcome].track_status);
    }

    for (int32_t q = 0; q < question_count; ++q)
        if (!d.shown[q] && answers.values[q].state != AnswerState::Skipped) d.ignored.push_back(q);
}

Decision Decide(const Screening& screening, const Answers& answers, const Date& today) {
    Decision d;
    std::vector<ParamValue> params = screening.ParameterValues();
    Decide(screening, answers, today, params, d);
    return d;
}

}  // namespace rules
