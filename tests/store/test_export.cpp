// Exports read back by independent readers: an RFC 4180 parser, R4 rules for FHIR, the filesystem.
#include <doctest/doctest.h>

#include "../support.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include "core/answers_json.h"
#include "core/decision_json.h"
#include "rules/decision.h"
#include "rules/loader.h"
#include "filesystem_limits.h"
#include "store/export.h"
#include "store/sqlite.h"

namespace fs = std::filesystem;
using nlohmann::json;
using kiosk::store::StoredSubmission;

namespace {

// [SECTION] Fixtures: real screenings, real decisions

const rules::Date kToday{2026, 6, 15};

void LoadOrFail(const rules::LoadResult& result) {
    if (!result.screening) FAIL(result.diagnostics.Format());
}

std::unique_ptr<rules::Screening> LoadDefault() {
    rules::LoadResult result = rules::LoadScreeningFile(KIOSK_SOURCE_DIR "/assets/screenings/default.toml");
    LoadOrFail(result);
    return std::move(result.screening);
}

// A small screening with what the default one lacks: free text, a number that may be negative,
// "not sure" on yes/no, single and multi, a month date, and show_ifs of each mappable kind.
const char* const kTestScreening = R"toml(
[screening]
id = "export-test"
version = "2.1"
clinical_owner = "Test clinic"
languages = ["en", "es"]
title.en = "Export test"
title.es = "Prueba de exportación"
canonical_url = "https://kiosk.example.org/fhir/Questionnaire/export-test"

[labels]
yes.en = "Yes"
yes.es = "Sí"
no.en = "No"
no.es = "No"
not_sure.en = "Not sure"
not_sure.es = "No sé"

[[tracks]]
id = "T"
label.en = "T"
label.es = "T"

[[outcomes]]
id = "HIGH"
rank = 3
staff_label.en = "High"
staff_label.es = "Alto"
patient_message.en = "Thank you."
patient_message.es = "Gracias."
track_status = "contra"

[[outcomes]]
id = "REVIEW"
rank = 2
staff_label.en = "Review"
staff_label.es = "Revisión"
patient_message.en = "Thank you."
patient_message.es = "Gracias."
track_status = "review"

[[outcomes]]
id = "LOW"
rank = 1
staff_label.en = "Low"
staff_label.es = "Bajo"
patient_message.en = "Thank you."
patient_message.es = "Gracias."

[decision]
review_outcome = "REVIEW"
fallback_outcome = "LOW"
fallback_reason = "R-FALLBACK"
fallback_staff_text = "No rule decided."

[[questions]]
id = "consent"
type = "yes_no"
required = true
text.en = "Do you agree?"
text.es = "¿Está de acuerdo?"

[[questions]]
id = "comment"
type = "text"
max_length = 500
text.en = "Tell us more."
text.es = "Cuéntenos más."

[[questions]]
id = "temp_change"
type = "integer"
min = -20
max = 20
unit = "C"
text.en = "How much did your temperature change?"
text.es = "¿Cuánto cambió su temperatura?"

[[questions]]
id = "feeling"
type = "single"
not_sure = true
text.en = "How do you feel?"
text.es = "¿Cómo se siente?"
options = [
  { code = "good", en = "Good", es = "Bien" },
  { code = "bad", en = "Bad, really", es = "Mal, de verdad" },
]

[[questions]]
id = "symptoms"
type = "multi"
not_sure = true
text.en = "Which of these?"
text.es = "¿Cuáles de estos?"
options = [
  { code = "cough", en = "Cough", es = "Tos" },
  { code = "ache", en = "Ache", es = "Dolor" },
  { code = "none", en = "None", es = "Ninguno", exclusive = true },
]

[[questions]]
id = "onset"
type = "date"
precision = "month"
past_only = true
text.en = "When did it start?"
text.es = "¿Cuándo empezó?"

[[questions]]
id = "weight"
type = "decimal"
unit = "kg"
min = 27
max = 320
units = { lb = 0.45359237 }
text.en = "How much do you weigh?"
text.es = "¿Cuánto pesa?"

[[questions]]
id = "fever"
type = "yes_no"
not_sure = true
text.en = "Do you have a fever?"
text.es = "¿Tiene fiebre?"

[[questions]]
id = "fever_note"
type = "text"
max_length = 200
show_if = "fever = yes"
text.en = "Tell us about the fever."
text.es = "Cuéntenos de la fiebre."

[[questions]]
id = "bad_detail"
type = "single"
show_if = "feeling = bad"
text.en = "Since when?"
text.es = "¿Desde cuándo?"
options = [
  { code = "today", en = "Today", es = "Hoy" },
  { code = "week", en = "This week", es = "Esta semana" },
]

[[questions]]
id = "no_cough"
type = "yes_no"
show_if = "not cough in symptoms"
text.en = "Do you sleep well?"
text.es = "¿Duerme bien?"

[[rules]]
id = "F1"
when = "fever = yes"
level = "REVIEW"
reason = "R-FEVER"
reason_text.en = 'Fever reported, "check" today.'
reason_text.es = "Fiebre; revisar hoy, ¿sí?"
staff_text = "Fever."
sources = ["S1"]

[[rules]]
id = "H1"
when = "feeling = bad and bad_detail = today"
level = "HIGH"
reason = "R-BAD"
reason_text.en = "Feels bad today."
reason_text.es = "Se siente mal hoy."
staff_text = "Bad today."

[[rules]]
id = "N1"
when = "temp_change < 0"
level = "note"
reason = "R-COLD"
reason_text.en = "Temperature dropped."
reason_text.es = "La temperatura bajó."
staff_text = "Cold."

[[rules]]
id = "L1"
when = "feeling = good"
level = "LOW"
reason = "R-GOOD"
reason_text.en = "Feels good."
reason_text.es = "Se siente bien."
staff_text = "Good."
)toml";

std::unique_ptr<rules::Screening> LoadTestScreening() {
    rules::LoadResult result = rules::LoadScreeningText(kTestScreening, "export-test.toml");
    LoadOrFail(result);
    return std::move(result.screening);
}

// A submission as the kiosk stores it: answers checked, decided, both written as JSON.
StoredSubmission Submit(const rules::Screening& s, const json& answers, const std::string& language,
                        const std::string& kiosk_id = "kiosk-1") {
    kiosk::AnswersParse parsed = kiosk::AnswersFromJson(s, answers, kToday);
    std::string errors;
    for (const std::string& error : parsed.errors) errors += error + "\n";
    INFO("answers: " << answers.dump() << "\n" << errors);
    REQUIRE(parsed.ok());
    rules::Decision decision = rules::Decide(s, parsed.answers, kToday);
    int lang = s.FindLanguage(language);
    REQUIRE(lang >= 0);
    StoredSubmission out;
    out.id = kiosk::store::NewUuid();
    out.status = kiosk::store::SubmissionStatus::Pending;
    kiosk::store::SubmissionRecord& r = out.record;
    r.kiosk_id = kiosk_id;
    r.screening_id = s.id;
    r.screening_version = s.version;
    r.screening_hash = s.content_hash;
    r.language = language;
    r.started_at = "2026-06-15T09:00:00.000Z";
    r.submitted_at = "2026-06-15T09:08:00.000Z";
    r.answers_json = kiosk::AnswersToJson(s, parsed.answers).dump();
    json decision_json = kiosk::DecisionToJson(s, decision, kToday, lang);
    r.decision_json = decision_json.dump();
    if (decision_json["outcome"].is_string()) r.outcome = decision_json["outcome"].get<std::string>();
    return out;
}

// Answers to the default screening: moderate knee arthritis, "not sure" about pregnancy, and an
// answer to spine_warning, which is not shown for a knee (so it must not be exported).
json KneeAnswers() {
    return {{"consent_data", "yes"}, {"dob", "1976-03-02"}, {"sex_at_birth", "female"}, {"pregnant", "not_sure"},
            {"breastfeeding", "no"}, {"pain_area", "knee"}, {"pain_side", "right"}, {"diagnosis", "arthritis"},
            {"oa_severity", "moderate"}, {"pain_duration", "gt_1y"}, {"pain_score", 6},
            {"treatments_tried", {"pt", "meds"}}, {"lasting_relief", "short"}, {"prior_surgery", "scope"},
            {"surgery_date", "2020-05"}, {"spine_warning", {"none"}}, {"medications", {"nsaid"}}, {"height", 170},
            {"weight", 75}, {"tobacco", "current"}};
}

// A Spanish-speaking patient: accented labels everywhere, a weight typed in pounds.
json WristAnswers() {
    return {{"consent_data", "yes"}, {"dob", "1980-01-20"}, {"sex_at_birth", "male"}, {"pain_area", "wrist_hand"},
            {"pain_side", "both"}, {"diagnosis", "tendon"}, {"treatments_tried", {"rest", "brace"}},
            {"lasting_relief", "no_help"}, {"hot_joint", "no"}, {"weight", {{"value", 165}, {"unit", "lb"}}},
            {"interest", "prp"}};
}

// [SECTION] An RFC 4180 reader, written from the RFC, not from the exporter

struct Csv {
    std::vector<std::vector<std::string>> rows;
    std::string error;  // empty when the text is valid RFC 4180

    size_t Column(const std::string& name) const {
        for (size_t i = 0; i < rows.at(0).size(); ++i)
            if (rows[0][i] == name) return i;
        FAIL("no column " << name);
        return 0;
    }
    const std::string& Cell(size_t row, const std::string& column) const { return rows.at(row).at(Column(column)); }
};

