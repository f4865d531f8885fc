// The pieces both FHIR exports share: canonical URLs, the not-sure code, and extension builders.
// Internal to kiosk/store/export.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "rules/screening.h"

namespace kiosk::store::exports {

inline constexpr const char* kDataAbsentSystem = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
inline constexpr const char* kDataAbsentExtension = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
inline constexpr const char* kAskedUnknown = "asked-unknown";
inline constexpr const char* kReviewerExtension = "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-reviewer";

// The screening's canonical URL, or "urn:kiosk-screening:<id>" when the file gives none.
std::string CanonicalBase(const rules::Screening& screening);
bool IsChoice(rules::QuestionType type);
// FHIR forbids empty strings in primitives: an empty text is left out, not written as "".
// These three write SafeText(value) (store/export/safe_text.h).
void SetIfNotEmpty(nlohmann::json& object, const char* key, const std::string& value);
// {"url": url, value_key: value}
nlohmann::json SubExtension(const char* url, const char* value_key, nlohmann::json value);
// A valueString / valueCode sub-extension, left out when `value` is empty.
void AddString(nlohmann::json& extensions, const char* url, const std::string& value);
void AddCode(nlohmann::json& extensions, const char* url, const std::string& value);

}  // namespace kiosk::store::exports
