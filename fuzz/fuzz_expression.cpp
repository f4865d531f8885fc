// libFuzzer harness: expression text -> rules::ParseExpression (the lexer and parser). Whatever
// the bytes, it reports errors at places inside the text and never throws, crashes, recurses
// without bound or trips a sanitizer; a tree it returns has its root and children in range.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_support.h"
#include "rules/diagnostics.h"
#include "rules/expr.h"

namespace {

// The expression as a one-line string: byte offset i is column i + 1.
struct LineMapper : rules::PosMapper {
    rules::SourcePos Map(size_t offset) const override { return {1, static_cast<int>(offset) + 1}; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 64 * 1024) return 0;  // a screening's expressions are a line or two
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    rules::Diagnostics diags;
    rules::SyntaxTree tree;
    const bool parsed = rules::ParseExpression(text, LineMapper(), diags, tree);
    for (const rules::Diagnostic& d : diags.Items())
        fuzz::Require(d.pos.line == 1 && d.pos.col >= 1 && static_cast<size_t>(d.pos.col) <= size + 1, "an error is placed inside the text");
    if (!parsed) return 0;  // a tree with errors (a number out of range) is still a tree
    const auto nodes = static_cast<int32_t>(tree.nodes.size());
    fuzz::Require(tree.root >= 0 && tree.root < nodes, "the root is a node");
    for (const rules::Syntax& node : tree.nodes)
        for (int32_t child : node.children) fuzz::Require(child >= 0 && child < nodes, "every child is a node");
    std::vector<std::pair<std::string, rules::SourcePos>> names;
    rules::CollectNames(tree, names);
    return 0;
}