// Records end in CRLF; a field is either plain (no quote, comma, CR or LF) or quoted, with a
// doubled quote standing for one. Anything else is an error.
Csv ParseCsv(const std::string& text) {
    Csv csv;
    std::vector<std::string> row;
    std::string field;
    size_t i = 0;
    auto fail = [&](const std::string& what) {
        csv.error = what + " at byte " + std::to_string(i);
        return csv;
    };
    while (i < text.size()) {
        field.clear();
        if (text[i] == '"') {
            ++i;
            for (;;) {
                if (i >= text.size()) return fail("unterminated quoted field");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
                if (text[i] == '"') return fail("quote inside an unquoted field");
                field += text[i++];
            }
        }
        row.push_back(field);
        if (i < text.size() && text[i] == ',') {
            ++i;
            if (i == text.size()) return fail("a comma ends the text");
            continue;
        }
        if (text.compare(i, 2, "\r\n") == 0) {
            i += 2;
            csv.rows.push_back(row);
            row.clear();
            continue;
        }
        return fail("a record does not end in CRLF");
    }
    if (!row.empty()) return fail("the last record has no CRLF");
    return csv;
}

const std::string kBom = "\xEF\xBB\xBF";

Csv ParseExport(const std::string& exported) {
    REQUIRE(exported.compare(0, kBom.size(), kBom) == 0);
    Csv csv = ParseCsv(exported.substr(kBom.size()));
    INFO(csv.error);
    REQUIRE(csv.error.empty());
    REQUIRE(!csv.rows.empty());
    return csv;
}

// [SECTION] FHIR R4 rules we can check without a FHIR server

// The R4 formats, checked by hand (GCC 12's <regex> trips -Wmaybe-uninitialized under -O2).
bool IsDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view digits) { return std::stoi(std::string(digits)); }

// [A-Za-z0-9\-\.]{1,64}
bool IsFhirId(std::string_view t) {
    return !t.empty() && t.size() <= 64 && std::all_of(t.begin(), t.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    });
}

// [^\s]+( [^\s]+)*: no whitespace but single inner spaces.
bool IsFhirCode(std::string_view t) {
    if (t.empty() || t.front() == ' ' || t.back() == ' ' || t.find("  ") != std::string_view::npos) return false;
    return std::none_of(t.begin(), t.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; });
}

// YYYY, YYYY-MM or YYYY-MM-DD, year 0001 and up.
bool IsFhirDate(std::string_view t) {
    if (t.size() != 4 && t.size() != 7 && t.size() != 10) return false;
    if (!IsDigits(t.substr(0, 4)) || Number(t.substr(0, 4)) == 0) return false;
    if (t.size() == 4) return true;
    if (t[4] != '-' || !IsDigits(t.substr(5, 2)) || Number(t.substr(5, 2)) < 1 || Number(t.substr(5, 2)) > 12) return false;
    if (t.size() == 7) return true;
    return t[7] == '-' && IsDigits(t.substr(8, 2)) && Number(t.substr(8, 2)) >= 1 && Number(t.substr(8, 2)) <= 31;
}

// hh:mm:ss(.fff)?(Z|+hh:mm|-hh:mm)
bool IsFhirTimeWithZone(std::string_view t) {
    if (t.size() < 9 || t[2] != ':' || t[5] != ':' || !IsDigits(t.substr(0, 2)) || !IsDigits(t.substr(3, 2)) || !IsDigits(t.substr(6, 2)))
        return false;
    if (Number(t.substr(0, 2)) > 23 || Number(t.substr(3, 2)) > 59 || Number(t.substr(6, 2)) > 60) return false;
    t.remove_prefix(8);
    if (t.front() == '.') {
        size_t digits = 1;
        while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
        if (digits == 1) return false;
        t.remove_prefix(digits);
    }
    if (t == "Z") return true;
    return t.size() == 6 && (t[0] == '+' || t[0] == '-') && IsDigits(t.substr(1, 2)) && t[3] == ':' && IsDigits(t.substr(4, 2));
}

bool IsFhirInstant(std::string_view t) { return t.size() > 11 && IsFhirDate(t.substr(0, 10)) && t[10] == 'T' && IsFhirTimeWithZone(t.substr(11)); }
bool IsFhirDateTime(std::string_view t) { return IsFhirDate(t) || IsFhirInstant(t); }

// urn:uuid: and a lowercase 8-4-4-4-12 UUID.
bool IsUrnUuid(std::string_view t) {
    const std::string_view prefix = "urn:uuid:";
    if (t.substr(0, prefix.size()) != prefix || t.size() != prefix.size() + 36) return false;
    t.remove_prefix(prefix.size());
    for (size_t i = 0; i < t.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        bool hex = (t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f');
        if (dash ? t[i] != '-' : !hex) return false;
    }
    return true;
}

// [A-Z]([A-Za-z0-9_]){0,254} (que-0)
bool IsComputableName(std::string_view t) {
    return !t.empty() && t.size() <= 255 && t[0] >= 'A' && t[0] <= 'Z' && std::all_of(t.begin(), t.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

bool Matches(const json& value, bool (*format)(std::string_view)) {
    return value.is_string() && format(value.get_ref<const std::string&>());
}

std::string Lines(const std::vector<std::string>& errors) {
    std::string out;
    for (const std::string& e : errors) out += e + "\n";
    return out;
}

bool IsValueKey(const std::string& key) { return key.rfind("value", 0) == 0 && key.size() > 5; }

// Rules of FHIR's JSON form that hold for every element: no null, no empty string, array or
// object (ele-1: an element has a value or children); an extension has an absolute url and
// either one value[x] or sub-extensions, not both (ext-1); codes are codes.
void CheckJsonForm(const json& value, const std::string& where, std::vector<std::string>& errors) {
    if (value.is_null()) errors.push_back(where + ": null");
    if (value.is_string() && value.get<std::string>().empty()) errors.push_back(where + ": empty string");
    if (value.is_array()) {
        if (value.empty()) errors.push_back(where + ": empty array");
        for (size_t i = 0; i < value.size(); ++i) CheckJsonForm(value[i], where + "[" + std::to_string(i) + "]", errors);
    }
    if (!value.is_object()) return;
    if (value.empty()) errors.push_back(where + ": empty object");
    for (const auto& [key, child] : value.items()) {
        std::string path = where + "." + key;
        if ((key == "valueCode" || key == "code") && !Matches(child, IsFhirCode)) errors.push_back(path + ": not a code");
        if (key == "extension") {
            for (const json& ext : child) {
                if (!ext.contains("url") || !ext["url"].is_string()) {
                    errors.push_back(path + ": extension without url");
                    continue;
                }
                int values = 0;
                for (const auto& [k, v] : ext.items()) values += IsValueKey(k) ? 1 : 0;
                bool nested = ext.contains("extension");
                if (values + (nested ? 1 : 0) != 1) errors.push_back(path + " " + ext["url"].get<std::string>() + ": needs one value[x] or sub-extensions (ext-1)");
            }
        }
        CheckJsonForm(child, path, errors);
    }
}

bool IsAbsoluteUrl(const json& url) { return url.is_string() && url.get<std::string>().find(':') != std::string::npos; }

struct ItemInfo {
    std::string type;
    bool repeats = false;
    std::set<std::string> options;  // "system|code"
    size_t position = 0;
};

// R4 Questionnaire: required elements, value sets, linkId uniqueness, answerOption only on choice
// (que-5), enableWhen on an earlier question with a matching answer type, enableBehavior when
// there is more than one (que-12), exists with a boolean (que-7), maxLength only on text (que-10).
std::map<std::string, ItemInfo> CheckQuestionnaire(const json& q, std::vector<std::string>& errors) {
    std::map<std::string, ItemInfo> items;
    CheckJsonForm(q, "Questionnaire", errors);
    if (q.value("resourceType", "") != "Questionnaire") errors.push_back("resourceType");
    static const std::set<std::string> kStatus = {"draft", "active", "retired", "unknown"};
    if (!kStatus.count(q.value("status", ""))) errors.push_back("status " + q.value("status", ""));
    if (!Matches(q["id"], IsFhirId)) errors.push_back("id");
    if (!IsAbsoluteUrl(q["url"])) errors.push_back("url");
    if (!Matches(q["name"], IsComputableName)) errors.push_back("name (que-0)");
    static const std::set<std::string> kTypes = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
                                                 "string", "text", "url", "choice", "open-choice", "attachment", "reference", "quantity"};
    static const std::set<std::string> kOperators = {"exists", "=", "!=", ">", "<", ">=", "<="};
    if (!q.contains("item")) errors.push_back("no items");
    size_t position = 0;
    for (const json& item : q.value("item", json::array())) {
        std::string link = item.value("linkId", "");
        if (link.empty()) errors.push_back("item without linkId");
        if (items.count(link)) errors.push_back("duplicate linkId " + link);
        ItemInfo info;
        info.type = item.value("type", "");
        info.repeats = item.value("repeats", false);
        info.position = position++;
        if (!kTypes.count(info.type)) errors.push_back(link + ": type " + info.type);
        if (!item.contains("text")) errors.push_back(link + ": no text");
        bool choice = info.type == "choice" || info.type == "open-choice";
        if (item.contains("answerOption") && !choice) errors.push_back(link + ": answerOption on a non-choice item (que-5)");
        if (choice && !item.contains("answerOption")) errors.push_back(link + ": choice without answerOption");
        if (item.contains("maxLength") && info.type != "string" && info.type != "text" && info.type != "open-choice")
            errors.push_back(link + ": maxLength (que-10)");
        for (const json& option : item.value("answerOption", json::array())) {
            int values = 0;
            for (const auto& [k, v] : option.items()) values += IsValueKey(k) ? 1 : 0;
            if (values != 1 || !option.contains("valueCoding")) errors.push_back(link + ": answerOption needs one value[x]");
            else info.options.insert(option["valueCoding"].value("system", "") + "|" + option["valueCoding"].value("code", ""));
        }
        const json& when = item.contains("enableWhen") ? item["enableWhen"] : json::array();
        if (when.size() > 1 && !item.contains("enableBehavior")) errors.push_back(link + ": enableBehavior missing (que-12)");
        if (item.contains("enableBehavior") && item["enableBehavior"] != "any" && item["enableBehavior"] != "all")
            errors.push_back(link + ": enableBehavior");
        for (const json& condition : when) {
            std::string target = condition.value("question", "");
            std::string op = condition.value("operator", "");
            if (!items.count(target)) {
                errors.push_back(link + ": enableWhen names '" + target + "', not an earlier item");
                continue;
            }
            if (!kOperators.count(op)) errors.push_back(link + ": operator " + op);
            int answers = 0;
            std::string answer_key;
            for (const auto& [k, v] : condition.items())
                if (k.rfind("answer", 0) == 0) {
                    ++answers;
                    answer_key = k;
                }
            if (answers != 1) errors.push_back(link + ": enableWhen needs one answer[x]");
            const ItemInfo& t = items[target];
            if (op == "exists") {
                if (answer_key != "answerBoolean") errors.push_back(link + ": exists needs answerBoolean (que-7)");
            } else if (t.type == "boolean" && answer_key != "answerBoolean") {
                errors.push_back(link + ": enableWhen on boolean " + target + " with " + answer_key);
            } else if (t.type == "choice") {
                if (answer_key != "answerCoding") errors.push_back(link + ": enableWhen on choice " + target + " with " + answer_key);
                else if (!t.options.count(condition[answer_key].value("system", "") + "|" + condition[answer_key].value("code", "")))
                    errors.push_back(link + ": enableWhen code is not an option of " + target);
            }
        }
        items[link] = info;
    }
    return items;
}

// Which value[x] an answer must have for each item type, and the check of its form.
bool AnswerFits(const ItemInfo& item, const json& answer, std::string& why) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : answer.items())
        if (IsValueKey(k) || k.rfind("_value", 0) == 0) keys.push_back(k);
    if (keys.size() != 1) {
        why = "an answer needs exactly one value[x]";
        return false;
    }
    std::string key = keys[0];
    const json& v = answer[key];
    if (key[0] == '_') {  // no value, with a data-absent-reason extension
        bool dar = v.contains("extension") && v["extension"].size() == 1 &&
                   v["extension"][0].value("url", "") == "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
        if (!dar) {
            why = key + " without a data-absent-reason";
            return false;
        }
        key = key.substr(1);
    }
    static const std::map<std::string, std::string> kKeyForType = {{"boolean", "valueBoolean"}, {"choice", "valueCoding"},
                                                                   {"integer", "valueInteger"}, {"decimal", "valueDecimal"},
                                                                   {"date", "valueDate"},       {"string", "valueString"}};
    auto expected = kKeyForType.find(item.type);
    if (expected == kKeyForType.end() || expected->second != key) {
        why = key + " on a " + item.type + " item";
        return false;
    }
    if (keys[0][0] == '_') return true;
    bool ok = key == "valueBoolean"   ? v.is_boolean()
            : key == "valueInteger"   ? v.is_number_integer()
            : key == "valueDecimal"   ? v.is_number()
            : key == "valueDate"      ? Matches(v, IsFhirDate)
            : key == "valueString"    ? v.is_string()
            : key == "valueCoding"    ? item.options.count(v.value("system", "") + "|" + v.value("code", "")) > 0
                                      : false;
    if (!ok) why = key + " " + v.dump() + " does not fit (type, date format, or not an answerOption)";
    return ok;
}

