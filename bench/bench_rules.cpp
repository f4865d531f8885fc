// Rule-engine benchmark: load-and-validate time of a screening, time per full decision (median and
// p99), and heap allocations per decision, each printed beside its limit. The decisions alternate
// between generated answer sets (random, many flags) and the screening's own test cases
// (realistic, every outcome).
//
//   build/release/bench/bench_rules [SCREENING.toml] [--decisions N] [--loads N]
//   build/release/bench/bench_rules --one-decision full|empty    (under callgrind: bench/decision-instructions)
//
// --one-decision makes exactly one measured decision of the default screening, inside a callgrind
// collection window (the client requests are no-ops outside valgrind): `full` is the test case
// "V3 ... happy path" (every shown question answered), `empty` gives consent only.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "rules/decision.h"
#include "rules/loader.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#endif

// Counting every heap allocation in the process: the decision loop must make none.
static std::atomic<long long> g_allocations{0};

void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using Clock = std::chrono::steady_clock;

// The limits the README quotes: loading the default screening, and one decision of it.
constexpr double kLoadMedianLimitMs = 20.0;
constexpr double kDecisionMedianLimitUs = 2.0;
constexpr long long kAllocationLimit = 0;

double Percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

// A random, valid answer set: about 8% of answers skipped, 5% "not sure" where offered.
rules::Answers RandomAnswers(const rules::Screening& s, std::mt19937& rng, const rules::Date& today) {
    rules::Answers answers = rules::MakeAnswers(s);
    std::uniform_real_distribution<double> unit(0, 1);
    for (size_t q = 0; q < s.questions.size(); ++q) {
        const rules::Question& question = s.questions[q];
        rules::Answer& a = answers.values[q];
        double roll = unit(rng);
        if (question.required) {
            a.state = rules::AnswerState::Given;
            a.yes = unit(rng) < 0.97;  // consent: mostly yes, so the screening goes on
            continue;
        }
        if (roll < 0.08) continue;
        if (roll < 0.13 && question.not_sure) {
            a.state = rules::AnswerState::Unsure;
            continue;
        }
        a.state = rules::AnswerState::Given;
        switch (question.type) {
            case rules::QuestionType::YesNo: a.yes = unit(rng) < 0.3; break;
            case rules::QuestionType::Single: a.option = static_cast<int32_t>(rng() % question.options.size()); break;
            case rules::QuestionType::Multi: {
                for (size_t o = 0; o < question.options.size(); ++o)
                    if (!question.options[o].exclusive && unit(rng) < 0.15) a.set |= uint64_t{1} << o;
                if (a.set == 0)
                    for (size_t o = 0; o < question.options.size(); ++o)
                        if (question.options[o].exclusive) a.set = uint64_t{1} << o;
                if (a.set == 0) a.set = 1;
                break;
            }
            case rules::QuestionType::Integer:
                a.number = std::floor(question.min + unit(rng) * (question.max - question.min + 1));
                a.number = std::min(a.number, question.max);
                break;
            case rules::QuestionType::Decimal: a.number = question.min + unit(rng) * (question.max - question.min); break;
            case rules::QuestionType::Date:
                a.date = rules::DateFromDayNumber(rules::DayNumber(today) - static_cast<int32_t>(rng() % (90 * 365)));
                break;
            case rules::QuestionType::Text: a.text = "free text"; break;
        }
    }
    return answers;
}

