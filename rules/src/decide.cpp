// Deciding: evaluates the typed trees three-valued and composes the outcome, tracks and reasons.
//
// Order of work in Decide():
//   1. which questions are shown (show_if in asking order; unknown shows the question);
//   2. rules with flow = "end" that fire cut the screening after the last question they read;
//   3. every rule in file order: fired, undetermined (unknown) or not; level() and status()
//      see the rules above;
//   4. no outcome from any rule: the screening's fallback outcome.
//
// Cost (bench/decision-instructions counts it): an almost empty answer set costs somewhat more
// than a full one, by nature: an unknown operand stops `and` / `or` from deciding on their first
// side, and each undetermined rule lists the answers it lacked. What a rule does to the outcome
// and tracks is prepared at load (Rule::effects), so an undetermined rule costs little else.
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

// A yes/no value as a condition: absent (not shown) is false.
Tri ToTri(const EvalValue& v) {
    if (v.state == State::Unknown) return Tri::Unknown;
    return Is(v.state == State::Known && v.integer != 0);
}

void RaiseTrack(TrackFloor& floor, size_t track, int8_t status) {
    for (int8_t k = 0; k < status; ++k) floor.at_least[k] |= uint32_t{1} << track;
}

void RaiseTracks(TrackFloor& floor, const TrackFloor& by) {
    for (int k = 0; k < 4; ++k) floor.at_least[k] |= by.at_least[k];
}

uint8_t TrackStatusOf(const TrackFloor& floor, size_t track) {
    return static_cast<uint8_t>(((floor.at_least[0] >> track) & 1u) + ((floor.at_least[1] >> track) & 1u) +
                                ((floor.at_least[2] >> track) & 1u));
}

constexpr uint8_t kRuleNotEvaluated = 0, kRuleFalse = 1, kRuleFired = 2, kRuleUndetermined = 3;

// Walks the evaluation form (EvalNode) of a screening for one patient's answers. Bool-typed
// nodes go through Test(), which passes one byte; every other node through Eval().
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
                return FromTri(Test(index));
            case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: {
                const EvalValue a = Operand(n.a);
                if (a.state == State::Absent) return a;  // whatever b is
                const EvalValue b = Operand(n.b);
                if (b.state == State::Absent) return b;
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
                    Tri t = Test(m_s.expr.args[n.first_arg + i]);
                    if (t == Tri::True) ++count;
                    else if (t == Tri::Unknown) unknown = true;
                }
                return unknown ? OfState(State::Unknown) : Known(count);
            }
            case Op::Status: return KnownInteger(TrackStatusOf(m_d.track_floor, n.index));
            case Op::Level: return KnownInteger(m_d.current_rank);
        }
        return OfState(State::Unknown);
    }

    // A condition: a test of one answer in place (EvalForm), anything else through a call.
    Tri Test(int32_t index) {
        const EvalNode& n = m_nodes[index];
        return n.form != EvalForm::Node ? AnswerTest(n) : Condition(n, index);
    }

    bool Shown(int32_t q) const { return m_d.shown[q] != 0; }

    void ResetDerived() { std::fill(m_d.derived_done.begin(), m_d.derived_done.end(), 0); }

