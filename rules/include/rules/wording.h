// Checks of patient-facing wording (screening spec section 6).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostics.h"

namespace rules {

struct Screening;

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

// A patient-facing text of a screening file as written ({PARAM} not yet replaced), with its place.
struct PatientText {
    std::string text;
    SourcePos pos;
    int language = 0;    // index into Screening::languages
    bool grade = false;  // estimate the reading grade (sentences, not labels)
    std::string where;   // "'text' in question 'dob'", for messages
};

// The loader's wording checks over every patient text: a banned word is an error, a reading
// grade above 8 a warning (for texts with `grade`), a {NAME} that is not a parameter an error.
// Marks in `param_used` the parameters the texts name; then replaces {PARAM} by the parameter's
// value in the screening's patient texts (title, texts, labels, questions, options, outcome
// and rule messages).
void CheckPatientWording(Screening& screening, const std::vector<PatientText>& texts, Diagnostics& diags,
                         std::vector<bool>& param_used);

}  // namespace rules
