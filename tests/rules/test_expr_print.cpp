// The expression printer: every expression of the default screening printed and read back gives
// the same typed tree and the same text; parentheses appear exactly where precedence needs them.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "rules/expr_print.h"
#include "rules/loader.h"
#include "screening_text.h"

namespace {

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Two checked trees say the same thing: same ops, types, references, constants and shape.
bool SameTree(const rules::Screening& x, int32_t a, const rules::Screening& y, int32_t b) {
    if (a < 0 || b < 0) return a == b;
    const rules::Node& m = x.expr.nodes[a];
    const rules::Node& n = y.expr.nodes[b];
    if (m.op != n.op || m.type.kind != n.type.kind || m.type.domain != n.type.domain || m.type.element != n.type.element ||
        m.index != n.index || m.mask != n.mask || m.arg_count != n.arg_count)
        return false;
    if (m.op == rules::Op::Const &&
        (m.constant.boolean != n.constant.boolean || m.constant.integer != n.constant.integer ||
         m.constant.number != n.constant.number || m.constant_text != n.constant_text))
        return false;
    for (int32_t i = 0; i < m.arg_count; ++i)
        if (!SameTree(x, x.expr.args[m.first_arg + i], y, y.expr.args[n.first_arg + i])) return false;
    return SameTree(x, m.a, y, n.a) && SameTree(x, m.b, y, n.b);
}

// The file with the k-th `KEY = "..."` line of each key holding the k-th printed text instead.
std::string WithPrinted(const std::string& text, const std::string& key, const std::vector<std::string>& printed) {
    std::istringstream in(text);
    std::string out, line;
    size_t k = 0;
    while (std::getline(in, line)) {
        if (line.rfind(key + " = ", 0) == 0) {
            REQUIRE(k < printed.size());
            REQUIRE(printed[k].find('\'') == std::string::npos);
            line = key + " = '" + printed[k++] + "'";
        }
        out += line + "\n";
    }
    CHECK(k == printed.size());
    return out;
}

struct Expressions {
    std::vector<int32_t> show_if, derived, when;
};

Expressions Of(const rules::Screening& s) {
    Expressions e;
    for (const rules::Question& q : s.questions)
        if (q.show_if >= 0) e.show_if.push_back(q.show_if);
    for (const rules::DerivedValue& d : s.derived) e.derived.push_back(d.expr);
    for (const rules::Rule& r : s.rules) e.when.push_back(r.when);
    return e;
}

std::vector<std::string> Printed(const rules::Screening& s, const std::vector<int32_t>& nodes) {
    std::vector<std::string> out;
    for (int32_t node : nodes) out.push_back(rules::ExpressionText(s, node));
    return out;
}

}  // namespace

TEST_CASE("every expression of the default screening, printed and read back, is the same tree and the same text") {
    const std::string path = std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml";
    rules::LoadResult original = rules::LoadScreeningFile(path);
    REQUIRE(original.screening);
    const rules::Screening& s = *original.screening;
    const Expressions before = Of(s);
    REQUIRE(before.show_if.size() >= 10);
    REQUIRE(before.derived.size() >= 10);
    REQUIRE(before.when.size() >= 70);

    std::string text = ReadFile(path);
    text = WithPrinted(text, "show_if", Printed(s, before.show_if));
    text = WithPrinted(text, "expr", Printed(s, before.derived));
    text = WithPrinted(text, "when", Printed(s, before.when));
    rules::LoadResult reread = rules::LoadScreeningText(text, "printed.toml");
    CAPTURE(reread.diagnostics.Format());
    REQUIRE(reread.screening);
    const rules::Screening& p = *reread.screening;
    const Expressions after = Of(p);
    REQUIRE(after.show_if.size() == before.show_if.size());
    REQUIRE(after.derived.size() == before.derived.size());
    REQUIRE(after.when.size() == before.when.size());

    auto check = [&](const std::vector<int32_t>& x, const std::vector<int32_t>& y) {
        for (size_t i = 0; i < x.size(); ++i) {
            CAPTURE(rules::ExpressionText(s, x[i]));
            CHECK(SameTree(s, x[i], p, y[i]));
            CHECK(rules::ExpressionText(p, y[i]) == rules::ExpressionText(s, x[i]));
        }
    };
    check(before.show_if, after.show_if);
    check(before.derived, after.derived);
    check(before.when, after.when);
}

