// Loading a screening file: parse, validate everything, report every problem at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rules/diagnostics.h"
#include "rules/screening.h"

namespace rules {

constexpr size_t kMaxScreeningFileBytes = 4 * 1024 * 1024;

struct LoadResult {
    std::unique_ptr<Screening> screening;  // null when there are errors (fail closed)
    Diagnostics diagnostics;
};

// Reads and validates the file at `path`.
LoadResult LoadScreeningFile(const std::string& path);
// Validates `content` as if it were the file `path` (tests, tools).
LoadResult LoadScreeningText(std::string_view content, const std::string& path);

}  // namespace rules
