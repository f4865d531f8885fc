// Writing [[cases]] blocks: TOML strings and answers as a case gives them.
#include "rules/case_toml.h"

#include "rules/expr_print.h"

namespace rules {

std::string TomlString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string AnswerToml(const Screening& s, const Answers& answers, int q) {
    const Answer& a = answers.values[q];
    const Question& question = s.questions[q];
    if (a.state == AnswerState::Skipped) return "";
    if (a.state == AnswerState::Unsure) return "\"not_sure\"";
    switch (question.type) {
        case QuestionType::YesNo: return a.yes ? "\"yes\"" : "\"no\"";
        case QuestionType::Single: return TomlString(question.options[a.option].code);
        case QuestionType::Multi: {
            std::string out = "[";
            for (size_t o = 0; o < question.options.size(); ++o)
                if ((a.set >> o) & 1u) out += (out.size() > 1 ? ", " : "") + TomlString(question.options[o].code);
            return out + "]";
        }
        case QuestionType::Integer:
        case QuestionType::Decimal: return NumberText(a.number);
        case QuestionType::Date: return question.month_precision ? TomlString(FormatDate(a.date).substr(0, 7)) : FormatDate(a.date);
        case QuestionType::Text: return TomlString(a.text);
    }
    return "";
}

}  // namespace rules
