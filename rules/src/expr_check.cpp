// The expression checker: names to questions, options, parameters; types checked; nodes built.
//
// In `q = x`, `q in [x, y]` and `x in q`, a bare name x is first looked up among the options of
// the question q, so option codes that are also question ids (`pain_area`) mean the option.
#include "expr_check.h"

#include <algorithm>
#include <bit>

namespace rules {
namespace {

const char* const kFunctions[] = {"answered", "unsure", "skipped", "unknown", "shown", "age",
                                  "months_since", "days_since", "count", "status", "level"};

std::string Describe(const TypeInfo& t, const Screening& s) {
    switch (t.kind) {
        case ValueType::Option: return "an answer to '" + s.questions[t.domain].id + "'";
        case ValueType::OptionSet: return "the answers to multiple-choice '" + s.questions[t.domain].id + "'";
        case ValueType::Bool: return "yes/no";
        case ValueType::Number: return "a number";
        case ValueType::Date: return "a date";
        case ValueType::Text: return "text";
        case ValueType::String: return "a string";
        case ValueType::TrackStatus: return "a track status";
        case ValueType::Outcome: return "an outcome";
        case ValueType::OptionList: return "a list";
    }
    return "?";
}

std::string OptionList(const Question& q) {
    std::string out;
    for (size_t i = 0; i < q.options.size() && i < 12; ++i) {
        if (i) out += ", ";
        out += q.options[i].code;
    }
    if (q.options.size() > 12) out += ", ...";
    return out;
}

class Checker {
public:
    Checker(const SyntaxTree& tree, CheckEnv& env, Diagnostics& diags) : m_tree(tree), m_env(env), m_s(env.screening), m_diags(diags) {}

    int32_t Check(int32_t syntax, const TypeInfo* hint) {
        const Syntax& s = m_tree.nodes[syntax];
        switch (s.kind) {
            case SyntaxKind::Number: return Const(s, ValueType::Number, [&](Value& v) { v.number = s.number; });
            case SyntaxKind::String:
            case SyntaxKind::Name: return CheckName(s, hint);
            case SyntaxKind::List: return CheckList(s, hint);
            case SyntaxKind::Call: return CheckCall(s);
            case SyntaxKind::Unary: return CheckUnary(s);
            case SyntaxKind::Binary: return CheckBinary(s);
        }
        return -1;
    }

    const TypeInfo& TypeOf(int32_t node) const { return m_s.expr.nodes[node].type; }
    std::vector<int32_t> questions;
    bool reads_state = false;

private:
    template <class F>
    int32_t Const(const Syntax& s, ValueType kind, F&& fill, int32_t domain = -1) {
        Node n;
        n.op = Op::Const;
        n.type.kind = kind;
        n.type.domain = domain;
        n.constant.state = State::Known;
        fill(n.constant);
        n.pos = s.pos;
        return Push(std::move(n));
    }

    int32_t Push(Node n) {
        m_s.expr.nodes.push_back(std::move(n));
        return static_cast<int32_t>(m_s.expr.nodes.size() - 1);
    }

    int32_t Error(SourcePos pos, std::string message) {
        m_diags.Error(pos, std::move(message));
        return -1;
    }

    void ReadQuestion(int32_t q, SourcePos pos) {
        questions.push_back(q);
        if (m_env.place == ExprPlace::ShowIf && q >= m_env.question_limit) {
            if (q == m_env.question_limit)
                Error(pos, m_env.owner + " refers to its own question '" + m_s.questions[q].id + "'");
            else
                Error(pos, m_env.owner + " refers to '" + m_s.questions[q].id + "', which is asked later");
        }
    }

    // A name or quoted string as an option code of question q, if it is one.
    int32_t AsOption(const Syntax& s, int32_t q) {
        int idx = m_s.questions[q].FindOption(s.text);
        if (idx < 0) return -1;
        return Const(s, ValueType::Option, [&](Value& v) { v.integer = idx; }, q);
    }