void CheckQuestionnaireResponse(const json& qr, const json& questionnaire, const std::map<std::string, ItemInfo>& items,
                                std::vector<std::string>& errors) {
    if (qr.value("resourceType", "") != "QuestionnaireResponse") errors.push_back("resourceType");
    static const std::set<std::string> kStatus = {"in-progress", "completed", "amended", "entered-in-error", "stopped"};
    if (!kStatus.count(qr.value("status", ""))) errors.push_back("status");
    if (!Matches(qr["id"], IsFhirId)) errors.push_back("id");
    if (qr.value("questionnaire", "") != questionnaire["url"].get<std::string>() + "|" + questionnaire["version"].get<std::string>())
        errors.push_back("questionnaire " + qr.value("questionnaire", ""));
    if (qr.contains("authored") && !Matches(qr["authored"], IsFhirDateTime)) errors.push_back("authored is not a dateTime");
    if (qr.contains("language") && !Matches(qr["language"], IsFhirCode)) errors.push_back("language");
    std::set<std::string> seen;
    size_t last = 0;
    for (const json& item : qr.value("item", json::array())) {
        std::string link = item.value("linkId", "");
        auto it = items.find(link);
        if (it == items.end()) {
            errors.push_back("item " + link + " is not in the Questionnaire");
            continue;
        }
        if (!seen.insert(link).second) errors.push_back("item " + link + " twice");
        if (it->second.position < last) errors.push_back("item " + link + " out of questionnaire order");
        last = it->second.position;
        const json& answers = item.value("answer", json::array());
        if (answers.empty()) errors.push_back(link + ": item without answers");
        if (answers.size() > 1 && !it->second.repeats) errors.push_back(link + ": several answers on a non-repeating item");
        for (const json& answer : answers) {
            std::string why;
            if (!AnswerFits(it->second, answer, why)) errors.push_back(link + ": " + why);
        }
    }
}

