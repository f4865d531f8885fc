// TO BE REPLACED by rules::ExpressionText (rules/, beside the parser, with the one precedence
// table): until then the FHIR Questionnaire export prints show_if expressions with this copy.
#pragma once

#include <cstdint>
#include <string>

#include "rules/screening.h"

namespace kiosk::store::exports {

// The expression at `node` as the screening file would write it (for the kiosk-show-if extension).
std::string ExpressionText(const rules::Screening& screening, int32_t node);

}  // namespace kiosk::store::exports