    int32_t CheckName(const Syntax& s, const TypeInfo* hint) {
        if (hint && (hint->kind == ValueType::Option || hint->kind == ValueType::OptionSet)) {
            int32_t n = AsOption(s, hint->domain);
            if (n >= 0) return n;
            if (m_env.quiet_options && (*m_env.quiet_options)[hint->domain]) return -1;  // its own error was reported
            if (s.kind == SyntaxKind::String || m_s.FindQuestion(s.text) < 0)
                return Error(s.pos, "'" + s.text + "' is not an option of '" + m_s.questions[hint->domain].id +
                                        "' (options: " + OptionList(m_s.questions[hint->domain]) + ")");
        }
        if (hint && hint->kind == ValueType::TrackStatus) {
            if (auto st = ParseTrackStatus(s.text))
                return Const(s, ValueType::TrackStatus, [&](Value& v) { v.integer = static_cast<int32_t>(*st); });
        }
        if (s.kind == SyntaxKind::String) {
            Node n;
            n.op = Op::Const;
            n.type.kind = ValueType::String;
            n.constant.state = State::Known;
            n.constant_text = s.text;
            n.pos = s.pos;
            return Push(std::move(n));
        }
        if (s.text == "yes" || s.text == "no")
            return Const(s, ValueType::Bool, [&](Value& v) { v.boolean = s.text == "yes"; });
        if (int q = m_s.FindQuestion(s.text); q >= 0) {
            ReadQuestion(q, s.pos);
            Node n;
            n.op = Op::Question;
            n.index = q;
            n.pos = s.pos;
            switch (m_s.questions[q].type) {
                case QuestionType::YesNo: n.type.kind = ValueType::Bool; n.type.domain = q; break;
                case QuestionType::Single: n.type.kind = ValueType::Option; n.type.domain = q; break;
                case QuestionType::Multi: n.type.kind = ValueType::OptionSet; n.type.domain = q; break;
                case QuestionType::Integer:
                case QuestionType::Decimal: n.type.kind = ValueType::Number; break;
                case QuestionType::Date: n.type.kind = ValueType::Date; break;
                case QuestionType::Text: n.type.kind = ValueType::Text; break;
            }
            return Push(std::move(n));
        }
        for (size_t d = 0; d < m_s.derived.size(); ++d) {
            const DerivedValue& dv = m_s.derived[d];
            if (dv.id != s.text) continue;
            if (!dv.checked) return -1;  // its own errors were reported (or a cycle)
            for (int32_t q : dv.questions) questions.push_back(q);
            if (m_env.place == ExprPlace::ShowIf && dv.last_question >= m_env.question_limit)
                return Error(s.pos, m_env.owner + " uses '" + dv.id + "', which depends on '" +
                                        m_s.questions[dv.last_question].id + "', asked later");
            Node n;
            n.op = Op::Derived;
            n.index = static_cast<int32_t>(d);
            n.type = dv.type;
            n.pos = s.pos;
            return Push(std::move(n));
        }
        if (int p = m_s.FindParameter(s.text); p >= 0) {
            Node n;
            n.op = Op::Param;
            n.index = p;
            n.type.kind = m_s.parameters[p].value.is_string ? ValueType::String : ValueType::Number;
            n.pos = s.pos;
            return Push(std::move(n));
        }
        if (int o = m_s.FindOutcome(s.text); o >= 0)
            return Const(s, ValueType::Outcome, [&](Value& v) { v.integer = m_s.outcomes[o].rank; });
        if (ParseTrackStatus(s.text))
            return Error(s.pos, "'" + s.text + "' is a track status: compare it with status(TRACK)");
        std::vector<std::string> names;
        for (const auto& q : m_s.questions) names.push_back(q.id);
        for (const auto& d : m_s.derived) names.push_back(d.id);
        for (const auto& p : m_s.parameters) names.push_back(p.id);
        for (const auto& o : m_s.outcomes) names.push_back(o.id);
        std::string hint_text;
        if (hint && (hint->kind == ValueType::Option || hint->kind == ValueType::OptionSet))
            for (const auto& o : m_s.questions[hint->domain].options) names.push_back(o.code);
        std::string close = ClosestName(s.text, names);
        if (!close.empty()) hint_text = " (did you mean '" + close + "'?)";
        return Error(s.pos, "unknown name '" + s.text + "'" + hint_text);
    }

