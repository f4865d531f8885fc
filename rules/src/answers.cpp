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

std::optional<std::string> SetNumber(const Question& q, Answer& a, double value, const std::string& unit) {
    double factor = 1;
    if (!unit.empty() && unit != q.unit) {
        bool found = false;
        for (const auto& [name, f] : q.units)
            if (name == unit) { factor = f; found = true; }
        if (!found) {
            std::string units = q.unit.empty() ? "no unit" : q.unit;
            for (const auto& [name, f] : q.units) units += ", " + name;
            return "unit '" + unit + "' is not accepted (" + units + ")";
        }
    }
    double v = value * factor;
    if (!std::isfinite(v)) return "is not a finite number";
    if (q.type == QuestionType::Integer && v != std::floor(v)) return "must be a whole number, not " + FormatNumber(value);
    if (v < q.min || v > q.max)
        return FormatNumber(value) + (unit.empty() ? "" : " " + unit) + " is outside " + FormatNumber(q.min) + " to " +
               FormatNumber(q.max) + (q.unit.empty() ? "" : " " + q.unit);
    a.number = v;
    a.state = AnswerState::Given;
    return std::nullopt;
}

std::optional<std::string> SetDate(const Question& q, Answer& a, const Date& d, const Date& today) {
    if (q.past_only && DayNumber(d) > DayNumber(today)) return FormatDate(d) + " is in the future";
    if (q.max_age_years > 0 && CompletedYears(d, today) > q.max_age_years)
        return FormatDate(d) + " is more than " + std::to_string(q.max_age_years) + " years ago";
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

std::optional<std::string> SetAnswer(const Screening& screening, Answers& answers, int question, const AnswerInput& input,
                                     const Date& today) {
    const Question& q = screening.questions[question];
    Answer& a = answers.values[question];
    a = Answer{};
    const std::string* text = std::get_if<std::string>(&input);
    const std::vector<std::string>* list = std::get_if<std::vector<std::string>>(&input);
    if ((text && *text == "not_sure") || (list && list->size() == 1 && (*list)[0] == "not_sure")) {
        if (!q.not_sure) return std::string("does not offer \"not_sure\"");
        a.state = AnswerState::Unsure;
        return std::nullopt;
    }
    switch (q.type) {
        case QuestionType::YesNo:
            if (!text || (*text != "yes" && *text != "no")) return std::string("expects \"yes\" or \"no\"") + (q.not_sure ? " or \"not_sure\"" : "");
            a.yes = *text == "yes";
            a.state = AnswerState::Given;
            return std::nullopt;
        case QuestionType::Single: {
            if (!text) return "expects one option code (" + Codes(q) + ")";
            int o = q.FindOption(*text);
            if (o < 0) return "has no option '" + *text + "' (options: " + Codes(q) + ")";
            a.option = o;
            a.state = AnswerState::Given;
            return std::nullopt;
        }
        case QuestionType::Multi: {
            std::vector<std::string> one;
            if (text) one.push_back(*text);
            const std::vector<std::string>* codes = list ? list : text ? &one : nullptr;
            if (!codes) return "expects a list of option codes (" + Codes(q) + ")";
            if (codes->empty()) return std::string("expects at least one option code; leave the question out to skip it");
            uint64_t set = 0;
            bool exclusive = false;
            for (const std::string& code : *codes) {
                if (code == "not_sure") return std::string("\"not_sure\" cannot be combined with options");
                int o = q.FindOption(code);
                if (o < 0) return "has no option '" + code + "' (options: " + Codes(q) + ")";
                set |= uint64_t{1} << o;
                if (q.options[o].exclusive) exclusive = true;
            }
            if (exclusive && std::popcount(set) > 1) return std::string("combines an option that excludes the others (such as none) with other options");
            a.set = set;
            a.state = AnswerState::Given;
            return std::nullopt;
        }
        case QuestionType::Integer:
        case QuestionType::Decimal:
            if (const double* x = std::get_if<double>(&input)) return SetNumber(q, a, *x, "");
            if (const MeasuredInput* m = std::get_if<MeasuredInput>(&input)) return SetNumber(q, a, m->value, m->unit);
            return std::string("expects a number") + (q.unit.empty() ? "" : " in " + q.unit);
        case QuestionType::Date: {
            if (const Date* d = std::get_if<Date>(&input)) {
                Date copy = *d;
                if (q.month_precision) copy.day = 1;
                return SetDate(q, a, copy, today);
            }
            if (text) {
                std::optional<Date> d = ParseDate(*text, q.month_precision);
                if (!d) return std::string("expects a date as \"YYYY-MM-DD\"") + (q.month_precision ? " or \"YYYY-MM\"" : "");
                if (q.month_precision) d->day = 1;
                return SetDate(q, a, *d, today);
            }
            return std::string("expects a date as \"YYYY-MM-DD\"");
        }
        case QuestionType::Text: {
            if (!text) return std::string("expects text");
            size_t characters = 0;
            for (unsigned char c : *text)
                if ((c & 0xC0) != 0x80) ++characters;
            if (static_cast<int>(characters) > q.max_length)
                return "is " + std::to_string(characters) + " characters long; at most " + std::to_string(q.max_length) + " are allowed";
            a.text = *text;
            a.state = AnswerState::Given;
            return std::nullopt;
        }
    }
    return std::string("cannot be answered");
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
