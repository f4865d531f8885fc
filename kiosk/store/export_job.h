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

// The file name ending of each format, plain: ".csv", ".jsonl", ".fhir.json". An encrypted file
// adds ".kxp" to it (EncryptedExportPath): "results-20260615-090000.csv.kxp", so that
// `kiosk decrypt-export` gives back the plain name by dropping the last extension.
const char* ExportExtension(ExportFormat format);
// `path` with ".kxp" added, unless it already ends so.
std::string EncryptedExportPath(const std::string& path);

struct ExportRequest {
    ExportFormat format = ExportFormat::Csv;
    std::string path;                    // the file to write; encrypted: ".kxp" is added (EncryptedExportPath)
    std::optional<SubmissionStatus> status;  // none: every result
    std::string since;                   // YYYY-MM-DD: submitted on or after (UTC); empty: all
    bool mark_exported = false;
    int language = 0;                    // the clinic's language for CSV labels
    std::string actor = "cli";           // who, for the audit log ("staff:Ana")
    // Encrypted by default: the file is sealed to this passphrase (store/export/encrypted_file.h),
    // which must pass PassphraseProblem. Empty: a PLAIN file, which only an active administrator's
    // account may write (a staff actor of that role; the machine's own actors are refused too).
    // Wiped by nobody here: the caller owns it (WipeSecret).
    std::string passphrase;
    // The folder of `path` must be a removable stick (ExportFolderProblem, store/export/removable.h);
    // false only when kiosk.toml says export_requires_removable = false.
    bool require_removable = true;
};

struct ExportSummary {
    size_t count = 0;     // results written
    std::string path;     // the file written (with ".kxp" when encrypted)
    bool encrypted = true;
};

// In order: the role may export (Store::Permit); a plain export's actor is an administrator
// (refused and audited otherwise); a passphrase passes PassphraseProblem; the folder is a
// removable stick when required; then select, write (sealed unless plain), and audit as
// "export" with "encrypted" or "PLAIN" in its detail. A refusal is DbErrorKind::Refused; a
// DbError whose kind is Io carries a file error (not written: no stick, folder missing, disk
// full...) and was audited as "export failed". No file is left behind on any failure.
Result<ExportSummary> ExportResults(Store& store, const rules::Screening& screening, const ExportRequest& request);

}  // namespace kiosk::store