    int32_t CheckList(const Syntax& s, const TypeInfo* hint) {
        if (!hint || (hint->kind != ValueType::Option && hint->kind != ValueType::OptionSet &&
                      hint->kind != ValueType::TrackStatus && hint->kind != ValueType::Outcome))
            return Error(s.pos, "a list can only follow 'in' after a choice question, status() or level()");
        uint64_t mask = 0;
        bool ok = true;
        for (int32_t child : s.children) {
            int32_t n = CheckName(m_tree.nodes[child], hint);
            if (n < 0) { ok = false; continue; }
            const Node& item = m_s.expr.nodes[n];
            ValueType want = hint->kind == ValueType::OptionSet ? ValueType::Option : hint->kind;
            if (item.op != Op::Const || item.type.kind != want) {
                Error(m_tree.nodes[child].pos, "list items must be " + Describe(TypeInfo{want, hint->domain}, m_s));
                ok = false;
                continue;
            }
            mask |= uint64_t{1} << item.constant.integer;
        }
        if (!ok) return -1;
        Node n;
        n.op = Op::Const;
        n.type.kind = ValueType::OptionList;
        n.type.domain = hint->domain;
        n.type.element = hint->kind == ValueType::OptionSet ? ValueType::Option : hint->kind;
        n.mask = mask;
        n.constant.state = State::Known;
        n.pos = s.pos;
        return Push(std::move(n));
    }

    int32_t QuestionArg(const Syntax& call) {
        if (call.children.size() != 1 || m_tree.nodes[call.children[0]].kind != SyntaxKind::Name)
            return Error(call.pos, call.text + "() takes one question id");
        const Syntax& arg = m_tree.nodes[call.children[0]];
        int q = m_s.FindQuestion(arg.text);
        if (q < 0) {
            std::vector<std::string> names;
            for (const auto& qq : m_s.questions) names.push_back(qq.id);
            std::string close = ClosestName(arg.text, names);
            return Error(arg.pos, call.text + "() takes a question id, and '" + arg.text + "' is not one" +
                                      (close.empty() ? "" : " (did you mean '" + close + "'?)"));
        }
        ReadQuestion(q, arg.pos);
        return q;
    }

