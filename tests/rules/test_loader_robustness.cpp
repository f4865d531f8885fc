// Hostile or damaged screening files give diagnostics, never a crash: huge files, deep nesting,
// and thousands of random mutations of a valid file (run under ASan and UBSan in CI).
#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "rules/cases.h"
#include "rules/decision.h"
#include "rules/loader.h"

namespace {

std::string Minimal() {
    std::ifstream in(std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/minimal.toml", std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

bool HasError(const rules::LoadResult& r, const std::string& text) {
    for (const rules::Diagnostic& d : r.diagnostics.Items())
        if (d.severity == rules::Severity::Error && d.message.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("a file over the size limit is refused with a message, not read into the model") {
    std::string huge = Minimal() + "\n# " + std::string(rules::kMaxScreeningFileBytes, 'x') + "\n";
    rules::LoadResult r = rules::LoadScreeningText(huge, "huge.toml");
    CHECK(r.screening == nullptr);
    CHECK(HasError(r, "a screening file may be at most"));
}

TEST_CASE("deeply nested TOML and expressions give a diagnostic") {
    std::string arrays = Minimal() + "\n[wording]\nbanned.en = " + std::string(5000, '[') + std::string(5000, ']') + "\n";
    rules::LoadResult deep_toml = rules::LoadScreeningText(arrays, "deep.toml");
    CHECK(deep_toml.screening == nullptr);
    CHECK(deep_toml.diagnostics.HasErrors());

    std::string expr = std::string(10000, '(') + "area = knee" + std::string(10000, ')');
    std::string text = Minimal() + "\n[[rules]]\nid = \"deep\"\nwhen = \"" + expr + "\"\nlevel = \"note\"\nstaff_text = \"x\"\n";
    rules::LoadResult deep_expr = rules::LoadScreeningText(text, "deep-expr.toml");
    CHECK(deep_expr.screening == nullptr);
    CHECK(HasError(deep_expr, "nested too deeply"));
    CHECK(deep_expr.diagnostics.ErrorCount() == 1);

    std::string nots;
    for (int i = 0; i < 10000; ++i) nots += "not ";
    std::string text2 = Minimal() + "\n[[rules]]\nid = \"nots\"\nwhen = \"" + nots + "yes\"\nlevel = \"note\"\nstaff_text = \"x\"\n";
    CHECK(HasError(rules::LoadScreeningText(text2, "nots.toml"), "nested too deeply"));
}

TEST_CASE("random damage to a valid file never crashes the loader, and what loads can decide") {
    const std::string base = Minimal();
    std::mt19937 rng(7);
    const char pieces[][12] = {"\"", "'", "[", "]", "{", "}", "=", "\n", "(", ")", " and ", " or ", "not ", "\xff", "\xc3",
                               "[[rules]]", "1e999", "-", ",", "#", "\\", "\"\"\"", "age(", "in", "area", "none"};
    int loaded = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string text = base;
        int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits; ++e) {
            size_t at = rng() % text.size();
            switch (rng() % 3) {
                case 0: text.erase(at, 1 + rng() % 8); break;
                case 1: text.insert(at, pieces[rng() % (sizeof pieces / sizeof pieces[0])]); break;
                default: text[at] = static_cast<char>(rng() % 256); break;
            }
        }
        rules::LoadResult r = rules::LoadScreeningText(text, "mutated.toml");
        CAPTURE(i);
        if (r.screening) {
            ++loaded;
            (void)rules::RunCases(*r.screening);  // decides every case
        } else {
            REQUIRE(r.diagnostics.HasErrors());  // refused, and said why
            for (const rules::Diagnostic& d : r.diagnostics.Items()) CHECK(!d.message.empty());
        }
    }
    CHECK(loaded > 0);  // some damage is harmless (inside comments or texts)
}