std::string Base64Decode(const std::string& text) {
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') break;
        size_t v = kAlphabet.find(c);
        if (v == std::string::npos) return "(not base64: '" + std::string(1, c) + "')";
        buffer = (buffer << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

// Pointers into `object`: its "extension" array by reference, never a copy.
const json& Extensions(const json& object) {
    static const json kNone = json::array();
    return object.contains("extension") ? object["extension"] : kNone;
}

const json* FindExtension(const json& object, const std::string& url) {
    for (const json& ext : Extensions(object))
        if (ext.value("url", "") == url) return &ext;
    return nullptr;
}

std::vector<const json*> Parts(const json& ext, const std::string& url) {
    std::vector<const json*> out;
    for (const json& part : Extensions(ext))
        if (part.value("url", "") == url) out.push_back(&part);
    return out;
}

const json& Item(const json& resource, const std::string& link) {
    for (const json& item : resource["item"])
        if (item["linkId"] == link) return item;
    FAIL("no item " << link);
    static const json kNone;
    return kNone;
}

bool HasItem(const json& resource, const std::string& link) {
    for (const json& item : resource.value("item", json::array()))
        if (item["linkId"] == link) return true;
    return false;
}

// [SECTION] Files

using test_support::TempDir;

using test_support::ReadFile;

std::vector<std::string> Listing(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// The screening's Questionnaire and a Bundle of `subs`, both checked against the R4 rules above;
// what breaks them goes to `errors`.
json CheckedBundle(const rules::Screening& screening, const std::vector<StoredSubmission>& subs, std::vector<std::string>& errors) {
    json questionnaire = kiosk::store::ExportQuestionnaire(screening, 0);
    auto items = CheckQuestionnaire(questionnaire, errors);
    json bundle = kiosk::store::ExportFhirBundle(screening, subs);
    CheckJsonForm(bundle, "Bundle", errors);
    for (const json& entry : bundle["entry"]) CheckQuestionnaireResponse(entry["resource"], questionnaire, items, errors);
    return bundle;
}

}  // namespace

// [SECTION] CSV

TEST_CASE("CSV: one row per submission, every row as wide as the header, codes and labels per question") {
    auto s = LoadDefault();
    std::vector<StoredSubmission> subs = {Submit(*s, KneeAnswers(), "en"), Submit(*s, WristAnswers(), "es"),
                                          Submit(*s, {{"consent_data", "yes"}}, "en")};
    std::string exported = kiosk::store::ExportCsv(*s, subs, 0);
    CHECK(exported.substr(exported.size() - 2) == "\r\n");
    Csv csv = ParseExport(exported);

    size_t width = 18 + s->tracks.size() + 2 * s->questions.size();
    REQUIRE(csv.rows.size() == subs.size() + 1);
    for (size_t r = 0; r < csv.rows.size(); ++r) {
        CAPTURE(r);
        CHECK(csv.rows[r].size() == width);
    }
    std::vector<std::string> start = {"id", "submitted_at", "started_at", "kiosk_id", "source", "language", "status", "reviewed_by",
                                      "reviewed_at", "screening_id",
                                      "screening_version", "screening_hash", "outcome", "outcome_label", "reasons", "reason_texts",
                                      "notes", "undetermined", "track_PRP", "track_BMAC", "track_ADIPOSE", "consent_data", "consent_data_label"};
    CHECK(std::vector<std::string>(csv.rows[0].begin(), csv.rows[0].begin() + static_cast<long>(start.size())) == start);
    CHECK(csv.rows[0].back() == "interest_label");

    SUBCASE("metadata and the decision") {
        for (size_t i = 0; i < subs.size(); ++i) {
            CAPTURE(i);
            json decision = json::parse(subs[i].record.decision_json);
            CHECK(csv.Cell(i + 1, "id") == subs[i].id);
            CHECK(csv.Cell(i + 1, "screening_hash") == s->content_hash);
            CHECK(csv.Cell(i + 1, "outcome") == decision["outcome"].get<std::string>());
            for (const rules::Track& t : s->tracks) CHECK(csv.Cell(i + 1, "track_" + t.id) == decision["tracks"][t.id].get<std::string>());
            std::vector<std::string> reasons;
            for (const json& rule : decision["reasons"])
                if (rule["reason"].is_string() && std::find(reasons.begin(), reasons.end(), rule["reason"]) == reasons.end())
                    reasons.push_back(rule["reason"].get<std::string>());
            // Then the answers that raised the outcome by leaving rules undetermined (spec 7a.3).
            for (const json& rule : decision["undetermined"])
                for (const json& code : rule.value("unknown_reasons", json::array()))
                    if (std::find(reasons.begin(), reasons.end(), code) == reasons.end()) reasons.push_back(code.get<std::string>());
            std::string joined;
            for (const std::string& reason : reasons) joined += (joined.empty() ? "" : "; ") + reason;
            if (decision.contains("fallback")) joined += (joined.empty() ? "" : "; ") + decision["fallback"]["reason"].get<std::string>();
            CHECK(csv.Cell(i + 1, "reasons") == joined);
        }
        // The knee patient: not sure about pregnancy (a review reason), an NSAID note, and
        // undetermined rules that name the questions they lacked.
        CHECK(csv.Cell(1, "outcome") == "CLINICIAN_REVIEW");
        CHECK(csv.Cell(1, "outcome_label") == "Clinician review");
        CHECK(csv.Cell(1, "reasons").find("R-PREG-UNSURE") != std::string::npos);
        CHECK(csv.Cell(1, "reason_texts").find("The patient is not sure whether she is pregnant.") != std::string::npos);
        CHECK(csv.Cell(1, "notes").find("R-NSAID-PREP") != std::string::npos);
        CHECK(csv.Cell(1, "undetermined").find("U1 (hot_joint)") != std::string::npos);
        // Other conditions skipped: no rule names it, the undetermined ones that lacked it do, and
        // the question is its text.
        CHECK(csv.Cell(1, "reasons").find("R-UNKNOWN-other_conditions") != std::string::npos);
        CHECK(csv.Cell(1, "reason_texts").find(s->questions[s->FindQuestion("other_conditions")].text[0]) != std::string::npos);
        // A Spanish submission exported for an English-speaking clinic: staff texts in English.
        CHECK(csv.Cell(2, "language") == "es");
        CHECK(csv.Cell(2, "outcome_label") == "Clinician review");
    }

    SUBCASE("per-question codes and labels in the clinic's language") {
        CHECK(csv.Cell(1, "pain_area") == "knee");
        CHECK(csv.Cell(1, "pain_area_label") == "Knee");
        CHECK(csv.Cell(1, "treatments_tried") == "pt|meds");
        CHECK(csv.Cell(1, "treatments_tried_label") == "Physical therapy or exercises for at least 6 weeks | Pain or anti-inflammatory medicine");
        CHECK(csv.Cell(1, "pregnant") == "not_sure");
        CHECK(csv.Cell(1, "pregnant_label") == "Not sure");
        CHECK(csv.Cell(1, "consent_data") == "yes");
        CHECK(csv.Cell(1, "consent_data_label") == "Yes, I agree");
        CHECK(csv.Cell(1, "surgery_date") == "2020-05");
        CHECK(csv.Cell(1, "pain_score") == "6");
        CHECK(csv.Cell(1, "height_label") == "170 cm");
        // Answered but not shown (spine questions for a knee): exported empty, as never asked.
        REQUIRE(subs[0].record.answers_json.find("spine_warning") != std::string::npos);
        CHECK(csv.Cell(1, "spine_warning") == "");
        CHECK(csv.Cell(1, "spine_warning_label") == "");
        // Skipped: empty.
        CHECK(csv.Cell(1, "interest") == "");
        CHECK(csv.Cell(3, "pain_area") == "");
        CHECK(csv.Cell(3, "pain_area_label") == "");
        // Pounds were converted to the question's kilograms when the answer was stored.
        CHECK(csv.Cell(2, "weight_label").rfind("74.8", 0) == 0);
    }
}

TEST_CASE("CSV, JSON Lines and FHIR: who reviewed a result and when, empty until it is reviewed") {
    auto s = LoadDefault();
    std::vector<StoredSubmission> subs = {Submit(*s, KneeAnswers(), "en"), Submit(*s, WristAnswers(), "es")};
    subs[0].status = kiosk::store::SubmissionStatus::Reviewed;
    subs[0].reviewed_by = "Dr Ana Ruiz, \"MD\"";  // a name with a comma and quotes stays one cell
    subs[0].reviewed_at = "2026-06-15T10:30:00.123Z";

    Csv csv = ParseExport(kiosk::store::ExportCsv(*s, subs, 0));
    CHECK(csv.Cell(1, "status") == "reviewed");
    CHECK(csv.Cell(1, "reviewed_by") == "Dr Ana Ruiz, \"MD\"");
    CHECK(csv.Cell(1, "reviewed_at") == "2026-06-15T10:30:00.123Z");
    CHECK(csv.Cell(2, "status") == "pending");
    CHECK(csv.Cell(2, "reviewed_by") == "");
    CHECK(csv.Cell(2, "reviewed_at") == "");

    std::stringstream lines(kiosk::store::ExportJsonl(subs));
    std::string first, second;
    std::getline(lines, first);
    std::getline(lines, second);
    CHECK(json::parse(first)["reviewed_by"] == "Dr Ana Ruiz, \"MD\"");
    CHECK(json::parse(first)["reviewed_at"] == "2026-06-15T10:30:00.123Z");
    CHECK(json::parse(second)["reviewed_by"].is_null());
    CHECK(json::parse(second)["reviewed_at"].is_null());

    // FHIR: the reviewer in R4's own questionnaireresponse-reviewer extension (a Reference with the
    // name as its display), the time in the kiosk-submission extension; the Bundle stays valid.
    std::vector<std::string> errors;
    json bundle = CheckedBundle(*s, subs, errors);
    CHECK_MESSAGE(errors.empty(), Lines(errors));
    const json& reviewed = bundle["entry"][0]["resource"];
    const json* reviewer = FindExtension(reviewed, "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-reviewer");
    REQUIRE(reviewer);
    CHECK(*reviewer == json({{"url", "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-reviewer"},
                             {"valueReference", {{"display", "Dr Ana Ruiz, \"MD\""}}}}));
    const json* submission = FindExtension(reviewed, kiosk::store::FhirExtensionUrl(*s, "kiosk-submission"));
    REQUIRE(submission);
    REQUIRE(Parts(*submission, "reviewedAt").size() == 1);
    CHECK(Parts(*submission, "reviewedAt")[0]->at("valueDateTime") == "2026-06-15T10:30:00.123Z");
    CHECK(Matches(Parts(*submission, "reviewedAt")[0]->at("valueDateTime"), IsFhirDateTime));
    const json& pending = bundle["entry"][1]["resource"];
    CHECK_FALSE(FindExtension(pending, "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-reviewer"));
    CHECK(Parts(*FindExtension(pending, kiosk::store::FhirExtensionUrl(*s, "kiosk-submission")), "reviewedAt").empty());
}

TEST_CASE("CSV: Spanish accents survive, labels follow the export language") {
    auto s = LoadDefault();
    std::vector<StoredSubmission> subs = {Submit(*s, WristAnswers(), "es"), Submit(*s, KneeAnswers(), "en")};
    Csv csv = ParseExport(kiosk::store::ExportCsv(*s, subs, s->FindLanguage("es")));
    CHECK(csv.Cell(1, "pain_area_label") == "Muñeca o mano");
    CHECK(csv.Cell(1, "treatments_tried_label") == "Descanso o cambiar sus actividades | Soporte, férula, cinta o plantillas para los zapatos");
    CHECK(csv.Cell(1, "outcome_label") == "Revisión por un médico");
    CHECK(csv.Cell(2, "pregnant_label") == "No sé");
    CHECK(csv.Cell(2, "consent_data_label") == "Sí, estoy de acuerdo");
    // The reason texts come from the screening in Spanish, not from the English decision.
    json decision = json::parse(subs[1].record.decision_json);
    auto c14 = std::find_if(decision["reasons"].begin(), decision["reasons"].end(), [](const json& r) { return r["id"] == "C-14"; });
    REQUIRE(c14 != decision["reasons"].end());
    CHECK(csv.Cell(2, "reason_texts").find((*c14)["reason_text"].get<std::string>()) == std::string::npos);
    CHECK(csv.Cell(2, "reason_texts").find(s->rules[s->FindRule("C-14")].reason_text[1]) != std::string::npos);
}

TEST_CASE("CSV: a value with comma, quote and newline round-trips, formula cells are neutralised") {
    auto s = LoadTestScreening();
    const std::string tricky = "Left knee, \"bad\" days\r\nand nights\nÑandú, señor";
    const std::string formula = "=HYPERLINK(\"http://evil.example/x\",\"Click\")";
    std::vector<StoredSubmission> subs = {
        Submit(*s, {{"consent", "yes"}, {"comment", tricky}, {"feeling", "good"}}, "es", "Lobby, \"north\"\nside"),
        Submit(*s, {{"consent", "yes"}, {"comment", formula}, {"temp_change", -5}, {"fever", "yes"}, {"fever_note", "+1 day, -ish"}}, "en",
               "@SUM(1+1)*cmd|' /C calc'!A0"),
        Submit(*s, {{"consent", "yes"}, {"comment", "\tTab first"}, {"fever", "not_sure"}, {"feeling", "not_sure"},
                    {"symptoms", "not_sure"}}, "en", "-kiosk"),
        Submit(*s, {{"consent", "yes"}, {"comment", "\rCR first"}, {"symptoms", {"cough", "ache"}}, {"onset", "2026-03"},
                    {"weight", 72.5}}, "en")};
    std::string exported = kiosk::store::ExportCsv(*s, subs, 0);
    Csv csv = ParseExport(exported);
    REQUIRE(csv.rows.size() == 5);

    CHECK(csv.Cell(1, "comment") == tricky);
    CHECK(csv.Cell(1, "kiosk_id") == "Lobby, \"north\"\nside");
    CHECK(csv.Cell(1, "feeling_label") == "Good");
    CHECK(csv.Cell(2, "comment") == "'" + formula);
    CHECK(csv.Cell(2, "kiosk_id") == "'@SUM(1+1)*cmd|' /C calc'!A0");
    CHECK(csv.Cell(2, "fever_note") == "'+1 day, '-ish");  // a spreadsheet ignoring the quotes splits at the comma
    // A negative number is data, but a leading '-' is a formula start to a spreadsheet.
    CHECK(csv.Cell(2, "temp_change") == "'-5");
    CHECK(csv.Cell(2, "temp_change_label") == "'-5 C");
    CHECK(csv.Cell(2, "notes") == "R-COLD");
    // Feeling skipped left rules undetermined that raised the outcome: each answer is named.
    CHECK(csv.Cell(2, "reasons") == "R-FEVER; R-UNKNOWN-feeling; R-UNKNOWN-bad_detail");
    CHECK(csv.Cell(2, "reason_texts") == "Fever reported, \"check\" today.\nHow do you feel?\nSince when?");
    CHECK(csv.Cell(3, "comment") == " Tab first");  // a tab is a space in CSV (safe_text.h)
    CHECK(csv.Cell(3, "kiosk_id") == "'-kiosk");
    CHECK(csv.Cell(3, "fever") == "not_sure");
    CHECK(csv.Cell(3, "symptoms_label") == "Not sure");
    CHECK(csv.Cell(4, "comment") == "\nCR first");  // a lone CR is a line break
    CHECK(csv.Cell(4, "symptoms") == "cough|ache");
    CHECK(csv.Cell(4, "onset") == "2026-03");
    CHECK(csv.Cell(4, "weight") == "72.5");
    CHECK(csv.Cell(4, "weight_label") == "72.5 kg");
    // Not shown: fever_note without a fever, bad_detail without feeling bad.
    CHECK(csv.Cell(1, "fever_note") == "");
    CHECK(csv.Cell(1, "bad_detail") == "");

    // No cell anywhere starts with a character a spreadsheet would act on.
    for (size_t r = 0; r < csv.rows.size(); ++r)
        for (size_t c = 0; c < csv.rows[r].size(); ++c) {
            const std::string& cell = csv.rows[r][c];
            CAPTURE(r);
            CAPTURE(csv.rows[0][c]);
            CHECK((cell.empty() || std::string("=+-@\t\r").find(cell[0]) == std::string::npos));
        }
}

namespace {

// Every piece of `text` that a spreadsheet may take as a cell, whichever of , ; TAB it splits on
// and whether or not it honours quotes: the text after each separator (or the start), past the
// spaces and quotes a reader may strip: those that start with = + - or @.
std::vector<std::string> FormulaPieces(const std::string& text) {
    std::vector<std::string> found;
    bool piece_start = true;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (piece_start && std::string_view("=+-@").find(c) != std::string_view::npos)
            found.push_back(text.substr(i, std::min<size_t>(24, text.size() - i)));
        if (std::string_view(",;\t\r\n").find(c) != std::string_view::npos) piece_start = true;
        else if (c != ' ' && c != '"') piece_start = false;
    }
    return found;
}

}  // namespace

TEST_CASE("CSV: a formula after a semicolon or a tab inside a cell is neutralised too, and no piece of the file starts one") {
    auto s = LoadTestScreening();
    const std::string hyperlink = "=HYPERLINK(\"http://evil.example/x\",\"Click\")";
    std::vector<StoredSubmission> subs = {
        Submit(*s, {{"consent", "yes"}, {"comment", "pain;" + hyperlink}}, "en", "front;+1"),
        Submit(*s, {{"consent", "yes"}, {"comment", "knee\t@SUM(1+1)*cmd|' /C calc'!A0"}}, "en"),
        Submit(*s, {{"consent", "yes"}, {"comment", "ok; \"=cmd|' /C calc'!A0\""}, {"fever", "yes"}, {"fever_note", "x, -2+3"}}, "en"),
        Submit(*s, {{"consent", "yes"}, {"comment", "line one\r\n-2+3 line two"}}, "en", "\t=kiosk")};
    const std::string exported = kiosk::store::ExportCsv(*s, subs, 0);
    Csv csv = ParseExport(exported);
    REQUIRE(csv.rows.size() == 5);

    // Read as the comma-separated file it is, each formula start carries an apostrophe.
    CHECK(csv.Cell(1, "comment") == "pain;'" + hyperlink);
    CHECK(csv.Cell(1, "kiosk_id") == "front;'+1");
    CHECK(csv.Cell(2, "comment") == "knee @SUM(1+1)*cmd|' /C calc'!A0");  // the tab is a space: no new cell
    CHECK(csv.Cell(3, "comment") == "ok; \"'=cmd|' /C calc'!A0\"");
    CHECK(csv.Cell(3, "fever_note") == "x, '-2+3");
    CHECK(csv.Cell(4, "comment") == "line one\r\n'-2+3 line two");
    CHECK(csv.Cell(4, "kiosk_id") == " '=kiosk");

    // Read by a spreadsheet that splits on ';' or tab, or ignores the quotes: nothing to run.
    const std::vector<std::string> pieces = FormulaPieces(exported);
    CAPTURE(pieces.size());
    for (const std::string& piece : pieces) CHECK_MESSAGE(false, "a formula start: " << piece);
    // The check itself sees what the export used to write.
    CHECK(FormulaPieces("id,pain;=HYPERLINK(1)\r\n").size() == 1);
}

TEST_CASE("CSV and FHIR: control characters and bidirectional overrides in stored text are replaced with U+FFFD") {
    auto s = LoadTestScreening();
    // U+202E shows "invoice_fdp.exe" as "invoice_exe.pdf"; ESC [31m turns a terminal red; U+2066..U+2069
    // isolate; U+200F is a right-to-left mark; DEL and U+0085 (a C1 control) are invisible.
    const std::string comment = "invoice_\xE2\x80\xAE" "fdp.exe \x1B[31mred\x07 \xE2\x81\xA6iso\xE2\x81\xA9 rtl\xE2\x80\x8F del\x7F c1\xC2\x85 \xC3\xB1";
    const std::string safe = "invoice_\xEF\xBF\xBD" "fdp.exe \xEF\xBF\xBD[31mred\xEF\xBF\xBD \xEF\xBF\xBDiso\xEF\xBF\xBD "
                             "rtl\xEF\xBF\xBD del\xEF\xBF\xBD c1\xEF\xBF\xBD \xC3\xB1";
    std::vector<StoredSubmission> subs = {Submit(*s, {{"consent", "yes"}, {"comment", comment}}, "en", "kiosk\x1B]0;x\x07")};

    Csv csv = ParseExport(kiosk::store::ExportCsv(*s, subs, 0));
    CHECK(csv.Cell(1, "comment") == safe);
    CHECK(csv.Cell(1, "kiosk_id") == "kiosk\xEF\xBF\xBD]0;x\xEF\xBF\xBD");

    json bundle = kiosk::store::ExportFhirBundle(*s, subs);
    const json& response = bundle["entry"][0]["resource"];
    std::string answer, kiosk_id;
    for (const json& item : response["item"])
        if (item["linkId"] == "comment") answer = item["answer"][0]["valueString"].get<std::string>();
    for (const json& extension : response["extension"])
        for (const json& part : extension.value("extension", json::array()))
            if (part["url"] == "kioskId") kiosk_id = part["valueString"].get<std::string>();
    CHECK(answer == safe);
    CHECK(kiosk_id == "kiosk\xEF\xBF\xBD]0;x\xEF\xBF\xBD");
    // The text export (one entry at a time) writes the same.
    CHECK(kiosk::store::ExportFhirBundleText(*s, subs).find(json(safe).dump()) != std::string::npos);
}

TEST_CASE("CSV: no submissions gives the header alone") {
    auto s = LoadTestScreening();
    Csv csv = ParseExport(kiosk::store::ExportCsv(*s, {}, 0));
    CHECK(csv.rows.size() == 1);
}

TEST_CASE("CSV: a row whose stored JSON cannot be read is exported with empty cells, not dropped") {
    auto s = LoadTestScreening();
    StoredSubmission broken = Submit(*s, {{"consent", "yes"}, {"feeling", "good"}}, "en");
    broken.record.answers_json = "{not json";
    broken.record.decision_json = "[]";
    Csv csv = ParseExport(kiosk::store::ExportCsv(*s, {broken}, 0));
    REQUIRE(csv.rows.size() == 2);
    CHECK(csv.Cell(1, "id") == broken.id);
    CHECK(csv.Cell(1, "feeling") == "");
    CHECK(csv.Cell(1, "outcome") == "");
    json line = json::parse(kiosk::store::ExportJsonl({broken}));
    CHECK(line["answers"] == "{not json");  // kept as text: JSON Lines loses nothing
    CHECK(line["decision"] == json::array());
}

TEST_CASE("CSV: a submission decided on another file keeps the texts stored with its decision") {
    auto s = LoadDefault();
    StoredSubmission older = Submit(*s, WristAnswers(), "es");
    older.record.screening_hash = "0123456789abcdef";  // decided on an earlier edit of the file
    Csv csv = ParseExport(kiosk::store::ExportCsv(*s, {older, Submit(*s, WristAnswers(), "es")}, 0));
    CHECK(csv.Cell(1, "outcome_label") == "Revisión por un médico");  // as stored, in the patient's language
    CHECK(csv.Cell(2, "outcome_label") == "Clinician review");        // same file: the clinic's language
    CHECK(csv.Cell(1, "pain_area_label") == "Wrist or hand");         // option labels: by code, from the file
}

// [SECTION] JSON Lines

TEST_CASE("JSON Lines: one object a line with the stored answers and decision") {
    auto s = LoadDefault();
    std::vector<StoredSubmission> subs = {Submit(*s, KneeAnswers(), "en"), Submit(*s, WristAnswers(), "es", "kiosk-\"2\"")};
    std::string exported = kiosk::store::ExportJsonl(subs);
    std::vector<std::string> lines;
    std::stringstream in(exported);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    REQUIRE(lines.size() == subs.size());
    CHECK(exported.back() == '\n');
    for (size_t i = 0; i < lines.size(); ++i) {
        CAPTURE(i);
        json object = json::parse(lines[i]);
        const auto& r = subs[i].record;
        CHECK(object["id"] == subs[i].id);
        CHECK(object["kiosk_id"] == r.kiosk_id);
        CHECK(object["started_at"] == r.started_at);
        CHECK(object["submitted_at"] == r.submitted_at);
        CHECK(object["source"] == "kiosk");
        CHECK(object["status"] == "pending");
        CHECK(object["language"] == r.language);
        CHECK(object["screening"] == json({{"id", r.screening_id}, {"version", r.screening_version}, {"hash", r.screening_hash}}));
        CHECK(object["answers"] == json::parse(r.answers_json));
        CHECK(object["decision"] == json::parse(r.decision_json));
    }
    CHECK(exported.find("Muñeca") == std::string::npos);  // answers hold codes; labels are not invented
    CHECK(exported.find("\\u00") == std::string::npos);   // UTF-8 as is, not escaped
}

// [SECTION] FHIR

TEST_CASE("the test's FHIR format checks accept and refuse what R4's regular expressions do") {
    CHECK(IsFhirDate("2026"));
    CHECK(IsFhirDate("2026-03"));
    CHECK(IsFhirDate("1976-03-02"));
    CHECK_FALSE(IsFhirDate("2026-13"));
    CHECK_FALSE(IsFhirDate("0000-01-01"));
    CHECK_FALSE(IsFhirDate("2026-3-2"));
    CHECK(IsFhirInstant("2026-06-15T09:08:00.000Z"));
    CHECK(IsFhirInstant("2026-06-15T09:08:00+02:00"));
    CHECK_FALSE(IsFhirInstant("2026-06-15T09:08:00"));  // an instant needs a zone
    CHECK_FALSE(IsFhirInstant("2026-06-15"));
    CHECK(IsFhirDateTime("2026-06-15"));
    CHECK(IsFhirDateTime("2026-06-15T09:08:00.123Z"));
    CHECK_FALSE(IsFhirDateTime("2026-06-15T25:00:00Z"));
    CHECK(IsFhirCode("CLINICIAN_REVIEW"));
    CHECK(IsFhirCode("two words"));
    CHECK_FALSE(IsFhirCode(" lead"));
    CHECK_FALSE(IsFhirCode("a\tb"));
    CHECK(IsFhirId("9ef97bb8-5874-449f-8a32-550dbb8ef23c"));
    CHECK_FALSE(IsFhirId("has_underscore"));
    CHECK_FALSE(IsFhirId(std::string(65, 'a')));
    CHECK(IsUrnUuid("urn:uuid:9ef97bb8-5874-449f-8a32-550dbb8ef23c"));
    CHECK_FALSE(IsUrnUuid("urn:uuid:9EF97BB8-5874-449f-8a32-550dbb8ef23c"));
    CHECK(IsComputableName("RegenOrthoDefault"));
    CHECK_FALSE(IsComputableName("regen-ortho"));
}

TEST_CASE("FHIR Questionnaire: R4 rules, translations, and show_if as enableWhen where it maps") {
    auto s = LoadDefault();
    json q = kiosk::store::ExportQuestionnaire(*s, 0);
    std::vector<std::string> errors;
    auto items = CheckQuestionnaire(q, errors);
    CHECK_MESSAGE(errors.empty(), Lines(errors));
    CHECK(q["url"] == s->canonical_url);
    CHECK(q["version"] == "1.0.0");
    CHECK(q["status"] == "draft");
    CHECK(q["name"] == "RegenOrthoDefault");
    CHECK(items.size() == s->questions.size());

    const json& consent = Item(q, "consent_data");
    CHECK(consent["type"] == "boolean");
    CHECK(consent["required"] == true);
    CHECK(Item(q, "treatments_tried")["repeats"] == true);
    CHECK(Item(q, "dob")["type"] == "date");
    CHECK(Item(q, "height")["type"] == "decimal");
    CHECK(Item(q, "pain_score")["type"] == "integer");

    SUBCASE("the other language rides in the translation extension") {
        const json& area = Item(q, "pain_area");
        CHECK(area["text"].get<std::string>().rfind("Where is the pain", 0) == 0);
        const json& translation = area["_text"]["extension"][0];
        CHECK(translation["url"] == "http://hl7.org/fhir/StructureDefinition/translation");
        CHECK(translation["extension"][0] == json({{"url", "lang"}, {"valueCode", "es"}}));
        CHECK(translation["extension"][1]["valueString"].get<std::string>().rfind("¿Dónde tiene el dolor", 0) == 0);
        json spanish = kiosk::store::ExportQuestionnaire(*s, 1);
        CHECK(spanish["language"] == "es");
        CHECK(Item(spanish, "pain_area")["answerOption"][4]["valueCoding"]["display"] == "Muñeca o mano");
    }

    SUBCASE("mapped show_ifs") {
        std::string system = kiosk::store::FhirCodeSystemUrl(*s, "pain_area");
        const json& side = Item(q, "pain_side");  // pain_area not in [low_back, neck, other]
        CHECK(side["enableBehavior"] == "all");
        CHECK(side["enableWhen"] == json::array({{{"question", "pain_area"}, {"operator", "!="}, {"answerCoding", {{"system", system}, {"code", "low_back"}}}},
                                                 {{"question", "pain_area"}, {"operator", "!="}, {"answerCoding", {{"system", system}, {"code", "neck"}}}},
                                                 {{"question", "pain_area"}, {"operator", "!="}, {"answerCoding", {{"system", system}, {"code", "other"}}}}}));
        const json& dob = Item(q, "dob");  // consent_data = yes; a skipped consent asks rather than assumes
        CHECK(dob["enableBehavior"] == "any");
        CHECK(dob["enableWhen"] == json::array({{{"question", "consent_data"}, {"operator", "="}, {"answerBoolean", true}},
                                                {{"question", "consent_data"}, {"operator", "exists"}, {"answerBoolean", false}}}));
        const json& severity = Item(q, "oa_severity");  // diagnosis = arthritis; diagnosis offers "not sure"
        CHECK(severity["enableWhen"].size() == 3);
        CHECK(severity["enableWhen"][1]["answerCoding"]["code"] == "asked-unknown");
        const json& steroid = Item(q, "last_steroid_shot");  // steroid_shot in treatments_tried
        CHECK(steroid["enableWhen"][0] == json({{"question", "treatments_tried"}, {"operator", "="},
                                                {"answerCoding", {{"system", kiosk::store::FhirCodeSystemUrl(*s, "treatments_tried")}, {"code", "steroid_shot"}}}}));
        CHECK(Item(q, "surgery_date")["enableWhen"].size() == 6);  // 4 codes, not sure, skipped
    }

    SUBCASE("unmapped show_ifs carry the expression and say the kiosk computes them") {
        std::string url = kiosk::store::FhirExtensionUrl(*s, "kiosk-show-if");
        for (const char* id : {"pregnant", "breastfeeding", "lasting_relief", "replacement_plan", "spine_warning"}) {
            CAPTURE(id);
            const json& item = Item(q, id);
            CHECK_FALSE(item.contains("enableWhen"));
            const json* ext = FindExtension(item, url);
            REQUIRE(ext);
            CHECK(*Parts(*ext, "enableWhen")[0] == json({{"url", "enableWhen"}, {"valueBoolean", false}}));
        }
        CHECK(Parts(*FindExtension(Item(q, "pregnant"), url), "expression")[0]->at("valueString") ==
              "sex_at_birth != male and (not answered(dob) or (age >= PREG_Q_AGE_MIN and age <= PREG_Q_AGE_MAX))");
        CHECK(Parts(*FindExtension(Item(q, "dob"), url), "enableWhen")[0]->at("valueBoolean") == true);
        CHECK_FALSE(FindExtension(Item(q, "pain_area"), url));
    }

    SUBCASE("every printed show_if says what the file says") {
        // Compared without parentheses and spaces: the printer drops redundant parentheses.
        std::string text = ReadFile(KIOSK_SOURCE_DIR "/assets/screenings/default.toml");
        std::vector<std::string> sources;
        const std::string key = "\nshow_if = \"";
        for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
            size_t begin = at + key.size();
            sources.push_back(text.substr(begin, text.find('"', begin) - begin));
        }
        auto strip = [](std::string t) {
            std::erase_if(t, [](char c) { return c == '(' || c == ')' || c == ' '; });
            return t;
        };
        std::string url = kiosk::store::FhirExtensionUrl(*s, "kiosk-show-if");
        size_t n = 0;
        for (const rules::Question& question : s->questions) {
            if (question.show_if < 0) continue;
            REQUIRE(n < sources.size());
            CAPTURE(question.id);
            const json* ext = FindExtension(Item(q, question.id), url);
            REQUIRE(ext);
            CHECK(strip(Parts(*ext, "expression")[0]->at("valueString")) == strip(sources[n++]));
        }
        CHECK(n == sources.size());
    }
}

