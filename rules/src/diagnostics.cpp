// Diagnostics: collecting and formatting problems found in a screening file.
#include "rules/diagnostics.h"

#include <algorithm>

namespace rules {

void Diagnostics::Add(Severity severity, SourcePos pos, std::string message) {
    if (severity == Severity::Error) ++m_error_count;
    m_items.push_back({severity, pos, std::move(message)});
}

std::string Diagnostics::Format() const {
    std::vector<const Diagnostic*> sorted;
    sorted.reserve(m_items.size());
    for (const Diagnostic& d : m_items) sorted.push_back(&d);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
        if (a->pos.line != b->pos.line) return a->pos.line < b->pos.line;
        return a->pos.col < b->pos.col;
    });
    std::string out;
    for (const Diagnostic* d : sorted) {
        out += m_file;
        if (d->pos.line > 0) {
            out += ':' + std::to_string(d->pos.line);
            if (d->pos.col > 0) out += ':' + std::to_string(d->pos.col);
        }
        out += d->severity == Severity::Error ? ": error: " : ": warning: ";
        out += d->message;
        out += '\n';
    }
    return out;
}

}  // namespace rules
