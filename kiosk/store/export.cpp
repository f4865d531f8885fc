// Exports of stored submissions: CSV for spreadsheets, JSON Lines, FHIR R4; atomic file writes.
//
// [SECTION] Stored JSON and texts
// [SECTION] CSV
// [SECTION] JSON Lines
// [SECTION] FHIR: shared pieces
// [SECTION] FHIR: QuestionnaireResponse bundle (answers and the decision)
// [SECTION] FHIR: Questionnaire (questions, show_if as enableWhen)
// [SECTION] Atomic file writes
#include "store/export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>

#include "rules/date.h"

namespace kiosk::store {
namespace {

using nlohmann::json;

//-----------------------------------------------------------------------------
// [SECTION] Stored JSON and texts
//-----------------------------------------------------------------------------

constexpr const char* kNotSure = "not_sure";

// The answers and decision of one stored submission, read once. The database only accepts valid
// JSON (CHECK json_valid), but an export must still not fail on a row it cannot read: such a
// value becomes null and its cells empty.
struct Stored {
    json answers;
    json decision;
    std::set<std::string> ignored;  // questions answered but not shown: never exported
    bool same_file = false;         // decided on the very screening file we export with
};

json ParseOrNull(const std::string& text) {
    json value = json::parse(text, nullptr, false);
    return value.is_discarded() ? json() : value;
}

const std::string& Str(const json& object, const char* key) {
    static const std::string kEmpty;
    if (!object.is_object()) return kEmpty;
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get_ref<const std::string&>() : kEmpty;
}

const json& Arr(const json& object, const char* key) {
    static const json kEmptyArray = json::array();
    if (!object.is_object()) return kEmptyArray;
    auto it = object.find(key);
    return it != object.end() && it->is_array() ? *it : kEmptyArray;
}

Stored ReadStored(const rules::Screening& s, const StoredSubmission& submission) {
    Stored out;
    out.answers = ParseOrNull(submission.record.answers_json);
    out.decision = ParseOrNull(submission.record.decision_json);
    for (const json& id : Arr(out.decision, "ignored_answers"))
        if (id.is_string()) out.ignored.insert(id.get<std::string>());
    out.same_file = !s.content_hash.empty() && submission.record.screening_hash == s.content_hash;
    return out;
}

// The stored answer to `q`, or null when it was skipped or not shown.
const json& AnswerOf(const Stored& stored, const rules::Question& q) {
    static const json kNull;
    if (!stored.answers.is_object() || stored.ignored.count(q.id)) return kNull;
    auto it = stored.answers.find(q.id);
    return it == stored.answers.end() ? kNull : *it;
}

bool IsNotSure(const json& value) {
    return (value.is_string() && value.get_ref<const std::string&>() == kNotSure) ||
           (value.is_array() && value.size() == 1 && value[0].is_string() && value[0].get_ref<const std::string&>() == kNotSure);
}

size_t LanguageIndex(const rules::Screening& s, int language) {
    return language >= 0 && static_cast<size_t>(language) < s.languages.size() ? static_cast<size_t>(language) : 0;
}

const std::string& Text(const rules::LangText& texts, size_t language) {
    static const std::string kEmpty;
    if (texts.empty()) return kEmpty;
    return texts[language < texts.size() ? language : 0];
}

const std::string& NotSureLabel(const rules::Screening& s, size_t language) {
    static const std::string kDefault = "Not sure";
    auto it = s.labels.find(kNotSure);
    return it == s.labels.end() || Text(it->second, language).empty() ? kDefault : Text(it->second, language);
}

// The option codes of a stored answer: one code, a list, or yes/no (also as a JSON boolean).
std::vector<std::string> Codes(const json& value) {
    std::vector<std::string> codes;
    if (value.is_string()) codes.push_back(value.get<std::string>());
    else if (value.is_boolean()) codes.push_back(value.get<bool>() ? "yes" : "no");
    else if (value.is_array())
        for (const json& item : value)
            if (item.is_string()) codes.push_back(item.get<std::string>());
    return codes;
}

// A number answer in the question's own unit. Answers files may say {"value": 5.5, "unit": "ft"}.
std::optional<double> NumberOf(const rules::Question& q, const json& value) {
    if (value.is_number()) return value.get<double>();
    if (!value.is_object() || !value.contains("value") || !value["value"].is_number()) return std::nullopt;
    double number = value["value"].get<double>();
    std::string unit = Str(value, "unit");
    if (unit.empty() || unit == q.unit) return number;
    for (const auto& [other, factor] : q.units)
        if (other == unit) return number * factor;
    return std::nullopt;
}

// The shortest text that reads back as the same number ("170", "72.5"), as JSON writes numbers.
std::string NumberText(double number) {
    if (number == static_cast<double>(static_cast<long long>(number)) && number > -1e15 && number < 1e15)
        return std::to_string(static_cast<long long>(number));
    return json(number).dump();
}

//-----------------------------------------------------------------------------
// [SECTION] CSV
//-----------------------------------------------------------------------------

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

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += separator;
        out += items[i];
    }
    return out;
}

