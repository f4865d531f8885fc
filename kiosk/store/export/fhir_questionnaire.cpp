// The FHIR R4 Questionnaire export: the screening's questions, show_if as enableWhen where it maps.
#include <optional>

#include "rules/expr_print.h"
#include "store/export.h"
#include "store/export/fhir.h"
#include "store/export/stored.h"

namespace kiosk::store {
namespace {

using nlohmann::json;
using namespace exports;

constexpr const char* kTranslationExtension = "http://hl7.org/fhir/StructureDefinition/translation";

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
        parts.push_back(SubExtension("expression", "valueString", rules::ExpressionText(s, q.show_if)));
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

}  // namespace kiosk::store
