// Base64 (RFC 4648, with padding), for binary content in FHIR Attachments.
#pragma once

#include <string>

namespace kiosk::store::exports {

std::string Base64(const std::string& bytes);

}  // namespace kiosk::store::exports
