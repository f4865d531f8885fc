// The witness search of mutation testing: an answer set on which a mutant and the original
// screening decide differently, and that answer set written as a [[cases]] block.
//
// The search changes what the mutated rule (or show_if, or derived value) reads, starting from
// the file's own cases, the cleanest first: a case's answers already pass every gate and show
// the questions that matter, so one or two changed answers usually reach the changed rule.
#include <algorithm>
#include <cmath>

#include "rules/case_toml.h"
#include "rules/cases.h"
#include "rules/decision.h"
#include "rules/expr_print.h"
#include "rules/mutate.h"
#include "rules/properties.h"

namespace rules {
namespace {

// One answer changed; a change of an answer set is one or more of these.
struct Edit {
    int32_t question = -1;
    Answer answer;
};
using Change = std::vector<Edit>;

bool SameAnswer(const Answer& a, const Answer& b) {
    if (a.state != b.state) return false;
    if (a.state != AnswerState::Given) return true;
    return a.yes == b.yes && a.option == b.option && a.set == b.set && a.number == b.number && a.date == b.date && a.text == b.text;
}

Answer Given() {
    Answer a;
    a.state = AnswerState::Given;
    return a;
}

DecisionSummary Summarize(const Screening& s, const Decision& d) {
    DecisionSummary out;
    out.outcome = d.outcome;
    out.rank = d.outcome >= 0 ? s.outcomes[d.outcome].rank : 0;
    out.reasons = ReasonCodes(s, d);
    out.tracks = d.tracks;
    return out;
}

bool Lower(const DecisionSummary& original, const DecisionSummary& mutant) {
    if (mutant.rank < original.rank) return true;
    for (size_t t = 0; t < original.tracks.size(); ++t)
        if (mutant.tracks[t] < original.tracks[t]) return true;
    return false;
}

// Every question an expression reads, through derived values.
void QuestionsOf(const Screening& s, int32_t node, std::vector<int32_t>& out) {
    if (node < 0) return;
    const Node& n = s.expr.nodes[node];
    switch (n.op) {
        case Op::Question: case Op::Answered: case Op::Unsure: case Op::Skipped: case Op::Unknown: case Op::Shown:
            out.push_back(n.index);
            return;
        case Op::Derived: out.insert(out.end(), s.derived[n.index].questions.begin(), s.derived[n.index].questions.end()); return;
        case Op::Const: return;
        case Op::CountTrue:
            for (int32_t i = 0; i < n.arg_count; ++i) QuestionsOf(s, s.expr.args[n.first_arg + i], out);
            return;
        default:
            QuestionsOf(s, n.a, out);
            QuestionsOf(s, n.b, out);
    }
}

// The expression a derived value stands for, followed through derived values.
int32_t Unwrap(const Screening& s, int32_t node) {
    while (s.expr.nodes[node].op == Op::Derived) node = s.derived[s.expr.nodes[node].index].expr;
    return node;
}

// Every comparison of numbers an expression makes, through derived values.
void Comparisons(const Screening& s, int32_t node, std::vector<int32_t>& out, int depth = 0) {
    if (node < 0 || depth > 2 * kMaxExpressionDepth) return;
    const Node& n = s.expr.nodes[node];
    if (n.op == Op::Derived) return Comparisons(s, s.derived[n.index].expr, out, depth + 1);
    if (n.op == Op::Const) return;
    if (n.op >= Op::Eq && n.op <= Op::Ge && s.expr.nodes[n.a].type.kind == ValueType::Number) out.push_back(node);
    if (n.op == Op::CountTrue)
        for (int32_t i = 0; i < n.arg_count; ++i) Comparisons(s, s.expr.args[n.first_arg + i], out, depth + 1);
    Comparisons(s, n.a, out, depth + 1);
    Comparisons(s, n.b, out, depth + 1);
}

bool ReadsNoAnswer(const Screening& s, int32_t node) {
    std::vector<int32_t> read;
    QuestionsOf(s, node, read);
    return read.empty();
}

// A comparison of a number expression with a threshold, both sides as nodes of `screening`.
struct Threshold {
    const Screening* screening = nullptr;
    int32_t compared = -1;  // the side that reads answers (derived values followed)
    int32_t limit = -1;     // the side that reads none
};

// The answer sets the last phase of a search draws, and their seed (fixed: a report repeats).
constexpr int kGeneratedSets = 3000;
constexpr uint64_t kGeneratedSeed = 20260615;

class Search {
public:
    Search(const Screening& original, const Screening& mutant, const Mutant& m, bool prefer_lower, int budget)
        : m_o(original), m_m(mutant), m_mutant(m), m_prefer_lower(prefer_lower), m_budget(budget) {
        CollectRoots();
        CollectQuestions();
        for (const auto& [screening, root] : m_roots) {
            std::vector<int32_t> found;
            Comparisons(*screening, root, found);
            for (int32_t c : found) {
                const Node& n = screening->expr.nodes[c];
                if (ReadsNoAnswer(*screening, n.b) && !ReadsNoAnswer(*screening, n.a))
                    m_thresholds.push_back({screening, n.a, n.b});
                else if (ReadsNoAnswer(*screening, n.a) && !ReadsNoAnswer(*screening, n.b))
                    m_thresholds.push_back({screening, n.b, n.a});
            }
        }
    }

