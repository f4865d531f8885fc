// The JSON Lines export: one object a line, the stored answers and decision as they are (lossless).
#include "store/export.h"
#include "store/export/stored.h"

namespace kiosk::store {

std::string ExportJsonl(const std::vector<StoredSubmission>& submissions) {
    using nlohmann::json;
    std::string out;
    for (const StoredSubmission& submission : submissions) {
        const SubmissionRecord& r = submission.record;
        json line;
        line["id"] = submission.id;
        line["started_at"] = r.started_at;
        line["submitted_at"] = r.submitted_at;
        line["kiosk_id"] = r.kiosk_id;
        line["source"] = r.source;
        line["status"] = SubmissionStatusName(submission.status);
        // Who reviewed it and when (the signed-in account's name); null until reviewed.
        line["reviewed_by"] = submission.reviewed_by.empty() ? json() : json(submission.reviewed_by);
        line["reviewed_at"] = submission.reviewed_at.empty() ? json() : json(submission.reviewed_at);
        line["screening"] = {{"id", r.screening_id}, {"version", r.screening_version}, {"hash", r.screening_hash}};
        line["language"] = r.language;
        // Stored JSON goes in as JSON; text that does not parse goes in as a string, so nothing is lost.
        json answers = exports::ParseOrNull(r.answers_json), decision = exports::ParseOrNull(r.decision_json);
        line["answers"] = answers.is_null() && !r.answers_json.empty() ? json(r.answers_json) : answers;
        line["decision"] = decision.is_null() && !r.decision_json.empty() ? json(r.decision_json) : decision;
        // UTF-8 as is (not \u escapes); an invalid byte becomes U+FFFD instead of failing the export.
        out += line.dump(-1, ' ', false, json::error_handler_t::replace);
        out += '\n';
    }
    return out;
}

}  // namespace kiosk::store
