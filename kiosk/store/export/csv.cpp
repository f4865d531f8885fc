// The CSV export: one row per submission for spreadsheets (RFC 4180, UTF-8 with a byte order mark).
#include <set>
#include <string_view>

#include "store/export.h"
#include "store/export/stored.h"

namespace kiosk::store {
namespace {

using nlohmann::json;
using namespace exports;

// Formula injection (CSV injection): Excel, LibreOffice and Google Sheets run a cell that starts
// with = + - @ as a formula, and TAB or CR can hide such a start from a quick look. A patient types
// free text on the kiosk and a kiosk id comes from configuration, so a cell like
// =HYPERLINK("http://evil","click") could run on a clinic PC. OWASP's guidance: prefix such cells
// with an apostrophe, which makes the spreadsheet take the cell as text. This applies to negative
// numbers too (-3 reads as a formula start to the rule, and a smarter rule that let numbers through
// would let "-2+3+cmd|..." through as well): a negative number exports as '-3. The kiosk's own
// number questions are mostly non-negative; JSON Lines carries the exact values.
std::string NeutraliseFormula(std::string cell) {
    if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) cell.insert(0, 1, '\'');
    return cell;
}

// RFC 4180: a field with a comma, quote, CR or LF is quoted, with each quote doubled.
std::string CsvField(const std::string& raw) {
    std::string cell = NeutraliseFormula(raw);
    if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
    std::string out = "\"";
    for (char c : cell) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

void AppendRow(std::string& out, const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        out += CsvField(cells[i]);
    }
    out += "\r\n";
}

// The code cell: the answers-file value, lists joined with '|'.
std::string CodeCell(const json& value) {
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    if (value.is_array()) return Join(Codes(value), "|");
    if (value.is_number()) return value.dump();
    if (value.is_object() && value.contains("value") && value["value"].is_number()) {
        auto unit = value.find("unit");
        return value["value"].dump() + " " + (unit != value.end() && unit->is_string() ? unit->get<std::string>() : std::string());
    }
    return value.dump();
}

// The label cell: option labels in the clinic's language (lists joined with " | "), "Not sure",
// or a number with its unit. Dates and text have no label: the code cell says it all.
std::string LabelCell(const rules::Screening& s, const rules::Question& q, const json& value, size_t language) {
    if (value.is_null()) return {};
    if (IsNotSure(value)) return NotSureLabel(s, language);
    switch (q.type) {
        case rules::QuestionType::YesNo:
        case rules::QuestionType::Single:
        case rules::QuestionType::Multi: {
            std::vector<std::string> labels;
            for (const std::string& code : Codes(value)) {
                int o = q.FindOption(code);
                labels.push_back(o >= 0 ? Text(q.options[o].label, language) : code);
            }
            return Join(labels, " | ");
        }
        case rules::QuestionType::Integer:
        case rules::QuestionType::Decimal: {
            std::optional<double> number = NumberOf(q, value);
            if (!number) return {};
            return q.unit.empty() ? NumberText(*number) : NumberText(*number) + " " + q.unit;
        }
        case rules::QuestionType::Date:
        case rules::QuestionType::Text: return {};
    }
    return {};
}

// The reason text of a rule: the screening's own text in the clinic's language when the decision
// was made on this very file, else the text stored with the decision.
std::string ReasonText(const rules::Screening& s, const Stored& stored, const StoredRule& rule, size_t language) {
    if (stored.same_file) {
        int r = s.FindRule(rule.id);
        if (r >= 0 && !s.rules[r].reason_text.empty()) return Text(s.rules[r].reason_text, language);
    }
    return rule.reason_text;
}

std::string OutcomeLabel(const rules::Screening& s, const Stored& stored, size_t language) {
    if (stored.same_file) {
        int o = s.FindOutcome(stored.decision.outcome);
        if (o >= 0) return Text(s.outcomes[o].staff_label, language);
    }
    return stored.decision.outcome_label;
}

}  // namespace

std::string ExportCsv(const rules::Screening& s, const std::vector<StoredSubmission>& submissions, int language_index) {
    size_t language = LanguageIndex(s, language_index);
    // The UTF-8 byte order mark: without it Excel opens a CSV in the PC's legacy code page and
    // Spanish answers turn into mojibake ("Sí" -> "SÃ­"). Other readers skip it.
    std::string out = "\xEF\xBB\xBF";
    std::vector<std::string> header = {"id", "submitted_at", "started_at", "kiosk_id", "source", "language", "status",
                                       "screening_id", "screening_version", "screening_hash", "outcome", "outcome_label",
                                       "reasons", "reason_texts", "notes", "undetermined"};
    for (const rules::Track& t : s.tracks) header.push_back("track_" + t.id);
    for (const rules::Question& q : s.questions) {
        header.push_back(q.id);
        header.push_back(q.id + "_label");
    }
    AppendRow(out, header);

    for (const StoredSubmission& submission : submissions) {
        const SubmissionRecord& r = submission.record;
        Stored stored = ReadStored(s, submission);
        const StoredDecision& d = stored.decision;

        std::vector<std::string> reasons, texts, notes, undetermined;
        std::set<std::string> seen;
        for (const StoredRule& rule : d.reasons) {
            if (rule.reason.empty() || !seen.insert(rule.reason).second) continue;  // composition rules; shared codes once
            reasons.push_back(rule.reason);
            texts.push_back(ReasonText(s, stored, rule, language));
        }
        if (d.fallback && !d.fallback->reason.empty() && seen.insert(d.fallback->reason).second) {
            reasons.push_back(d.fallback->reason);
            texts.push_back(d.fallback->staff_text);
        }
        for (const StoredRule& rule : d.notes)
            if (!rule.reason.empty()) notes.push_back(rule.reason);
        for (const StoredRule& rule : d.undetermined)
            undetermined.push_back(rule.id + (rule.missing.empty() ? "" : " (" + Join(rule.missing, ", ") + ")"));

        std::vector<std::string> row = {submission.id, r.submitted_at, r.started_at, r.kiosk_id, r.source, r.language,
                                        SubmissionStatusName(submission.status), r.screening_id, r.screening_version,
                                        r.screening_hash, d.outcome, OutcomeLabel(s, stored, language), Join(reasons, "; "),
                                        Join(texts, "\n"), Join(notes, "; "), Join(undetermined, "; ")};
        for (const rules::Track& t : s.tracks) row.push_back(d.TrackStatus(t.id));
        for (const rules::Question& q : s.questions) {
            const json& value = AnswerOf(stored, q);
            row.push_back(CodeCell(value));
            row.push_back(LabelCell(s, q, value, language));
        }
        AppendRow(out, row);
    }
    return out;
}

}  // namespace kiosk::store
