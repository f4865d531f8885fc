// A Decision as JSON: what `kiosk evaluate` prints and what a submission will store.
#pragma once

#include <nlohmann/json.hpp>

#include "rules/decision.h"
#include "rules/screening.h"

namespace kiosk {

// `language` is an index into screening.languages, for reason texts and messages.
nlohmann::json DecisionToJson(const rules::Screening& screening, const rules::Decision& decision, const rules::Date& today,
                              int language);

}  // namespace kiosk
