// The kiosk's settings as the clinic database keeps them: read over kiosk.toml's, saved by staff.
#include "store/saved_settings.h"

#include <charconv>

namespace kiosk {
namespace {

std::optional<int64_t> ParseWhole(const std::string& text) {
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// A setting as the database stores it: seconds as a whole number, a language as its code.
std::string SettingText(const KioskSettings& settings, const std::string& key) {
    for (const IdleTime& time : kIdleTimes)
        if (key == time.key) return std::to_string((settings.*time.field).count());
    for (const RetentionTime& time : kRetentionTimes)
        if (key == time.key) return std::to_string((settings.*time.field).count());
    return settings.default_language;
}

}  // namespace

KioskSettings ReadSavedSettings(store::Store& store, const rules::Screening* screening, const KioskSettings& base,
                                std::string* problem) {
    KioskSettings saved = base;
    bool any = false;
    std::string bad;
    auto read = [&](const char* key) -> std::optional<std::string> {
        store::Result<std::optional<std::string>> r = store.GetSetting(key);
        if (!r.ok()) {
            if (bad.empty()) bad = r.error->Describe();
            return std::nullopt;
        }
        if (*r.value) any = true;
        return *r.value;
    };
    for (const IdleTime& time : kIdleTimes) {
        std::optional<std::string> text = read(time.key);
        if (!text) continue;
        if (std::optional<int64_t> seconds = ParseWhole(*text)) saved.*time.field = std::chrono::seconds(*seconds);
        else if (bad.empty()) bad = std::string(time.key) + " is not a number of seconds ('" + *text + "')";
    }
    for (const RetentionTime& time : kRetentionTimes) {
        std::optional<std::string> text = read(time.key);
        if (!text) continue;
        if (std::optional<int64_t> days = ParseWhole(*text)) saved.*time.field = std::chrono::days(*days);
        else if (bad.empty()) bad = std::string(time.key) + " is not a number of days ('" + *text + "')";
    }
    if (std::optional<std::string> language = read(kSettingDefaultLanguage)) saved.default_language = *language;
    if (!any && bad.empty()) return base;
    if (bad.empty()) {
        std::vector<SettingsProblem> problems = CheckSettings(saved, SettingsAuthor::Staff, screening);
        if (!problems.empty()) bad = problems.front().message;
    }
    if (!bad.empty()) {
        if (problem) *problem = "The settings saved at the kiosk are ignored: " + bad;
        return base;
    }
    return saved;
}

store::Result<bool> SaveSettings(store::Store& store, const KioskSettings& before, const KioskSettings& after,
                                 const std::string& actor) {
    store::Result<bool> out{false, std::nullopt};
    for (const char* key :
         {kSettingIdleWarning, kSettingIdleReset, kSettingDefaultLanguage, kSettingRetentionDone, kSettingRetentionUnreviewed}) {
        const std::string was = SettingText(before, key), now = SettingText(after, key);
        if (was == now) continue;
        store::Result<bool> done = store.SetSetting(key, now, actor, std::string(key) + " " + (was.empty() ? "(default)" : was) + " -> " + now);
        if (!done.ok()) {
            out.error = done.error;
            return out;
        }
        out.value = true;
    }
    return out;
}

}  // namespace kiosk
