// Diagnostics about a screening file: every problem found, each with its place in the file.
#pragma once

#include <string>
#include <vector>

namespace rules {

struct SourcePos {
    int line = 0;  // 1-based; 0 = the whole file
    int col = 0;   // 1-based column in characters (code points), as editors show it; 0 = the whole line
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    SourcePos pos;
    std::string message;
};

// Collects the diagnostics of one file. Errors make a screening unusable; warnings do not.
class Diagnostics {
public:
    explicit Diagnostics(std::string file = {}) : m_file(std::move(file)) {}

    void Error(SourcePos pos, std::string message) { Add(Severity::Error, pos, std::move(message)); }
    void Warning(SourcePos pos, std::string message) { Add(Severity::Warning, pos, std::move(message)); }
    void Add(Severity severity, SourcePos pos, std::string message);

    bool HasErrors() const { return m_error_count > 0; }
    int ErrorCount() const { return m_error_count; }
    int WarningCount() const { return static_cast<int>(m_items.size()) - m_error_count; }
    const std::vector<Diagnostic>& Items() const { return m_items; }
    const std::string& File() const { return m_file; }

    // Sorted by position, formatted as "file:line:col: error: message", one per line.
    std::string Format() const;

private:
    std::string m_file;
    std::vector<Diagnostic> m_items;
    int m_error_count = 0;
};

}  // namespace rules
