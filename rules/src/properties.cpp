// The properties every screening must hold, their runner and the shrinker of a failing answer set.
#include "rules/properties.h"

#include <algorithm>
#include <memory>

#include "rules/cases.h"
#include "rules/decision.h"

namespace rules {
namespace {

int Rank(const Screening& screening, int outcome) { return outcome >= 0 ? screening.outcomes[outcome].rank : 0; }
int ReviewRank(const Screening& screening) { return Rank(screening, screening.review_outcome); }

std::string OutcomeName(const Screening& screening, int outcome) { return outcome >= 0 ? screening.outcomes[outcome].id : "none"; }

std::string StatusName(uint8_t status) { return TrackStatusName(static_cast<TrackStatus>(status)); }

Observation Observe(const Screening& screening, const Decision& decision) {
    Observation o;
    o.outcome = decision.outcome;
    o.reasons = ReasonCodes(screening, decision);
    o.tracks = decision.tracks;
    for (const UndeterminedRule& u : decision.undetermined) o.undetermined.push_back(screening.rules[u.rule].id);
    std::sort(o.undetermined.begin(), o.undetermined.end());
    return o;
}

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// What every engine check holds: the screening, the day, the parameters and reused decisions, so
// a check allocates little after its first set.
struct EngineState {
    const Screening& screening;
    Date today;
    std::vector<ParamValue> params;
    Decision base, variant;
    Answers answers;