TEST_CASE("FHIR Questionnaire: the test screening's show_ifs, including one that cannot map") {
    auto s = LoadTestScreening();
    json q = kiosk::store::ExportQuestionnaire(*s, 0);
    std::vector<std::string> errors;
    CheckQuestionnaire(q, errors);
    CHECK_MESSAGE(errors.empty(), Lines(errors));
    CHECK(Item(q, "comment")["type"] == "string");
    CHECK(Item(q, "comment")["maxLength"] == 500);
    CHECK(Item(q, "onset")["type"] == "date");
    CHECK_FALSE(Item(q, "fever_note").contains("enableWhen"));  // fever = yes, but fever offers "not sure"
    CHECK(Item(q, "no_cough")["enableWhen"] == json::array({{{"question", "symptoms"}, {"operator", "!="},
                                                              {"answerCoding", {{"system", kiosk::store::FhirCodeSystemUrl(*s, "symptoms")}, {"code", "cough"}}}}}));
    CHECK_FALSE(Item(q, "no_cough").contains("enableBehavior"));
    // "Not sure" is an answer option of choice items, so a not-sure answer is valid for them.
    CHECK(Item(q, "feeling")["answerOption"].back()["valueCoding"]["code"] == "asked-unknown");
    CHECK(Item(q, "feeling")["answerOption"].back()["valueCoding"]["display"] == "Not sure");
}