// The code cell: the answers-file value, lists joined with '|'.
std::string CodeCell(const json& value) {
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    if (value.is_array()) return Join(Codes(value), "|");
    if (value.is_number()) return value.dump();
    if (value.is_object() && value.contains("value") && value["value"].is_number())
        return value["value"].dump() + " " + Str(value, "unit");
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

// The reason text of a fired rule: the screening's own text in the clinic's language when the
// decision was made on this very file, else the text stored with the decision.
std::string ReasonText(const rules::Screening& s, const Stored& stored, const json& rule, size_t language) {
    if (stored.same_file) {
        int r = s.FindRule(Str(rule, "id"));
        if (r >= 0 && !s.rules[r].reason_text.empty()) return Text(s.rules[r].reason_text, language);
    }
    return Str(rule, "reason_text");
}

std::string OutcomeLabel(const rules::Screening& s, const Stored& stored, size_t language) {
    const std::string& id = Str(stored.decision, "outcome");
    if (stored.same_file) {
        int o = s.FindOutcome(id);
        if (o >= 0) return Text(s.outcomes[o].staff_label, language);
    }
    return Str(stored.decision, "outcome_label");
}

//-----------------------------------------------------------------------------
// [SECTION] FHIR: shared pieces
//-----------------------------------------------------------------------------

constexpr const char* kDataAbsentSystem = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
constexpr const char* kDataAbsentExtension = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
constexpr const char* kAskedUnknown = "asked-unknown";
constexpr const char* kTranslationExtension = "http://hl7.org/fhir/StructureDefinition/translation";

std::string CanonicalBase(const rules::Screening& s) {
    return s.canonical_url.empty() ? "urn:kiosk-screening:" + s.id : s.canonical_url;
}

bool IsChoice(rules::QuestionType type) {
    return type == rules::QuestionType::Single || type == rules::QuestionType::Multi;
}

// FHIR forbids empty strings in primitives: an empty text is left out, not written as "".
void SetIfNotEmpty(json& object, const char* key, const std::string& value) {
    if (!value.empty()) object[key] = value;
}

// The "not sure" answer. On choice items it is a Coding from HL7's data-absent-reason code
// system, `asked-unknown` ("the source was asked but does not know the value"), which is exactly
// the kiosk's "Not sure"; the Questionnaire lists it among the item's answerOptions so the answer
// stays valid for the item. A Coding cannot be the answer of a boolean, integer, decimal, date or
// text item (FHIR requires the answer type to match the item type), so there the answer carries
// the typed value[x] with no value and FHIR's data-absent-reason extension on it, the spec's way
// to say why a primitive has no value. Both forms say the same code: asked-unknown.
json NotSureAnswer(rules::QuestionType type, const std::string& display) {
    if (IsChoice(type)) {
        json coding = {{"system", kDataAbsentSystem}, {"code", kAskedUnknown}};
        SetIfNotEmpty(coding, "display", display);
        return {{"valueCoding", coding}};
    }
    const char* key = type == rules::QuestionType::YesNo     ? "_valueBoolean"
                    : type == rules::QuestionType::Integer   ? "_valueInteger"
                    : type == rules::QuestionType::Decimal   ? "_valueDecimal"
                    : type == rules::QuestionType::Date      ? "_valueDate"
                                                             : "_valueString";
    json absent = {{"url", kDataAbsentExtension}, {"valueCode", kAskedUnknown}};
    return {{key, {{"extension", json::array({absent})}}}};
}

// Other languages of a text, as FHIR's translation extension on the primitive's "_" twin.
json Translations(const rules::Screening& s, const rules::LangText& texts, size_t language) {
    json extensions = json::array();
    for (size_t l = 0; l < s.languages.size() && l < texts.size(); ++l) {
        if (l == language || texts[l].empty()) continue;
        extensions.push_back({{"url", kTranslationExtension},
                              {"extension", json::array({{{"url", "lang"}, {"valueCode", s.languages[l]}},
                                                         {{"url", "content"}, {"valueString", texts[l]}}})}});
    }
    return extensions;
}

void SetTranslated(const rules::Screening& s, json& object, const std::string& key, const rules::LangText& texts, size_t language) {
    const std::string& text = Text(texts, language);
    if (text.empty()) return;
    object[key] = text;
    json extensions = Translations(s, texts, language);
    if (!extensions.empty()) object["_" + key] = {{"extension", extensions}};
}

json SubExtension(const char* url, const char* value_key, json value) {
    return {{"url", url}, {value_key, std::move(value)}};
}

void AddString(json& extensions, const char* url, const std::string& value) {
    if (!value.empty()) extensions.push_back(SubExtension(url, "valueString", value));
}

void AddCode(json& extensions, const char* url, const std::string& value) {
    if (!value.empty()) extensions.push_back(SubExtension(url, "valueCode", value));
}

//-----------------------------------------------------------------------------
// [SECTION] FHIR: QuestionnaireResponse bundle (answers and the decision)
//-----------------------------------------------------------------------------

// The FHIR answers for one stored value; empty when the value does not fit the question (it is
// then left out rather than exported as something it is not).
json FhirAnswers(const rules::Screening& s, const rules::Question& q, const json& value, size_t language) {
    json answers = json::array();
    if (IsNotSure(value)) {
        answers.push_back(NotSureAnswer(q.type, NotSureLabel(s, language)));
        return answers;
    }
    switch (q.type) {
        case rules::QuestionType::YesNo: {
            std::vector<std::string> codes = Codes(value);
            if (codes.size() == 1 && (codes[0] == "yes" || codes[0] == "no")) answers.push_back({{"valueBoolean", codes[0] == "yes"}});
            break;
        }
        case rules::QuestionType::Single:
        case rules::QuestionType::Multi:
            for (const std::string& code : Codes(value)) {
                json coding = {{"system", FhirCodeSystemUrl(s, q.id)}, {"code", code}};
                int o = q.FindOption(code);
                if (o >= 0) SetIfNotEmpty(coding, "display", Text(q.options[o].label, language));
                answers.push_back({{"valueCoding", coding}});
            }
            break;
        case rules::QuestionType::Integer:
            if (std::optional<double> number = NumberOf(q, value)) answers.push_back({{"valueInteger", static_cast<long long>(*number)}});
            break;
        case rules::QuestionType::Decimal:
            // valueDecimal to match the item type "decimal"; the unit is the item's (questionnaire-unit).
            if (std::optional<double> number = NumberOf(q, value)) answers.push_back({{"valueDecimal", *number}});
            break;
        case rules::QuestionType::Date:
            if (value.is_string()) {
                const std::string& text = value.get_ref<const std::string&>();
                if (std::optional<rules::Date> date = rules::ParseDate(text, true)) {
                    std::string formatted = rules::FormatDate(*date);
                    bool month_only = text.size() == 7;  // "YYYY-MM": FHIR dates allow month precision
                    answers.push_back({{"valueDate", month_only ? formatted.substr(0, 7) : formatted}});
                }
            }
            break;
        case rules::QuestionType::Text:
            if (value.is_string() && !value.get_ref<const std::string&>().empty()) answers.push_back({{"valueString", value}});
            break;
    }
    return answers;
}

// One fired, noted or undetermined rule as a complex extension: rule id, level, reason code,
// reason text, staff text, sources, and (undetermined only) the questions it lacked.
json RuleExtension(const char* url, const json& rule) {
    json parts = json::array();
    AddCode(parts, "rule", Str(rule, "id"));
    if (rule.contains("effect")) AddCode(parts, "level", Str(rule["effect"], "level"));
    AddCode(parts, "reason", Str(rule, "reason"));
    AddString(parts, "reasonText", Str(rule, "reason_text"));
    AddString(parts, "staffText", Str(rule, "staff_text"));
    for (const json& source : Arr(rule, "sources"))
        if (source.is_string()) AddString(parts, "source", source.get<std::string>());
    for (const json& missing : Arr(rule, "missing"))
        if (missing.is_string()) AddString(parts, "missing", missing.get<std::string>());
    return {{"url", url}, {"extension", parts}};
}

std::string Base64(const std::string& bytes) {
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        uint32_t chunk = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (i + 1 < bytes.size()) chunk |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        if (i + 2 < bytes.size()) chunk |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
        out += kAlphabet[(chunk >> 18) & 63];
        out += kAlphabet[(chunk >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
    }
    return out;
}

// How the decision rides in FHIR. A FHIR server keeps extensions and drops what it does not
// know, so the decision is one complex extension on the QuestionnaireResponse,
// <canonical>/StructureDefinition/screening-decision, with two layers:
//   1. structured parts a FHIR system can search and show without our code: outcome (code),
//      outcomeLabel, one `fired` / `note` / `undetermined` part per rule (rule id, level, reason
//      code, reason text, staff text, sources, missing questions), one `track` part per track
//      (track code, status code), `fallback`, `interrupt`, the screening's contentHash and the
//      decision day (`today`, which age rules were computed against);
//   2. `decisionJson`: the decision exactly as stored, as a base64 application/json Attachment.
// The structured parts are read from the stored decision, never recomputed, so the two cannot
// disagree; the attachment is the record of what staff saw, byte for byte, and keeps every field
// (patient message, per-rule track effects, fields added later) without a new extension for each.
// We did not use a separate RiskAssessment or Observation: the decision belongs to this response
// and travels with it, and one resource per submission keeps the Bundle one entry per row.
json DecisionExtension(const rules::Screening& s, const StoredSubmission& submission, const json& decision) {
    json parts = json::array();
    AddCode(parts, "outcome", Str(decision, "outcome"));
    AddString(parts, "outcomeLabel", Str(decision, "outcome_label"));
    for (const json& rule : Arr(decision, "fired")) parts.push_back(RuleExtension("fired", rule));
    for (const json& rule : Arr(decision, "notes")) parts.push_back(RuleExtension("note", rule));
    for (const json& rule : Arr(decision, "undetermined")) parts.push_back(RuleExtension("undetermined", rule));
    if (decision.is_object() && decision.contains("tracks") && decision["tracks"].is_object())
        for (const auto& [track, status] : decision["tracks"].items())
            if (status.is_string())
                parts.push_back({{"url", "track"},
                                 {"extension", json::array({SubExtension("track", "valueCode", track),
                                                            SubExtension("status", "valueCode", status)})}});
    if (decision.is_object() && decision.contains("fallback") && decision["fallback"].is_object()) {
        json fallback = json::array();
        AddCode(fallback, "reason", Str(decision["fallback"], "reason"));
        AddString(fallback, "staffText", Str(decision["fallback"], "staff_text"));
        if (!fallback.empty()) parts.push_back({{"url", "fallback"}, {"extension", fallback}});
    }
    if (decision.is_object() && decision.contains("interrupt") && decision["interrupt"].is_boolean())
        parts.push_back(SubExtension("interrupt", "valueBoolean", decision["interrupt"]));
    AddString(parts, "contentHash", submission.record.screening_hash);
    if (std::optional<rules::Date> today = rules::ParseDate(Str(decision, "today")))
        parts.push_back(SubExtension("today", "valueDate", rules::FormatDate(*today)));
    if (!submission.record.decision_json.empty())
        parts.push_back(SubExtension("decisionJson", "valueAttachment",
                                     {{"contentType", "application/json"}, {"data", Base64(submission.record.decision_json)}}));
    return {{"url", FhirExtensionUrl(s, "screening-decision")}, {"extension", parts}};
}

// Where the submission came from: kiosk id, kiosk or paper, start time, review status.
json SubmissionExtension(const rules::Screening& s, const StoredSubmission& submission) {
    json parts = json::array();
    AddString(parts, "kioskId", submission.record.kiosk_id);
    AddCode(parts, "source", submission.record.source);
    if (!submission.record.started_at.empty()) parts.push_back(SubExtension("startedAt", "valueDateTime", submission.record.started_at));
    AddCode(parts, "status", submission.status);
    return {{"url", FhirExtensionUrl(s, "kiosk-submission")}, {"extension", parts}};
}

json QuestionnaireResponse(const rules::Screening& s, const StoredSubmission& submission) {
    const SubmissionRecord& r = submission.record;
    Stored stored = ReadStored(s, submission);
    int found = s.FindLanguage(r.language);
    size_t language = found >= 0 ? static_cast<size_t>(found) : 0;

    json qr;
    qr["resourceType"] = "QuestionnaireResponse";
    qr["id"] = submission.id;
    SetIfNotEmpty(qr, "language", r.language);
    qr["extension"] = json::array({DecisionExtension(s, submission, stored.decision), SubmissionExtension(s, submission)});
    qr["identifier"] = {{"system", "urn:ietf:rfc:3986"}, {"value", "urn:uuid:" + submission.id}};
    // The version the patient answered, which may be older than the screening exported with.
    qr["questionnaire"] = CanonicalBase(s) + "|" + (r.screening_version.empty() ? s.version : r.screening_version);
    qr["status"] = "completed";
    SetIfNotEmpty(qr, "authored", r.submitted_at);
    // Items carry no text: validators compare it with the Questionnaire's, whose language may not be
    // the patient's; a reader takes texts (and their translations) from the Questionnaire.
    json items = json::array();
    for (const rules::Question& q : s.questions) {
        const json& value = AnswerOf(stored, q);
        if (value.is_null()) continue;  // skipped or not shown: FHIR leaves the item out
        json answers = FhirAnswers(s, q, value, language);
        if (answers.empty()) continue;
        items.push_back({{"linkId", q.id}, {"answer", answers}});
    }
    if (!items.empty()) qr["item"] = items;
    return qr;
}

//-----------------------------------------------------------------------------
// [SECTION] FHIR: Questionnaire (questions, show_if as enableWhen)
//-----------------------------------------------------------------------------

const char* FhirItemType(rules::QuestionType type) {
    switch (type) {
        case rules::QuestionType::YesNo: return "boolean";
        case rules::QuestionType::Single:
        case rules::QuestionType::Multi: return "choice";
        case rules::QuestionType::Integer: return "integer";
        case rules::QuestionType::Decimal: return "decimal";
        case rules::QuestionType::Date: return "date";
        case rules::QuestionType::Text: return "string";
    }
    return "string";
}

// The expression as the screening file would write it (for the kiosk-show-if extension).
class ExprPrinter {
public:
    explicit ExprPrinter(const rules::Screening& s) : m_s(s) {}

    std::string Print(int32_t node, int outer = 0) const {
        const rules::Node& n = m_s.expr.nodes[node];
        int precedence = Precedence(n.op);
        std::string text = Body(n);
        return precedence < outer ? "(" + text + ")" : text;
    }

private:
    static int Precedence(rules::Op op) {
        using rules::Op;
        switch (op) {
            case Op::Or: return 1;
            case Op::And: return 2;
            case Op::Not: return 3;
            case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
            case Op::InList: case Op::NotInList: case Op::Contains: case Op::AnyOf: return 4;
            case Op::Add: case Op::Sub: return 5;
            case Op::Mul: case Op::Div: return 6;
            case Op::Neg: return 7;
            default: return 8;
        }
    }

    std::string Codes(const rules::TypeInfo& type, uint64_t mask) const {
        std::vector<std::string> names;
        for (uint32_t bit = 0; bit < 64; ++bit) {
            if (!((mask >> bit) & 1u)) continue;
            if ((type.kind == rules::ValueType::Option || type.kind == rules::ValueType::OptionSet) && type.domain >= 0 &&
                bit < m_s.questions[type.domain].options.size())
                names.push_back(m_s.questions[type.domain].options[bit].code);
            else if (type.kind == rules::ValueType::TrackStatus)
                names.push_back(rules::TrackStatusName(static_cast<rules::TrackStatus>(bit)));
            else
                names.push_back(OutcomeByRank(static_cast<int>(bit)));
        }
        return "[" + Join(names, ", ") + "]";
    }

    std::string OutcomeByRank(int rank) const {
        for (const rules::Outcome& o : m_s.outcomes)
            if (o.rank == rank) return o.id;
        return std::to_string(rank);
    }

    std::string Constant(const rules::Node& n) const {
        switch (n.type.kind) {
            case rules::ValueType::Bool: return n.constant.boolean ? "yes" : "no";
            case rules::ValueType::Number: return NumberText(n.constant.number);
            case rules::ValueType::String: return "\"" + n.constant_text + "\"";
            case rules::ValueType::Option:
                if (n.type.domain >= 0 && n.constant.integer >= 0 &&
                    static_cast<size_t>(n.constant.integer) < m_s.questions[n.type.domain].options.size())
                    return m_s.questions[n.type.domain].options[n.constant.integer].code;
                return "?";
            case rules::ValueType::OptionList: return Codes({n.type.element, n.type.domain, n.type.element}, n.mask);
            case rules::ValueType::TrackStatus: return rules::TrackStatusName(static_cast<rules::TrackStatus>(n.constant.integer));
            case rules::ValueType::Outcome: return OutcomeByRank(n.constant.integer);
            default: return "?";
        }
    }

    std::string Call(const char* name, int32_t question) const { return std::string(name) + "(" + m_s.questions[question].id + ")"; }

    std::string Body(const rules::Node& n) const {
        using rules::Op;
        const int p = Precedence(n.op);
        auto binary = [&](const char* op) { return Print(n.a, p) + " " + op + " " + Print(n.b, p + 1); };
        switch (n.op) {
            case Op::Const: return Constant(n);
            case Op::Question: return m_s.questions[n.index].id;
            case Op::Derived: return m_s.derived[n.index].id;
            case Op::Param: return m_s.parameters[n.index].id;
            case Op::Not: return "not " + Print(n.a, p);
            case Op::And: return binary("and");
            case Op::Or: {
                // `a and b` inside `or` is parenthesised although `and` binds tighter: clinicians read this.
                auto side = [&](int32_t child) {
                    return m_s.expr.nodes[child].op == Op::And ? "(" + Print(child) + ")" : Print(child, p);
                };
                return side(n.a) + " or " + side(n.b);
            }
            case Op::Eq: return Print(n.a, p + 1) + " = " + Print(n.b, p + 1);
            case Op::Ne: return Print(n.a, p + 1) + " != " + Print(n.b, p + 1);
            case Op::Lt: return Print(n.a, p + 1) + " < " + Print(n.b, p + 1);
            case Op::Le: return Print(n.a, p + 1) + " <= " + Print(n.b, p + 1);
            case Op::Gt: return Print(n.a, p + 1) + " > " + Print(n.b, p + 1);
            case Op::Ge: return Print(n.a, p + 1) + " >= " + Print(n.b, p + 1);
            case Op::InList: return Print(n.a, p + 1) + " in " + Codes(m_s.expr.nodes[n.a].type, n.mask);
            case Op::NotInList: return Print(n.a, p + 1) + " not in " + Codes(m_s.expr.nodes[n.a].type, n.mask);
            case Op::Contains: {
                const rules::TypeInfo& set = m_s.expr.nodes[n.a].type;
                std::string code = set.domain >= 0 && n.index >= 0 && static_cast<size_t>(n.index) < m_s.questions[set.domain].options.size()
                                       ? m_s.questions[set.domain].options[n.index].code : "?";
                return code + " in " + Print(n.a, p + 1);
            }
            case Op::AnyOf: return Print(n.a, p + 1) + " in " + Codes(m_s.expr.nodes[n.a].type, n.mask);
            case Op::Add: return binary("+");
            case Op::Sub: return binary("-");
            case Op::Mul: return binary("*");
            case Op::Div: return binary("/");
            case Op::Neg: return "-" + Print(n.a, p);
            case Op::Answered: return Call("answered", n.index);
            case Op::Unsure: return Call("unsure", n.index);
            case Op::Skipped: return Call("skipped", n.index);
            case Op::Unknown: return Call("unknown", n.index);
            case Op::Shown: return Call("shown", n.index);
            case Op::Age: return "age(" + Print(n.a) + ")";
            case Op::MonthsSince: return "months_since(" + Print(n.a) + ")";
            case Op::DaysSince: return "days_since(" + Print(n.a) + ")";
            case Op::CountSet: return "count(" + Print(n.a) + ")";
            case Op::CountTrue: {
                std::vector<std::string> args;
                for (int32_t i = 0; i < n.arg_count; ++i) args.push_back(Print(m_s.expr.args[n.first_arg + i]));
                return "count(" + Join(args, ", ") + ")";
            }
            case Op::Status: return "status(" + m_s.tracks[n.index].id + ")";
            case Op::Level: return "level()";
        }
        return "?";
    }

    const rules::Screening& m_s;
};

// A show_if that is one comparison of one question: `q = x`, `q != x`, `q in [..]`,
// `q not in [..]`, `x in multi`, `multi in [..]`, or `not` of one of these.
struct Comparison {
    int question = -1;
    bool positive = true;       // is one of `values`; false: is none of them
    std::vector<int> options;   // option indices (single, multi)
    std::optional<bool> yes;    // yes_no
};

std::vector<int> MaskOptions(uint64_t mask) {
    std::vector<int> options;
    for (int bit = 0; bit < 64; ++bit)
        if ((mask >> bit) & 1u) options.push_back(bit);
    return options;
}

std::optional<Comparison> ReadComparison(const rules::Screening& s, int32_t node) {
    using rules::Op;
    const rules::Node& n = s.expr.nodes[node];
    if (n.op == Op::Not) {
        std::optional<Comparison> inner = ReadComparison(s, n.a);
        if (inner) inner->positive = !inner->positive;
        return inner;
    }
    Comparison c;
    if (n.op == Op::Eq || n.op == Op::Ne) {
        int32_t question = n.a, constant = n.b;
        if (s.expr.nodes[question].op != Op::Question) std::swap(question, constant);
        const rules::Node& qn = s.expr.nodes[question];
        const rules::Node& cn = s.expr.nodes[constant];
        if (qn.op != Op::Question || cn.op != Op::Const) return std::nullopt;
        c.question = qn.index;
        c.positive = n.op == Op::Eq;
        rules::QuestionType type = s.questions[c.question].type;
        if (type == rules::QuestionType::YesNo && cn.type.kind == rules::ValueType::Bool) c.yes = cn.constant.boolean;
        else if (type == rules::QuestionType::Single && cn.type.kind == rules::ValueType::Option) c.options = {cn.constant.integer};
        else return std::nullopt;
        return c;
    }
    if (n.op == Op::InList || n.op == Op::NotInList || n.op == Op::Contains || n.op == Op::AnyOf) {
        const rules::Node& qn = s.expr.nodes[n.a];
        if (qn.op != Op::Question) return std::nullopt;  // status(), level()
        c.question = qn.index;
        rules::QuestionType type = s.questions[c.question].type;
        bool multi_op = n.op == Op::Contains || n.op == Op::AnyOf;
        if (type != (multi_op ? rules::QuestionType::Multi : rules::QuestionType::Single)) return std::nullopt;
        c.positive = n.op != Op::NotInList;
        c.options = n.op == Op::Contains ? std::vector<int>{n.index} : MaskOptions(n.mask);
        if (c.options.empty()) return std::nullopt;
        return c;
    }
    return std::nullopt;
}

// enableWhen for a show_if, when FHIR can say exactly what the kiosk does; nullopt otherwise.
//
// The kiosk's show_if is three-valued (docs/screening-format.md, "Missing answers"): a skipped or
// "not sure" controlling question makes the condition unknown, and an unknown show_if SHOWS the
// question (ask rather than assume); a controlling question that was not shown makes it false.
// FHIR's enableWhen is two-valued, so the mapping adds what makes the two agree:
// - `q = x` / `q in [x, y]`: enableBehavior "any" of `= x`, `= y`, `exists = false` (skipped: ask)
//   and, if q offers "Not sure", `= asked-unknown` (the not-sure Coding, see NotSureAnswer).
// - `q != x` / `q not in [x, y]` / `not x in multi`: "all" of `!= x`, `!= y`. FHIR's != is true when
//   no answer equals the value, so skipped and "not sure" enable the item, as in the kiosk.
// Not mapped (the item gets no enableWhen; the kiosk-show-if extension carries the expression and
// says the kiosk computes it; a FHIR form then always shows the item):
// - anything but one comparison of one question with option codes or yes/no: derived values
//   (age, bmi), functions (answered(), unsure()), numbers, dates, and/or mixes;
// - a controlling question that has a show_if of its own: FHIR treats a disabled question as
//   unanswered, which would enable `exists = false` and `!=` where the kiosk hides;
// - `q = yes` on a yes_no question that offers "Not sure": that answer has no boolean value
//   for enableWhen to match (see NotSureAnswer).
std::optional<json> EnableWhen(const rules::Screening& s, int32_t show_if, json& behavior) {
    std::optional<Comparison> c = ReadComparison(s, show_if);
    if (!c) return std::nullopt;
    const rules::Question& controller = s.questions[c->question];
    if (controller.show_if >= 0) return std::nullopt;
    bool yes_no = controller.type == rules::QuestionType::YesNo;
    if (c->positive && yes_no && controller.not_sure) return std::nullopt;

    const char* op = c->positive ? "=" : "!=";
    json conditions = json::array();
    auto condition = [&](const char* operation, const char* key, json answer) {
        conditions.push_back({{"question", controller.id}, {"operator", operation}, {key, std::move(answer)}});
    };
    if (c->yes) condition(op, "answerBoolean", *c->yes);
    for (int o : c->options)
        condition(op, "answerCoding", {{"system", FhirCodeSystemUrl(s, controller.id)}, {"code", controller.options[o].code}});
    if (c->positive) {
        if (controller.not_sure) condition("=", "answerCoding", {{"system", kDataAbsentSystem}, {"code", kAskedUnknown}});
        condition("exists", "answerBoolean", false);
    }
    if (conditions.size() > 1) behavior = c->positive ? "any" : "all";
    return conditions;
}

// A FHIR id: [A-Za-z0-9-.]{1,64}.
std::string FhirId(const std::string& text) {
    std::string id;
    for (char c : text) {
        if (id.size() == 64) break;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        id += ok ? c : '-';
    }
    return id.empty() ? "screening" : id;
}

// A computable name, [A-Z][A-Za-z0-9_]*: "regen-ortho-default" -> "RegenOrthoDefault".
std::string ComputableName(const std::string& text) {
    std::string name;
    bool upper = true;
    for (char c : text) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '_') {
            upper = true;
            continue;
        }
        name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
    }
    if (name.empty() || !(name[0] >= 'A' && name[0] <= 'Z')) name.insert(0, "Screening");
    return name;
}

