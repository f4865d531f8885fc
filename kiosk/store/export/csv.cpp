// The CSV export: one row per submission for spreadsheets (RFC 4180, UTF-8 with a byte order mark).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "core/json_scan.h"
#include "rules/decision.h"
#include "store/export.h"
#include "store/export/csv_cell.h"
#include "store/export/safe_text.h"
#include "store/export/stored.h"

namespace kiosk::store {
namespace {

using nlohmann::json;
using namespace exports;

bool IsFormulaStart(char c) { return c == '=' || c == '+' || c == '-' || c == '@'; }
// Where a spreadsheet may start a new cell: the CSV's own comma, the ';' and TAB other locales and
// settings split on, and a line break.
bool IsSeparator(char c) { return c == ',' || c == ';' || c == '\t' || c == '\r' || c == '\n'; }

// Walks `text` calling `at_formula(i)` for each formula start (csv_cell.h): = + - @ first in the
// text or after a separator, with only spaces and quotes before it. Stops when it returns true.
template <class AtFormula>
bool ForEachFormulaStart(std::string_view text, AtFormula at_formula) {
    bool piece_start = true;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (piece_start && IsFormulaStart(c) && at_formula(i)) return true;
        if (IsSeparator(c)) piece_start = true;
        else if (c != ' ' && c != '"') piece_start = false;
    }
    return false;
}

bool HasFormulaStart(std::string_view text) {
    return ForEachFormulaStart(text, [](size_t) { return true; });
}

// Whether a cell holds a comma, semicolon, quote, CR or LF (then it is quoted). Eight bytes at a
// time: most cells are codes and texts without any.
bool NeedsQuotes(std::string_view cell) {
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    auto has = [](uint64_t bytes, char c) {
        uint64_t v = bytes ^ (kOnes * static_cast<unsigned char>(c));
        return ((v - kOnes) & ~v & kHigh) != 0;
    };
    auto special = [](char c) { return c == ',' || c == ';' || c == '"' || c == '\r' || c == '\n'; };
    size_t at = 0;
    for (; at + 8 <= cell.size(); at += 8) {
        uint64_t bytes;
        std::memcpy(&bytes, cell.data() + at, 8);
        if (has(bytes, ',') || has(bytes, ';') || has(bytes, '"') || has(bytes, '\r') || has(bytes, '\n')) return true;
    }
    for (; at < cell.size(); ++at)
        if (special(cell[at])) return true;
    return false;
}

// One row of cells written straight into the export (AppendCsvCell), comma-separated.
class Row {
public:
    explicit Row(std::string& out) : m_out(out) {}
    void Cell(std::string_view cell) {
        if (m_cells++ > 0) m_out += ',';
        AppendCsvCell(m_out, cell);
    }
    void End() { m_out += "\r\n"; }

private:
    std::string& m_out;
    int m_cells = 0;
};

// One stored answer as the CSV reads it, from the JSON text of its value: the answers a kiosk
// stores (a code, a list of codes, yes/no, a number) without building a JSON value.
struct Answer {
    enum class Kind : uint8_t { None, Code, List, Number, Other };
    Kind kind = Kind::None;
    std::vector<std::string_view> codes;  // Code: the code ("yes"/"no" for a boolean); List: its text items
    size_t items = 0;                     // List: all its items, text or not
    std::string number_text;              // Number: as JSON writes it ("170", "72.5")
    double number = 0;
    json other;                           // Other: an object ({"value": 5.5, "unit": "ft"}) or anything else
    std::deque<std::string> unescaped;    // storage for codes that had escapes