TEST_CASE("FHIR Bundle: QuestionnaireResponses that fit the Questionnaire and carry the decision") {
    auto s = LoadDefault();
    std::vector<StoredSubmission> subs = {Submit(*s, KneeAnswers(), "en"), Submit(*s, WristAnswers(), "es"),
                                          Submit(*s, {{"consent_data", "yes"}}, "en")};
    json questionnaire = kiosk::store::ExportQuestionnaire(*s, 0);
    std::vector<std::string> q_errors;
    auto items = CheckQuestionnaire(questionnaire, q_errors);
    REQUIRE_MESSAGE(q_errors.empty(), Lines(q_errors));
    json bundle = kiosk::store::ExportFhirBundle(*s, subs);

    std::vector<std::string> errors;
    CheckJsonForm(bundle, "Bundle", errors);
    CHECK(bundle["resourceType"] == "Bundle");
    CHECK(bundle["type"] == "collection");
    CHECK(Matches(bundle["timestamp"], IsFhirInstant));
    REQUIRE(bundle["entry"].size() == subs.size());
    std::set<std::string> full_urls;
    for (size_t i = 0; i < subs.size(); ++i) {
        const json& entry = bundle["entry"][i];
        CHECK(Matches(entry["fullUrl"], IsUrnUuid));
        CHECK(full_urls.insert(entry["fullUrl"].get<std::string>()).second);
        const json& qr = entry["resource"];
        CHECK(entry["fullUrl"] == "urn:uuid:" + qr["id"].get<std::string>());
        CHECK(qr["id"] == subs[i].id);
        CHECK(qr["authored"] == subs[i].record.submitted_at);
        CHECK(qr["language"] == subs[i].record.language);
        CheckQuestionnaireResponse(qr, questionnaire, items, errors);
    }
    CHECK_MESSAGE(errors.empty(), Lines(errors));

    const json& knee = bundle["entry"][0]["resource"];
    SUBCASE("answers typed as their items") {
        CHECK(Item(knee, "consent_data")["answer"] == json::array({{{"valueBoolean", true}}}));
        CHECK(Item(knee, "pain_area")["answer"][0]["valueCoding"] ==
              json({{"system", kiosk::store::FhirCodeSystemUrl(*s, "pain_area")}, {"code", "knee"}, {"display", "Knee"}}));
        CHECK(Item(knee, "treatments_tried")["answer"].size() == 2);
        CHECK(Item(knee, "pain_score")["answer"][0]["valueInteger"] == 6);
        CHECK(Item(knee, "height")["answer"][0]["valueDecimal"] == 170.0);
        CHECK(Item(knee, "dob")["answer"][0]["valueDate"] == "1976-03-02");
        CHECK(Item(knee, "surgery_date")["answer"][0]["valueDate"] == "2020-05");
        // "Not sure" on a yes/no item: the boolean is absent, with the reason why.
        CHECK(Item(knee, "pregnant")["answer"] ==
              json::parse(R"([{"_valueBoolean": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "asked-unknown"}]}}])"));
        // Skipped and not-shown questions are left out.
        CHECK_FALSE(HasItem(knee, "interest"));
        CHECK_FALSE(HasItem(knee, "spine_warning"));
        CHECK_FALSE(HasItem(bundle["entry"][2]["resource"], "pain_area"));
        // Labels in the patient's language.
        CHECK(Item(bundle["entry"][1]["resource"], "pain_area")["answer"][0]["valueCoding"]["display"] == "Muñeca o mano");
    }

    SUBCASE("the decision rides in an extension, structured and whole") {
        for (size_t i = 0; i < subs.size(); ++i) {
            CAPTURE(i);
            const json& qr = bundle["entry"][i]["resource"];
            json decision = json::parse(subs[i].record.decision_json);
            const json* ext = FindExtension(qr, kiosk::store::FhirExtensionUrl(*s, "screening-decision"));
            REQUIRE(ext);
            CHECK(Parts(*ext, "outcome")[0]->at("valueCode") == decision["outcome"]);
            CHECK(Parts(*ext, "reason").size() == decision["reasons"].size());
            CHECK(Parts(*ext, "note").size() == decision["notes"].size());
            CHECK(Parts(*ext, "undetermined").size() == decision["undetermined"].size());
            CHECK(Parts(*ext, "track").size() == s->tracks.size());
            CHECK(Parts(*ext, "contentHash")[0]->at("valueString") == s->content_hash);
            const json& attachment = Parts(*ext, "decisionJson")[0]->at("valueAttachment");
            CHECK(attachment["contentType"] == "application/json");
            CHECK(Base64Decode(attachment["data"].get<std::string>()) == subs[i].record.decision_json);
        }
        const json* ext = FindExtension(knee, kiosk::store::FhirExtensionUrl(*s, "screening-decision"));
        bool found = false;
        for (const json* reason : Parts(*ext, "reason"))
            if (Parts(*reason, "reason")[0]->at("valueCode") == "R-PREG-UNSURE") {
                found = true;
                CHECK(Parts(*reason, "rule")[0]->at("valueCode") == "C-14");
                CHECK(Parts(*reason, "level")[0]->at("valueCode") == "CLINICIAN_REVIEW");
                CHECK_FALSE(Parts(*reason, "staffText").empty());
            }
        CHECK(found);
        for (const json* undetermined : Parts(*ext, "undetermined"))
            CHECK_FALSE(Parts(*undetermined, "missing").empty());
    }
}

