// One export as staff ask for it, from the command line or the staff screen: select stored results,
// write them to a file atomically, audit it, and optionally mark them exported.
#pragma once

#include <optional>
#include <string>

#include "rules/screening.h"
#include "store/store.h"

namespace kiosk::store {

enum class ExportFormat { Csv, Jsonl, Fhir };
std::optional<ExportFormat> ParseExportFormat(const std::string& name);  // "csv", "jsonl", "fhir"

struct ExportRequest {
    ExportFormat format = ExportFormat::Csv;
    std::string path;                    // the file to write
    std::optional<SubmissionStatus> status;  // none: every result
    std::string since;                   // YYYY-MM-DD: submitted on or after (UTC); empty: all
    bool mark_exported = false;
    int language = 0;                    // the clinic's language for CSV labels
    std::string actor = "cli";           // who, for the audit log ("staff:Ana")
};

struct ExportSummary {
    size_t count = 0;     // results written
    std::string path;
};

// A DbError whose kind is Io carries a file error (not written: folder missing, disk full...).
Result<ExportSummary> ExportResults(Store& store, const rules::Screening& screening, const ExportRequest& request);

}  // namespace kiosk::store
