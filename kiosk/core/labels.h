// The [labels] the kiosk window needs from a screening file, so a file without them is refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/screening.h"

namespace kiosk {

// Every key the patient screens read. A screening file must give each in every language: a
// missing one is refused by `kiosk check` and puts the window out of order, never a blank button.
inline constexpr std::string_view kPatientLabels[] = {
    "yes", "no", "not_sure", "skip", "back", "next", "language_name", "start", "continue", "ok",
    "progress", "larger_text", "high_contrast", "review_title", "review_hint", "not_answered", "submit",
    "sending", "submit_failed", "finish", "start_over", "idle_title", "idle_countdown", "still_here",
    "number_clear", "number_range", "number_reask", "date_month", "date_day", "date_year", "date_order",
    "date_invalid", "date_future", "date_too_old", "keyboard_space", "months",
    // [text] entries the screens show
    "text:welcome", "text:footer", "text:not_sure_helper", "text:medicine_warning", "text:status_statement",
    "text:finished", "text:staff_disclaimer"};

// "path: error: [labels] has no 'submit' (the kiosk window needs it)" for each missing key.
std::vector<std::string> MissingPatientLabels(const rules::Screening& screening);

// The label (or "text:" entry) in `language`; empty when missing (MissingPatientLabels says so first).
std::string_view Label(const rules::Screening& screening, std::string_view key, int language);

// `text` with each "%name" replaced, longest names first so "%min" is not read as "%m".
std::string Fill(std::string_view text, std::initializer_list<std::pair<std::string_view, std::string>> values);

}  // namespace kiosk
