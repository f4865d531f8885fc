// Answers: turning values from answers files and test cases into checked answers.
#include "rules/answers.h"

#include <bit>
#include <cmath>
#include <cstdio>

#include "rules/screening.h"

namespace rules {
namespace {

std::string FormatNumber(double x) {
    char buffer[32];
    if (x == std::floor(x) && std::fabs(x) < 1e15) std::snprintf(buffer, sizeof buffer, "%.0f", x);
    else std::snprintf(buffer, sizeof buffer, "%g", x);
    return buffer;
}

std::string Codes(const Question& q) {
    std::string out;
    for (const Option& o : q.options) out += (out.empty() ? "" : ", ") + o.code;
    return out;
}

AnswerProblem Problem(AnswerProblemKind kind) {
    AnswerProblem problem;
    problem.kind = kind;
    return problem;
}

std::optional<AnswerProblem> SetNumber(const Question& q, Answer& a, double value, const std::string& unit) {
    double factor = 1;
    if (!unit.empty() && unit != q.unit) {
        bool found = false;
        for (const auto& [name, f] : q.units)
            if (name == unit) { factor = f; found = true; }
        if (!found) {
            AnswerProblem problem = Problem(AnswerProblemKind::UnknownUnit);
            problem.given_unit = unit;
            return problem;
        }
    }
    // Spec §3 limits: a number the question cannot hold carries the limits, for the screens to show.
    const double v = value * factor;
    const bool not_whole = q.type == QuestionType::Integer && v != std::floor(v);
    if (!std::isfinite(v) || not_whole || v < q.min || v > q.max) {
        AnswerProblem problem = Problem(!std::isfinite(v) ? AnswerProblemKind::NotFinite
                                        : not_whole       ? AnswerProblemKind::NotWhole
                                                          : AnswerProblemKind::OutOfRange);
        problem.value = value;
        problem.given_unit = unit;
        problem.min = q.min;
        problem.max = q.max;
        problem.unit = q.unit;
        return problem;
    }
    a.number = v;
    a.state = AnswerState::Given;
    return std::nullopt;
}

std::optional<AnswerProblem> SetDate(const Question& q, Answer& a, Date d, const Date& today) {
    if (q.month_precision) d.day = 1;
    if (!IsValidDate(d.year, d.month, d.day)) return Problem(AnswerProblemKind::InvalidDate);
    const bool future = q.past_only && DayNumber(d) > DayNumber(today);
    if (future || (q.max_age_years > 0 && CompletedYears(d, today) > q.max_age_years)) {
        AnswerProblem problem = Problem(future ? AnswerProblemKind::InFuture : AnswerProblemKind::TooOld);
        problem.date = d;
        problem.max_age_years = q.max_age_years;
        return problem;
    }
    a.date = d;
    a.state = AnswerState::Given;
    return std::nullopt;
}

}  // namespace

Answers MakeAnswers(const Screening& screening) {
    Answers answers;
    answers.values.resize(screening.questions.size());
    return answers;
}

std::optional<AnswerProblem> SetAnswer(const Screening& screening, Answers& answers, int question, const AnswerInput& input,
                                       const Date& today) {
    const Question& q = screening.questions[question];
    Answer& a = answers.values[question];
    a = Answer{};
    const std::string* text = std::get_if<std::string>(&input);
    const std::vector<std::string>* list = std::get_if<std::vector<std::string>>(&input);
    if ((text && *text == "not_sure") || (list && list->size() == 1 && (*list)[0] == "not_sure")) {
        if (!q.not_sure) return Problem(AnswerProblemKind::NotSureNotOffered);
        a.state = AnswerState::Unsure;
        return std::nullopt;
    }
    auto unknown_option = [](const std::string& code) {
        AnswerProblem problem = Problem(AnswerProblemKind::UnknownOption);
        problem.code = code;
        return problem;
    };
    switch (q.type) {
        case QuestionType::YesNo:
            if (!text || (*text != "yes" && *text != "no")) return Problem(AnswerProblemKind::WrongType);
            a.yes = *text == "yes";
            a.state = AnswerState::Given;
            return std::nullopt;
        case QuestionType::Single: {
            if (!text) return Problem(AnswerProblemKind::WrongType);
            int o = q.FindOption(*text);
            if (o < 0) return unknown_option(*text);
            a.option = o;
            a.state = AnswerState::Given;
            return std::nullopt;
        }
        case QuestionType::Multi: {
            std::vector<std::string> one;
            if (text) one.push_back(*text);
            const std::vector<std::string>* codes = list ? list : text ? &one : nullptr;
            if (!codes) return Problem(AnswerProblemKind::WrongType);
            if (codes->empty()) return Problem(AnswerProblemKind::NoOption);
            uint64_t set = 0;
            bool exclusive = false;
            for (const std::string& code : *codes) {
                if (code == "not_sure") return Problem(AnswerProblemKind::NotSureWithOptions);
                int o = q.FindOption(code);
                if (o < 0) return unknown_option(code);
                set |= uint64_t{1} << o;
                if (q.options[o].exclusive) exclusive = true;
            }
            if (exclusive && std::popcount(set) > 1) return Problem(AnswerProblemKind::ExclusiveWithOthers);
            a.set = set;
            a.state = AnswerState::Given;
            return std::nullopt;
        }
        case QuestionType::Integer:
        case QuestionType::Decimal:
            if (const double* x = std::get_if<double>(&input)) return SetNumber(q, a, *x, "");
            if (const MeasuredInput* m = std::get_if<MeasuredInput>(&input)) return SetNumber(q, a, m->value, m->unit);
            return Problem(AnswerProblemKind::WrongType);
        case QuestionType::Date: {
            if (const Date* d = std::get_if<Date>(&input)) return SetDate(q, a, *d, today);
            if (text) {
                std::optional<Date> d = ParseDate(*text, q.month_precision);
                if (!d) return Problem(AnswerProblemKind::InvalidDate);
                return SetDate(q, a, *d, today);
            }
            return Problem(AnswerProblemKind::WrongType);
        }
        case QuestionType::Text: {
            if (!text) return Problem(AnswerProblemKind::WrongType);
            size_t characters = 0;
            for (unsigned char c : *text)
                if ((c & 0xC0) != 0x80) ++characters;
            if (static_cast<int>(characters) > q.max_length) {
                AnswerProblem problem = Problem(AnswerProblemKind::TooLong);
                problem.length = static_cast<int>(characters);
                problem.max_length = q.max_length;
                return problem;
            }
            a.text = *text;
            a.state = AnswerState::Given;
            return std::nullopt;
        }
    }
    return Problem(AnswerProblemKind::WrongType);
}

std::string DescribeAnswerProblem(const Question& q, const AnswerProblem& p) {
    switch (p.kind) {
        case AnswerProblemKind::NotSureNotOffered: return "does not offer \"not_sure\"";
        case AnswerProblemKind::WrongType:
            switch (q.type) {
                case QuestionType::YesNo: return std::string("expects \"yes\" or \"no\"") + (q.not_sure ? " or \"not_sure\"" : "");
                case QuestionType::Single: return "expects one option code (" + Codes(q) + ")";
                case QuestionType::Multi: return "expects a list of option codes (" + Codes(q) + ")";
                case QuestionType::Integer:
                case QuestionType::Decimal: return std::string("expects a number") + (q.unit.empty() ? "" : " in " + q.unit);
                case QuestionType::Date: return "expects a date as \"YYYY-MM-DD\"";
                case QuestionType::Text: return "expects text";
            }
            return "cannot be answered";
        case AnswerProblemKind::UnknownOption: return "has no option '" + p.code + "' (options: " + Codes(q) + ")";
        case AnswerProblemKind::NoOption: return "expects at least one option code; leave the question out to skip it";
        case AnswerProblemKind::NotSureWithOptions: return "\"not_sure\" cannot be combined with options";
        case AnswerProblemKind::ExclusiveWithOthers:
            return "combines an option that excludes the others (such as none) with other options";
        case AnswerProblemKind::UnknownUnit: {
            std::string units = q.unit.empty() ? "no unit" : q.unit;
            for (const auto& [name, f] : q.units) units += ", " + name;
            return "unit '" + p.given_unit + "' is not accepted (" + units + ")";
        }
        case AnswerProblemKind::NotFinite: return "is not a finite number";
        case AnswerProblemKind::NotWhole: return "must be a whole number, not " + FormatNumber(p.value);
        case AnswerProblemKind::OutOfRange:
            return FormatNumber(p.value) + (p.given_unit.empty() ? "" : " " + p.given_unit) + " is outside " + FormatNumber(p.min) +
                   " to " + FormatNumber(p.max) + (p.unit.empty() ? "" : " " + p.unit);
        case AnswerProblemKind::InvalidDate:
            return std::string("expects a date as \"YYYY-MM-DD\"") + (q.month_precision ? " or \"YYYY-MM\"" : "");
        case AnswerProblemKind::InFuture: return FormatDate(p.date) + " is in the future";
        case AnswerProblemKind::TooOld: return FormatDate(p.date) + " is more than " + std::to_string(p.max_age_years) + " years ago";
        case AnswerProblemKind::TooLong:
            return "is " + std::to_string(p.length) + " characters long; at most " + std::to_string(p.max_length) + " are allowed";
    }
    return "cannot be answered";
}

std::string DescribeAnswer(const Screening& screening, const Answers& answers, int question) {
    const Question& q = screening.questions[question];
    const Answer& a = answers.values[question];
    if (a.state == AnswerState::Skipped) return "(skipped)";
    if (a.state == AnswerState::Unsure) return "not_sure";
    switch (q.type) {
        case QuestionType::YesNo: return a.yes ? "yes" : "no";
        case QuestionType::Single: return q.options[a.option].code;
        case QuestionType::Multi: {
            std::string out = "[";
            for (size_t o = 0; o < q.options.size(); ++o)
                if ((a.set >> o) & 1u) out += (out.size() > 1 ? ", " : "") + q.options[o].code;
            return out + "]";
        }
        case QuestionType::Integer:
        case QuestionType::Decimal: return FormatNumber(a.number) + (q.unit.empty() ? "" : " " + q.unit);
        case QuestionType::Date: {
            std::string d = FormatDate(a.date);
            return q.month_precision ? d.substr(0, 7) : d;
        }
        case QuestionType::Text: return a.text;
    }
    return "?";
}

}  // namespace rules
