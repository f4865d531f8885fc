// Settings staff may change at the kiosk: when the idle warning shows, when an idle session is
// wiped, how long results are kept, and the language the welcome screen offers first. Checked
// before they are saved.
#include <algorithm>
#include <cmath>

#include "core/labels.h"
#include "core/settings.h"
#include "ui/staff.h"
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

namespace {

// The hint under the steppers names one range for both times.
static_assert(kStaffLimits.reset.min == kStaffLimits.warning.min && kStaffLimits.reset.max == kStaffLimits.warning.max);

// "−60  −10  [ 90 s ]  +10  +60" for one time, kept within `min`..`max`; `small` and `big` are the
// steps and `unit` follows the value.
struct Steps {
    int small, big;
    const char* unit;
};
bool Stepper(Ui& ui, const char* what, const std::string& key, int64_t& value, int min, int max, Steps steps, float width) {
    Paragraph(ui, ui.fonts.body, ui.theme.text, what, width);
    const float gap = ui.metrics.gap;
    const float step_w = std::floor((width - 4 * gap) / 6);
    const float value_w = width - 4 * step_w - 4 * gap;
    bool changed = false;
    auto step = [&](int by) {
        const std::string face = (by < 0 ? "\xE2\x88\x92" : "+") + std::to_string(by < 0 ? -by : by);
        const std::string suffix = (by < 0 ? "-" : "+") + std::to_string(by < 0 ? -by : by);
        if (TouchButton(ui, face, key + ":" + suffix, step_w, ButtonLook::Normal, true, ui.fonts.question)) {
            value = std::clamp<int64_t>(value + by, min, max);
            changed = true;
        }
    };
    step(-steps.big);
    ImGui::SameLine(0, gap);
    step(-steps.small);
    ImGui::SameLine(0, gap);
    TouchButton(ui, std::to_string(value) + " " + steps.unit, key + ":value", value_w, ButtonLook::Quiet, false, ui.fonts.question);
    ImGui::SameLine(0, gap);
    step(steps.small);
    ImGui::SameLine(0, gap);
    step(steps.big);
    return changed;
}

template <class Duration>
bool DurationStepper(Ui& ui, const char* what, const std::string& key, Duration& time, int min, int max, Steps steps, float width) {
    int64_t value = time.count();
    if (!Stepper(ui, what, key, value, min, max, steps, width)) return false;
    time = Duration(value);
    return true;
}

constexpr Steps kSecondSteps{10, 60, "s"};
constexpr Steps kDaySteps{1, 30, "days"};

}  // namespace

Intent DrawSettings(Ui& ui, const rules::Screening* screening, SettingsUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Settings", true, "body:settings", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    bool changed = DurationStepper(ui, "Ask \"Are you still there?\" after this long without a touch:", "staff:settings:warning",
                                   state.values.idle_warning, kStaffLimits.warning.min, kStaffLimits.warning.max, kSecondSteps, width);
    ImGui::Dummy(ImVec2(0, gap * 0.5f));
    changed |= DurationStepper(ui, "Wipe the session and show the welcome screen after this long without a touch:",
                               "staff:settings:reset", state.values.idle_reset, kStaffLimits.reset.min, kStaffLimits.reset.max,
                               kSecondSteps, width);
    Paragraph(ui, ui.fonts.small, ui.theme.muted_text,
              "From " + std::to_string(kStaffLimits.warning.min) + " to " + std::to_string(kStaffLimits.warning.max) +
                  " s; the wipe comes at least " + std::to_string(kStaffLimits.min_countdown) + " s after the question.",
              width);
    ImGui::Dummy(ImVec2(0, gap * 0.5f));
    changed |= DurationStepper(ui, "Delete a result from the kiosk this long after it was reviewed or exported:",
                               "staff:settings:retention_done", state.values.retention_done, kRetentionDays.min,
                               kRetentionDays.max, kDaySteps, width);
    ImGui::Dummy(ImVec2(0, gap * 0.5f));
    changed |= DurationStepper(ui, "Delete a result nobody reviewed this long after it was submitted:",
                               "staff:settings:retention_unreviewed", state.values.retention_unreviewed, kRetentionDays.min,
                               kRetentionDays.max, kDaySteps, width);
    Paragraph(ui, ui.fonts.small, ui.theme.muted_text,
              "From " + std::to_string(kRetentionDays.min) + " to " + std::to_string(kRetentionDays.max) +
                  " days; unreviewed results are kept at least as long as reviewed ones. The kiosk deletes them at "
                  "start-up and once a day, and the audit log counts them.",
              width);
    if (screening && !screening->languages.empty()) {
        ImGui::Dummy(ImVec2(0, gap * 0.5f));
        Paragraph(ui, ui.fonts.body, ui.theme.text, "The language the welcome screen offers first:", width);
        const int count = static_cast<int>(screening->languages.size());
        const float column = ColumnWidth(std::min(count, 3));
        for (int l = 0; l < count; ++l) {
            if (l % 3 != 0) ImGui::SameLine(0, gap);
            std::string_view name = Label(*screening, "language_name", l);
            std::string face = name.empty() ? screening->languages[l] : std::string(name);
            const std::string& code = screening->languages[l];
            if (TouchButton(ui, face, "staff:settings:lang:" + code, column,
                            state.values.default_language == code ? ButtonLook::Selected : ButtonLook::Normal)) {
                state.values.default_language = code;
                changed = true;
            }
        }
    }
    if (changed) state.message.clear();
    ImGui::Dummy(ImVec2(0, gap * 0.5f));
    // The outcome above the button: the screen is taller than a display now, and the button is
    // where the finger (and the scroll) is.
    if (!state.message.empty())
        Paragraph(ui, ui.fonts.body, state.failed ? ui.theme.error_text : ui.theme.text, state.message, width);
    if (TouchButton(ui, "Save", "staff:settings:save", width, ButtonLook::Primary, true, ui.fonts.question))
        intent.kind = Intent::Kind::SaveSettings;
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