json QuestionnaireItem(const rules::Screening& s, const rules::Question& q, size_t language) {
    json item;
    item["linkId"] = q.id;
    json extensions = json::array();
    if (q.type == rules::QuestionType::Integer || q.type == rules::QuestionType::Decimal) {
        const char* key = q.type == rules::QuestionType::Integer ? "valueInteger" : "valueDecimal";
        json min = q.type == rules::QuestionType::Integer ? json(static_cast<long long>(q.min)) : json(q.min);
        json max = q.type == rules::QuestionType::Integer ? json(static_cast<long long>(q.max)) : json(q.max);
        if (q.min < q.max) {
            extensions.push_back({{"url", "http://hl7.org/fhir/StructureDefinition/minValue"}, {key, min}});
            extensions.push_back({{"url", "http://hl7.org/fhir/StructureDefinition/maxValue"}, {key, max}});
        }
        // The unit as a display only: the screening file's units are not promised to be UCUM codes.
        if (!q.unit.empty())
            extensions.push_back({{"url", "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"}, {"valueCoding", {{"display", q.unit}}}});
    }
    json behavior;
    std::optional<json> enable_when;
    if (q.show_if >= 0) {
        enable_when = EnableWhen(s, q.show_if, behavior);
        json parts = json::array();
        parts.push_back(SubExtension("expression", "valueString", ExprPrinter(s).Print(q.show_if)));
        // true: enableWhen says exactly this; false: only the kiosk can compute it, a FHIR form shows the item.
        parts.push_back(SubExtension("enableWhen", "valueBoolean", enable_when.has_value()));
        extensions.push_back({{"url", FhirExtensionUrl(s, "kiosk-show-if")}, {"extension", parts}});
    }
    if (!extensions.empty()) item["extension"] = extensions;
    SetTranslated(s, item, "text", q.text, language);
    item["type"] = FhirItemType(q.type);
    if (enable_when) {
        item["enableWhen"] = *enable_when;
        if (!behavior.is_null()) item["enableBehavior"] = behavior;
    }
    item["required"] = q.required;
    if (q.type == rules::QuestionType::Multi) item["repeats"] = true;
    if (q.type == rules::QuestionType::Text && q.max_length > 0) item["maxLength"] = q.max_length;
    if (IsChoice(q.type)) {
        json options = json::array();
        for (const rules::Option& o : q.options) {
            json coding = {{"system", FhirCodeSystemUrl(s, q.id)}, {"code", o.code}};
            SetTranslated(s, coding, "display", o.label, language);
            options.push_back({{"valueCoding", coding}});
        }
        if (q.not_sure) {
            json coding = {{"system", kDataAbsentSystem}, {"code", kAskedUnknown}};
            auto label = s.labels.find(kNotSure);
            if (label != s.labels.end()) SetTranslated(s, coding, "display", label->second, language);
            else coding["display"] = NotSureLabel(s, language);
            options.push_back({{"valueCoding", coding}});
        }
        item["answerOption"] = options;
    }
    return item;
}

}  // namespace

