// The screening model's lookups and names.
#include "rules/screening.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace rules {

std::optional<std::string> NumberProblem(double value) {
    if (std::isnan(value)) return "is nan, not a number: it would make every comparison with it false";
    if (std::isinf(value)) return std::string("is ") + (value < 0 ? "-inf" : "inf") + ": a number in a screening must be finite";
    if (std::fabs(value) >= kMaxScreeningNumber) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", value);
        return "is " + std::string(text) + ": a number in a screening is below 1e15 in size";
    }
    return std::nullopt;
}

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
int Screening::FindLevel(std::string_view name) const {
    auto is = [&](std::string_view word) {
        if (name.size() != word.size()) return false;
        for (size_t i = 0; i < name.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(name[i])) != word[i]) return false;
        return true;
    };
    if (is("note")) return kLevelNote;
    if (is("indication")) return kLevelIndication;
    const int outcome = FindOutcome(name);
    return outcome >= 0 ? outcome : kLevelNone;
}
int Screening::FindTrack(std::string_view wanted) const { return FindById(tracks, wanted); }
int Screening::FindRule(std::string_view wanted) const { return FindById(rules, wanted); }
int Screening::FindParameter(std::string_view wanted) const { return FindById(parameters, wanted); }

int Screening::FindLanguage(std::string_view code) const {
    for (size_t i = 0; i < languages.size(); ++i)
        if (languages[i] == code) return static_cast<int>(i);
    return -1;
}

namespace {

EvalValue ToEvalValue(const Node& n) {
    EvalValue v;
    v.state = n.constant.state;
    switch (n.type.kind) {
        case ValueType::Number: v.number = n.constant.number; break;
        case ValueType::Bool: v.integer = n.constant.boolean ? 1 : 0; break;
        case ValueType::OptionSet:
        case ValueType::OptionList: v.set = n.mask; break;
        case ValueType::Text:
        case ValueType::String:
            v.text = n.constant.text.data();
            v.length = static_cast<uint32_t>(n.constant.text.size());
            break;
        default: v.integer = n.constant.integer; break;
    }
    return v;
}

// `x = c` / `x != c` with c a constant that one bit of a mask can hold: the constant's side.
int32_t OneBitConstant(const std::vector<Node>& nodes, const Node& n) {
    if (n.op != Op::Eq && n.op != Op::Ne) return -1;
    for (int32_t side : {n.b, n.a}) {
        const Node& c = nodes[side];
        if (c.op != Op::Const) continue;
        ValueType kind = c.type.kind;
        if (kind == ValueType::Option || kind == ValueType::Bool || kind == ValueType::TrackStatus || kind == ValueType::Outcome)
            return side;
    }
    return -1;
}

}  // namespace

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
            constants.push_back(ToEvalValue(n));
        }
        if (int32_t c = OneBitConstant(nodes, n); c >= 0) {
            const EvalValue value = ToEvalValue(nodes[c]);
            e.op = n.op == Op::Eq ? Op::InList : Op::NotInList;
            e.a = c == n.b ? n.a : n.b;
            e.b = -1;
            e.kind = nodes[e.a].type.kind;
            e.mask = uint64_t{1} << value.integer;
        }
        if (n.op == Op::Contains) {
            e.op = Op::AnyOf;
            e.mask = uint64_t{1} << n.index;
            e.index = -1;
        }
        if ((e.op == Op::InList || e.op == Op::NotInList || e.op == Op::AnyOf) && nodes[e.a].op == Op::Question) {
            e.form = e.kind == ValueType::Bool ? EvalForm::AnswerYes : e.kind == ValueType::Option ? EvalForm::AnswerOption : EvalForm::AnswerSet;
            e.index = nodes[e.a].index;
            if (e.op == Op::NotInList) {  // an answer is not in the list: it is in the rest (answers are bits 0..62)
                e.op = Op::InList;
                e.mask = ~e.mask;
            }
        }
        const auto states = [](std::initializer_list<AnswerState> list) {
            uint64_t mask = 0;
            for (AnswerState st : list) mask |= uint64_t{1} << static_cast<int>(st);
            return mask;
        };
        switch (e.op) {
            case Op::Answered: e.mask = states({AnswerState::Given}); break;
            case Op::Unsure: e.mask = states({AnswerState::Unsure}); break;
            case Op::Skipped: e.mask = states({AnswerState::Skipped}); break;
            case Op::Unknown: e.mask = states({AnswerState::Skipped, AnswerState::Unsure}); break;
            case Op::Shown: e.mask = states({AnswerState::Skipped, AnswerState::Unsure, AnswerState::Given}); break;
            default: break;
        }
        if (e.op >= Op::Answered && e.op <= Op::Shown) e.form = EvalForm::AnswerState;
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
