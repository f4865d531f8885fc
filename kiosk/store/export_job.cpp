// One export as staff ask for it: select, write atomically, audit, mark.
#include "store/export_job.h"

#include <optional>
#include <string_view>

#include "store/export.h"

namespace kiosk::store {

std::optional<ExportFormat> ParseExportFormat(const std::string& name) {
    if (name == "csv") return ExportFormat::Csv;
    if (name == "jsonl") return ExportFormat::Jsonl;
    if (name == "fhir") return ExportFormat::Fhir;
    return std::nullopt;
}

Result<ExportSummary> ExportResults(Store& store, const rules::Screening& screening, const ExportRequest& request) {
    Result<ExportSummary> out;
    // The CSV is written as the rows stream from the store; JSON Lines and FHIR take them all.
    std::string content;
    std::optional<CsvWriter> csv;
    if (request.format == ExportFormat::Csv) csv.emplace(screening, request.language, content);
    std::vector<StoredSubmission> selected;
    std::vector<std::string> ids;
    auto read = store.ForEachSubmission(request.status, [&](const StoredSubmission& row) {
        if (!request.since.empty() && std::string_view(row.record.submitted_at).substr(0, 10) < request.since) return;
        ids.push_back(row.id);
        if (csv) csv->Add(row);
        else selected.push_back(row);
    });
    if (!read.ok()) {
        out.error = read.error;
        return out;
    }
    const char* name = request.format == ExportFormat::Csv ? "csv" : request.format == ExportFormat::Jsonl ? "jsonl" : "fhir";
    if (request.format == ExportFormat::Jsonl) content = ExportJsonl(selected);
    else if (request.format == ExportFormat::Fhir) content = ExportFhirBundleText(screening, selected);
    if (auto error = WriteFileAtomically(request.path, content)) {
        store.Audit(request.actor, "export failed", std::string(name) + " to " + request.path + ": " + *error);
        out.error = DbError{DbErrorKind::Io, 0, *error, "writing " + request.path};
        return out;
    }
    std::string detail = std::string(name) + " to " + request.path + ", " + std::to_string(ids.size()) + " results";
    if (request.mark_exported) {
        auto marked = store.MarkExported(ids, request.actor, detail);
        if (!marked.ok()) {
            out.error = marked.error;
            out.error->context = "written to " + request.path + " but not marked exported";
            return out;
        }
    } else {
        auto audited = store.Audit(request.actor, "export", detail);
        if (!audited.ok()) {
            out.error = audited.error;
            return out;
        }
    }
    out.value = ExportSummary{ids.size(), request.path};
    return out;
}

}  // namespace kiosk::store
