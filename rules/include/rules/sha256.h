// SHA-256, for the content hash a decision carries (FIPS 180-4).
#pragma once

#include <string>
#include <string_view>

namespace rules {

std::string Sha256Hex(std::string_view data);

}  // namespace rules
