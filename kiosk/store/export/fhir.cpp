// The pieces both FHIR exports share, and the URLs they publish.
#include "store/export/fhir.h"

#include "store/export.h"
#include "store/export/safe_text.h"

namespace kiosk::store {
namespace exports {

using nlohmann::json;

std::string CanonicalBase(const rules::Screening& s) {
    return s.canonical_url.empty() ? "urn:kiosk-screening:" + s.id : s.canonical_url;
}

bool IsChoice(rules::QuestionType type) {
    return type == rules::QuestionType::Single || type == rules::QuestionType::Multi;
}

// Every text these put into a resource goes through SafeText: FHIR's string type allows no
// control character but TAB, CR and LF, and a bidirectional override would make a viewer show
// staff a different text than the one stored.
void SetIfNotEmpty(json& object, const char* key, const std::string& value) {
    if (!value.empty()) object[key] = SafeText(value);
}

json SubExtension(const char* url, const char* value_key, json value) {
    return {{"url", url}, {value_key, std::move(value)}};
}

void AddString(json& extensions, const char* url, const std::string& value) {
    if (!value.empty()) extensions.push_back(SubExtension(url, "valueString", SafeText(value)));
}

void AddCode(json& extensions, const char* url, const std::string& value) {
    if (!value.empty()) extensions.push_back(SubExtension(url, "valueCode", SafeText(value)));
}

}  // namespace exports

std::string FhirCodeSystemUrl(const rules::Screening& screening, const std::string& question_id) {
    return exports::CanonicalBase(screening) + "/CodeSystem/" + question_id;
}

std::string FhirExtensionUrl(const rules::Screening& screening, const std::string& name) {
    return exports::CanonicalBase(screening) + "/StructureDefinition/" + name;
}

}  // namespace kiosk::store