    void Read(std::string_view text) {
        kind = Kind::None;
        codes.clear();
        unescaped.clear();
        if (text.empty() || text == "null") return;
        JsonScan scan(text);
        switch (scan.Peek()) {
            case JsonScan::Kind::String:
                kind = Kind::Code;
                codes.push_back(Code(scan.Skip()));
                return;
            case JsonScan::Kind::Bool:
                kind = Kind::Code;
                codes.push_back(text == "true" ? "yes" : "no");
                return;
            case JsonScan::Kind::Array:
                kind = Kind::List;
                items = 0;
                scan.EnterArray();
                while (scan.NextItem()) {
                    ++items;
                    if (scan.Peek() == JsonScan::Kind::String) codes.push_back(Code(scan.Skip()));
                    else scan.Skip();
                }
                return;
            case JsonScan::Kind::Number: {
                kind = Kind::Number;
                long long whole = 0;
                auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), whole);
                if (error == std::errc() && end == text.data() + text.size() && text != "-0") {
                    number_text.assign(text);  // a whole number is written as it is stored
                    number = static_cast<double>(whole);
                } else {
                    other = json::parse(text, nullptr, false);
                    number_text = other.dump();
                    number = other.get<double>();
                }
                return;
            }
            default:
                kind = Kind::Other;
                other = json::parse(text, nullptr, false);
                return;
        }
    }

    // The text of a JSON string (quotes included), unescaped.
    std::string_view Code(std::string_view quoted) {
        std::string_view raw = quoted.substr(1, quoted.size() - 2);
        if (raw.find('\\') == std::string_view::npos) return raw;
        JsonScan::Unescape(raw, unescaped.emplace_back());
        return unescaped.back();
    }

    bool NotSure() const {
        return (kind == Kind::Code || (kind == Kind::List && items == 1)) && codes.size() == 1 && codes[0] == kNotSure;
    }
};

// The code cell: the answers-file value, lists joined with '|'.
void CodeCell(Row& row, const Answer& a, std::string& scratch) {
    switch (a.kind) {
        case Answer::Kind::None: return row.Cell({});
        case Answer::Kind::Code: return row.Cell(a.codes[0]);
        case Answer::Kind::List:
            scratch.clear();
            for (size_t i = 0; i < a.codes.size(); ++i) {
                if (i) scratch += '|';
                scratch += a.codes[i];
            }
            return row.Cell(scratch);
        case Answer::Kind::Number: return row.Cell(a.number_text);
        case Answer::Kind::Other: {
            const json& value = a.other;
            auto number = value.is_object() ? value.find("value") : value.end();
            if (number != value.end() && number->is_number()) {
                auto unit = value.find("unit");
                return row.Cell(number->dump() + " " + (unit != value.end() && unit->is_string() ? unit->get<std::string>() : std::string()));
            }
            return row.Cell(value.dump());
        }
    }
}

// The label cell: option labels in the clinic's language (lists joined with " | "), "Not sure",
// or a number with its unit. Dates and text have no label: the code cell says it all.
void LabelCell(Row& row, const rules::Screening& s, const rules::Question& q, const Answer& a, size_t language, std::string& scratch) {
    if (a.kind == Answer::Kind::None) return row.Cell({});
    if (a.NotSure()) return row.Cell(NotSureLabel(s, language));
    scratch.clear();
    switch (q.type) {
        case rules::QuestionType::YesNo:
        case rules::QuestionType::Single:
        case rules::QuestionType::Multi:
            for (size_t i = 0; i < a.codes.size(); ++i) {
                if (i) scratch += " | ";
                int o = q.FindOption(a.codes[i]);
                scratch += o >= 0 ? std::string_view(Text(q.options[o].label, language)) : a.codes[i];
            }
            break;
        case rules::QuestionType::Integer:
        case rules::QuestionType::Decimal: {
            std::optional<double> number = a.kind == Answer::Kind::Number ? std::optional<double>(a.number)
                                         : a.kind == Answer::Kind::Other  ? NumberOf(q, a.other)
                                                                          : std::nullopt;
            if (!number) break;
            scratch = NumberText(*number);
            if (!q.unit.empty()) scratch += " " + q.unit;
            break;
        }
        case rules::QuestionType::Date:
        case rules::QuestionType::Text: break;
    }
    row.Cell(scratch);
}

// What one export looks up in the screening for every row, indexed once: questions and rules by id.
struct Lookup {
    explicit Lookup(const rules::Screening& s) {
        for (size_t q = 0; q < s.questions.size(); ++q) questions.emplace(s.questions[q].id, static_cast<int>(q));
        for (size_t r = 0; r < s.rules.size(); ++r) rules.emplace(s.rules[r].id, static_cast<int>(r));
    }
    static int Find(const std::unordered_map<std::string_view, int>& index, std::string_view id) {
        auto it = index.find(id);
        return it == index.end() ? -1 : it->second;
    }
    int Question(std::string_view id) const { return Find(questions, id); }
    int Rule(std::string_view id) const { return Find(rules, id); }
    std::unordered_map<std::string_view, int> questions, rules;
};

