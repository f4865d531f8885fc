// The property checks that need the patient's own path: an answer set given through the kiosk's
// Session in each language of the screening, and its decision as stored and read back.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "rules/properties.h"

namespace kiosk {

// What one patient's answers come to on the kiosk in one language.
struct PatientRun {
    rules::Observation decision;  // the Session's submitted decision, as the engine's is observed
    rules::Observation stored;    // the decision as stored in that language and read back (ReadDecision)
    std::string problem;          // not empty: the Session refused an answer or never reached Review
};

// Answers `set` through a Session as a patient in `language` (index into Screening::languages)
// would: each question the Session puts on screen gets the set's answer, "Not sure" (past the
// helper), or Skip; a red flag is continued past; a gate ends. Then Submit, DecisionToJson in
// that language, ReadDecision. The answers are given in the order the Session asks, whatever the
// order of `set`.
PatientRun RunAsPatient(const rules::Screening& screening, const rules::AnswerSet& set, const rules::Date& today, int language);

using PatientPath = std::function<PatientRun(const rules::AnswerSet& set, int language)>;

// language_invariance: in every language, the Session's decision equals the engine's decision on
// the same answers (outcome, reason codes, tracks, undetermined rules), and the stored decision
// read back equals the first language's (the texts aside). `path` is how a patient's answers are
// given (RunAsPatient; a test passes one with a planted defect).
rules::PropertyCheck LanguageInvariance(const rules::Screening& screening, const rules::Date& today, PatientPath path = {});

}  // namespace kiosk