    bool Run(Witness& out) {
        if (!SearchCases() && (!m_found || (m_prefer_lower && !m_best.lower))) TryGenerated();
        return Done(out);
    }

private:
    // From each case's answers (the cleanest first): as they are, one change, then two. True when
    // the search may stop; false when every change was tried or the budget ran out.
    bool SearchCases() {
        std::vector<int> order(m_o.cases.size());
        std::vector<std::pair<int, size_t>> key(m_o.cases.size());
        Decision d;
        for (size_t c = 0; c < m_o.cases.size(); ++c) {
            order[c] = static_cast<int>(c);
            Decide(m_o, m_o.case_answers[m_o.cases[c].answers], m_o.cases[c].today, CaseParams(static_cast<int>(c)), d);
            key[c] = {d.outcome >= 0 ? m_o.outcomes[d.outcome].rank : 0, d.fired.size()};
        }
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key[a] < key[b]; });

        std::vector<std::vector<Change>> changes(order.size());
        for (size_t i = 0; i < order.size(); ++i) {
            changes[i] = Changes(order[i]);
            Change unchanged;  // the case as it is, where it checks less than it could
            if (Try(order[i], unchanged)) return true;
            for (Change& change : changes[i]) {
                if (Try(order[i], change)) return true;
                if (m_tried >= m_budget) return false;
            }
        }
        for (size_t i = 0; i < order.size(); ++i) {
            const std::vector<Change>& list = changes[i];
            for (size_t x = 0; x < list.size(); ++x)
                for (size_t y = x + 1; y < list.size(); ++y) {
                    if (list[x].size() != 1 || list[y].size() != 1 || list[x][0].question == list[y][0].question) continue;
                    Change pair{list[x][0], list[y][0]};
                    if (Try(order[i], pair)) return true;
                    if (m_tried >= m_budget) return false;
                }
        }
        return false;
    }

    bool Done(Witness& out) {
        if (!m_found) return false;
        out = std::move(m_best);
        return true;
    }

    std::vector<ParamValue> CaseParams(int c) const {
        std::vector<ParamValue> params = m_o.ParameterValues();
        for (const auto& [p, value] : m_o.cases[c].parameters) params[p] = value;
        return params;
    }

    // Where the change is, in both screenings: the rule's condition, the show_if, or the derived
    // value and every rule condition that reads it.
    void CollectRoots() {
        const Mutant& m = m_mutant;
        for (const Screening* s : {&m_o, &m_m}) {
            switch (m.target) {
                case MutantTarget::Rule: m_roots.emplace_back(s, s->rules[m.index].when); break;
                case MutantTarget::ShowIf:
                    if (s->questions[m.index].show_if >= 0) m_roots.emplace_back(s, s->questions[m.index].show_if);
                    break;
                case MutantTarget::Derived:
                    m_roots.emplace_back(s, s->derived[m.index].expr);
                    for (const Rule& rule : s->rules)
                        for (int32_t q : s->derived[m.index].questions)
                            if (std::find(rule.questions.begin(), rule.questions.end(), q) != rule.questions.end()) {
                                m_roots.emplace_back(s, rule.when);
                                break;
                            }
                    break;
            }
        }
    }

