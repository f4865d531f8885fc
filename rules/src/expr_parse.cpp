// The expression lexer and parser: text to an untyped syntax tree, with every syntax error placed.
//
// Grammar (loosest first; the levels are the table in expr_precedence.h, shared with the printer):
//   or      := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | compare
//   compare := sum (('=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in') sum)?
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := '-' unary | primary
//   primary := NUMBER | STRING | NAME | NAME '(' args ')' | '(' or ')' | '[' items ']'
// The binary levels are parsed by one precedence-climbing loop (ParseBinary) driven by the table.
// A NAME is [A-Za-z0-9_]+ that is not a number, so option codes like 6w_3m are names.
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "expr_precedence.h"
#include "rules/expr.h"
#include "rules/screening.h"

namespace rules {
namespace {

enum class Tok : uint8_t { Number, String, Name, Op, LParen, RParen, LBracket, RBracket, Comma, End, Bad };

struct Token {
    Tok kind = Tok::End;
    std::string text;
    double number = 0;
    size_t offset = 0;
};

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
public:
    Lexer(std::string_view text, const PosMapper& mapper, Diagnostics& diags)
        : m_text(text), m_mapper(mapper), m_diags(diags) {}

    bool Run(std::vector<Token>& out) {
        bool ok = true;
        size_t i = 0;
        while (true) {
            while (i < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[i]))) ++i;
            Token t;
            t.offset = i;
            if (i >= m_text.size()) { t.kind = Tok::End; out.push_back(t); return ok; }
            char c = m_text[i];
            if (IsNameChar(c)) {
                size_t j = i;
                while (j < m_text.size() && (IsNameChar(m_text[j]) || (m_text[j] == '.' && j + 1 < m_text.size() &&
                                                                       std::isdigit(static_cast<unsigned char>(m_text[j + 1])) &&
                                                                       AllDigits(i, j)))) ++j;
                t.text = std::string(m_text.substr(i, j - i));
                // A number starts with a digit: from_chars also reads "inf" and "nan", which are
                // names here (`x < nan` would be a rule that never fires).
                double value = 0;
                const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
                auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
                const bool whole_text = ptr == t.text.data() + t.text.size();
                if (digit && whole_text && (ec == std::errc() || ec == std::errc::result_out_of_range)) {
                    t.kind = Tok::Number;
                    t.number = ec == std::errc() ? value : 0;
                    // Reported, and parsing goes on: the token is a number all the same.
                    if (ec != std::errc() || std::fabs(value) >= kMaxScreeningNumber)
                        m_diags.Error(m_mapper.Map(i), "number " + t.text + " is out of range: a number in a screening is below 1e15 in size");
                } else {
                    t.kind = Tok::Name;
                }
                i = j;
            } else if (c == '"' || c == '\'') {
                size_t j = i + 1;
                while (j < m_text.size() && m_text[j] != c) ++j;
                if (j >= m_text.size()) {
                    m_diags.Error(m_mapper.Map(i), "unterminated string");
                    ok = false;
                    t.kind = Tok::Bad;
                    i = m_text.size();
                } else {
                    t.kind = Tok::String;
                    t.text = std::string(m_text.substr(i + 1, j - i - 1));
                    i = j + 1;
                }
            } else if (c == '(') { t.kind = Tok::LParen; t.text = "("; ++i; }
            else if (c == ')') { t.kind = Tok::RParen; t.text = ")"; ++i; }
            else if (c == '[') { t.kind = Tok::LBracket; t.text = "["; ++i; }
            else if (c == ']') { t.kind = Tok::RBracket; t.text = "]"; ++i; }
            else if (c == ',') { t.kind = Tok::Comma; t.text = ","; ++i; }
            else if (c == '=' || c == '!' || c == '<' || c == '>') {
                t.kind = Tok::Op;
                if (i + 1 < m_text.size() && m_text[i + 1] == '=') { t.text = std::string(m_text.substr(i, 2)); i += 2; }
                else { t.text = std::string(1, c); ++i; }
                if (t.text == "!") {
                    m_diags.Error(m_mapper.Map(t.offset), "unexpected '!': write 'not' or '!='");
                    ok = false;
                    t.kind = Tok::Bad;
                }
                if (t.text == "==") t.text = "=";
            } else if (c == '+' || c == '-' || c == '*' || c == '/') {
                t.kind = Tok::Op; t.text = std::string(1, c); ++i;
            } else if (c == '&' || c == '|') {
                m_diags.Error(m_mapper.Map(i), std::string("unexpected '") + c + "': write '" + (c == '&' ? "and" : "or") + "'");
                ok = false;
                t.kind = Tok::Bad;
                while (i < m_text.size() && m_text[i] == c) ++i;
            } else {
                m_diags.Error(m_mapper.Map(i), std::string("unexpected character '") + c + "'");
                ok = false;
                t.kind = Tok::Bad;
                ++i;
            }
            if (t.kind != Tok::Bad) out.push_back(std::move(t));
        }
    }

