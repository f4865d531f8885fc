// Properties every screening must hold, checked over answer sets generated from the file itself.
#pragma once

// `kiosk test --properties` (docs/screening-format.md, "Property checks"). A property is a check
// of one answer set that returns a violation in words, or nothing. RunProperty draws `count`
// answer sets from a seed, checks each, and shrinks the first failing one to the smallest set
// that still fails, so an author can paste it as a test case.
//
// Answer sets are kept in the form of a case's `answers` (AnswerInput per question), not as
// Answers: that is what is shrunk, shuffled, printed, and what a patient path (the kiosk Session,
// an answers file) takes in.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rules/answers.h"
#include "rules/date.h"
#include "rules/screening.h"

namespace rules {

struct GivenAnswer {
    int32_t question = -1;
    AnswerInput input;  // "not_sure" for "Not sure"; a skipped question has no GivenAnswer
};

// One patient's answers, in question order. Questions that are not listed are skipped. Answers to
// questions a show_if hides are kept: the engine must ignore them, and that is checked too.
struct AnswerSet {
    std::vector<GivenAnswer> answers;
};

// The reproducible stream of numbers every generated set and shuffle is drawn from (SplitMix64).
class PropertyRng {
public:
    explicit PropertyRng(uint64_t seed) : m_state(seed) {}
    uint64_t Next();
    // Uniform in [0, n); n > 0.
    uint64_t Below(uint64_t n) { return Next() % n; }
    bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }

private:
    uint64_t m_state;
};

// Draws answer sets from a screening: every question's options, its limits and the values just
// either side of every number the file's rules and parameters compare with, dates that many
// years, months and days before (or after) `today` give or take a day, "not sure" where offered,
// and skips. Each set picks how many questions get such a value; the rest get a plain answer
// (no, an exclusive option such as `none`, ...), so that sets where a single answer decides are
// common. Required questions (consent) are always answered, as on the kiosk. Every value is one
// SetAnswer accepts for `today`.
class AnswerGenerator {
public:
    AnswerGenerator(const Screening& screening, const Date& today);
    AnswerSet Generate(PropertyRng& rng) const;

private:
    AnswerInput Interesting(int question, PropertyRng& rng) const;
    AnswerInput Plain(int question, PropertyRng& rng) const;

    const Screening& m_screening;
    Date m_today;
    std::vector<std::vector<double>> m_numbers;  // per question: candidate numbers within its limits
    std::vector<std::vector<Date>> m_dates;      // per question: candidate dates it accepts
    mutable Answers m_scratch;                   // for trying a value with SetAnswer
};

// The answers as the engine holds them (SetAnswer each, in the order given). The inputs must fit
// (generated or shrunk sets do); one that does not is left skipped.
Answers ApplyAnswers(const Screening& screening, const AnswerSet& set, const Date& today);

// What a patient's answers come to, as staff and cases see it: what the properties compare.
struct Observation {
    int outcome = -1;                       // outcome index; -1 = nothing stored (consent declined)
    std::vector<std::string> reasons;       // ReasonCodes
    std::vector<uint8_t> tracks;            // TrackStatus per track
    std::vector<std::string> undetermined;  // rule ids, sorted
    bool operator==(const Observation&) const = default;
};

// How an answer set becomes an Observation: the engine straight (EngineObserver), or the path a
// patient takes (the kiosk's Session in one language). The answers arrive in the order given.
using Observer = std::function<Observation(const AnswerSet& set)>;
Observer EngineObserver(const Screening& screening, const Date& today);

// "outcome CLINICIAN_REVIEW, reasons [R-X], tracks PRP=review BMAC=ok, undetermined [N-8]".
std::string DescribeObservation(const Screening& screening, const Observation& observation);

// A check of one answer set: a violation in words, or nothing. `rng` is for checks that shuffle;
// it is seeded the same way each time the same set is checked, so shrinking sees the same check.
using PropertyCheck = std::function<std::optional<std::string>(const AnswerSet& set, PropertyRng& rng)>;

// unknown_never_helps: for each shown question answered with a value (not required, as the kiosk
// lets a patient skip only those), skip it, and answer "not sure" where offered. The outcome must
// stay at or above the review outcome when it was there, and each procedure at review or contra
// must stay at review or above (an undetermined rule raises a track to review, not contra).
PropertyCheck UnknownNeverHelps(const Screening& screening, const Date& today);

// The (question, option) pairs monotone_safety adds: options of multiple-choice questions that a
// safety rule reads positively, that is, whose presence can make it fire: `code in q` or
// `q in [code, ...]` under an even number of `not`s, reached only through `and`, `or`, `not`
// and derived values. Not: exclusive options (`none` clears the others: that is no addition),
// options read under one `not` or only by count() (their presence makes the rule less likely,
// as "no treatment tried" is). A safety rule is one whose level, with the file's parameters, is
// the review outcome's rank or higher, that sets a track to contra, or that raises a red flag
// (flow = "interrupt").
std::vector<std::pair<int32_t, int32_t>> SafetyOptions(const Screening& screening);

// monotone_safety: for each shown multiple-choice answer and each safety option it lacks, add it
// (dropping an exclusive option such as `none`, which the kiosk clears when another is chosen,
// unless a safety rule reads that option itself: then the change takes something away too).
// An outcome at or above the review outcome must not go down (below review the outcomes are
// suggestions, and one replacing another is no lowering), nor any procedure status.
PropertyCheck MonotoneSafety(const Screening& screening, const Date& today);

// every_review_has_reason: an outcome at the review outcome's rank or above names at least one
// reason code (ReasonCodes).
PropertyCheck ReviewHasReason(const Screening& screening, const Date& today);

// determinism: the answers given in reverse order (each multiple-choice list reversed too) and in
// a shuffled order (each list shuffled) come to the same Observation through `observer`.
PropertyCheck Determinism(const Screening& screening, Observer observer);

// The same answer set through several observers (one per language) gives the same Observation;
// `names` name the observers in the violation ("en", "es").
PropertyCheck SameThroughEvery(const Screening& screening, std::vector<Observer> observers, std::vector<std::string> names);

struct PropertyRun {
    uint64_t seed = 0;
    int count = 10000;
    Date today;
};

struct PropertyResult {
    std::string name;
    int checked = 0;                 // answer sets checked (up to the first failing one)
    bool ok = true;
    int failing_index = -1;          // which answer set of the seed failed first
    std::string violation;           // of the shrunk set
    AnswerSet original, shrunk;      // the failing set as drawn, and shrunk
};

// The seed of answer set `index` of property `name` under `seed`: each property and each set has
// its own stream, so a set is the same whatever --count is and whichever properties run.
uint64_t SetSeed(uint64_t seed, const std::string& name, int index);

// Draws run.count answer sets and checks each; on the first failure shrinks it and stops.
PropertyResult RunProperty(const Screening& screening, const std::string& name, const PropertyCheck& check,
                           const PropertyRun& run);

// The smallest set, by dropping answers and then options of multiple-choice answers, for which
// `fails` still holds; answers to required questions are kept. `fails(set)` must hold.
AnswerSet Shrink(const Screening& screening, const AnswerSet& set, const std::function<bool(const AnswerSet&)>& fails);

// The set as a [[cases]] block an author can paste into the file (outcome to fill in).
std::string FormatCase(const Screening& screening, const AnswerSet& set, const Date& today, const std::string& name);

// One answer as a TOML value: "yes", ["pt", "meds"], 170, 1990-01-02, "not_sure".
std::string FormatAnswerValue(const Screening& screening, const GivenAnswer& answer);

}  // namespace rules