private:
    // The test of one answer that BuildEval marked (EvalForm). Whatever the test, a question not
    // shown gives false; a membership test on an answer not given (skipped, "not sure") unknown.
    Tri AnswerTest(const EvalNode& n) const {
        if (!Shown(n.index)) return Tri::False;
        const Answer& answer = m_answers[n.index];
        if (n.form == EvalForm::AnswerState) return Is(((n.mask >> static_cast<int>(answer.state)) & 1u) != 0);
        if (answer.state != AnswerState::Given) return Tri::Unknown;
        const uint64_t bits = n.form == EvalForm::AnswerSet ? answer.set
                            : uint64_t{1} << (n.form == EvalForm::AnswerYes ? int{answer.yes} : answer.option);
        return Is((bits & n.mask) != 0);
    }

    static Tri Membership(const EvalNode& n, uint64_t value) {
        if (n.op == Op::AnyOf) return Is((value & n.mask) != 0);
        return Is(((n.mask >> value) & 1u) != (n.op == Op::NotInList ? 1u : 0u));
    }

    // Conditions that are not a test of one answer. Logic comes first: it is most of the calls.
    Tri Condition(const EvalNode& n, int32_t index) {
        switch (n.op) {
            case Op::Not: {
                Tri t = Test(n.a);
                return t == Tri::Unknown ? Tri::Unknown : t == Tri::True ? Tri::False : Tri::True;
            }
            case Op::And: {
                Tri a = Test(n.a);
                if (a == Tri::False) return Tri::False;
                Tri b = Test(n.b);
                if (b == Tri::False) return Tri::False;
                return a == Tri::True && b == Tri::True ? Tri::True : Tri::Unknown;
            }
            case Op::Or: {
                Tri a = Test(n.a);
                if (a == Tri::True) return Tri::True;
                Tri b = Test(n.b);
                if (b == Tri::True) return Tri::True;
                return a == Tri::False && b == Tri::False ? Tri::False : Tri::Unknown;
            }
            case Op::Derived: return ToTri(DerivedValue(n.index));
            default: return OtherCondition(n, index);
        }
    }

    [[gnu::noinline]] Tri OtherCondition(const EvalNode& n, int32_t index) {
        switch (n.op) {
            case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: return Compare(n);
            case Op::InList: case Op::NotInList: case Op::AnyOf: {  // on a value that is not an answer
                EvalValue a = Eval(n.a);
                if (a.state == State::Absent) return Tri::False;
                if (a.state == State::Unknown) return Tri::Unknown;
                return Membership(n, n.op == Op::AnyOf ? a.set : static_cast<uint64_t>(a.integer));
            }
            case Op::Contains: {
                EvalValue a = Eval(n.a);
                if (a.state == State::Absent) return Tri::False;
                if (a.state == State::Unknown) return Tri::Unknown;
                return Is(((a.set >> n.index) & 1u) != 0);
            }
            default: return ToTri(Eval(index));  // a yes/no question or constant
        }
    }

    // An operand: a constant or a number parameter read in place, anything else through Eval().
    EvalValue Operand(int32_t index) {
        const EvalNode& n = m_nodes[index];
        if (n.op == Op::Const) return m_s.expr.constants[n.index];
        if (n.op == Op::Param && !m_params[n.index].is_string) return Known(m_params[n.index].number);
        return Eval(index);
    }

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
        const EvalValue a = Operand(n.a);
        if (a.state == State::Absent) return Tri::False;  // whatever b is
        const EvalValue b = Operand(n.b);
        if (b.state == State::Absent) return Tri::False;
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
    d.track_floor = TrackFloor{};
    d.fired.clear();
    d.undetermined.clear();
    d.ignored.clear();
    if (d.fired.capacity() < s.rules.size()) {
        d.fired.reserve(s.rules.size());
        d.undetermined.reserve(s.rules.size());
        d.ignored.reserve(s.questions.size());
    }
    // Room for every rule's questions, written by index and cut to length at the end of Decide().
    d.missing.resize(s.rule_questions);
    d.tracks.assign(s.tracks.size(), static_cast<uint8_t>(TrackStatus::Ok));
    d.shown.assign(s.questions.size(), 0);
    d.derived_values.resize(s.derived.size());  // read only once derived_done says it was computed
    d.derived_done.assign(s.derived.size(), 0);
    d.rule_state.assign(s.rules.size(), kRuleNotEvaluated);
}