TEST_CASE("FHIR Bundle: the test screening's not-sure, text, negative, decimal and month answers fit their items") {
    auto s = LoadTestScreening();
    std::vector<StoredSubmission> subs = {
        Submit(*s, {{"consent", "yes"}, {"comment", "=1+1, \"quoted\"\nÑ"}, {"temp_change", -5}, {"feeling", "not_sure"},
                    {"symptoms", "not_sure"}, {"fever", "not_sure"}, {"fever_note", "since Monday"}}, "es"),
        Submit(*s, {{"consent", "no"}, {"symptoms", {"cough", "ache"}}, {"onset", "2026-03"}, {"weight", 72.5},
                    {"feeling", "bad"}, {"bad_detail", "today"}}, "en")};
    std::vector<std::string> errors;
    json bundle = CheckedBundle(*s, subs, errors);
    CHECK_MESSAGE(errors.empty(), Lines(errors));

    const json& first = bundle["entry"][0]["resource"];
    CHECK(Item(first, "comment")["answer"][0]["valueString"] == "=1+1, \"quoted\"\nÑ");  // FHIR is not a spreadsheet
    CHECK(Item(first, "temp_change")["answer"][0]["valueInteger"] == -5);
    CHECK(Item(first, "feeling")["answer"][0]["valueCoding"] ==
          json({{"system", "http://terminology.hl7.org/CodeSystem/data-absent-reason"}, {"code", "asked-unknown"}, {"display", "No sé"}}));
    CHECK(Item(first, "symptoms")["answer"].size() == 1);
    CHECK(Item(first, "fever_note")["answer"][0]["valueString"] == "since Monday");  // unknown fever: asked
    const json& second = bundle["entry"][1]["resource"];
    CHECK(Item(second, "consent")["answer"][0]["valueBoolean"] == false);
    CHECK(Item(second, "onset")["answer"][0]["valueDate"] == "2026-03");
    CHECK(Item(second, "weight")["answer"][0]["valueDecimal"] == 72.5);
    CHECK(Item(second, "symptoms")["answer"].size() == 2);
    CHECK(second["questionnaire"] == "https://kiosk.example.org/fhir/Questionnaire/export-test|2.1");
    const json* ext = FindExtension(second, kiosk::store::FhirExtensionUrl(*s, "screening-decision"));
    REQUIRE(ext);
    CHECK(Parts(*ext, "outcome")[0]->at("valueCode") == "HIGH");
}