    // The questions to change: what the roots read, the question a show_if belongs to, and what
    // decides whether each of those is shown.
    void CollectQuestions() {
        std::vector<int32_t> read;
        for (const auto& [s, root] : m_roots) QuestionsOf(*s, root, read);
        if (m_mutant.target == MutantTarget::ShowIf) read.push_back(m_mutant.index);
        for (size_t i = 0; i < read.size() && read.size() < 64; ++i) QuestionsOf(m_o, m_o.questions[read[i]].show_if, read);
        std::sort(read.begin(), read.end());
        read.erase(std::unique(read.begin(), read.end()), read.end());
        m_questions = std::move(read);
    }

    // Tries one changed answer set; true when the search may stop. The case's answers are
    // changed in place and put back, so a try copies nothing.
    bool Try(int c, Change& change) {
        ++m_tried;
        const TestCase& tc = m_o.cases[c];
        if (m_answers_case != c) {
            m_answers = m_o.case_answers[tc.answers];
            m_params = CaseParams(c);
            m_answers_case = c;
        }
        for (Edit& e : change) std::swap(m_answers.values[e.question], e.answer);
        const bool stop = Compare(c);
        for (auto e = change.rbegin(); e != change.rend(); ++e) std::swap(m_answers.values[e->question], e->answer);
        return stop;
    }

    // Last, answer sets drawn from the whole file by the property checks' generator, on the day
    // of the first case that overrides no parameter: a change that shows on no case's neighbours
    // may still show on a patient far from every case. Only "no answer set found" is left then.
    void TryGenerated() {
        int base = -1;
        for (size_t c = 0; c < m_o.cases.size() && base < 0; ++c)
            if (m_o.cases[c].parameters.empty()) base = static_cast<int>(c);
        if (base < 0) return;
        const Date today = m_o.cases[base].today;
        const AnswerGenerator generator(m_o, today);
        PropertyRng rng(kGeneratedSeed);
        m_params = CaseParams(base);
        m_answers_case = -1;  // m_answers no longer holds a case's answers
        for (int i = 0; i < kGeneratedSets; ++i) {
            m_answers = ApplyAnswers(m_o, generator.Generate(rng), today);
            if (Compare(base)) return;
        }
    }

    // Decides m_answers on both screenings with case c's day and m_params; keeps the best witness
    // so far. True when the search may stop.
    bool Compare(int c) {
        const TestCase& tc = m_o.cases[c];
        Decide(m_o, m_answers, tc.today, m_params, m_d_original);
        Decide(m_m, m_answers, tc.today, m_params, m_d_mutant);
        const bool same = m_d_original.outcome == m_d_mutant.outcome && m_d_original.tracks == m_d_mutant.tracks &&
                          ReasonCodes(m_o, m_d_original) == ReasonCodes(m_m, m_d_mutant);
        if (same) return false;
        Witness w;
        w.base_case = c;
        w.answers = m_answers;
        w.original = Summarize(m_o, m_d_original);
        w.mutant = Summarize(m_m, m_d_mutant);
        w.lower = Lower(w.original, w.mutant);
        if (!m_found || (w.lower && !m_best.lower)) {
            m_best = std::move(w);
            m_found = true;
        }
        return !m_prefer_lower || m_best.lower;
    }

    // The single changes to try on case `c`: one per question and value, and a few that change
    // several answers at once (enough unknown answers to reach a count).
    std::vector<Change> Changes(int c) {
        const TestCase& tc = m_o.cases[c];
        const Answers& base = m_o.case_answers[tc.answers];
        std::vector<Change> out;
        for (int32_t q : m_questions) {
            std::vector<Answer> values = Values(q, base, tc.today, CaseParams(c));
            for (const Answer& a : values) {
                if (SameAnswer(a, base.values[q])) continue;
                bool seen = false;
                for (const Change& ch : out)
                    if (ch.size() == 1 && ch[0].question == q && SameAnswer(ch[0].answer, a)) seen = true;
                if (!seen) out.push_back({Edit{q, a}});
            }
        }
        CountChanges(out);
        return out;
    }

