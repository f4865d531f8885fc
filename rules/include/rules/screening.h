// The screening model: one screening file, loaded and validated, ready to decide.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/answers.h"
#include "rules/date.h"
#include "rules/diagnostics.h"
#include "rules/expr.h"

namespace rules {

// One text per language, indexed like Screening::languages.
using LangText = std::vector<std::string>;

// Every number a screening file holds (limits, unit factors, parameters, numbers in expressions) is
// below this in size. No clinical quantity comes near it; below it a whole number is exact in a
// double (2^53 is about 9e15) and prints without an exponent (rules::NumberText), so it reads back.
// A nan or inf would switch a check off without a word (`x < nan` and `x > inf` are never true),
// and so could a limit no answer reaches: the loader refuses them.
inline constexpr double kMaxScreeningNumber = 1e15;

// Why `value` cannot be a number in a screening ("is nan, ..."), to follow "'KEY' in WHERE ", or
// nullopt when it is finite and below kMaxScreeningNumber in size.
std::optional<std::string> NumberProblem(double value);

enum class QuestionType : uint8_t { YesNo, Single, Multi, Integer, Decimal, Date, Text };
const char* QuestionTypeName(QuestionType type);

struct Option {
    std::string code;
    LangText label;
    bool exclusive = false;
};

struct Question {
    std::string id;
    QuestionType type = QuestionType::YesNo;
    LangText text;
    LangText help;               // empty when the question has no help text
    std::vector<Option> options; // yes_no: always {yes, no}
    bool not_sure = false;       // "Not sure" is offered
    bool required = false;       // may not be skipped
    int32_t show_if = -1;        // node index, -1 = always shown
    double min = 0, max = 0;     // integer / decimal
    std::string unit;
    std::vector<std::pair<std::string, double>> units;  // other unit -> factor to `unit`
    bool past_only = false;      // date
    int max_age_years = 0;       // date, 0 = no limit
    bool month_precision = false;// date answered as YYYY-MM
    int max_length = 0;          // text
    SourcePos pos;