// [SECTION] Decisions stored before the reasons were named "reasons"

TEST_CASE("submissions stored before the reasons were named \"reasons\" export as they did then: CSV cell for cell, FHIR part for part") {
    // Frozen with the code of that time: ten vignettes, their exports, and the screening file they
    // were decided with (tests/store/fixtures): exported with today's default file, whose content
    // hash differs, the texts would come from the stored decisions instead.
    const std::string fixtures = KIOSK_SOURCE_DIR "/tests/store/fixtures/";
    TempDir dir;
    {
        kiosk::store::Connection db(dir.File("legacy.db"), true);
        db.Exec(ReadFile(fixtures + "legacy-submissions.sql"), "loading the fixture");
    }
    auto store = test_support::OpenStore({dir.File("legacy.db")});
    auto rows = store->Submissions(std::nullopt);
    REQUIRE(rows.ok());
    REQUIRE(rows.value->size() == 10);
    rules::LoadResult legacy = rules::LoadScreeningFile(fixtures + "legacy-screening.toml");
    LoadOrFail(legacy);
    const std::unique_ptr<rules::Screening>& s = legacy.screening;
    REQUIRE(s->content_hash == (*rows.value)[0].record.screening_hash);

    std::string csv = kiosk::store::ExportCsv(*s, *rows.value, 0);
    // Cell for cell: today's export quotes a cell that holds ';' (csv_cell.h), which the frozen
    // file of that time did not, so the bytes differ in those quotes only.
    Csv parsed = ParseExport(csv);
    CHECK(parsed.rows == ParseExport(ReadFile(fixtures + "legacy-export.csv")).rows);
    CHECK(parsed.Cell(1, "notes") == "R-NSAID-PREP; IND-TENDON-PRP");  // V1: an indication and a note set no outcome
    CHECK(parsed.Cell(4, "reasons") == "R-PREG");                          // V5: pregnant
    for (size_t row = 1; row < parsed.rows.size(); ++row) {  // the reviewer where the kiosk of that time stored one
        CAPTURE(row);
        const StoredSubmission& stored = (*rows.value)[row - 1];
        CHECK(parsed.Cell(row, "reviewed_by") == stored.reviewed_by);
        CHECK(parsed.Cell(row, "reviewed_at") == stored.reviewed_at);
    }
    CHECK(csv.find(",reviewed,Ana,2026-12-01T00:22:53.671Z,") != std::string::npos);

    // FHIR: the same decision parts, each reason now a `reason` part (it was `fired`).
    json bundle = kiosk::store::ExportFhirBundle(*s, *rows.value);
    json frozen = json::parse(ReadFile(fixtures + "legacy-decisions.fhir.json"));
    REQUIRE(bundle["entry"].size() == frozen.size());
    int reasons = 0;
    for (size_t i = 0; i < frozen.size(); ++i) {
        CAPTURE(i);
        const json& qr = bundle["entry"][i]["resource"];
        CHECK(qr["id"] == frozen[i]["id"]);
        const json* ext = FindExtension(qr, kiosk::store::FhirExtensionUrl(*s, "screening-decision"));
        REQUIRE(ext);
        json parts = json::array();
        for (const json& part : (*ext)["extension"]) {
            if (part["url"] == "decisionJson")
                CHECK(Base64Decode(part["valueAttachment"]["data"].get<std::string>()) == (*rows.value)[i].record.decision_json);
            else
                parts.push_back(part);
        }
        json expected = frozen[i]["decision"]["extension"];
        for (json& part : expected)
            if (part["url"] == "fired") {
                part["url"] = "reason";
                ++reasons;
            }
        CHECK(parts == expected);
    }
    CHECK(reasons > 10);
}

// [SECTION] Atomic writes

TEST_CASE("FHIR Bundle as text, built entry by entry, is the same Bundle as the JSON tree") {
    auto s = LoadDefault();
    std::vector<StoredSubmission> subs = {Submit(*s, KneeAnswers(), "en"), Submit(*s, WristAnswers(), "es")};
    json tree = kiosk::store::ExportFhirBundle(*s, subs);
    json text = json::parse(kiosk::store::ExportFhirBundleText(*s, subs));
    tree.erase("timestamp");
    text.erase("timestamp");
    CHECK(tree == text);
    CHECK(json::parse(kiosk::store::ExportFhirBundleText(*s, {}))["entry"].empty());
}

TEST_CASE("WriteFileAtomically: content, mode 0600, replaces the old file, leaves no temporary file") {
    TempDir dir;
    fs::path path = dir.path / "export.csv";
    {
        std::ofstream old(path);
        old << "old content";
    }
    fs::permissions(path, fs::perms::all);
    std::string content = kBom + "a,b\r\n\"x\",Ñ\r\n" + std::string(100000, 'z');
    std::optional<std::string> error = kiosk::store::WriteFileAtomically(path.string(), content);
    CAPTURE(error.value_or(""));
    REQUIRE_FALSE(error);
    CHECK(ReadFile(path) == content);
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(Listing(dir.path) == std::vector<std::string>{"export.csv"});

    CHECK_FALSE(kiosk::store::WriteFileAtomically(path.string(), ""));
    CHECK(ReadFile(path).empty());
    CHECK(Listing(dir.path) == std::vector<std::string>{"export.csv"});
}

TEST_CASE("WriteFileAtomically: a folder that does not exist is an error") {
    TempDir dir;
    std::optional<std::string> error = kiosk::store::WriteFileAtomically((dir.path / "missing" / "x.csv").string(), "data");
    REQUIRE(error);
    CHECK(error->find("missing") != std::string::npos);
    CHECK(Listing(dir.path).empty());
}

namespace {

// After a first write in `folder`, `make_unwritable` takes away writing; then a second write is an
// error, the old file stays whole and no temporary file is left.
void CheckUnwritable(const fs::path& folder, const std::function<void()>& make_unwritable) {
    fs::path path = folder / "export.jsonl";
    REQUIRE_FALSE(kiosk::store::WriteFileAtomically(path.string(), "old\n"));
    make_unwritable();
    std::optional<std::string> error = kiosk::store::WriteFileAtomically(path.string(), "new\n");
    CHECK(error);
    CHECK(ReadFile(path) == "old\n");
    CHECK(Listing(folder) == std::vector<std::string>{"export.jsonl"});
}

}  // namespace

// Root ignores permission bits: there a read-only mount makes the folder unwritable; elsewhere its mode does.
TEST_CASE("WriteFileAtomically: an unwritable folder (a read-only mount) is an error and the old file stays whole" *
          doctest::skip(!filesystem_limits::CanMountTmpfs())) {
    TempDir dir;  // unmounts what it holds
    REQUIRE(::mount("tmpfs", dir.path.c_str(), "tmpfs", 0, "size=1m") == 0);
    CheckUnwritable(dir.path, [&] { REQUIRE(::mount("tmpfs", dir.path.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=1m") == 0); });
}

TEST_CASE("WriteFileAtomically: an unwritable folder (no write permission) is an error and the old file stays whole" *
          doctest::skip(!filesystem_limits::PermissionsBind())) {
    TempDir dir;  // gives the permission back before removing
    CheckUnwritable(dir.path, [&] { fs::permissions(dir.path, fs::perms::owner_read | fs::perms::owner_exec); });
}

TEST_CASE("WriteFileAtomically: a full disk is an error, the old file stays whole and no temporary file is left" *
          doctest::skip(!filesystem_limits::CanMountTmpfs())) {
    TempDir dir;
    REQUIRE(::mount("tmpfs", dir.path.c_str(), "tmpfs", 0, "size=64k") == 0);
    fs::path path = dir.path / "export.csv";
    REQUIRE_FALSE(kiosk::store::WriteFileAtomically(path.string(), "old"));
    std::optional<std::string> error = kiosk::store::WriteFileAtomically(path.string(), std::string(256 * 1024, 'x'));
    REQUIRE(error);
    CAPTURE(*error);
    CHECK(ReadFile(path) == "old");
    CHECK(Listing(dir.path) == std::vector<std::string>{"export.csv"});
}