    // For `count(unknown(a), unknown(b), ...) >= N`: the first N - 1, N and N + 1 of those
    // questions left unknown at once.
    void CountChanges(std::vector<Change>& out) {
        for (const Threshold& t : m_thresholds) {
            const Screening& s = *t.screening;
            const Node& n = s.expr.nodes[Unwrap(s, t.compared)];
            if (n.op != Op::CountTrue) continue;
            const double limit = ThresholdOf(t);
            std::vector<Edit> unknowns;
            for (int32_t i = 0; i < n.arg_count; ++i) {
                const Node& arg = s.expr.nodes[s.expr.args[n.first_arg + i]];
                if (arg.op != Op::Unknown && arg.op != Op::Unsure && arg.op != Op::Skipped) continue;
                Edit e{arg.index, Answer{}};
                if (arg.op == Op::Unsure) e.answer.state = AnswerState::Unsure;
                unknowns.push_back(e);
            }
            for (int k = static_cast<int>(limit) - 1; k <= static_cast<int>(limit) + 1; ++k) {
                if (k < 2 || k > static_cast<int>(unknowns.size())) continue;
                out.emplace_back(unknowns.begin(), unknowns.begin() + k);
            }
        }
    }

    double ThresholdOf(const Threshold& t) {
        const Screening& s = *t.screening;
        Decision scratch;
        const Value v = EvaluateExpression(s, t.limit, MakeAnswers(s), Date{}, s.ParameterValues(), scratch);
        return v.state == State::Known ? v.number : 0;
    }

    // The values to try for question q, from base answers `base`.
    std::vector<Answer> Values(int32_t q, const Answers& base, const Date& today, const std::vector<ParamValue>& params) {
        const Question& question = m_o.questions[q];
        std::vector<Answer> out;
        out.push_back(Answer{});  // skipped
        if (question.not_sure) {
            Answer unsure;
            unsure.state = AnswerState::Unsure;
            out.push_back(unsure);
        }
        const Answer& now = base.values[q];
        switch (question.type) {
            case QuestionType::YesNo:
                for (bool yes : {true, false}) {
                    Answer a = Given();
                    a.yes = yes;
                    out.push_back(a);
                }
                break;
            case QuestionType::Single:
                for (size_t o = 0; o < question.options.size(); ++o) {
                    Answer a = Given();
                    a.option = static_cast<int32_t>(o);
                    out.push_back(a);
                }
                break;
            case QuestionType::Multi: MultiValues(q, now, out); break;
            case QuestionType::Integer:
            case QuestionType::Decimal: NumberValues(q, base, today, params, out); break;
            case QuestionType::Date: DateValues(q, today, out); break;
            case QuestionType::Text: break;
        }
        return out;
    }

    void MultiValues(int32_t q, const Answer& now, std::vector<Answer>& out) {
        const Question& question = m_o.questions[q];
        uint64_t exclusive = 0;
        for (size_t o = 0; o < question.options.size(); ++o)
            if (question.options[o].exclusive) exclusive |= uint64_t{1} << o;
        const uint64_t current = now.state == AnswerState::Given ? now.set : 0;
        auto push = [&](uint64_t set) {
            if (set == 0) return;
            Answer a = Given();
            a.set = set;
            out.push_back(a);
        };
        for (size_t o = 0; o < question.options.size(); ++o) {
            const uint64_t bit = uint64_t{1} << o;
            push(bit);  // this option alone
            if (current & bit) push(current & ~bit);                       // removed
            else push((bit & exclusive) ? bit : ((current & ~exclusive) | bit));  // added
        }
        // Counts compared with a threshold: the first k options that are not exclusive.
        for (const Threshold& t : m_thresholds) {
            const Screening& s = *t.screening;
            const Node& n = s.expr.nodes[Unwrap(s, t.compared)];
            if (n.op != Op::CountSet || s.expr.nodes[n.a].op != Op::Question || s.expr.nodes[n.a].index != q) continue;
            const int limit = static_cast<int>(ThresholdOf(t));
            for (int k = limit - 1; k <= limit + 1; ++k) {
                uint64_t set = 0;
                int have = 0;
                for (size_t o = 0; o < question.options.size() && have < k; ++o)
                    if (!(exclusive & (uint64_t{1} << o))) {
                        set |= uint64_t{1} << o;
                        ++have;
                    }
                if (have == k) push(set);
            }
        }
    }