    int32_t CheckCall(const Syntax& s) {
        const std::string& f = s.text;
        Node n;
        n.pos = s.pos;
        if (f == "answered" || f == "unsure" || f == "skipped" || f == "unknown" || f == "shown") {
            int32_t q = QuestionArg(s);
            if (q < 0) return -1;
            n.op = f == "answered" ? Op::Answered : f == "unsure" ? Op::Unsure : f == "skipped" ? Op::Skipped
                 : f == "unknown" ? Op::Unknown : Op::Shown;
            n.index = q;
            n.type.kind = ValueType::Bool;
            if (n.op == Op::Unsure && !m_s.questions[q].not_sure)
                m_diags.Warning(s.pos, "unsure(" + m_s.questions[q].id + ") is never true: the question does not offer \"Not sure\"");
            return Push(std::move(n));
        }
        if (f == "age" || f == "months_since" || f == "days_since") {
            if (s.children.size() != 1) return Error(s.pos, f + "() takes one date");
            int32_t a = Check(s.children[0], nullptr);
            if (a < 0) return -1;
            if (TypeOf(a).kind != ValueType::Date)
                return Error(m_tree.nodes[s.children[0]].pos, f + "() takes a date, not " + Describe(TypeOf(a), m_s));
            n.op = f == "age" ? Op::Age : f == "months_since" ? Op::MonthsSince : Op::DaysSince;
            n.a = a;
            n.type.kind = ValueType::Number;
            return Push(std::move(n));
        }
        if (f == "count") {
            if (s.children.empty()) return Error(s.pos, "count() takes a multiple-choice question or conditions");
            std::vector<int32_t> args;
            bool ok = true;
            for (int32_t c : s.children) {
                int32_t a = Check(c, nullptr);
                if (a < 0) { ok = false; continue; }
                args.push_back(a);
            }
            if (!ok) return -1;
            if (args.size() == 1 && TypeOf(args[0]).kind == ValueType::OptionSet) {
                n.op = Op::CountSet;
                n.a = args[0];
            } else {
                for (size_t i = 0; i < args.size(); ++i)
                    if (TypeOf(args[i]).kind != ValueType::Bool)
                        return Error(m_tree.nodes[s.children[i]].pos,
                                     "count() counts conditions that are true, and this is " + Describe(TypeOf(args[i]), m_s));
                n.op = Op::CountTrue;
                n.first_arg = static_cast<int32_t>(m_s.expr.args.size());
                n.arg_count = static_cast<int32_t>(args.size());
                m_s.expr.args.insert(m_s.expr.args.end(), args.begin(), args.end());
            }
            n.type.kind = ValueType::Number;
            return Push(std::move(n));
        }
        if (f == "status" || f == "level") {
            if (m_env.place != ExprPlace::Rule)
                return Error(s.pos, f + "() can be used only in rules, not in " + m_env.owner);
            reads_state = true;
            if (f == "level") {
                if (!s.children.empty()) return Error(s.pos, "level() takes no arguments");
                n.op = Op::Level;
                n.type.kind = ValueType::Outcome;
                return Push(std::move(n));
            }
            if (s.children.size() != 1 || m_tree.nodes[s.children[0]].kind != SyntaxKind::Name)
                return Error(s.pos, "status() takes one track id");
            const Syntax& arg = m_tree.nodes[s.children[0]];
            int t = m_s.FindTrack(arg.text);
            if (t < 0) {
                std::string ids;
                for (const auto& tr : m_s.tracks) ids += (ids.empty() ? "" : ", ") + tr.id;
                return Error(arg.pos, "unknown track '" + arg.text + "' (tracks: " + ids + ")");
            }
            n.op = Op::Status;
            n.index = t;
            n.type.kind = ValueType::TrackStatus;
            return Push(std::move(n));
        }
        std::vector<std::string> names(std::begin(kFunctions), std::end(kFunctions));
        std::string close = ClosestName(f, names);
        return Error(s.pos, "unknown function '" + f + "()'" + (close.empty() ? "" : " (did you mean '" + close + "()'?)"));
    }

    int32_t CheckUnary(const Syntax& s) {
        int32_t a = Check(s.children[0], nullptr);
        if (a < 0) return -1;
        Node n;
        n.pos = s.pos;
        n.a = a;
        if (s.text == "not") {
            if (TypeOf(a).kind != ValueType::Bool)
                return Error(s.pos, "'not' needs a condition, not " + Describe(TypeOf(a), m_s));
            n.op = Op::Not;
            n.type.kind = ValueType::Bool;
        } else {
            if (TypeOf(a).kind != ValueType::Number)
                return Error(s.pos, "'-' needs a number, not " + Describe(TypeOf(a), m_s));
            n.op = Op::Neg;
            n.type.kind = ValueType::Number;
        }
        return Push(std::move(n));
    }

    // True if the syntax node can be typed on its own (not a bare option code).
    bool SelfTyped(int32_t syntax) const {
        const Syntax& s = m_tree.nodes[syntax];
        if (s.kind != SyntaxKind::Name && s.kind != SyntaxKind::String) return s.kind != SyntaxKind::List;
        if (s.kind == SyntaxKind::String) return false;
        return s.text == "yes" || s.text == "no" || m_s.FindQuestion(s.text) >= 0 || m_s.FindParameter(s.text) >= 0 ||
               m_s.FindOutcome(s.text) >= 0 ||
               std::any_of(m_s.derived.begin(), m_s.derived.end(), [&](const DerivedValue& d) { return d.id == s.text; });
    }