// The reason text of a rule: the screening's own text in the clinic's language when the decision
// was made on this very file, else the text stored with the decision.
const std::string& ReasonText(const rules::Screening& s, const Lookup& lookup, bool same_file, const StoredRule& rule,
                              size_t language) {
    if (same_file) {
        int r = lookup.Rule(rule.id);
        if (r >= 0 && !s.rules[r].reason_text.empty()) return Text(s.rules[r].reason_text, language);
    }
    return rule.reason_text;
}

const std::string& OutcomeLabel(const rules::Screening& s, bool same_file, const StoredDecision& d, size_t language) {
    if (same_file) {
        int o = s.FindOutcome(d.outcome);
        if (o >= 0) return Text(s.outcomes[o].staff_label, language);
    }
    return d.outcome_label;
}

// The answer to each question in a stored answers text, as the JSON text of its value (empty: no
// answer), indexed like screening.questions. Text that is not valid JSON gives no answers at all.
void ReadAnswerTexts(const rules::Screening& s, const Lookup& lookup, std::string_view text, std::vector<std::string_view>& out,
                     std::string& key) {
    out.assign(s.questions.size(), std::string_view());
    JsonScan scan(text);
    if (scan.EnterObject()) {
        while (scan.NextKey(key)) {
            std::string_view value = scan.Skip();
            int q = lookup.Question(key);
            if (q >= 0) out[q] = value;  // a key given twice: the last, as in a JSON object
        }
    }
    if (!scan.Finish()) out.assign(s.questions.size(), std::string_view());
}

}  // namespace

std::string CsvCellText(std::string_view text) {
    const std::string safe = SafeText(text);
    std::string out;
    out.reserve(safe.size() + 1);
    size_t copied = 0;
    ForEachFormulaStart(safe, [&](size_t i) {
        out.append(safe, copied, i - copied);
        out += '\'';
        copied = i;
        return false;
    });
    out.append(safe, copied, std::string::npos);
    return out;
}

void AppendCsvCell(std::string& out, std::string_view cell) {
    std::string changed;
    if (!IsSafeText(cell) || HasFormulaStart(cell)) {
        changed = CsvCellText(cell);
        cell = changed;
    }
    if (!NeedsQuotes(cell)) {
        out += cell;
        return;
    }
    out += '"';
    for (size_t at = 0;;) {
        size_t quote = cell.find('"', at);
        if (quote == std::string_view::npos) {
            out.append(cell.substr(at));
            break;
        }
        out.append(cell.substr(at, quote + 1 - at));
        out += '"';
        at = quote + 1;
    }
    out += '"';
}

// What one export keeps between rows: the screening's lookups and the readers' storage, so a row
// allocates nothing once the first rows have sized it.
struct CsvWriter::State {
    State(const rules::Screening& s, size_t language_index) : screening(s), language(language_index), lookup(s) {}
    const rules::Screening& screening;
    size_t language;
    const Lookup lookup;
    DecisionReader decisions;
    std::vector<std::string_view> answers;
    Answer answer;
    std::string key, reasons, texts, notes, undetermined, scratch;
    std::vector<std::string_view> seen;  // reason codes already in the row
};

CsvWriter::CsvWriter(const rules::Screening& s, int language_index, std::string& out)
    : m_state(std::make_unique<State>(s, LanguageIndex(s, language_index))), m_out(out) {
    // The UTF-8 byte order mark: without it Excel opens a CSV in the PC's legacy code page and
    // Spanish answers turn into mojibake ("Sí" -> "SÃ­"). Other readers skip it.
    m_out += "\xEF\xBB\xBF";
    Row header(m_out);
    for (const char* name : {"id", "submitted_at", "started_at", "kiosk_id", "source", "language", "status", "reviewed_by",
                             "reviewed_at", "screening_id",
                             "screening_version", "screening_hash", "outcome", "outcome_label", "reasons", "reason_texts",
                             "notes", "undetermined"})
        header.Cell(name);
    for (const rules::Track& t : s.tracks) header.Cell("track_" + t.id);
    for (const rules::Question& q : s.questions) {
        header.Cell(q.id);
        header.Cell(q.id + "_label");
    }
    header.End();
}