private:
    bool AllDigits(size_t from, size_t to) const {
        for (size_t k = from; k < to; ++k)
            if (!std::isdigit(static_cast<unsigned char>(m_text[k]))) return false;
        return to > from;
    }

    std::string_view m_text;
    const PosMapper& m_mapper;
    Diagnostics& m_diags;
};

class Parser {
public:
    Parser(std::vector<Token> tokens, const PosMapper& mapper, Diagnostics& diags, SyntaxTree& tree)
        : m_tokens(std::move(tokens)), m_mapper(mapper), m_diags(diags), m_tree(tree) {}

    bool Run() {
        m_tree.root = ParseExpression(0);
        if (m_failed) return false;
        if (Peek().kind != Tok::End) {
            Fail(Peek(), "expected an operator or the end of the expression");
            return false;
        }
        return m_tree.root >= 0;
    }

private:
    const Token& Peek() const { return m_tokens[m_pos]; }
    const Token& Next() { const Token& t = m_tokens[m_pos]; if (t.kind != Tok::End) ++m_pos; return t; }

    std::string Near(const Token& t) const {
        if (t.kind == Tok::End) return "at the end of the expression";
        return "near '" + t.text + "'";
    }

    int32_t Fail(const Token& t, const std::string& message) {
        // Report only the first error of an expression: later ones are usually cascades.
        if (!m_failed) m_diags.Error(m_mapper.Map(t.offset), message + " " + Near(t));
        m_failed = true;
        return -1;
    }

    int32_t Add(SyntaxKind kind, const Token& at, std::vector<int32_t> children = {}) {
        Syntax s;
        s.kind = kind;
        s.text = at.text;
        s.number = at.number;
        s.children = std::move(children);
        s.pos = m_mapper.Map(at.offset);
        m_tree.nodes.push_back(std::move(s));
        return static_cast<int32_t>(m_tree.nodes.size() - 1);
    }

    bool Deep(int depth) {
        if (depth <= kMaxExpressionDepth) return false;
        Fail(Peek(), "expression nested too deeply (more than " + std::to_string(kMaxExpressionDepth) + " levels)");
        return true;
    }

    // The binary operator the next token starts (with its text; "not in" takes two tokens), or
    // Precedence::None.
    Precedence PeekInfix(std::string& text) const {
        const Token& t = Peek();
        if (t.kind == Tok::Op) {
            text = t.text;
        } else if (t.kind == Tok::Name && t.text == "not") {
            const Token& after = m_tokens[m_pos + 1];
            if (after.kind != Tok::Name || after.text != "in") return Precedence::None;
            text = "not in";
        } else if (t.kind == Tok::Name) {
            text = t.text;
        } else {
            return Precedence::None;
        }
        return OperatorPrecedence(text, false);
    }

    bool AtComparisonSign() const {
        return Peek().kind == Tok::Op && OperatorPrecedence(Peek().text, false) == Precedence::Compare;
    }

    // A whole expression (the top, a parenthesis, a call argument). `depth` counts nesting
    // (parentheses, call arguments, 'not' and '-' chains), not grammar steps, so "64 levels"
    // means 64 nested parentheses.
    int32_t ParseExpression(int depth) {
        if (Deep(depth)) return -1;
        return ParseBinary(Precedence::Or, depth);
    }

    // Operands joined by binary operators of precedence `min` or tighter, left to right. Every
    // operator read lowers `limit`, the level the next operator must be looser than: to its own
    // level's next (left-associative), to a comparison's own (comparisons do not chain), to a
    // prefix operator's own (its operand took everything tighter).
    int32_t ParseBinary(Precedence min, int depth) {
        Precedence limit = Precedence::Primary;
        int32_t left = ParsePrefix(min, depth, limit);
        std::string text;
        while (!m_failed && left >= 0) {
            const Precedence p = PeekInfix(text);
            if (p == Precedence::None || p < min || p >= limit) break;
            Token op = Next();
            if (text == "not in") {
                Next();
                op.text = text;
            }
            int32_t right = ParseBinary(Tighter(p), depth);
            if (right < 0) return -1;
            left = Add(SyntaxKind::Binary, op, {left, right});
            if (p == Precedence::Compare && AtComparisonSign())
                return Fail(Peek(), "comparisons cannot be chained; join them with 'and'");
            limit = p == Precedence::Compare ? p : Tighter(p);
        }
        return m_failed ? -1 : left;
    }

