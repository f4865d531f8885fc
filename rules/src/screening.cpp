// The screening model's lookups and names.
#include "rules/screening.h"

namespace rules {

const char* QuestionTypeName(QuestionType type) {
    switch (type) {
        case QuestionType::YesNo: return "yes_no";
        case QuestionType::Single: return "single";
        case QuestionType::Multi: return "multi";
        case QuestionType::Integer: return "integer";
        case QuestionType::Decimal: return "decimal";
        case QuestionType::Date: return "date";
        case QuestionType::Text: return "text";
    }
    return "?";
}

const char* TrackStatusName(TrackStatus status) {
    switch (status) {
        case TrackStatus::Ok: return "ok";
        case TrackStatus::Note: return "note";
        case TrackStatus::Review: return "review";
        case TrackStatus::Contra: return "contra";
    }
    return "?";
}

std::optional<TrackStatus> ParseTrackStatus(std::string_view text) {
    if (text == "ok") return TrackStatus::Ok;
    if (text == "note") return TrackStatus::Note;
    if (text == "review") return TrackStatus::Review;
    if (text == "contra") return TrackStatus::Contra;
    return std::nullopt;
}

const char* ValueTypeName(ValueType type) {
    switch (type) {
        case ValueType::Bool: return "yes/no";
        case ValueType::Number: return "number";
        case ValueType::Date: return "date";
        case ValueType::Option: return "option";
        case ValueType::OptionSet: return "options";
        case ValueType::OptionList: return "list";
        case ValueType::Text: return "text";
        case ValueType::String: return "string";
        case ValueType::TrackStatus: return "track status";
        case ValueType::Outcome: return "outcome";
    }
    return "?";
}

int Question::FindOption(std::string_view code) const {
    for (size_t i = 0; i < options.size(); ++i)
        if (options[i].code == code) return static_cast<int>(i);
    return -1;
}

namespace {
template <class T>
int FindById(const std::vector<T>& items, std::string_view id) {
    for (size_t i = 0; i < items.size(); ++i)
        if (items[i].id == id) return static_cast<int>(i);
    return -1;
}
}  // namespace

int Screening::FindQuestion(std::string_view wanted) const {
    auto it = question_index.find(std::string(wanted));
    return it == question_index.end() ? -1 : it->second;
}
int Screening::FindOutcome(std::string_view wanted) const { return FindById(outcomes, wanted); }
int Screening::FindTrack(std::string_view wanted) const { return FindById(tracks, wanted); }
int Screening::FindRule(std::string_view wanted) const { return FindById(rules, wanted); }
int Screening::FindParameter(std::string_view wanted) const { return FindById(parameters, wanted); }

int Screening::FindLanguage(std::string_view code) const {
    for (size_t i = 0; i < languages.size(); ++i)
        if (languages[i] == code) return static_cast<int>(i);
    return -1;
}

void ExprPool::BuildEval() {
    eval.clear();
    constants.clear();
    eval.reserve(nodes.size());
    for (const Node& n : nodes) {
        EvalNode e;
        e.op = n.op;
        e.kind = n.a >= 0 ? nodes[n.a].type.kind : n.type.kind;
        e.a = n.a;
        e.b = n.b;
        e.index = n.index;
        e.first_arg = n.first_arg;
        e.arg_count = n.arg_count;
        e.mask = n.mask;
        if (n.op == Op::Const) {
            e.index = static_cast<int32_t>(constants.size());
            constants.push_back(n.constant);
        }
        eval.push_back(e);
    }
}

std::vector<ParamValue> Screening::ParameterValues() const {
    std::vector<ParamValue> values;
    values.reserve(parameters.size());
    for (const Parameter& p : parameters) values.push_back(p.value);
    return values;
}

}  // namespace rules
