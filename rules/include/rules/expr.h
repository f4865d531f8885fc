// The expression language: typed trees built once at load, evaluated three-valued.
//
// Lexer -> parser (untyped syntax tree) -> checker (typed Node tree). The checker is in
// expr_check.cpp, the evaluator in decide.cpp. See docs/screening-format.md for the language.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostics.h"

namespace rules {

enum class ValueType : uint8_t {
    Bool,
    Number,
    Date,
    Option,     // one option of a single-choice question (domain = question index)
    OptionSet,  // the selected options of a multiple-choice question (domain = question index)
    OptionList, // a literal list of options/statuses/outcomes (only as the right side of `in`)
    Text,
    String,
    TrackStatus,
    Outcome,    // compared by rank
};

const char* ValueTypeName(ValueType type);

struct TypeInfo {
    ValueType kind = ValueType::Bool;
    int32_t domain = -1;  // question index for Option / OptionSet / OptionList of options
    ValueType element = ValueType::Bool;  // for OptionList: Option, TrackStatus or Outcome
};

// Three states of a runtime value (see "Missing answers" in docs/screening-format.md).
enum class State : uint8_t { Known, Unknown, Absent };

struct Value {
    State state = State::Absent;
    bool boolean = false;
    int32_t integer = 0;  // date day number, option index, track status, outcome rank
    double number = 0;
    uint64_t set = 0;     // option bit set
    std::string_view text;

    static Value MakeBool(bool b) { Value v; v.state = State::Known; v.boolean = b; return v; }
    static Value MakeUnknown() { Value v; v.state = State::Unknown; return v; }
    static Value MakeAbsent() { return Value{}; }
};

enum class Op : uint8_t {
    Const,
    Question,   // index = question
    Derived,    // index = derived value
    Param,      // index = parameter
    Not, And, Or,
    Eq, Ne, Lt, Le, Gt, Ge,
    InList,     // a (Option/Status/Outcome) is one of mask b
    NotInList,
    Contains,   // option index `index` is selected in set a
    AnyOf,      // set a intersects mask
    Add, Sub, Mul, Div, Neg,
    Answered, Unsure, Skipped, Unknown, Shown,  // index = question
    Age, MonthsSince, DaysSince,                // a = date operand
    CountSet,   // a = set operand
    CountTrue,  // args[first_arg .. first_arg+arg_count)
    Status,     // index = track
    Level,
};

struct Node {
    Op op = Op::Const;
    TypeInfo type;
    int32_t a = -1;
    int32_t b = -1;
    int32_t index = -1;
    int32_t first_arg = 0;
    int32_t arg_count = 0;
    uint64_t mask = 0;
    Value constant;
    std::string constant_text;  // storage for a string constant (constant.text points here after load)
    SourcePos pos;
};

// A value as the evaluator passes it: 16 bytes, so it travels in registers. The node's type says
// which member holds it (the checker guarantees the types): `number` for Number; `integer` for
// Bool (0 or 1), Date (day number), Option (index), TrackStatus and Outcome (rank); `set` for
// OptionSet; `text` and `length` for Text and String (pointing into the answers, the parameters
// or the node's constant text, all alive for the whole decision).
struct EvalValue {
    union {
        int64_t integer = 0;
        double number;
        uint64_t set;
        const char* text;
    };
    uint32_t length = 0;
    State state = State::Absent;
};

// Whether a condition is a test of one answer that the evaluator makes in place, without a call,
// on question `index`: a membership test that reads the answer straight (the commonest rules:
// `q = yes`, `q in [a, b]`, `code in q`), true when the answer's bit is in `mask` (yes = bit 1,
// no = bit 0; an option's index; any option of a set); or answered() .. shown(), true when the
// answer's AnswerState is in `mask`. Node: anything else, through the node's operands.
enum class EvalForm : uint8_t { Node, AnswerYes, AnswerOption, AnswerSet, AnswerState };

// The form the evaluator walks: 32 bytes a node, built from `nodes` once loading succeeded, so
// a decision touches little memory. Same indices as `nodes`; a Const's value is constants[index].
// BuildEval rewrites a few ops into cheaper equivalents: `x = c` and `x != c` with a constant
// option, yes/no, status or outcome become InList / NotInList of one bit, `code in q` becomes
// AnyOf of one bit; then a membership test on a question reads the answer directly (EvalForm),
// a NotInList there becoming InList of the other bits. So `eval` may hold no Contains at all.
struct EvalNode {
    Op op = Op::Const;
    ValueType kind = ValueType::Bool;  // of operand a, for comparisons
    EvalForm form = EvalForm::Node;
    int32_t a = -1;
    int32_t b = -1;
    int32_t index = -1;                // question (Question, Answered..Shown, a direct EvalForm), derived value, parameter, track
    int32_t first_arg = 0;
    int32_t arg_count = 0;
    uint64_t mask = 0;
};

struct ExprPool {
    std::vector<Node> nodes;         // as checked: types, places, constant texts
    std::vector<int32_t> args;
    std::vector<EvalNode> eval;      // see EvalNode
    std::vector<EvalValue> constants;

    void BuildEval();
};

// Untyped syntax tree produced by the parser.
enum class SyntaxKind : uint8_t { Number, String, Name, Call, List, Unary, Binary };

struct Syntax {
    SyntaxKind kind = SyntaxKind::Name;
    std::string text;        // name, operator, literal text
    double number = 0;
    std::vector<int32_t> children;
    SourcePos pos;
};

struct SyntaxTree {
    std::vector<Syntax> nodes;
    int32_t root = -1;
};

// Maps a byte offset inside an expression string to its place in the file.
struct PosMapper {
    virtual ~PosMapper() = default;
    virtual SourcePos Map(size_t offset) const = 0;
};

constexpr int kMaxExpressionDepth = 64;

// Parses `text`; reports syntax errors (all it can, without cascades) to `diags`.
// Returns false if the tree is unusable.
bool ParseExpression(std::string_view text, const PosMapper& mapper, Diagnostics& diags, SyntaxTree& out);

// Every bare name the tree refers to outside function-call position, with its position.
void CollectNames(const SyntaxTree& tree, std::vector<std::pair<std::string, SourcePos>>& out);

}  // namespace rules
