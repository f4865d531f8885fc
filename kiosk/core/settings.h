// The kiosk's settings (idle times, the welcome screen's language): one model with its limits,
// read from kiosk.toml by the command line and from the clinic database (store/saved_settings.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rules {
struct Screening;
}

namespace kiosk {

struct SessionSettings;

// The keys, the same in kiosk.toml and in the database's settings (Store::SetSetting).
inline constexpr const char* kSettingIdleWarning = "idle_warning_seconds";  // integer seconds
inline constexpr const char* kSettingIdleReset = "idle_reset_seconds";      // integer seconds
inline constexpr const char* kSettingDefaultLanguage = "default_language";  // a language code of the screening
inline constexpr const char* kSettingRetentionDone = "retention_done_days";            // integer days
inline constexpr const char* kSettingRetentionUnreviewed = "retention_unreviewed_days";  // integer days

struct KioskSettings {
    std::chrono::seconds idle_warning{90};  // "Are you still there?" after this long without a touch
    std::chrono::seconds idle_reset{120};   // the session is wiped after this long without a touch
    std::string default_language;           // empty: the screening's first language
    // Retention (Store::Purge): a result is deleted this long after it was reviewed or exported,
    // and an unreviewed one this long after it was submitted; never less than the first.
    std::chrono::days retention_done{30};
    std::chrono::days retention_unreviewed{90};
};

// Who set the values, and so which limits hold. IT writes kiosk.toml and may go wide (a test kiosk,
// a ward of slow readers); staff at the kiosk choose within a narrower, safe range.
enum class SettingsAuthor { File, Staff };

struct SecondsRange {
    int min = 0, max = 0;
    constexpr bool Contains(int64_t seconds) const { return seconds >= min && seconds <= max; }
};

struct IdleLimits {
    SecondsRange warning, reset;
    int min_countdown = 1;  // the wipe comes at least this many seconds after the warning
};

// The limits, in this one place.
inline constexpr IdleLimits kFileLimits{{10, 3600}, {20, 7200}, 1};
inline constexpr IdleLimits kStaffLimits{{30, 600}, {30, 600}, 10};
static_assert(kStaffLimits.warning.min >= kFileLimits.warning.min && kStaffLimits.warning.max <= kFileLimits.warning.max &&
                  kStaffLimits.reset.min >= kFileLimits.reset.min && kStaffLimits.reset.max <= kFileLimits.reset.max &&
                  kStaffLimits.min_countdown >= kFileLimits.min_countdown,
              "what staff may choose, kiosk.toml may say too");

constexpr const IdleLimits& LimitsFor(SettingsAuthor author) { return author == SettingsAuthor::File ? kFileLimits : kStaffLimits; }

// The two idle times as data, so that reading, checking and saving them is one loop.
struct IdleTime {
    const char* key;                             // kSettingIdleWarning or kSettingIdleReset
    std::chrono::seconds KioskSettings::*field;  // where it is kept
    SecondsRange IdleLimits::*range;             // its range in each author's limits
    const char* staff_name;                      // "The idle warning", in staff's sentences
};
inline constexpr IdleTime kIdleTimes[] = {
    {kSettingIdleWarning, &KioskSettings::idle_warning, &IdleLimits::warning, "The idle warning"},
    {kSettingIdleReset, &KioskSettings::idle_reset, &IdleLimits::reset, "The idle wipe"},
};

// The two retention times, likewise; the same limits for kiosk.toml and the staff screen (where
// only an administrator changes settings).
struct DaysRange {
    int min = 0, max = 0;
    constexpr bool Contains(int64_t days) const { return days >= min && days <= max; }
};
inline constexpr DaysRange kRetentionDays{1, 3650};
struct RetentionTime {
    const char* key;                          // kSettingRetentionDone or kSettingRetentionUnreviewed
    std::chrono::days KioskSettings::*field;  // where it is kept
    const char* staff_name;                   // "Reviewed and exported results", in staff's sentences
};
inline constexpr RetentionTime kRetentionTimes[] = {
    {kSettingRetentionDone, &KioskSettings::retention_done, "Reviewed and exported results"},
    {kSettingRetentionUnreviewed, &KioskSettings::retention_unreviewed, "Unreviewed results"},
};

struct SettingsProblem {
    enum class Kind { OutOfRange, CountdownTooShort, UnknownLanguage, RetentionOrder };
    Kind kind = Kind::OutOfRange;
    std::string message;  // worded for the author: kiosk.toml's key names for IT, a sentence for staff
};

// The problem of `seconds` for `time` under `author`'s limits; nullopt when allowed. Without a
// value (kiosk.toml held something that is not a whole number) the problem of any bad value.
std::optional<SettingsProblem> CheckIdleTime(const IdleTime& time, std::optional<int64_t> seconds, SettingsAuthor author);

// The problem of `days` for `time` under `author`'s wording; nullopt when allowed (kRetentionDays).
std::optional<SettingsProblem> CheckRetentionTime(const RetentionTime& time, std::optional<int64_t> days, SettingsAuthor author);

// Every problem of `settings` under `author`'s limits, in a fixed order: each idle time, then the
// countdown between them, then each retention time and their order, then the language (checked
// only when `screening` is given). Empty: allowed.
std::vector<SettingsProblem> CheckSettings(const KioskSettings& settings, SettingsAuthor author,
                                           const rules::Screening* screening);

// The session's timers for these settings; the closing screen's time is the session's default.
SessionSettings ToSessionSettings(const KioskSettings& settings);

}  // namespace kiosk
