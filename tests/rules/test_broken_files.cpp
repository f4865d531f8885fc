// Every file in tests/rules/broken/ breaks one thing; it must be refused with the diagnostics its
// `# expect: LINE:COL: error|warning: TEXT` lines name (TEXT is a part of the message), at the
// right line and column, and with no other error (no cascades).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "rules/loader.h"

namespace {

struct Expected {
    int line = 0;
    int col = 0;
    rules::Severity severity = rules::Severity::Error;
    std::string text;
};

// Lines "# expect: LINE:COL: error|warning: TEXT".
std::vector<Expected> ReadExpectations(const std::string& content) {
    std::vector<Expected> out;
    std::istringstream in(content);
    std::string line;
    while (std::getline(in, line)) {
        size_t at = line.find("# expect:");
        if (at == std::string::npos) continue;
        Expected e;
        char severity[16] = {};
        int consumed = 0;
        if (std::sscanf(line.c_str() + at, "# expect: %d:%d: %15[a-z]: %n", &e.line, &e.col, severity, &consumed) < 3 || consumed == 0)
            continue;
        e.severity = std::string(severity) == "warning" ? rules::Severity::Warning : rules::Severity::Error;
        e.text = line.substr(at + static_cast<size_t>(consumed));
        while (!e.text.empty() && std::isspace(static_cast<unsigned char>(e.text.back()))) e.text.pop_back();
        out.push_back(e);
    }
    return out;
}

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace

TEST_CASE("every broken screening file is refused with its expected diagnostics, placed exactly") {
    std::filesystem::path folder = std::filesystem::path(KIOSK_SOURCE_DIR) / "tests/rules/broken";
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.path().extension() == ".toml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 20);

    for (const auto& path : files) {
        CAPTURE(path.filename().string());
        std::string content = ReadFile(path);
        std::vector<Expected> expected = ReadExpectations(content);
        REQUIRE_MESSAGE(!expected.empty(), "the file names no '# expect:' diagnostic");
        rules::LoadResult result = rules::LoadScreeningText(content, path.filename().string());
        std::string all = result.diagnostics.Format();
        CAPTURE(all);
        bool expects_error = std::any_of(expected.begin(), expected.end(), [](const Expected& e) { return e.severity == rules::Severity::Error; });
        CHECK(result.diagnostics.HasErrors() == expects_error);
        CHECK((result.screening == nullptr) == expects_error);
        for (const Expected& e : expected) {
            CAPTURE(e.line);
            CAPTURE(e.col);
            CAPTURE(e.text);
            bool found = std::any_of(result.diagnostics.Items().begin(), result.diagnostics.Items().end(), [&](const rules::Diagnostic& d) {
                return d.pos.line == e.line && d.pos.col == e.col && d.severity == e.severity && d.message.find(e.text) != std::string::npos;
            });
            CHECK_MESSAGE(found, "expected diagnostic not reported");
        }
        // No error that the file does not expect: one mistake must not cascade into many.
        for (const rules::Diagnostic& d : result.diagnostics.Items()) {
            if (d.severity != rules::Severity::Error) continue;
            bool wanted = std::any_of(expected.begin(), expected.end(), [&](const Expected& e) {
                return e.line == d.pos.line && e.col == d.pos.col && d.message.find(e.text) != std::string::npos;
            });
            CAPTURE(d.message);
            CHECK_MESSAGE(wanted, "unexpected error");
        }
    }
}

TEST_CASE("the minimal test screening is valid, so each broken copy fails only for its own defect") {
    rules::LoadResult result = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/minimal.toml");
    CAPTURE(result.diagnostics.Format());
    REQUIRE(result.screening != nullptr);
    CHECK(result.diagnostics.Items().empty());
}