    void NumberValues(int32_t q, const Answers& base, const Date& today, const std::vector<ParamValue>& params, std::vector<Answer>& out) {
        const Question& question = m_o.questions[q];
        const bool whole = question.type == QuestionType::Integer;
        auto push = [&](double x) {
            if (whole) x = std::round(x);
            x = std::round(x * 1e6) / 1e6;
            if (!(x >= question.min && x <= question.max)) return;
            Answer a = Given();
            a.number = x;
            out.push_back(a);
        };
        push(question.min);
        push(question.max);
        for (const Threshold& t : m_thresholds) {
            const Screening& s = *t.screening;
            const int32_t compared = Unwrap(s, t.compared);
            std::vector<int32_t> read;
            QuestionsOf(s, compared, read);
            if (std::find(read.begin(), read.end(), q) == read.end()) continue;
            const double limit = ThresholdOf(t);
            const double step = MutationStep(s, compared, limit);
            if (s.expr.nodes[compared].op == Op::Question) {  // the answer itself
                for (int k = -2; k <= 2; ++k) push(limit + k * step);
                continue;
            }
            // An answer inside arithmetic (a BMI): where the compared value crosses the threshold,
            // found by sampling the answer's range with the other answers as they are, then halving.
            Answers trial = base;
            Decision scratch;
            auto value_at = [&](double x) {
                trial.values[q] = Given();
                trial.values[q].number = x;
                const Value v = EvaluateExpression(s, compared, trial, today, params, scratch);
                return v.state == State::Known ? std::optional<double>(v.number - limit) : std::nullopt;
            };
            constexpr int kSamples = 100;
            std::optional<double> previous;
            double previous_x = question.min;
            for (int i = 0; i <= kSamples; ++i) {
                const double x = question.min + (question.max - question.min) * i / kSamples;
                const std::optional<double> here = value_at(x);
                if (here && previous && ((*here >= 0) != (*previous >= 0))) {
                    double lo = previous_x, hi = x;
                    const bool lo_sign = *previous >= 0;
                    for (int halving = 0; halving < 40 && hi - lo > (whole ? 1 : 0.01); ++halving) {
                        const double mid = (lo + hi) / 2;
                        const std::optional<double> m = value_at(mid);
                        if (!m) break;
                        ((*m >= 0) == lo_sign ? lo : hi) = mid;
                    }
                    const double grain = whole ? 1 : 0.1;
                    for (double x2 : {lo - grain, lo, hi, hi + grain}) push(whole ? x2 : std::round(x2 * 10) / 10);
                }
                previous = here;
                previous_x = x;
            }
        }
    }

    void DateValues(int32_t q, const Date& today, std::vector<Answer>& out) {
        const Question& question = m_o.questions[q];
        auto push = [&](Date d) {
            if (question.month_precision) d.day = 1;
            if (question.past_only && DayNumber(d) > DayNumber(today)) return;
            if (question.max_age_years > 0 && CompletedYears(d, today) >= question.max_age_years) return;
            Answer a = Given();
            a.date = d;
            out.push_back(a);
        };
        for (const Threshold& t : m_thresholds) {
            const Screening& s = *t.screening;
            const Node& n = s.expr.nodes[Unwrap(s, t.compared)];
            if ((n.op != Op::Age && n.op != Op::MonthsSince && n.op != Op::DaysSince) || s.expr.nodes[n.a].op != Op::Question ||
                s.expr.nodes[n.a].index != q)
                continue;
            const int limit = static_cast<int>(std::lround(ThresholdOf(t)));
            for (int k = limit - 1; k <= limit + 1; ++k) {
                if (k < 0) continue;
                const Date at = n.op == Op::Age ? AddMonths(today, -12 * k) : n.op == Op::MonthsSince ? AddMonths(today, -k) : AddDays(today, -k);
                if (question.month_precision) {
                    for (int month : {-1, 0, 1}) push(AddMonths(at, month));
                } else {
                    for (int day : {-1, 0, 1}) push(AddDays(at, day));
                }
            }
        }
    }