// Which questions are shown: show_if in asking order (unknown shows the question).
void Shown(const Screening& s, Evaluator& e, Decision& d) {
    const size_t question_count = s.questions.size();
    const Question* questions = s.questions.data();
    uint8_t* shown = d.shown.data();
    for (size_t q = 0; q < question_count; ++q) {
        const int32_t show_if = questions[q].show_if;
        shown[q] = show_if < 0 || e.Test(show_if) != Tri::False;
    }
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

RuleEffects RuleEffectsAt(const Screening& s, const Rule& r, int level) {
    RuleEffects e;
    const size_t track_count = s.tracks.size();
    if (level >= 0) e.fired_rank = s.outcomes[level].rank;
    for (size_t k = 0; k < track_count; ++k) RaiseTrack(e.fired_tracks, k, RuleTrackEffect(s, r, level, k));
    if (!ReviewWhenUnknown(s, r, level) || s.review_outcome < 0) return e;
    constexpr auto kReview = static_cast<int8_t>(TrackStatus::Review);
    if (level == kLevelNone) {
        // A track-only rule: the tracks it would restrict (with unknown = "review", every track it
        // names) are at least review.
        for (size_t k = 0; k < track_count; ++k) {
            const int8_t effect = RuleTrackEffect(s, r, level, k);
            const bool raise = r.unknown == UnknownPolicy::Review ? effect != kNoTrackEffect : effect >= kReview;
            if (raise) RaiseTrack(e.unknown_tracks, k, kReview);
        }
        return e;
    }
    // As if the review outcome had fired.
    const Outcome& review = s.outcomes[s.review_outcome];
    e.unknown_rank = review.rank;
    for (size_t k = 0; k < track_count; ++k) RaiseTrack(e.unknown_tracks, k, review.track_status);
    return e;
}

bool UnknownRaisesOutcome(const Screening& s, const Rule& r, int level) {
    if (r.level_from >= 0) return RuleEffectsAt(s, r, level).unknown_rank > 0;
    return r.effects.unknown_rank > 0;
}

void PrepareDecisions(Screening& s) {
    s.expr.BuildEval();
    s.gate_rules.clear();
    s.rule_questions = 0;
    for (size_t r = 0; r < s.rules.size(); ++r) {
        Rule& rule = s.rules[r];
        s.rule_questions += rule.questions.size();
        if (rule.level_from < 0) rule.effects = RuleEffectsAt(s, rule, rule.level);
        if (rule.flow == Flow::End) s.gate_rules.push_back(static_cast<int32_t>(r));
    }
}

void ComputeShown(const Screening& s, const Answers& answers, const Date& today, std::span<const ParamValue> params,
                  Decision& scratch) {
    Prepare(s, scratch);
    Evaluator e(s, answers, today, params, scratch);
    Shown(s, e, scratch);
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
    Shown(s, e, d);

    // Sizes and data pointers in locals: the stores into byte vectors below would otherwise make
    // the compiler reload them on every iteration.
    const int32_t question_count = static_cast<int32_t>(s.questions.size());
    const int32_t rule_count = static_cast<int32_t>(s.rules.size());
    const Rule* rules = s.rules.data();
    const Answer* given = answers.values.data();
    uint8_t* shown = d.shown.data();
    uint8_t* rule_state = d.rule_state.data();

    // Gates: the screening ends after the questions the earliest firing gate reads.
    int32_t cut = question_count;
    for (int32_t r : s.gate_rules) {
        const Rule& rule = rules[r];
        if (rule.last_question >= cut) continue;
        if (e.Test(rule.when) == Tri::True) {
            cut = rule.last_question;
            d.ended_by = r;
        }
    }
    if (d.ended_by >= 0) {
        d.store = rules[d.ended_by].store;
        for (int32_t q = cut + 1; q < question_count; ++q) shown[q] = 0;
        e.ResetDerived();
    }

    RuleEffects from_parameter;
    int32_t* missing = d.missing.data();  // sized in Prepare() for every rule's questions
    int32_t missing_count = 0;
    for (int32_t r = 0; r < rule_count; ++r) {
        const Rule& rule = rules[r];
        if (d.ended_by >= 0 && rule.last_question > cut) continue;  // never reached
        const Tri t = e.Test(rule.when);
        if (t == Tri::False) {
            rule_state[r] = kRuleFalse;
            continue;
        }
        const int level = RuleLevel(s, rule, params);
        const RuleEffects* effects = &rule.effects;
        if (rule.level_from >= 0) {
            from_parameter = RuleEffectsAt(s, rule, level);
            effects = &from_parameter;
        }
        if (t == Tri::True) {
            rule_state[r] = kRuleFired;
            d.fired.push_back({r, level});
            d.current_rank = std::max(d.current_rank, effects->fired_rank);
            RaiseTracks(d.track_floor, effects->fired_tracks);
            continue;
        }
        rule_state[r] = kRuleUndetermined;
        UndeterminedRule u;
        u.rule = r;
        u.level = level;
        u.missing_first = missing_count;
        for (int32_t q : rule.questions)
            if (shown[q] && given[q].state != AnswerState::Given) missing[missing_count++] = q;
        u.missing_count = missing_count - u.missing_first;
        d.undetermined.push_back(u);
        d.current_rank = std::max(d.current_rank, effects->unknown_rank);
        RaiseTracks(d.track_floor, effects->unknown_tracks);
    }

    d.missing.resize(static_cast<size_t>(missing_count));

    if (d.current_rank > 0) {
        for (size_t o = 0; o < s.outcomes.size(); ++o)
            if (s.outcomes[o].rank == d.current_rank) d.outcome = static_cast<int>(o);
    } else if (d.ended_by < 0 && s.fallback_outcome >= 0) {
        const Outcome& fallback = s.outcomes[s.fallback_outcome];
        d.outcome = s.fallback_outcome;
        d.fallback = true;
        d.current_rank = std::max(d.current_rank, fallback.rank);
        for (size_t k = 0; k < s.tracks.size(); ++k) RaiseTrack(d.track_floor, k, fallback.track_status);
    }
    for (size_t k = 0; k < s.tracks.size(); ++k) d.tracks[k] = TrackStatusOf(d.track_floor, k);

    for (int32_t q = 0; q < question_count; ++q)
        if (!shown[q] && given[q].state != AnswerState::Skipped) d.ignored.push_back(q);
}

Decision Decide(const Screening& screening, const Answers& answers, const Date& today) {
    Decision d;
    std::vector<ParamValue> params = screening.ParameterValues();
    Decide(screening, answers, today, params, d);
    return d;
}

}  // namespace rules
