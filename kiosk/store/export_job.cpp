// One export as staff ask for it: only for a role that may export; select, write atomically, then
// audit and mark in one transaction; a file whose audit row could not be written is removed (fail closed).
#include "store/export_job.h"

#include <filesystem>
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
    // A role that may not export gets no file at all, not one written and then removed.
    if (auto permitted = store.Permit(request.actor, Permission::Export); !permitted.ok()) {
        out.error = permitted.error;
        return out;
    }
    // Results are stored sealed: an export needs the clinic key a reader's sign-in unlocked, or
    // it would write files without answers.
    if (!store.CanRead()) {
        out.error = DbError{DbErrorKind::Refused, 0,
                            "the results are sealed and no account that reads them is signed in", "exporting results"};
        return out;
    }
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
    // The audit row (and the marks) commit together or not at all; without them the file is
    // patient data that left the kiosk unrecorded, so it is removed.
    std::optional<DbError> failed;
    if (request.mark_exported) {
        auto marked = store.MarkExported(ids, request.actor, detail);
        if (!marked.ok()) failed = marked.error;
    } else {
        // Authorize, not Audit: the role is checked again with the row, as MarkExported does.
        auto audited = store.Authorize(request.actor, Permission::Export, "export", detail);
        if (!audited.ok()) failed = audited.error;
    }
    if (failed) {
        std::error_code ignored;
        std::filesystem::remove(request.path, ignored);
        out.error = failed;
        out.error->context = (failed->kind == DbErrorKind::Refused ? "the export was refused, so " + request.path + " was removed ("
                                                                    : "the export could not be recorded in the audit log, so " +
                                                                          request.path + " was removed (") +
                             out.error->context + ")";
        return out;
    }
    out.value = ExportSummary{ids.size(), request.path};
    return out;
}

}  // namespace kiosk::store
