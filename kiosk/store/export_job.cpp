// One export as staff ask for it: select, write atomically, audit, mark.
#include "store/export_job.h"

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
    auto rows = store.Submissions(request.status);
    if (!rows.ok()) {
        out.error = rows.error;
        return out;
    }
    std::vector<StoredSubmission> selected;
    for (StoredSubmission& row : *rows.value)
        if (request.since.empty() || row.record.submitted_at.substr(0, 10) >= request.since) selected.push_back(std::move(row));
    const char* name = request.format == ExportFormat::Csv ? "csv" : request.format == ExportFormat::Jsonl ? "jsonl" : "fhir";
    std::string content = request.format == ExportFormat::Csv   ? ExportCsv(screening, selected, request.language)
                        : request.format == ExportFormat::Jsonl ? ExportJsonl(selected)
                                                                : ExportFhirBundleText(screening, selected);
    if (auto error = WriteFileAtomically(request.path, content)) {
        store.Audit(request.actor, "export failed", std::string(name) + " to " + request.path + ": " + *error);
        out.error = DbError{DbErrorKind::Io, 0, *error, "writing " + request.path};
        return out;
    }
    std::string detail = std::string(name) + " to " + request.path + ", " + std::to_string(selected.size()) + " results";
    if (request.mark_exported) {
        std::vector<std::string> ids;
        for (const StoredSubmission& row : selected) ids.push_back(row.id);
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
    out.value = ExportSummary{selected.size(), request.path};
    return out;
}

}  // namespace kiosk::store
