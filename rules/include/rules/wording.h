// Checks of patient-facing wording (screening spec section 6).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rules {

// The section 6 banned words for a language ("en", "es"); empty for others.
const std::vector<std::string>& BuiltInBannedWords(std::string_view language);

// The first banned word or phrase found as whole words in `text` (case-insensitive),
// after removing allowed phrases; empty if none.
std::string FindBannedWord(std::string_view text, const std::vector<std::string>& banned,
                           const std::vector<std::string>& allowed);

// Estimated school grade of `text`: Flesch-Kincaid for English, Crawford for Spanish.
// Returns a negative number when the language has no estimate or the text has no words.
double ReadingGrade(std::string_view text, std::string_view language);

// True if `text` is valid UTF-8; otherwise `bad_offset` is the first bad byte.
bool IsValidUtf8(std::string_view text, size_t& bad_offset);

}  // namespace rules