    int32_t CheckBinary(const Syntax& s) {
        const std::string& op = s.text;
        int32_t ls = s.children[0], rs = s.children[1];
        Node n;
        n.pos = s.pos;
        if (op == "and" || op == "or") {
            int32_t a = Check(ls, nullptr), b = Check(rs, nullptr);
            if (a < 0 || b < 0) return -1;
            for (int32_t x : {a, b})
                if (TypeOf(x).kind != ValueType::Bool)
                    return Error(m_s.expr.nodes[x].pos, "'" + op + "' joins conditions, and this is " + Describe(TypeOf(x), m_s));
            n.op = op == "and" ? Op::And : Op::Or;
            n.a = a;
            n.b = b;
            n.type.kind = ValueType::Bool;
            return Push(std::move(n));
        }
        if (op == "+" || op == "-" || op == "*" || op == "/") {
            int32_t a = Check(ls, nullptr), b = Check(rs, nullptr);
            if (a < 0 || b < 0) return -1;
            for (int32_t x : {a, b})
                if (TypeOf(x).kind != ValueType::Number)
                    return Error(m_s.expr.nodes[x].pos, "'" + op + "' needs numbers, and this is " + Describe(TypeOf(x), m_s) +
                                                            (TypeOf(x).kind == ValueType::Date ? " (use days_since() or age())" : ""));
            n.op = op == "+" ? Op::Add : op == "-" ? Op::Sub : op == "*" ? Op::Mul : Op::Div;
            n.a = a;
            n.b = b;
            n.type.kind = ValueType::Number;
            return Push(std::move(n));
        }
        if (op == "in" || op == "not in") return CheckIn(s, ls, rs, op == "not in");

        // Comparisons: type the side that can stand alone first, then the other with it as context.
        int32_t a, b;
        if (!SelfTyped(ls) && SelfTyped(rs)) {
            b = Check(rs, nullptr);
            if (b < 0) return -1;
            a = Check(ls, &TypeOf(b));
        } else {
            a = Check(ls, nullptr);
            if (a < 0) return -1;
            b = Check(rs, &TypeOf(a));
        }
        if (a < 0 || b < 0) return -1;
        TypeInfo ta = TypeOf(a), tb = TypeOf(b);
        bool equality = op == "=" || op == "!=";
        auto same = [&] {
            if (ta.kind == ValueType::Text || ta.kind == ValueType::String)
                return tb.kind == ValueType::Text || tb.kind == ValueType::String;
            if (ta.kind != tb.kind) return false;
            if (ta.kind == ValueType::Option) return ta.domain == tb.domain;
            return true;
        };
        if (ta.kind == ValueType::OptionSet || tb.kind == ValueType::OptionSet)
            return Error(s.pos, "'" + op + "' cannot compare a multiple-choice answer: write 'code in " +
                                    m_s.questions[(ta.kind == ValueType::OptionSet ? ta : tb).domain].id + "'");
        if (!same())
            return Error(s.pos, "cannot compare " + Describe(ta, m_s) + " with " + Describe(tb, m_s));
        if (!equality && ta.kind != ValueType::Number && ta.kind != ValueType::Date && ta.kind != ValueType::TrackStatus &&
            ta.kind != ValueType::Outcome)
            return Error(s.pos, "'" + op + "' needs numbers, dates, statuses or outcomes, not " + Describe(ta, m_s));
        n.op = op == "=" ? Op::Eq : op == "!=" ? Op::Ne : op == "<" ? Op::Lt : op == "<=" ? Op::Le : op == ">" ? Op::Gt : Op::Ge;
        n.a = a;
        n.b = b;
        n.type.kind = ValueType::Bool;
        return Push(std::move(n));
    }