// One decision inside a callgrind collection window, after warm-up decisions have sized the
// Decision's buffers (so the window holds exactly what a kiosk pays per decision).
int OneDecision(const rules::Screening& s, const std::string& which) {
    rules::Answers consent_only = rules::MakeAnswers(s);
    for (size_t q = 0; q < s.questions.size(); ++q)
        if (s.questions[q].required) {
            consent_only.values[q].state = rules::AnswerState::Given;
            consent_only.values[q].yes = true;
        }
    const rules::Answers* answers = &consent_only;
    rules::Date today{2026, 6, 15};
    if (which == "full") {
        const rules::TestCase* happy = nullptr;
        for (const rules::TestCase& c : s.cases)
            if (c.name.rfind("V3 ", 0) == 0) happy = &c;
        if (!happy) {
            std::fprintf(stderr, "no case \"V3 ...\" in %s\n", s.path.c_str());
            return 2;
        }
        answers = &s.case_answers[happy->answers];
        today = happy->today;
    } else if (which != "empty") {
        std::fprintf(stderr, "--one-decision takes full or empty\n");
        return 2;
    }
    std::vector<rules::ParamValue> params = s.ParameterValues();
    rules::Decision decision;
    for (int i = 0; i < 3; ++i) rules::Decide(s, *answers, today, params, decision);
    long long allocations_before = g_allocations.load();
    CALLGRIND_TOGGLE_COLLECT;
    rules::Decide(s, *answers, today, params, decision);
    CALLGRIND_TOGGLE_COLLECT;
    long long allocations = g_allocations.load() - allocations_before;
    std::printf("one decision (%s answers): outcome %s, %zu rules fired, %zu undetermined, %lld allocations\n", which.c_str(),
                decision.outcome < 0 ? "none" : s.outcomes[decision.outcome].id.c_str(), decision.fired.size(),
                decision.undetermined.size(), allocations);
    return allocations > kAllocationLimit ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string path = std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml";
    std::string one_decision;
    int decisions = 200000, loads = 50;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--decisions" && i + 1 < argc) decisions = std::atoi(argv[++i]);
        else if (a == "--loads" && i + 1 < argc) loads = std::atoi(argv[++i]);
        else if (a == "--one-decision" && i + 1 < argc) one_decision = argv[++i];
        else path = a;
    }
    if (!one_decision.empty()) {
        rules::LoadResult result = rules::LoadScreeningFile(path);
        if (!result.screening) {
            std::fprintf(stderr, "%s", result.diagnostics.Format().c_str());
            return 1;
        }
        return OneDecision(*result.screening, one_decision);
    }

    std::vector<double> load_ms;
    std::unique_ptr<rules::Screening> screening;
    for (int i = 0; i < loads; ++i) {
        auto start = Clock::now();
        rules::LoadResult result = rules::LoadScreeningFile(path);
        load_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        if (!result.screening) {
            std::fprintf(stderr, "%s", result.diagnostics.Format().c_str());
            return 1;
        }
        screening = std::move(result.screening);
    }
    const rules::Screening& s = *screening;

    struct Input {
        rules::Answers answers;
        rules::Date today;
        std::vector<rules::ParamValue> params;
    };
    const rules::Date today{2026, 6, 15};
    std::mt19937 rng(20261121);
    const int kSets = 10000;
    std::vector<Input> sets;
    sets.reserve(2 * kSets);
    for (int i = 0; i < kSets; ++i) {
        sets.push_back({RandomAnswers(s, rng, today), today, s.ParameterValues()});
        const rules::TestCase& c = s.cases[static_cast<size_t>(i) % s.cases.size()];
        std::vector<rules::ParamValue> params = s.ParameterValues();
        for (const auto& [p, v] : c.parameters) params[p] = v;
        sets.push_back({s.case_answers[c.answers], c.today, std::move(params)});
    }

    rules::Decision decision;
    for (const Input& in : sets) rules::Decide(s, in.answers, in.today, in.params, decision);  // warm up, size the buffers

    std::vector<double> ns;
    ns.reserve(static_cast<size_t>(decisions));
    std::vector<int> outcome_counts(s.outcomes.size() + 1, 0);
    long long allocations_before = g_allocations.load();
    for (int i = 0; i < decisions; ++i) {
        const Input& in = sets[static_cast<size_t>(i) % sets.size()];
        auto start = Clock::now();
        rules::Decide(s, in.answers, in.today, in.params, decision);
        auto end = Clock::now();
        ns.push_back(std::chrono::duration<double, std::nano>(end - start).count());
        ++outcome_counts[static_cast<size_t>(decision.outcome + 1)];
    }
    long long allocations = g_allocations.load() - allocations_before;

    std::printf("screening: %s %s (%zu questions, %zu rules, %zu derived values)\n", s.id.c_str(), s.version.c_str(),
                s.questions.size(), s.rules.size(), s.derived.size());
    const double load_median_ms = Percentile(load_ms, 0.5);
    std::printf("load and validate median: %.2f ms (limit %.0f), max %.2f ms over %d loads\n", load_median_ms, kLoadMedianLimitMs,
                Percentile(load_ms, 1.0), loads);
    const double median_us = Percentile(ns, 0.5) / 1000.0;
    std::printf("decisions: %d (%d generated answer sets and %zu cases, alternating)\n", decisions, kSets, s.cases.size());
    std::printf("decision median: %.2f us (limit %.1f)\n", median_us, kDecisionMedianLimitUs);
    std::printf("decision p99: %.2f us\n", Percentile(ns, 0.99) / 1000.0);
    std::printf("decision allocations: %lld in %d decisions (limit %lld)\n", allocations, decisions, kAllocationLimit);
    std::printf("outcomes decided:");
    for (size_t o = 0; o < s.outcomes.size(); ++o)
        std::printf(" %s %d", s.outcomes[o].id.c_str(), outcome_counts[o + 1]);
    std::printf(" none %d\n", outcome_counts[0]);
    // Time depends on the machine and its load, so only an allocation fails the run.
    if (load_median_ms > kLoadMedianLimitMs) std::printf("load median is over its limit\n");
    if (median_us > kDecisionMedianLimitUs) std::printf("decision median is over its limit\n");
    return allocations > kAllocationLimit ? 1 : 0;
}