    int FindOption(std::string_view code) const;
};

constexpr int kLevelNone = -1;
constexpr int kLevelNote = -2;
constexpr int kLevelIndication = -3;

struct ParamValue {
    bool is_string = false;
    double number = 0;
    std::string text;
    int level = kLevelNone;  // for a string naming a rule level: outcome index, kLevelNote or kLevelIndication
};

struct Parameter {
    std::string id;
    ParamValue value;
    SourcePos pos;
};

struct DerivedValue {
    std::string id;
    int32_t expr = -1;
    TypeInfo type;
    std::vector<int32_t> questions;  // every question it reads, directly or through other derived values
    int32_t last_question = -1;      // the latest of them in asking order
    bool checked = false;            // typed (the loader checks derived values in dependency order)
    SourcePos pos;
};

enum class TrackStatus : uint8_t { Ok = 0, Note = 1, Review = 2, Contra = 3 };
const char* TrackStatusName(TrackStatus status);
std::optional<TrackStatus> ParseTrackStatus(std::string_view text);
constexpr int8_t kNoTrackEffect = -1;

struct Track {
    std::string id;
    LangText label;
};

struct Outcome {
    std::string id;
    int rank = 0;
    LangText staff_label;
    LangText patient_message;
    int8_t track_status = kNoTrackEffect;  // every rule with this outcome sets every track to it
    SourcePos pos;
};

// Track statuses as "at least" masks: bit t of at_least[k] set means track t is at least status
// k + 1 (note, review, contra). Raising many tracks at once is then three ORs, and a track's
// status is the number of masks that hold its bit. The loader allows at most 32 tracks.
struct TrackFloor {
    // [3] is always 0: four words OR together in one 16-byte operation (RaiseTracks runs for
    // every rule that fires or is undetermined).
    alignas(16) uint32_t at_least[4] = {};
};

// What a rule does to a decision at one level, when it fires and when it is undetermined
// (RuleEffectsAt in decision.h): the rank level() rises to (0: none) and the tracks it raises.
struct RuleEffects {
    int32_t fired_rank = 0;
    int32_t unknown_rank = 0;
    TrackFloor fired_tracks;
    TrackFloor unknown_tracks;
};

enum class Flow : uint8_t { None, Interrupt, End };
enum class UnknownPolicy : uint8_t { Default, Review, Ignore };

struct Rule {
    std::string id;
    int32_t when = -1;
    int level = kLevelNone;         // outcome index, kLevelNote, kLevelIndication, or kLevelNone (track-only)
    int level_from = -1;            // parameter index, instead of `level`
    std::vector<int8_t> tracks;     // explicit per-track statuses (kNoTrackEffect = not set)
    Flow flow = Flow::None;
    bool store = true;
    std::string reason;             // may be empty (a composition rule)
    LangText reason_text;           // empty when there is no reason
    std::string staff_text;
    std::vector<std::string> sources;
    bool reversible = false;
    UnknownPolicy unknown = UnknownPolicy::Default;
    LangText patient_message;       // empty unless given
    bool reads_state = false;       // uses status() or level()
    std::vector<int32_t> questions; // every question the condition reads (through derived values too), ascending
    int32_t last_question = -1;     // the latest of them in asking order
    RuleEffects effects;            // at `level`, set by the loader; a rule with level_from has them
                                    // computed per decision, from that decision's parameters
    SourcePos pos;
};

struct CaseExpectation {
    bool has_outcome = false;
    int outcome = -1;                         // -1 = none (nothing stored, e.g. consent declined)
    bool has_reasons = false;
    std::vector<std::string> reasons;         // sorted
    std::vector<std::pair<int, TrackStatus>> tracks;
    bool has_undetermined = false;
    std::vector<std::string> undetermined;    // rule ids, sorted
};

struct TestCase {
    std::string name;
    Date today;
    std::vector<std::pair<int, ParamValue>> parameters;  // overrides
    std::vector<std::pair<int, SourcePos>> answered;     // (question, where) given by the case, for reports
    CaseExpectation expect;
    SourcePos pos;
    // Answers are kept as a shared pointer-free index into Screening::case_answers.
    int answers = -1;
};

struct Screening {
    std::string path;
    std::string id, version, clinical_owner, canonical_url;
    std::vector<std::string> languages;  // first = default
    LangText title;
    std::map<std::string, LangText> texts;   // [text]
    std::map<std::string, LangText> labels;  // [labels]
    std::vector<std::vector<std::string>> banned_words;   // per language, lowercase
    std::vector<std::vector<std::string>> allowed_phrases;// per language, lowercase

    std::vector<Question> questions;
    std::vector<Parameter> parameters;
    std::vector<DerivedValue> derived;
    std::vector<Track> tracks;
    std::vector<Outcome> outcomes;
    std::vector<Rule> rules;
    std::vector<TestCase> cases;
    std::vector<Answers> case_answers;

    int review_outcome = -1;
    int fallback_outcome = -1;
    std::string fallback_reason;
    std::string fallback_staff_text;

    ExprPool expr;
    std::vector<int32_t> gate_rules;  // rules with flow = "end", in file order (PrepareDecisions)
    size_t rule_questions = 0;        // questions read by each rule, summed: the most answers a decision can miss
    std::string content_hash;  // SHA-256 of the file's bytes, hex

    std::unordered_map<std::string, int> question_index;

    int FindQuestion(std::string_view id) const;
    int FindOutcome(std::string_view id) const;
    // A rule level by name, for `level`, a level_from parameter and a case's override of one:
    // "note" or "indication" in any case (parameters are written "NOTE"), otherwise an outcome id
    // as written. kLevelNone when it is neither.
    int FindLevel(std::string_view name) const;
    int FindTrack(std::string_view id) const;
    int FindRule(std::string_view id) const;
    int FindParameter(std::string_view id) const;
    int FindLanguage(std::string_view code) const;
    std::vector<ParamValue> ParameterValues() const;
};

}  // namespace rules