    // A prefix operator allowed at this level (`not` only where a condition may start, `-`
    // anywhere), applied to an operand at its own level; or a primary.
    int32_t ParsePrefix(Precedence min, int depth, Precedence& limit) {
        const Token& t = Peek();
        const bool is_not = t.kind == Tok::Name && t.text == "not";
        const bool is_minus = t.kind == Tok::Op && t.text == "-";
        const Precedence p = is_not || is_minus ? OperatorPrecedence(t.text, true) : Precedence::None;
        if (p == Precedence::None || p < min) return ParsePrimary(depth);
        if (Deep(depth + 1)) return -1;
        Token op = Next();
        int32_t operand = ParseBinary(p, depth + 1);
        if (operand < 0) return -1;
        limit = p;
        return Add(SyntaxKind::Unary, op, {operand});
    }

    int32_t ParsePrimary(int depth) {
        const Token& t = Peek();
        switch (t.kind) {
            case Tok::Number: return Add(SyntaxKind::Number, Next());
            case Tok::String: return Add(SyntaxKind::String, Next());
            case Tok::Name: {
                if (t.text == "and" || t.text == "or" || t.text == "in")
                    return Fail(t, "expected a value");
                Token name = Next();
                if (Peek().kind != Tok::LParen) return Add(SyntaxKind::Name, name);
                Token open = Next();
                std::vector<int32_t> args;
                if (Peek().kind != Tok::RParen) {
                    while (true) {
                        int32_t arg = ParseExpression(depth + 1);
                        if (arg < 0) return -1;
                        args.push_back(arg);
                        if (Peek().kind == Tok::Comma) { Next(); continue; }
                        break;
                    }
                }
                if (Peek().kind != Tok::RParen)
                    return Fail(Peek(), "expected ')' (to close '(' at " + PosText(open) + ")");
                Next();
                return Add(SyntaxKind::Call, name, std::move(args));
            }
            case Tok::LParen: {
                if (Deep(depth + 1)) return -1;  // reported at the '(' that goes past the limit
                Token open = Next();
                int32_t inner = ParseExpression(depth + 1);
                if (inner < 0) return -1;
                if (Peek().kind != Tok::RParen)
                    return Fail(Peek(), "expected ')' (to close '(' at " + PosText(open) + ")");
                Next();
                return inner;
            }
            case Tok::LBracket: {
                Token open = Next();
                std::vector<int32_t> items;
                if (Peek().kind != Tok::RBracket) {
                    while (true) {
                        const Token& item = Peek();
                        if (item.kind != Tok::Name && item.kind != Tok::String && item.kind != Tok::Number)
                            return Fail(item, "expected an option code in the list");
                        items.push_back(Add(item.kind == Tok::Name ? SyntaxKind::Name
                                            : item.kind == Tok::String ? SyntaxKind::String : SyntaxKind::Number,
                                            Next()));
                        if (Peek().kind == Tok::Comma) { Next(); continue; }
                        break;
                    }
                }
                if (Peek().kind != Tok::RBracket)
                    return Fail(Peek(), "expected ']' (to close '[' at " + PosText(open) + ")");
                Next();
                return Add(SyntaxKind::List, open, std::move(items));
            }
            case Tok::End: return Fail(t, "expected a value");
            default: return Fail(t, "expected a value");
        }
    }

    std::string PosText(const Token& t) const {
        SourcePos p = m_mapper.Map(t.offset);
        return std::to_string(p.line) + ":" + std::to_string(p.col);
    }

    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    const PosMapper& m_mapper;
    Diagnostics& m_diags;
    SyntaxTree& m_tree;
    bool m_failed = false;
};

}  // namespace

bool ParseExpression(std::string_view text, const PosMapper& mapper, Diagnostics& diags, SyntaxTree& out) {
    out = SyntaxTree{};
    std::vector<Token> tokens;
    Lexer lexer(text, mapper, diags);
    if (!lexer.Run(tokens)) return false;
    if (tokens.size() == 1) {
        diags.Error(mapper.Map(0), "empty expression");
        return false;
    }
    Parser parser(std::move(tokens), mapper, diags, out);
    return parser.Run();
}

void CollectNames(const SyntaxTree& tree, std::vector<std::pair<std::string, SourcePos>>& out) {
    for (const Syntax& s : tree.nodes)
        if (s.kind == SyntaxKind::Name) out.emplace_back(s.text, s.pos);
}

}  // namespace rules
