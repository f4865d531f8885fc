// The pieces both FHIR exports share, and the URLs they publish.
#include "store/export/fhir.h"

#include "store/export.h"

namespace kiosk::store {
namespace exports {

using nlohmann::json;

std::string CanonicalBase(const rules::Screening& s) {
    return s.canonical_url.empty() ? "urn:kiosk-screening:" + s.id : s.canonical_url;
}

bool IsChoice(rules::QuestionType type) {
    return type == rules::QuestionType::Single || type == rules::QuestionType::Multi;
}

void SetIfNotEmpty(json& object, const char* key, const std::string& value) {
    if (!value.empty()) object[key] = value;
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

}  // namespace exports

std::string FhirCodeSystemUrl(const rules::Screening& screening, const std::string& question_id) {
    return exports::CanonicalBase(screening) + "/CodeSystem/" + question_id;
}

std::string FhirExtensionUrl(const rules::Screening& screening, const std::string& name) {
    return exports::CanonicalBase(screening) + "/StructureDefinition/" + name;
}

}  // namespace kiosk::store