//-----------------------------------------------------------------------------
// Public API
//-----------------------------------------------------------------------------

std::string FhirCodeSystemUrl(const rules::Screening& screening, const std::string& question_id) {
    return CanonicalBase(screening) + "/CodeSystem/" + question_id;
}

std::string FhirExtensionUrl(const rules::Screening& screening, const std::string& name) {
    return CanonicalBase(screening) + "/StructureDefinition/" + name;
}

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
        const json& d = stored.decision;

        std::vector<std::string> reasons, texts, notes, undetermined;
        std::set<std::string> seen;
        for (const json& rule : Arr(d, "fired")) {
            const std::string& reason = Str(rule, "reason");
            if (reason.empty() || !seen.insert(reason).second) continue;  // composition rules; shared codes once
            reasons.push_back(reason);
            texts.push_back(ReasonText(s, stored, rule, language));
        }
        if (d.is_object() && d.contains("fallback")) {
            const std::string& reason = Str(d["fallback"], "reason");
            if (!reason.empty() && seen.insert(reason).second) {
                reasons.push_back(reason);
                texts.push_back(Str(d["fallback"], "staff_text"));
            }
        }
        for (const json& rule : Arr(d, "notes"))
            if (!Str(rule, "reason").empty()) notes.push_back(Str(rule, "reason"));
        for (const json& rule : Arr(d, "undetermined")) {
            std::vector<std::string> missing;
            for (const json& q : Arr(rule, "missing"))
                if (q.is_string()) missing.push_back(q.get<std::string>());
            undetermined.push_back(Str(rule, "id") + (missing.empty() ? "" : " (" + Join(missing, ", ") + ")"));
        }

        std::vector<std::string> row = {submission.id, r.submitted_at, r.started_at, r.kiosk_id, r.source, r.language,
                                        submission.status, r.screening_id, r.screening_version, r.screening_hash,
                                        Str(d, "outcome"), OutcomeLabel(s, stored, language), Join(reasons, "; "),
                                        Join(texts, "\n"), Join(notes, "; "), Join(undetermined, "; ")};
        const json no_tracks = json::object();
        const json& tracks = d.is_object() && d.contains("tracks") && d["tracks"].is_object() ? d["tracks"] : no_tracks;
        for (const rules::Track& t : s.tracks) row.push_back(Str(tracks, t.id.c_str()));
        for (const rules::Question& q : s.questions) {
            const json& value = AnswerOf(stored, q);
            row.push_back(CodeCell(value));
            row.push_back(LabelCell(s, q, value, language));
        }
        AppendRow(out, row);
    }
    return out;
}

