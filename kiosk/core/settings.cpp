// The kiosk's settings: their limits checked, and the session's timers they set.
#include "core/settings.h"

#include "core/session.h"
#include "rules/screening.h"

namespace kiosk {

std::optional<SettingsProblem> CheckIdleTime(const IdleTime& time, std::optional<int64_t> seconds, SettingsAuthor author) {
    const SecondsRange range = LimitsFor(author).*time.range;
    if (seconds && range.Contains(*seconds)) return std::nullopt;
    const std::string from_to = std::to_string(range.min) + " to " + std::to_string(range.max);
    std::string message = author == SettingsAuthor::File
                              ? "'" + std::string(time.key) + "' must be a whole number of seconds from " + from_to
                              : std::string(time.staff_name) + " must come after " + from_to + " seconds.";
    return SettingsProblem{SettingsProblem::Kind::OutOfRange, std::move(message)};
}

std::optional<SettingsProblem> CheckRetentionTime(const RetentionTime& time, std::optional<int64_t> days, SettingsAuthor author) {
    if (days && kRetentionDays.Contains(*days)) return std::nullopt;
    const std::string from_to = std::to_string(kRetentionDays.min) + " to " + std::to_string(kRetentionDays.max);
    std::string message = author == SettingsAuthor::File
                              ? "'" + std::string(time.key) + "' must be a whole number of days from " + from_to
                              : std::string(time.staff_name) + " are kept " + from_to + " days.";
    return SettingsProblem{SettingsProblem::Kind::OutOfRange, std::move(message)};
}

std::vector<SettingsProblem> CheckSettings(const KioskSettings& settings, SettingsAuthor author, const rules::Screening* screening) {
    std::vector<SettingsProblem> problems;
    for (const IdleTime& time : kIdleTimes)
        if (auto problem = CheckIdleTime(time, (settings.*time.field).count(), author)) problems.push_back(std::move(*problem));
    const int min_countdown = LimitsFor(author).min_countdown;
    if ((settings.idle_reset - settings.idle_warning).count() < min_countdown) {
        std::string message = author == SettingsAuthor::File
                                  ? std::string(kSettingIdleReset) + " must be longer than " + kSettingIdleWarning +
                                        " (the warning comes first)"
                                  : "The wipe must come at least " + std::to_string(min_countdown) +
                                        " seconds after the idle warning, so the patient has time to answer it.";
        problems.push_back({SettingsProblem::Kind::CountdownTooShort, std::move(message)});
    }
    for (const RetentionTime& time : kRetentionTimes)
        if (auto problem = CheckRetentionTime(time, (settings.*time.field).count(), author)) problems.push_back(std::move(*problem));
    if (settings.retention_unreviewed < settings.retention_done) {
        std::string message = author == SettingsAuthor::File
                                  ? std::string(kSettingRetentionUnreviewed) + " must be at least " + kSettingRetentionDone +
                                        " (an unreviewed result is kept at least as long as a reviewed one)"
                                  : "Unreviewed results must be kept at least as long as reviewed ones (" +
                                        std::to_string(settings.retention_done.count()) + " days).";
        problems.push_back({SettingsProblem::Kind::RetentionOrder, std::move(message)});
    }
    if (screening && !settings.default_language.empty() && screening->FindLanguage(settings.default_language) < 0)
        problems.push_back(
            {SettingsProblem::Kind::UnknownLanguage, "The screening has no language '" + settings.default_language + "'."});
    return problems;
}

SessionSettings ToSessionSettings(const KioskSettings& settings) {
    SessionSettings session;
    session.idle_warning = settings.idle_warning;
    session.idle_reset = settings.idle_reset;
    return session;
}

}  // namespace kiosk
