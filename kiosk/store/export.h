// Exports of stored submissions for clinic staff and other systems: CSV, JSON Lines, FHIR R4.
// One file a format in store/export/ (csv, jsonl, fhir_bundle, fhir_questionnaire, atomic_file).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/screening.h"
#include "store/store.h"

namespace kiosk::store {

// Contracts shared by every export below:
// - `screening` is the screening the submissions were answered on. Question columns and FHIR
//   items follow its questions; an answer to a question id it does not have is left out of CSV
//   and FHIR (the JSON Lines export keeps every submission byte for byte).
// - Texts (outcome label, reason texts, option labels) come from `screening` in the clinic's
//   `language`, an index into screening.languages, when the submission was decided on the same
//   content hash; otherwise the texts stored with the decision are used, so an export never puts
//   a newer file's wording on an older decision.
// - An answer is left out when it is not in the answers, or when the decision lists it in
//   `ignored_answers` (a question that was not shown: the kiosk never submits those).
// - The decision is read with kiosk::ReadDecision, so decisions stored before its reasons were
//   named "reasons" (key "fired") export the same.
// - Nothing here throws on stored data: a field that cannot be read is exported empty.

// One row per submission, RFC 4180 (CRLF, quoting), UTF-8 with a byte order mark. Columns:
// id, submitted_at, started_at, kiosk_id, source, language, status, reviewed_by (the reviewing
// account's name), reviewed_at (both empty until reviewed), screening_id, screening_version, screening_hash, outcome, outcome_label, reasons, reason_texts, notes,
// undetermined, track_<TRACK> for every track, then <question> and <question>_label for every
// question. reasons and notes are reason codes joined with "; " (the fallback reason included;
// an answer that raised the outcome by leaving rules undetermined as R-UNKNOWN-<question>, its
// text the question), reason_texts one text a line in the same order, undetermined "RULE (question, ...)" joined with
// "; ". A question cell holds the answers-file value (lists joined with '|', "not_sure"), its
// label cell the option labels (joined with " | "), "Not sure", or a number with its unit.
// Every cell is written by AppendCsvCell (export/csv_cell.h): control characters and
// bidirectional overrides replaced, an apostrophe before each formula start (also after a ';' or
// a tab inside the cell), which changes the text of such a cell: JSON Lines is the lossless export.
std::string ExportCsv(const rules::Screening& screening, const std::vector<StoredSubmission>& submissions, int language);

// The same CSV one row at a time (Store::ForEachSubmission feeds it), appended to `out`: the
// header when constructed, a row for each Add.
class CsvWriter {
public:
    CsvWriter(const rules::Screening& screening, int language, std::string& out);
    ~CsvWriter();
    CsvWriter(const CsvWriter&) = delete;
    CsvWriter& operator=(const CsvWriter&) = delete;
    void Add(const StoredSubmission& submission);

private:
    struct State;
    std::unique_ptr<State> m_state;
    std::string& m_out;
};

// One JSON object a line ("\n"): id, started_at, submitted_at, kiosk_id, source, status,
// reviewed_by and reviewed_at (null until reviewed), screening {id, version, hash}, language, answers (object), decision (object), as stored.
std::string ExportJsonl(const std::vector<StoredSubmission>& submissions);

// A FHIR R4 Bundle (type "collection") of one QuestionnaireResponse per submission, with the
// decision carried in extensions on it (see export/fhir_bundle.cpp for the design); a reviewed
// one names its reviewer in FHIR's questionnaireresponse-reviewer extension.
nlohmann::json ExportFhirBundle(const rules::Screening& screening, const std::vector<StoredSubmission>& submissions);
// The same Bundle as compact JSON text, built one entry at a time (what `kiosk export` writes).
std::string ExportFhirBundleText(const rules::Screening& screening, const std::vector<StoredSubmission>& submissions);

// The screening as a FHIR R4 Questionnaire, status "draft" (a clinician must approve it), texts
// in `language` with the other languages as translation extensions. show_if becomes enableWhen
// where FHIR can say exactly the same thing; see export/fhir_questionnaire.cpp for which map.
nlohmann::json ExportQuestionnaire(const rules::Screening& screening, int language);

// The extension and code system URLs the FHIR exports use, for readers and tests.
std::string FhirCodeSystemUrl(const rules::Screening& screening, const std::string& question_id);
std::string FhirExtensionUrl(const rules::Screening& screening, const std::string& name);

// Writes `content` to `path` so that a reader sees the old file or the new one, never a part:
// a temporary file in the same folder (mode 0600: exports hold health data), fsync, rename over
// `path`, fsync of the folder. Returns an error message, or nullopt on success.
std::optional<std::string> WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace kiosk::store