std::string ExportJsonl(const std::vector<StoredSubmission>& submissions) {
    std::string out;
    for (const StoredSubmission& submission : submissions) {
        const SubmissionRecord& r = submission.record;
        json line;
        line["id"] = submission.id;
        line["started_at"] = r.started_at;
        line["submitted_at"] = r.submitted_at;
        line["kiosk_id"] = r.kiosk_id;
        line["source"] = r.source;
        line["status"] = submission.status;
        line["screening"] = {{"id", r.screening_id}, {"version", r.screening_version}, {"hash", r.screening_hash}};
        line["language"] = r.language;
        // Stored JSON goes in as JSON; text that does not parse goes in as a string, so nothing is lost.
        json answers = ParseOrNull(r.answers_json), decision = ParseOrNull(r.decision_json);
        line["answers"] = answers.is_null() && !r.answers_json.empty() ? json(r.answers_json) : answers;
        line["decision"] = decision.is_null() && !r.decision_json.empty() ? json(r.decision_json) : decision;
        // UTF-8 as is (not \u escapes); an invalid byte becomes U+FFFD instead of failing the export.
        out += line.dump(-1, ' ', false, json::error_handler_t::replace);
        out += '\n';
    }
    return out;
}

nlohmann::json ExportFhirBundle(const rules::Screening& s, const std::vector<StoredSubmission>& submissions) {
    json entries = json::array();
    for (const StoredSubmission& submission : submissions)
        entries.push_back({{"fullUrl", "urn:uuid:" + submission.id}, {"resource", QuestionnaireResponse(s, submission)}});
    json bundle;
    bundle["resourceType"] = "Bundle";
    bundle["type"] = "collection";
    bundle["timestamp"] = UtcNowIso();
    bundle["entry"] = entries;
    return bundle;
}

