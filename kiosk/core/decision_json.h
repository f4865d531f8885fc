// A Decision as JSON and back: what `kiosk evaluate` prints, what a submission stores, and the one
// reader of that JSON (staff screens, exports and the command line read a StoredDecision, never keys).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/date.h"
#include "rules/decision.h"
#include "rules/screening.h"

namespace kiosk {

// A track and a status on it, both as their ids ("PRP", "contra").
struct StoredTrack {
    std::string track;
    std::string status;
    bool operator==(const StoredTrack&) const = default;
};

// One rule of a stored decision: a reason, a note or an undetermined rule.
struct StoredRule {
    std::string id;
    std::string level;                 // resolved when decided: an outcome id, "note", "indication" or "tracks"
    std::vector<StoredTrack> tracks;   // the status it sets on each track it touches, by track id
    std::string flow;                  // "interrupt", "end", or empty (the rule does not change the flow)
    std::string reason;                // reason code ("R-PREG"); empty: the rule has none
    std::string reason_text;           // in the decision's language; empty when there is no reason code
    std::string staff_text;
    std::vector<std::string> sources;  // source ids ("S2")
    bool reversible = false;
    std::vector<std::string> missing;  // undetermined rules only: the ids of the questions it lacked
    // Undetermined rules only: R-UNKNOWN-<question> for each answer it lacked, when its unknown
    // effect raised the outcome (rules::UnknownReasonCodes); empty in decisions stored before them.
    std::vector<std::string> unknown_reasons;
    bool operator==(const StoredRule&) const = default;
};

struct StoredEnd {
    std::string rule;  // the rule with flow "end" that ended the screening
    bool store = true; // false: nothing was to be stored (consent declined)
    bool operator==(const StoredEnd&) const = default;
};

struct StoredFallback {
    std::string reason;  // the screening's fallback reason code
    std::string staff_text;
    bool operator==(const StoredFallback&) const = default;
};

// A decision as stored with a submission: everything staff, exports and the CLI read of it.
// Texts are as they were when decided, in the decision's language (a later edit of the screening
// file does not change a stored decision).
struct StoredDecision {
    bool readable = false;              // the stored text was a JSON object; false: all below is empty
    std::string screening_id, screening_version, screening_hash;
    std::optional<rules::Date> today;   // the screening day (age rules were computed against it)
    std::string language;               // language code of the texts below
    std::string outcome;                // outcome id; empty: no outcome (nothing decided)
    std::string outcome_label;          // its staff label in `language`
    std::string patient_message;
    bool interrupt = false;             // a red flag fired: the patient was sent to the desk
    std::optional<StoredEnd> ended_by;  // a gate rule ended the screening early
    std::optional<StoredFallback> fallback;  // no rule gave an outcome; the screening's fallback applied
    // The reasons: rules that fired at an outcome or track level, in file order. Rules that fired
    // at the note or indication level are `notes`. Undetermined rules lacked an answer to decide.
    std::vector<StoredRule> reasons, notes, undetermined;
    std::vector<StoredTrack> tracks;       // every track's final status, ordered by track id
    std::vector<std::string> ignored_answers;  // question ids answered but not shown (never exported)

    // The final status of `track`, or empty.
    const std::string& TrackStatus(std::string_view track) const;
    // Every reason code the decision names, sorted, each once: the reasons' and notes' codes, the
    // undetermined rules' unknown_reasons and the fallback's. The same list as rules::ReasonCodes
    // of the decision it was made from, which a case's expect.reasons is compared with.
    std::vector<std::string> ReasonCodes() const;
    // The undetermined rules' unknown_reasons that no reason or note names already, in order, each
    // once: what staff see beside the reasons so that no outcome at review is left without one.
    std::vector<std::string> UnknownReasonCodes() const;
    bool operator==(const StoredDecision&) const = default;
};

// The stored form of `decision`. `language` is an index into screening.languages, for reason
// texts and messages. Each rule's level is resolved with the screening's parameter values.
StoredDecision MakeStoredDecision(const rules::Screening& screening, const rules::Decision& decision, const rules::Date& today,
                                  int language);

// The JSON a submission stores: {screening {id, version, content_hash}, today, language, outcome,
// outcome_label, patient_message, interrupt, ended_by {rule, store} | null, fallback {reason,
// staff_text}?, reasons, notes, undetermined: [{id, effect {level, tracks?, flow?}, reason | null,
// reason_text?, staff_text, sources, reversible?, missing (undetermined only), unknown_reasons
// (undetermined only, when not empty)}], tracks {id: status}, ignored_answers}.
nlohmann::json ToJson(const StoredDecision& decision);
nlohmann::json DecisionToJson(const rules::Screening& screening, const rules::Decision& decision, const rules::Date& today,
                              int language);

// Reads a stored decision. Never throws: a missing or mistyped field is left empty (text that is
// not a JSON object gives readable = false). Reads every decision stored so far, including those
// written before the reasons were named "reasons" (key "fired").
StoredDecision ReadDecision(const nlohmann::json& json);
StoredDecision ReadDecision(std::string_view text);
inline StoredDecision ReadDecision(const std::string& text) { return ReadDecision(std::string_view(text)); }

// Reads stored decisions one after another into the same storage: after the first few, reading
// allocates next to nothing (the CSV export reads one a row). Same result as ReadDecision.
class DecisionReader {
public:
    // The decision in `text`; valid until the next Read.
    const StoredDecision& Read(std::string_view text);

private:
    StoredDecision m_decision;
    std::vector<StoredRule> m_legacy_reasons;  // under "fired": the reasons unless "reasons" is there too
    std::string m_key;
};

}  // namespace kiosk