CsvWriter::~CsvWriter() = default;

void CsvWriter::Add(const StoredSubmission& submission) {
    State& st = *m_state;
    const rules::Screening& s = st.screening;
    const size_t language = st.language;
    const SubmissionRecord& r = submission.record;
    const StoredDecision& d = st.decisions.Read(r.decision_json);
    const bool same_file = !s.content_hash.empty() && r.screening_hash == s.content_hash;
    ReadAnswerTexts(s, st.lookup, r.answers_json, st.answers, st.key);
    for (const std::string& ignored : d.ignored_answers) {
        int q = st.lookup.Question(ignored);
        if (q >= 0) st.answers[q] = std::string_view();  // answered but not shown: never exported
    }

    // reasons and their texts (each code once: composition rules share codes), then the fallback's.
    std::string &reasons = st.reasons, &texts = st.texts, &notes = st.notes, &undetermined = st.undetermined;
    reasons.clear();
    texts.clear();
    st.seen.clear();
    auto add_reason = [&](const std::string& code, const std::string& text) {
        if (code.empty() || std::find(st.seen.begin(), st.seen.end(), code) != st.seen.end()) return;
        if (!st.seen.empty()) {
            reasons += "; ";
            texts += '\n';
        }
        st.seen.push_back(code);
        reasons += code;
        texts += text;
    };
    for (const StoredRule& rule : d.reasons) add_reason(rule.reason, ReasonText(s, st.lookup, same_file, rule, language));
    // An answer that raised the outcome by leaving rules undetermined (R-UNKNOWN-<question>):
    // its text is the question, as asked in the export's language.
    // (`seen` keeps views of the codes until the row is written: they live in `unknown`.)
    const std::vector<std::string> unknown = d.UnknownReasonCodes();
    for (const std::string& code : unknown) {
        int q = st.lookup.Question(std::string_view(code).substr(std::min(code.size(), rules::kUnknownReasonPrefix.size())));
        add_reason(code, q >= 0 ? Text(s.questions[q].text, language) : code);
    }
    if (d.fallback) add_reason(d.fallback->reason, d.fallback->staff_text);
    notes.clear();
    for (const StoredRule& rule : d.notes) {
        if (rule.reason.empty()) continue;
        if (!notes.empty()) notes += "; ";
        notes += rule.reason;
    }
    undetermined.clear();
    for (size_t u = 0; u < d.undetermined.size(); ++u) {
        const StoredRule& rule = d.undetermined[u];
        if (u) undetermined += "; ";
        undetermined += rule.id;
        for (size_t m = 0; m < rule.missing.size(); ++m) {
            undetermined += m == 0 ? " (" : ", ";
            undetermined += rule.missing[m];
        }
        if (!rule.missing.empty()) undetermined += ')';
    }

    Row row(m_out);
    for (const std::string* cell : {&submission.id, &r.submitted_at, &r.started_at, &r.kiosk_id, &r.source, &r.language})
        row.Cell(*cell);
    row.Cell(SubmissionStatusName(submission.status));
    row.Cell(submission.reviewed_by);  // who reviewed it and when: empty until reviewed
    row.Cell(submission.reviewed_at);
    for (const std::string* cell : {&r.screening_id, &r.screening_version, &r.screening_hash, &d.outcome}) row.Cell(*cell);
    row.Cell(OutcomeLabel(s, same_file, d, language));
    for (const std::string* cell : {&reasons, &texts, &notes, &undetermined}) row.Cell(*cell);
    for (const rules::Track& t : s.tracks) row.Cell(d.TrackStatus(t.id));
    for (size_t q = 0; q < s.questions.size(); ++q) {
        st.answer.Read(st.answers[q]);
        CodeCell(row, st.answer, st.scratch);
        LabelCell(row, s, s.questions[q], st.answer, language, st.scratch);
    }
    row.End();
}

std::string ExportCsv(const rules::Screening& s, const std::vector<StoredSubmission>& submissions, int language_index) {
    std::string out;
    CsvWriter writer(s, language_index, out);
    for (const StoredSubmission& submission : submissions) writer.Add(submission);
    return out;
}

}  // namespace kiosk::store