std::string ExportFhirBundleText(const rules::Screening& s, const std::vector<StoredSubmission>& submissions) {
    // The same Bundle as ExportFhirBundle, serialised one entry at a time: 100,000 submissions
    // would otherwise hold about ten times the output size as a JSON tree (bench_store).
    json head;
    head["resourceType"] = "Bundle";
    head["type"] = "collection";
    head["timestamp"] = UtcNowIso();
    std::string out = head.dump();
    out.pop_back();  // the closing brace: the entries follow
    out += ",\"entry\":[";
    for (size_t i = 0; i < submissions.size(); ++i) {
        const StoredSubmission& submission = submissions[i];
        if (i > 0) out += ',';
        out += json({{"fullUrl", "urn:uuid:" + submission.id}, {"resource", QuestionnaireResponse(s, submission)}}).dump();
    }
    out += "]}\n";
    return out;
}

nlohmann::json ExportQuestionnaire(const rules::Screening& s, int language_index) {
    size_t language = LanguageIndex(s, language_index);
    json q;
    q["resourceType"] = "Questionnaire";
    q["id"] = FhirId(s.id);
    if (!s.languages.empty()) q["language"] = s.languages[language];
    // The exact file this was built from: a QuestionnaireResponse's decision names the same hash.
    q["extension"] = json::array({SubExtension(FhirExtensionUrl(s, "screening-content-hash").c_str(), "valueString", s.content_hash)});
    q["url"] = CanonicalBase(s);
    SetIfNotEmpty(q, "version", s.version);
    q["name"] = ComputableName(s.id);
    SetTranslated(s, q, "title", s.title, language);
    q["status"] = "draft";  // a licensed clinician must approve every rule before use
    q["subjectType"] = json::array({"Patient"});
    SetIfNotEmpty(q, "publisher", s.clinical_owner);
    json items = json::array();
    for (const rules::Question& question : s.questions) items.push_back(QuestionnaireItem(s, question, language));
    q["item"] = items;
    return q;
}