    const Screening& m_o;
    const Screening& m_m;
    const Mutant& m_mutant;
    bool m_prefer_lower;
    int m_budget;
    int m_tried = 0;
    std::vector<std::pair<const Screening*, int32_t>> m_roots;
    std::vector<int32_t> m_questions;
    std::vector<Threshold> m_thresholds;
    Answers m_answers;                 // the answers of case m_answers_case, changed only during a try
    int m_answers_case = -1;
    std::vector<ParamValue> m_params;  // that case's parameter values
    Decision m_d_original, m_d_mutant;
    bool m_found = false;
    Witness m_best;
};

}  // namespace

bool FindWitness(const Screening& original, const Screening& mutant, const Mutant& m, bool prefer_lower, Witness& out, int budget) {
    return Search(original, mutant, m, prefer_lower, budget).Run(out);
}

std::string WitnessCaseToml(const Screening& s, const Mutant& m, const Witness& w) {
    const TestCase& base = s.cases[w.base_case];
    // The description goes in a comment; the name is short, and differs between mutants.
    std::string name = "pins ";
    switch (m.target) {
        case MutantTarget::Rule: name += "rule " + s.rules[m.index].id; break;
        case MutantTarget::ShowIf: name += "the show_if of " + s.questions[m.index].id; break;
        case MutantTarget::Derived: name += "derived value " + s.derived[m.index].id; break;
    }
    name += std::string(": ") + MutantKindName(m.kind);
    if (m.kind == MutantKind::DropOption) {
        const Node& n = s.expr.nodes[m.node];
        name += " '" + s.questions[s.expr.nodes[n.a].type.domain].options[m.detail].code + "'";
    }
    if (m.kind == MutantKind::LowerTrack) name += " " + s.tracks[m.detail].id;
    if (m.kind == MutantKind::ShiftThreshold || m.kind == MutantKind::ShiftDerived) name += m.delta > 0 ? " up" : " down";
    if (m.node >= 0) name += " at " + std::to_string(m.pos.line) + ":" + std::to_string(m.pos.col);
    std::string out = "# " + m.description + "\n[[cases]]\n";
    out += "name = " + TomlString(name) + "\n";
    out += "today = " + FormatDate(base.today) + "\n";
    if (!base.parameters.empty()) {
        out += "parameters = { ";
        for (size_t i = 0; i < base.parameters.size(); ++i) {
            const auto& [p, value] = base.parameters[i];
            out += (i ? ", " : "") + s.parameters[p].id + " = " + (value.is_string ? TomlString(value.text) : NumberText(value.number));
        }
        out += " }\n";
    }
    for (size_t q = 0; q < s.questions.size(); ++q) {
        const std::string value = AnswerToml(s, w.answers, static_cast<int>(q));
        if (!value.empty()) out += "answers." + s.questions[q].id + " = " + value + "\n";
    }
    out += "expect.outcome = " + TomlString(w.original.outcome >= 0 ? s.outcomes[w.original.outcome].id : "none") + "\n";
    out += "expect.reasons = [";
    for (size_t i = 0; i < w.original.reasons.size(); ++i) out += (i ? ", " : "") + TomlString(w.original.reasons[i]);
    out += "]\n";
    if (!s.tracks.empty()) {
        out += "expect.tracks = { ";
        for (size_t t = 0; t < s.tracks.size(); ++t)
            out += (t ? ", " : "") + s.tracks[t].id + " = \"" + TrackStatusName(static_cast<TrackStatus>(w.original.tracks[t])) + "\"";
        out += " }\n";
    }
    return out;
}

}  // namespace rules
