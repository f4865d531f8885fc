// One export as staff ask for it: only for a role that may export; select, write atomically, then
// audit and mark in one transaction; a file whose audit row could not be written is removed (fail closed).
#include "store/export_job.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <new>
#include <optional>
#include <string_view>

#include "store/export.h"
#include "store/export/encrypted_file.h"
#include "store/export/removable.h"

namespace kiosk::store {

std::optional<ExportFormat> ParseExportFormat(const std::string& name) {
    if (name == "csv") return ExportFormat::Csv;
    if (name == "jsonl") return ExportFormat::Jsonl;
    if (name == "fhir") return ExportFormat::Fhir;
    return std::nullopt;
}

const char* ExportExtension(ExportFormat format) {
    switch (format) {
        case ExportFormat::Csv: return ".csv";
        case ExportFormat::Jsonl: return ".jsonl";
        case ExportFormat::Fhir: return ".fhir.json";
    }
    return "";
}

std::string EncryptedExportPath(const std::string& path) {
    return path.ends_with(kEncryptedExtension) ? path : path + std::string(kEncryptedExtension);
}

namespace {

// Why `actor` may not write a plain export, or nullopt: only an active administrator's account
// may. Checked here, not only on the screen, and not through the role table's Export permission:
// that table may one day let other roles export encrypted files. The machine's own actors ("cli",
// "kiosk") are refused: `kiosk export --plain` signs an administrator in first.
std::optional<std::string> PlainExportRefusal(Store& store, const std::string& actor) {
    std::optional<std::string> name = ActorStaffName(actor);
    if (!name || name->empty()) return "a plain export needs an administrator's account (sign in as one; the terminal's --plain --as NAME)";
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto accounts = store.ListStaff(false, now);
    if (!accounts.ok()) return "a plain export needs an administrator, and the accounts cannot be read: " + accounts.error->Describe();
    auto same = [&](const std::string& other) {
        return other.size() == name->size() && std::equal(other.begin(), other.end(), name->begin(), [](unsigned char a, unsigned char b) {
                   return std::tolower(a) == std::tolower(b);
               });
    };
    for (const StaffAccount& account : *accounts.value)
        if (account.active && same(account.name))
            return account.role == Role::Admin ? std::nullopt
                                               : std::optional<std::string>(std::string("a ") + RoleLabel(account.role) +
                                                                            " may not write a plain export: only an administrator may");
    return "a plain export needs an administrator's account, and no active account is named \"" + *name + "\"";
}

}  // namespace

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
    const bool plain = request.passphrase.empty();
    const char* name = request.format == ExportFormat::Csv ? "csv" : request.format == ExportFormat::Jsonl ? "jsonl" : "fhir";
    const std::string path = plain ? request.path : EncryptedExportPath(request.path);
    if (plain) {
        if (std::optional<std::string> why = PlainExportRefusal(store, request.actor)) {
            // Fail closed: refused whether or not the refusal's own row could be written.
            store.Audit(request.actor, "refused", std::string("export ") + name + " PLAIN to " + path + ": " + *why);
            out.error = DbError{DbErrorKind::Refused, 0, *why, "a plain export"};
            return out;
        }
    } else if (std::optional<std::string> problem = PassphraseProblem(request.passphrase)) {
        out.error = DbError{DbErrorKind::Other, 0, *problem, "the export's passphrase"};
        return out;
    }
    if (request.require_removable) {
        std::filesystem::path folder = std::filesystem::path(path).parent_path();
        if (std::optional<std::string> problem = ExportFolderProblem(folder.empty() ? "." : folder.string())) {
            store.Audit(request.actor, "export failed", std::string(name) + " to " + path + ": " + *problem);
            out.error = DbError{DbErrorKind::Io, 0, *problem, "checking the export folder"};
            return out;
        }
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
    if (request.format == ExportFormat::Jsonl) content = ExportJsonl(selected);
    else if (request.format == ExportFormat::Fhir) content = ExportFhirBundleText(screening, selected);
    if (!plain) {
        try {
            std::string sealed = EncryptExport(content, request.passphrase);
            WipeSecret(content);
            content = std::move(sealed);
        } catch (const std::exception& e) {
            WipeSecret(content);
            store.Audit(request.actor, "export failed", std::string(name) + " to " + path + ": cannot encrypt: " + e.what());
            out.error = DbError{DbErrorKind::Io, 0, std::string("the file could not be encrypted (") + e.what() + ")", "encrypting " + path};
            return out;
        }
    }
    if (auto error = WriteFileAtomically(path, content)) {
        store.Audit(request.actor, "export failed", std::string(name) + " to " + path + ": " + *error);
        out.error = DbError{DbErrorKind::Io, 0, *error, "writing " + path};
        return out;
    }
    std::string detail = std::string(name) + " to " + path + ", " + std::to_string(ids.size()) + " results, " +
                         (plain ? "PLAIN (not encrypted)" : "encrypted");
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
        std::filesystem::remove(path, ignored);
        out.error = failed;
        out.error->context = (failed->kind == DbErrorKind::Refused ? "the export was refused, so " + path + " was removed ("
                                                                    : "the export could not be recorded in the audit log, so " +
                                                                          path + " was removed (") +
                             out.error->context + ")";
        return out;
    }
    out.value = ExportSummary{ids.size(), path, !plain};
    return out;
}

}  // namespace kiosk::store