//-----------------------------------------------------------------------------
// [SECTION] Atomic file writes
//-----------------------------------------------------------------------------

std::optional<std::string> WriteFileAtomically(const std::string& path, const std::string& content) {
    namespace fs = std::filesystem;
    auto failure = [](const std::string& what) { return what + ": " + std::strerror(errno); };
    fs::path target(path);
    fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    if (target.filename().empty()) return "'" + path + "' names a folder, not a file";

    // Same folder: rename() is atomic only within one filesystem.
    std::string temp = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0) return failure("cannot create a temporary file in " + folder.string());
    auto abandon = [&](const std::string& message) {
        if (fd >= 0) ::close(fd);
        ::unlink(temp.c_str());
        return message;
    };
    // mkstemp already creates 0600, but a umask could not widen it and we say so explicitly.
    if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) return abandon(failure("cannot set the mode of " + temp));
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return abandon(failure("cannot write " + temp));
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) return abandon(failure("cannot flush " + temp + " to disk"));
    int closing = fd;
    fd = -1;
    if (::close(closing) != 0) return abandon(failure("cannot close " + temp));
    if (::rename(temp.c_str(), path.c_str()) != 0) return abandon(failure("cannot replace " + path));
    // The rename itself lives in the folder: without this fsync a power cut can bring back the old file.
    int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return failure(path + " is written, but its folder cannot be opened to flush it");
    bool synced = ::fsync(dir) == 0;
    std::string message = synced ? std::string() : failure(path + " is written, but its folder cannot be flushed to disk");
    ::close(dir);
    if (!synced) return message;
    return std::nullopt;
}

}  // namespace kiosk::store