TEST_CASE("the printer writes parentheses only where precedence needs them") {
    std::string questions;
    for (const char* id : {"a", "b", "c"})
        questions += std::string("[[questions]]\nid = \"") + id + "\"\ntype = \"yes_no\"\ntext.en = \"?\"\n\n";
    for (const char* id : {"x", "y", "z"})
        questions += std::string("[[questions]]\nid = \"") + id + "\"\ntype = \"decimal\"\nmin = -100\nmax = 100\ntext.en = \"?\"\n\n";
    questions += R"(
[[questions]]
id = "area"
type = "single"
text.en = "Area?"
options = [ { code = "knee", en = "Knee" }, { code = "hip", en = "Hip" }, { code = "back", en = "Back" } ]

[[questions]]
id = "meds"
type = "multi"
text.en = "Meds?"
options = [ { code = "thinner", en = "Thinner" }, { code = "none", en = "None", exclusive = true } ]
)";
    // As written, and as printed.
    const std::pair<const char*, const char*> cases[] = {
        {"((a))", "a"},
        {"a and b or c", "(a and b) or c"},              // `and` inside `or` is always parenthesised
        {"a or b and c", "a or (b and c)"},
        {"(a or b) and c", "(a or b) and c"},
        {"(a or b) or c", "a or b or c"},
        {"a or (b or c)", "a or b or c"},                // the same condition: `or` is associative
        {"a and (b and c)", "a and (b and c)"},
        {"not (a and b)", "not (a and b)"},
        {"(not a) and b", "not a and b"},
        {"not not a", "not not a"},
        {"not (x > y)", "not x > y"},                    // a comparison binds tighter than `not`
        {"(x > y) = (y > z)", "(x > y) = (y > z)"},      // comparisons do not chain
        {"a = (x > y)", "a = (x > y)"},
        {"x - (y - z) > 0", "x - (y - z) > 0"},
        {"(x - y) - z > 0", "x - y - z > 0"},
        {"x * (y + z) > 0", "x * (y + z) > 0"},
        {"(x * y) + z > 0", "x * y + z > 0"},
        {"x / (y * z) > 0", "x / (y * z) > 0"},
        {"-(x + y) > 0", "-(x + y) > 0"},
        {"(-x) * y > 0", "-x * y > 0"},
        {"- -x > 0", "--x > 0"},
        {"x > 18.5 or x == 0.25", "x > 18.5 or x = 0.25"},
        {"area not in [knee, hip]", "area not in [knee, hip]"},
        {"area in [\"back\"]", "area in [back]"},
        {"thinner not in meds", "not thinner in meds"},  // the checker writes `x not in q` as `not (x in q)`
        {"not (thinner in meds) and a", "not thinner in meds and a"},
        {"count(a, b = no, c) >= 2", "count(a, b = no, c) >= 2"},
        {"answered(a) and not unknown(b)", "answered(a) and not unknown(b)"},
    };
    std::string rules_text;
    for (size_t i = 0; i < std::size(cases); ++i)
        rules_text += "[[rules]]\nid = \"r" + std::to_string(i) + "\"\nwhen = '" + cases[i].first +
                      "'\nlevel = \"note\"\nstaff_text = \"-\"\n\n";
    auto s = test::Load(test::ScreeningText(questions, rules_text));
    for (size_t i = 0; i < std::size(cases); ++i) {
        CAPTURE(cases[i].first);
        CHECK(rules::ExpressionText(*s, s->rules[s->FindRule("r" + std::to_string(i))].when) == cases[i].second);
    }
}

TEST_CASE("numbers print as written: whole numbers plainly, others in their shortest exact form") {
    const std::pair<double, const char*> cases[] = {
        {18, "18"}, {0, "0"}, {-3, "-3"}, {18.5, "18.5"}, {2.54, "2.54"}, {0.1, "0.1"}, {0.0001, "0.0001"},
        {0.00001, "1e-05"}, {1e15, "1e+15"}, {1.5e20, "1.5e+20"}, {999999999999999.0, "999999999999999"},
        {123456.789, "123456.789"}, {-0.5, "-0.5"},
    };
    for (const auto& [number, text] : cases) {
        CAPTURE(text);
        CHECK(rules::NumberText(number) == text);
    }
}