    int32_t CheckIn(const Syntax& s, int32_t ls, int32_t rs, bool negated) {
        Node n;
        n.pos = s.pos;
        n.type.kind = ValueType::Bool;
        const Syntax& right = m_tree.nodes[rs];
        if (right.kind == SyntaxKind::List) {
            int32_t a = Check(ls, nullptr);
            if (a < 0) return -1;
            TypeInfo ta = TypeOf(a);
            if (ta.kind != ValueType::Option && ta.kind != ValueType::OptionSet && ta.kind != ValueType::TrackStatus &&
                ta.kind != ValueType::Outcome)
                return Error(s.pos, "'in [...]' needs a choice answer, status() or level() on the left, not " + Describe(ta, m_s));
            int32_t list = CheckList(right, &ta);
            if (list < 0) return -1;
            n.a = a;
            n.mask = m_s.expr.nodes[list].mask;
            if (ta.kind == ValueType::OptionSet) {
                n.op = Op::AnyOf;
                if (negated) return Negate(Push(n), s.pos);
            } else {
                n.op = negated ? Op::NotInList : Op::InList;
            }
            return Push(std::move(n));
        }
        int32_t b = Check(rs, nullptr);
        if (b < 0) return -1;
        TypeInfo tb = TypeOf(b);
        if (tb.kind != ValueType::OptionSet)
            return Error(right.pos, "'in' needs a list [...] or a multiple-choice question on the right, not " + Describe(tb, m_s));
        const Syntax& left = m_tree.nodes[ls];
        if (left.kind != SyntaxKind::Name && left.kind != SyntaxKind::String)
            return Error(left.pos, "before 'in " + m_s.questions[tb.domain].id + "' write one of its option codes");
        int32_t a = CheckName(left, &tb);
        if (a < 0) return -1;
        const Node& opt = m_s.expr.nodes[a];
        if (opt.op != Op::Const || opt.type.kind != ValueType::Option)
            return Error(left.pos, "before 'in " + m_s.questions[tb.domain].id + "' write one of its option codes");
        n.op = Op::Contains;
        n.a = b;
        n.index = opt.constant.integer;
        int32_t node = Push(n);
        return negated ? Negate(node, s.pos) : node;
    }

    // `x not in q` is `not (x in q)`.
    int32_t Negate(int32_t node, SourcePos pos) {
        Node neg;
        neg.op = Op::Not;
        neg.a = node;
        neg.type.kind = ValueType::Bool;
        neg.pos = pos;
        return Push(std::move(neg));
    }

    const SyntaxTree& m_tree;
    CheckEnv& m_env;
    Screening& m_s;
    Diagnostics& m_diags;
};

}  // namespace

bool CheckExpression(const SyntaxTree& tree, CheckEnv& env, bool want_bool, Diagnostics& diags, CheckResult& out) {
    int before = diags.ErrorCount();
    Checker checker(tree, env, diags);
    int32_t root = checker.Check(tree.root, nullptr);
    out.questions = std::move(checker.questions);
    std::sort(out.questions.begin(), out.questions.end());
    out.questions.erase(std::unique(out.questions.begin(), out.questions.end()), out.questions.end());
    out.reads_state = checker.reads_state;
    if (root < 0 || diags.ErrorCount() > before) return false;
    out.root = root;
    out.type = env.screening.expr.nodes[root].type;
    if (want_bool && out.type.kind != ValueType::Bool) {
        diags.Error(env.screening.expr.nodes[root].pos,
                    env.owner + " must be a condition (true or false), but it is " + Describe(out.type, env.screening));
        return false;
    }
    if (out.type.kind == ValueType::OptionList) {
        diags.Error(env.screening.expr.nodes[root].pos, env.owner + " cannot be a list");
        return false;
    }
    return true;
}

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
    auto distance = [](std::string_view a, std::string_view b) {
        std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= b.size(); ++j) {
                size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            }
            std::swap(prev, cur);
        }
        return prev[b.size()];
    };
    std::string best;
    size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
    for (const std::string& c : candidates) {
        size_t d = distance(name, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

}  // namespace rules
