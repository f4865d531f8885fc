// The FHIR R4 Bundle export: one QuestionnaireResponse per submission, the decision in extensions.
#include <optional>

#include "rules/date.h"
#include "store/export.h"
#include "store/export/base64.h"
#include "store/export/fhir.h"
#include "store/export/safe_text.h"
#include "store/export/stored.h"

namespace kiosk::store {
namespace {

using nlohmann::json;
using namespace exports;

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
                json coding = {{"system", FhirCodeSystemUrl(s, q.id)}, {"code", SafeText(code)}};
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
            // A patient's own words: no control characters or bidirectional overrides (safe_text.h).
            if (value.is_string() && !value.get_ref<const std::string&>().empty())
                answers.push_back({{"valueString", SafeText(value.get_ref<const std::string&>())}});
            break;
    }
    return answers;
}

// One reason, note or undetermined rule as a complex extension: rule id, level, reason code,
// reason text, staff text, sources, and (undetermined only) the questions it lacked and the
// R-UNKNOWN-<question> codes it names when it raised the outcome.
json RuleExtension(const char* url, const StoredRule& rule) {
    json parts = json::array();
    AddCode(parts, "rule", rule.id);
    AddCode(parts, "level", rule.level);
    AddCode(parts, "reason", rule.reason);
    AddString(parts, "reasonText", rule.reason_text);
    AddString(parts, "staffText", rule.staff_text);
    for (const std::string& source : rule.sources) AddString(parts, "source", source);
    for (const std::string& missing : rule.missing) AddString(parts, "missing", missing);
    for (const std::string& code : rule.unknown_reasons) AddCode(parts, "unknownReason", code);
    return {{"url", url}, {"extension", parts}};
}

// How the decision rides in FHIR. A FHIR server keeps extensions and drops what it does not
// know, so the decision is one complex extension on the QuestionnaireResponse,
// <canonical>/StructureDefinition/screening-decision, with two layers:
//   1. structured parts a FHIR system can search and show without our code: outcome (code),
//      outcomeLabel, one `reason` / `note` / `undetermined` part per rule (rule id, level, reason
//      code, reason text, staff text, sources, missing questions), one `track` part per track
//      (track code, status code), `fallback`, `interrupt`, the screening's contentHash and the
//      decision day (`today`, which age rules were computed against);
//   2. `decisionJson`: the decision exactly as stored, as a base64 application/json Attachment.
// The structured parts are read from the stored decision, never recomputed, so the two cannot
// disagree; the attachment is the record of what staff saw, byte for byte, and keeps every field
// (patient message, per-rule track effects, fields added later) without a new extension for each.
// We did not use a separate RiskAssessment or Observation: the decision belongs to this response
// and travels with it, and one resource per submission keeps the Bundle one entry per row.
json DecisionExtension(const rules::Screening& s, const StoredSubmission& submission, const StoredDecision& decision) {
    json parts = json::array();
    AddCode(parts, "outcome", decision.outcome);
    AddString(parts, "outcomeLabel", decision.outcome_label);
    for (const StoredRule& rule : decision.reasons) parts.push_back(RuleExtension("reason", rule));
    for (const StoredRule& rule : decision.notes) parts.push_back(RuleExtension("note", rule));
    for (const StoredRule& rule : decision.undetermined) parts.push_back(RuleExtension("undetermined", rule));
    for (const StoredTrack& t : decision.tracks)
        if (!t.status.empty())
            parts.push_back({{"url", "track"},
                             {"extension", json::array({SubExtension("track", "valueCode", t.track),
                                                        SubExtension("status", "valueCode", t.status)})}});
    if (decision.fallback) {
        json fallback = json::array();
        AddCode(fallback, "reason", decision.fallback->reason);
        AddString(fallback, "staffText", decision.fallback->staff_text);
        if (!fallback.empty()) parts.push_back({{"url", "fallback"}, {"extension", fallback}});
    }
    if (decision.readable) parts.push_back(SubExtension("interrupt", "valueBoolean", decision.interrupt));
    AddString(parts, "contentHash", submission.record.screening_hash);
    if (decision.today) parts.push_back(SubExtension("today", "valueDate", rules::FormatDate(*decision.today)));
    if (!submission.record.decision_json.empty())
        parts.push_back(SubExtension("decisionJson", "valueAttachment",
                                     {{"contentType", "application/json"}, {"data", Base64(submission.record.decision_json)}}));
    return {{"url", FhirExtensionUrl(s, "screening-decision")}, {"extension", parts}};
}

// Where the submission came from: kiosk id, kiosk or paper, start time, review status, and when it
// was reviewed (who reviewed it is the core reviewer extension, below).
json SubmissionExtension(const rules::Screening& s, const StoredSubmission& submission) {
    json parts = json::array();
    AddString(parts, "kioskId", submission.record.kiosk_id);
    AddCode(parts, "source", submission.record.source);
    if (!submission.record.started_at.empty()) parts.push_back(SubExtension("startedAt", "valueDateTime", submission.record.started_at));
    AddCode(parts, "status", SubmissionStatusName(submission.status));
    if (!submission.reviewed_at.empty()) parts.push_back(SubExtension("reviewedAt", "valueDateTime", submission.reviewed_at));
    return {{"url", FhirExtensionUrl(s, "kiosk-submission")}, {"extension", parts}};
}

// Who reviewed the result. R4's QuestionnaireResponse has no reviewer element; FHIR's own
// extension questionnaireresponse-reviewer ("signs off on the content", 0..1, Reference to a
// Practitioner) is the place. The kiosk knows the account's name, not a Practitioner resource, so
// the Reference carries the name as its display only, which a Reference allows. When it was
// reviewed has no core element: it is the kiosk-submission extension's reviewedAt.
json ReviewerExtension(const StoredSubmission& submission) {
    return {{"url", kReviewerExtension}, {"valueReference", {{"display", SafeText(submission.reviewed_by)}}}};
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
    if (!submission.reviewed_by.empty()) qr["extension"].push_back(ReviewerExtension(submission));
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

}  // namespace

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

}  // namespace kiosk::store
