// Answer sets drawn from a screening file for the property checks, applied and printed as a case.
#include "rules/properties.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "rules/case_toml.h"
#include "rules/expr_print.h"

namespace rules {
namespace {

// Every number the file's expressions and parameters hold: the thresholds rules compare with.
std::vector<double> FileNumbers(const Screening& screening) {
    std::set<double> numbers;
    for (const Node& node : screening.expr.nodes)
        if (node.op == Op::Const && node.type.kind == ValueType::Number) numbers.insert(node.constant.number);
    for (const Parameter& p : screening.parameters)
        if (!p.value.is_string) numbers.insert(p.value.number);
    return {numbers.begin(), numbers.end()};
}

// SetAnswer touches only the one answer, so one scratch set serves every call.
bool Fits(const Screening& screening, Answers& scratch, int question, const AnswerInput& input, const Date& today) {
    scratch.values.resize(screening.questions.size());
    return !SetAnswer(screening, scratch, question, input, today);
}

}  // namespace

uint64_t PropertyRng::Next() {
    uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

AnswerGenerator::AnswerGenerator(const Screening& screening, const Date& today) : m_screening(screening), m_today(today) {
    const std::vector<double> numbers = FileNumbers(screening);
    m_numbers.resize(screening.questions.size());
    m_dates.resize(screening.questions.size());
    for (size_t q = 0; q < screening.questions.size(); ++q) {
        const Question& question = screening.questions[q];
        const int qi = static_cast<int>(q);
        if (question.type == QuestionType::Integer || question.type == QuestionType::Decimal) {
            const bool whole = question.type == QuestionType::Integer;
            const double step = whole ? 1 : 0.1;
            std::set<double> candidates{question.min, question.max};
            for (double n : numbers) {
                for (double c : {n - step, n, n + step}) {
                    if (whole) {  // 18.5 on an integer answer: 18 and 19 either side
                        candidates.insert(std::floor(c));
                        candidates.insert(std::ceil(c));
                    } else {
                        candidates.insert(std::round(c * 100) / 100);
                    }
                }
            }
            for (double c : candidates)
                if (Fits(screening, m_scratch, qi, c, today)) m_numbers[q].push_back(c);
        } else if (question.type == QuestionType::Date) {
            std::vector<Date> candidates{today, AddDays(today, -1), AddDays(today, 1)};
            for (double n : numbers) {
                if (n != std::floor(n) || n < 0 || n > 400) continue;
                const int k = static_cast<int>(n);
                for (int sign : {-1, 1}) {
                    for (Date d : {AddMonths(today, sign * 12 * k), AddMonths(today, sign * k), AddDays(today, sign * k)})
                        for (int shift : {-1, 0, 1}) candidates.push_back(AddDays(d, shift));
                    if (question.month_precision)  // a month answer: the months either side
                        for (int shift : {-1, 1}) candidates.push_back(AddMonths(today, sign * k + shift));
                }
            }
            std::sort(candidates.begin(), candidates.end(), [](const Date& a, const Date& b) { return DayNumber(a) < DayNumber(b); });
            candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
            for (const Date& d : candidates)
                if (Fits(screening, m_scratch, qi, d, today)) m_dates[q].push_back(d);
        }
    }
}

AnswerInput AnswerGenerator::Plain(int question, PropertyRng& rng) const {
    const Question& q = m_screening.questions[question];
    switch (q.type) {
        case QuestionType::YesNo: return std::string("no");
        case QuestionType::Single: return q.options[rng.Below(q.options.size())].code;
        case QuestionType::Multi: {
            for (const Option& o : q.options)
                if (o.exclusive) return std::vector<std::string>{o.code};
            return std::vector<std::string>{q.options[rng.Below(q.options.size())].code};
        }
        case QuestionType::Integer: {
            const double span = std::floor(q.max) - std::ceil(q.min);
            return std::ceil(q.min) + static_cast<double>(rng.Below(static_cast<uint64_t>(std::max(0.0, span)) + 1));
        }
        case QuestionType::Decimal: {
            const double tenths = std::floor((q.max - q.min) * 10);
            double v = std::round((q.min + static_cast<double>(rng.Below(static_cast<uint64_t>(std::max(0.0, tenths)) + 1)) / 10) * 10) / 10;
            return std::clamp(v, q.min, q.max);
        }
        case QuestionType::Date: {
            // A day within the question's range: up to its age limit back (110 years without one),
            // and up to a year ahead when future dates are allowed.
            const int back = 365 * (q.max_age_years > 0 ? q.max_age_years : 110);
            const int ahead = q.past_only ? 0 : 365;
            return AddDays(m_today, static_cast<int>(rng.Below(static_cast<uint64_t>(back + ahead) + 1)) - back);
        }
        case QuestionType::Text: return std::string(q.max_length >= 4 ? "text" : "t");
    }
    return std::string("no");
}

AnswerInput AnswerGenerator::Interesting(int question, PropertyRng& rng) const {
    const Question& q = m_screening.questions[question];
    if (q.not_sure && rng.Chance(0.15)) return std::string("not_sure");
    switch (q.type) {
        case QuestionType::YesNo: return std::string(rng.Chance(0.5) ? "yes" : "no");
        case QuestionType::Multi: {
            std::vector<int> exclusive, others;
            for (size_t o = 0; o < q.options.size(); ++o) (q.options[o].exclusive ? exclusive : others).push_back(static_cast<int>(o));
            if (others.empty() || (!exclusive.empty() && rng.Chance(0.15)))
                return std::vector<std::string>{q.options[exclusive[rng.Below(exclusive.size())]].code};
            std::vector<std::string> codes;
            if (rng.Chance(0.5)) {
                codes.push_back(q.options[others[rng.Below(others.size())]].code);
            } else {
                for (int o : others)
                    if (rng.Chance(0.4)) codes.push_back(q.options[o].code);
                if (codes.empty()) codes.push_back(q.options[others[rng.Below(others.size())]].code);
            }
            return codes;
        }
        case QuestionType::Integer:
        case QuestionType::Decimal:
            if (!m_numbers[question].empty() && rng.Chance(0.8)) return m_numbers[question][rng.Below(m_numbers[question].size())];
            return Plain(question, rng);
        case QuestionType::Date:
            if (!m_dates[question].empty() && rng.Chance(0.8)) return m_dates[question][rng.Below(m_dates[question].size())];
            return Plain(question, rng);
        case QuestionType::Single:
        case QuestionType::Text: return Plain(question, rng);
    }
    return Plain(question, rng);
}

AnswerSet AnswerGenerator::Generate(PropertyRng& rng) const {
    // How many questions get a value that may decide, and how many are skipped: from a patient
    // with one thing to report to one who reports everything.
    static constexpr double kDensity[] = {0.03, 0.1, 0.3, 1.0};
    static constexpr double kSkip[] = {0, 0.03, 0.15};
    const double density = kDensity[rng.Below(4)], skip = kSkip[rng.Below(3)];
    AnswerSet set;
    for (size_t q = 0; q < m_screening.questions.size(); ++q) {
        const int qi = static_cast<int>(q);
        const bool required = m_screening.questions[q].required;
        if (!required && rng.Chance(skip)) continue;
        AnswerInput input = rng.Chance(density) ? Interesting(qi, rng) : Plain(qi, rng);
        if (!Fits(m_screening, m_scratch, qi, input, m_today)) input = Plain(qi, rng);
        if (!Fits(m_screening, m_scratch, qi, input, m_today)) continue;
        set.answers.push_back({qi, std::move(input)});
    }
    return set;
}

Answers ApplyAnswers(const Screening& screening, const AnswerSet& set, const Date& today) {
    Answers answers = MakeAnswers(screening);
    for (const GivenAnswer& a : set.answers) SetAnswer(screening, answers, a.question, a.input, today);
    return answers;
}

std::string FormatAnswerValue(const Screening& screening, const GivenAnswer& answer) {
    (void)screening;
    if (const auto* text = std::get_if<std::string>(&answer.input)) return TomlString(*text);
    if (const auto* list = std::get_if<std::vector<std::string>>(&answer.input)) {
        std::string out = "[";
        for (const std::string& code : *list) out += (out.size() > 1 ? ", " : "") + TomlString(code);
        return out + "]";
    }
    if (const double* x = std::get_if<double>(&answer.input)) return NumberText(*x);
    if (const auto* m = std::get_if<MeasuredInput>(&answer.input))
        return "{ value = " + NumberText(m->value) + ", unit = " + TomlString(m->unit) + " }";
    return FormatDate(std::get<Date>(answer.input));
}

std::string FormatCase(const Screening& screening, const AnswerSet& set, const Date& today, const std::string& name) {
    std::string answers;
    for (const GivenAnswer& a : set.answers)
        answers += (answers.empty() ? "" : ", ") + screening.questions[a.question].id + " = " + FormatAnswerValue(screening, a);
    return "[[cases]]\nname = " + TomlString(name) + "\ntoday = " + FormatDate(today) + "\nanswers = { " + answers + " }\n";
}

}  // namespace rules