    EngineState(const Screening& s, const Date& d) : screening(s), today(d), params(s.ParameterValues()) {}
    void DecideBase(const AnswerSet& set) {
        answers = ApplyAnswers(screening, set, today);
        Decide(screening, answers, today, params, base);
    }
    void DecideVariant() { Decide(screening, answers, today, params, variant); }
};

// Walks a condition through `and`, `or`, `not` and derived values, and records the options of
// multiple-choice questions it reads positively (SafetyOptions in properties.h).
void CollectOptions(const Screening& screening, int32_t node, bool positive, std::vector<std::pair<int32_t, int32_t>>& out,
                    int depth = 0) {
    if (node < 0 || depth > 2 * kMaxExpressionDepth) return;
    const Node& n = screening.expr.nodes[node];
    switch (n.op) {
        case Op::And:
        case Op::Or:
            CollectOptions(screening, n.a, positive, out, depth + 1);
            CollectOptions(screening, n.b, positive, out, depth + 1);
            return;
        case Op::Not: CollectOptions(screening, n.a, !positive, out, depth + 1); return;
        case Op::Derived: CollectOptions(screening, screening.derived[n.index].expr, positive, out, depth + 1); return;
        case Op::Contains:
        case Op::AnyOf: {
            if (!positive || n.a < 0) return;
            const Node& a = screening.expr.nodes[n.a];
            if (a.op != Op::Question || screening.questions[a.index].type != QuestionType::Multi) return;
            const Question& q = screening.questions[a.index];
            for (size_t o = 0; o < q.options.size(); ++o) {
                const bool read = n.op == Op::Contains ? static_cast<int32_t>(o) == n.index : ((n.mask >> o) & 1) != 0;
                if (read) out.emplace_back(a.index, static_cast<int32_t>(o));
            }
            return;
        }
        default: return;
    }
}

std::string Describe(const Screening& screening, const GivenAnswer& answer) {
    return screening.questions[answer.question].id + " = " + FormatAnswerValue(screening, answer);
}

}  // namespace

Observer EngineObserver(const Screening& screening, const Date& today) {
    auto state = std::make_shared<EngineState>(screening, today);
    return [state](const AnswerSet& set) {
        state->DecideBase(set);
        return Observe(state->screening, state->base);
    };
}

std::string DescribeObservation(const Screening& screening, const Observation& o) {
    std::string tracks;
    for (size_t t = 0; t < o.tracks.size() && t < screening.tracks.size(); ++t)
        tracks += (tracks.empty() ? "" : " ") + screening.tracks[t].id + "=" + StatusName(o.tracks[t]);
    return "outcome " + OutcomeName(screening, o.outcome) + ", reasons [" + Join(o.reasons) + "], tracks " + tracks +
           ", undetermined [" + Join(o.undetermined) + "]";
}

PropertyCheck UnknownNeverHelps(const Screening& screening, const Date& today) {
    auto state = std::make_shared<EngineState>(screening, today);
    return [state](const AnswerSet& set, PropertyRng&) -> std::optional<std::string> {
        EngineState& s = *state;
        s.DecideBase(set);
        const int review = ReviewRank(s.screening);
        const bool at_review = Rank(s.screening, s.base.outcome) >= review;
        for (size_t q = 0; q < s.screening.questions.size(); ++q) {
            const Question& question = s.screening.questions[q];
            if (!s.base.shown[q] || question.required || s.answers.values[q].state != AnswerState::Given) continue;
            const std::string given = DescribeAnswer(s.screening, s.answers, static_cast<int>(q));
            for (AnswerState unknown : {AnswerState::Skipped, AnswerState::Unsure}) {
                if (unknown == AnswerState::Unsure && !question.not_sure) continue;
                const Answer saved = s.answers.values[q];
                s.answers.values[q] = Answer{};
                s.answers.values[q].state = unknown;
                s.DecideVariant();
                s.answers.values[q] = saved;
                const std::string change = "'" + question.id + "' " + (unknown == AnswerState::Skipped ? "skipped" : "answered not_sure") +
                                           " instead of " + given;
                if (at_review && Rank(s.screening, s.variant.outcome) < review)
                    return change + " gives outcome " + OutcomeName(s.screening, s.variant.outcome) + " (below " +
                           OutcomeName(s.screening, s.screening.review_outcome) + "), where the answer gave " +
                           OutcomeName(s.screening, s.base.outcome);
                for (size_t t = 0; t < s.base.tracks.size(); ++t)
                    if (s.base.tracks[t] >= static_cast<uint8_t>(TrackStatus::Review) &&
                        s.variant.tracks[t] < static_cast<uint8_t>(TrackStatus::Review))
                        return change + " gives " + s.screening.tracks[t].id + " " + StatusName(s.variant.tracks[t]) +
                               " (below review), where the answer gave " + StatusName(s.base.tracks[t]);
            }
        }
        return std::nullopt;
    };
}

namespace {

// Every option a safety rule reads positively, exclusive ones included.
std::vector<std::pair<int32_t, int32_t>> SafetyReads(const Screening& screening) {
    const std::vector<ParamValue> params = screening.ParameterValues();
    const int review = ReviewRank(screening);
    std::vector<std::pair<int32_t, int32_t>> out;
    for (const Rule& rule : screening.rules) {
        const RuleEffects effects = rule.level_from >= 0 ? RuleEffectsAt(screening, rule, RuleLevel(screening, rule, params)) : rule.effects;
        const bool safety = (effects.fired_rank > 0 && effects.fired_rank >= review) || effects.fired_tracks.at_least[2] != 0 ||
                            rule.flow == Flow::Interrupt;
        if (safety) CollectOptions(screening, rule.when, true, out);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

std::vector<std::pair<int32_t, int32_t>> SafetyOptions(const Screening& screening) {
    std::vector<std::pair<int32_t, int32_t>> out = SafetyReads(screening);
    std::erase_if(out, [&](const auto& p) { return screening.questions[p.first].options[p.second].exclusive; });
    return out;
}

PropertyCheck MonotoneSafety(const Screening& screening, const Date& today) {
    auto state = std::make_shared<EngineState>(screening, today);
    auto options = std::make_shared<std::vector<std::pair<int32_t, int32_t>>>(SafetyOptions(screening));
    // Per question, the exclusive options a safety rule reads (`none in treatments_tried`: no care
    // tried yet): replacing one of them takes away what it said, so that is no addition.
    auto read_exclusive = std::make_shared<std::vector<uint64_t>>(screening.questions.size(), 0);
    for (const auto& [q, o] : SafetyReads(screening))
        if (screening.questions[q].options[o].exclusive) (*read_exclusive)[q] |= uint64_t{1} << o;
    return [state, options, read_exclusive](const AnswerSet& set, PropertyRng&) -> std::optional<std::string> {
        EngineState& s = *state;
        s.DecideBase(set);
        for (const auto& [q, o] : *options) {
            Answer& answer = s.answers.values[q];
            if (!s.base.shown[q] || answer.state != AnswerState::Given || (answer.set >> o & 1)) continue;
            if (answer.set & (*read_exclusive)[q]) continue;
            const Question& question = s.screening.questions[q];
            uint64_t exclusive = 0;
            for (size_t i = 0; i < question.options.size(); ++i)
                if (question.options[i].exclusive) exclusive |= uint64_t{1} << i;
            const uint64_t bit = uint64_t{1} << o;
            const std::string before = DescribeAnswer(s.screening, s.answers, q);
            const uint64_t saved = answer.set;
            answer.set = (exclusive & bit) ? bit : ((saved & ~exclusive) | bit);
            s.DecideVariant();
            const std::string after = DescribeAnswer(s.screening, s.answers, q);
            answer.set = saved;
            const std::string change = "adding '" + question.options[o].code + "' to '" + question.id + "' (" + before + " -> " + after + ")";
            // Below review the outcomes are suggestions (PRP or MSC first), not safety: a change
            // among them is no lowering. At review or above, any drop is.
            const int review = s.screening.review_outcome >= 0 ? s.screening.outcomes[s.screening.review_outcome].rank : 0;
            const int base_rank = Rank(s.screening, s.base.outcome);
            if (base_rank >= review && Rank(s.screening, s.variant.outcome) < base_rank)
                return change + " lowers the outcome from " + OutcomeName(s.screening, s.base.outcome) + " to " +
                       OutcomeName(s.screening, s.variant.outcome);
            for (size_t t = 0; t < s.base.tracks.size(); ++t)
                if (s.variant.tracks[t] < s.base.tracks[t])
                    return change + " lowers " + s.screening.tracks[t].id + " from " + StatusName(s.base.tracks[t]) + " to " +
                           StatusName(s.variant.tracks[t]);
        }
        return std::nullopt;
    };
}

PropertyCheck ReviewHasReason(const Screening& screening, const Date& today) {
    auto state = std::make_shared<EngineState>(screening, today);
    return [state](const AnswerSet& set, PropertyRng&) -> std::optional<std::string> {
        EngineState& s = *state;
        s.DecideBase(set);
        if (s.base.outcome < 0 || Rank(s.screening, s.base.outcome) < ReviewRank(s.screening)) return std::nullopt;
        if (!ReasonCodes(s.screening, s.base).empty()) return std::nullopt;
        return "outcome " + OutcomeName(s.screening, s.base.outcome) + " names no reason code (" +
               DescribeObservation(s.screening, Observe(s.screening, s.base)) + ")";
    };
}

PropertyCheck Determinism(const Screening& screening, Observer observer) {
    return [&screening, observer](const AnswerSet& set, PropertyRng& rng) -> std::optional<std::string> {
        const Observation expected = observer(set);
        AnswerSet reversed = set, shuffled = set;
        // Reversed: every answer and every list backwards, whatever the seed, so a set that fails
        // keeps failing while it is shrunk. Shuffled: the orders in between.
        std::reverse(reversed.answers.begin(), reversed.answers.end());
        for (GivenAnswer& a : reversed.answers)
            if (auto* list = std::get_if<std::vector<std::string>>(&a.input)) std::reverse(list->begin(), list->end());
        for (size_t i = shuffled.answers.size(); i > 1; --i) std::swap(shuffled.answers[i - 1], shuffled.answers[rng.Below(i)]);
        for (GivenAnswer& a : shuffled.answers)
            if (auto* list = std::get_if<std::vector<std::string>>(&a.input))
                for (size_t i = list->size(); i > 1; --i) std::swap((*list)[i - 1], (*list)[rng.Below(i)]);
        for (const AnswerSet* other : {&reversed, &shuffled}) {
            const Observation got = observer(*other);
            if (got == expected) continue;
            std::string order;
            for (const GivenAnswer& a : other->answers) order += (order.empty() ? "" : ", ") + Describe(screening, a);
            return "the answers in the order [" + order + "] give " + DescribeObservation(screening, got) + "; in question order " +
                   DescribeObservation(screening, expected);
        }
        return std::nullopt;
    };
}

PropertyCheck SameThroughEvery(const Screening& screening, std::vector<Observer> observers, std::vector<std::string> names) {
    return [&screening, observers, names](const AnswerSet& set, PropertyRng&) -> std::optional<std::string> {
        if (observers.empty()) return std::nullopt;
        const Observation first = observers[0](set);
        for (size_t i = 1; i < observers.size(); ++i) {
            const Observation got = observers[i](set);
            if (got != first)
                return names[i] + " gives " + DescribeObservation(screening, got) + "; " + names[0] + " gives " +
                       DescribeObservation(screening, first);
        }
        return std::nullopt;
    };
}

uint64_t SetSeed(uint64_t seed, const std::string& name, int index) {
    uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a of the property's name
    for (unsigned char c : name) h = (h ^ c) * 0x100000001B3ull;
    PropertyRng mix(seed ^ h);
    return mix.Next() + static_cast<uint64_t>(index) * 0x9E3779B97F4A7C15ull;
}

AnswerSet Shrink(const Screening& screening, const AnswerSet& set, const std::function<bool(const AnswerSet&)>& fails) {
    AnswerSet best = set;
    for (bool changed = true; changed;) {
        changed = false;
        // Drop whole answers, last first (later questions are more often hidden or irrelevant).
        for (size_t i = best.answers.size(); i-- > 0;) {
            if (screening.questions[best.answers[i].question].required) continue;
            AnswerSet candidate = best;
            candidate.answers.erase(candidate.answers.begin() + static_cast<std::ptrdiff_t>(i));
            if (fails(candidate)) { best = std::move(candidate); changed = true; }
        }
        // Then options of multiple-choice answers, one at a time.
        for (size_t i = 0; i < best.answers.size(); ++i) {
            auto* list = std::get_if<std::vector<std::string>>(&best.answers[i].input);
            for (size_t k = list ? list->size() : 0; list && list->size() > 1 && k-- > 0;) {
                AnswerSet candidate = best;
                auto& codes = std::get<std::vector<std::string>>(candidate.answers[i].input);
                codes.erase(codes.begin() + static_cast<std::ptrdiff_t>(k));
                if (fails(candidate)) {
                    best = std::move(candidate);
                    list = std::get_if<std::vector<std::string>>(&best.answers[i].input);
                    changed = true;
                }
            }
        }
    }
    return best;
}

PropertyResult RunProperty(const Screening& screening, const std::string& name, const PropertyCheck& check, const PropertyRun& run) {
    PropertyResult result;
    result.name = name;
    const AnswerGenerator generator(screening, run.today);
    for (int i = 0; i < run.count; ++i) {
        PropertyRng rng(SetSeed(run.seed, name, i));
        AnswerSet set = generator.Generate(rng);
        const uint64_t check_seed = rng.Next();
        PropertyRng check_rng(check_seed);
        ++result.checked;
        if (!check(set, check_rng)) continue;
        auto fails = [&](const AnswerSet& candidate) {
            PropertyRng r(check_seed);
            return check(candidate, r).has_value();
        };
        result.ok = false;
        result.failing_index = i;
        result.original = set;
        result.shrunk = Shrink(screening, set, fails);
        PropertyRng r(check_seed);
        result.violation = check(result.shrunk, r).value_or("");
        break;
    }
    return result;
}

}  // namespace rules
