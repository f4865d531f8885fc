// Test helper: builds a small screening file around questions and rules written inline.
#pragma once

#include <string>

#include "rules/loader.h"

namespace test {

// A valid screening with one language, outcomes HIGH (rank 3, contra), REVIEW (2, review),
// LOW (1), one track T, the given questions and rules. Rules default to level "note".
inline std::string ScreeningText(const std::string& questions, const std::string& rules, const std::string& extra = "") {
    return R"([screening]
id = "t"
version = "1"
clinical_owner = "Test"
languages = ["en"]
title.en = "Test"

[[tracks]]
id = "T"
label.en = "T"

[[outcomes]]
id = "HIGH"
rank = 3
staff_label.en = "High"
patient_message.en = "Thank you."
track_status = "contra"

[[outcomes]]
id = "REVIEW"
rank = 2
staff_label.en = "Review"
patient_message.en = "Thank you."
track_status = "review"

[[outcomes]]
id = "LOW"
rank = 1
staff_label.en = "Low"
patient_message.en = "Thank you."

[decision]
review_outcome = "REVIEW"
fallback_outcome = "REVIEW"
fallback_reason = "R-FALLBACK"
fallback_staff_text = "No rule decided."

[[rules]]
id = "uses-high"
when = "no"
level = "HIGH"
staff_text = "Keeps HIGH reachable."

[[rules]]
id = "uses-low"
when = "no"
level = "LOW"
staff_text = "Keeps LOW reachable."

)" + questions + "\n" + rules + "\n" + extra;
}

inline std::unique_ptr<rules::Screening> Load(const std::string& text) {
    rules::LoadResult result = rules::LoadScreeningText(text, "test.toml");
    if (!result.screening) throw std::runtime_error(result.diagnostics.Format());
    return std::move(result.screening);
}

}  // namespace test
