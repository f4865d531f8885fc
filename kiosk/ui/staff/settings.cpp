// Settings staff may change at the kiosk: when the idle warning shows, when an idle session is
// wiped, and the language the welcome screen offers first. Checked before they are saved.
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

// "−60  −10  [ 90 s ]  +10  +60" for one time, kept within `range`.
bool Stepper(Ui& ui, const char* what, const std::string& key, std::chrono::seconds& time, SecondsRange range, float width) {
    Paragraph(ui, ui.fonts.body, ui.theme.text, what, width);
    const float gap = ui.metrics.gap;
    const float step_w = std::floor((width - 4 * gap) / 6);
    const float value_w = width - 4 * step_w - 4 * gap;
    bool changed = false;
    auto step = [&](const char* face, const char* suffix, int by) {
        if (TouchButton(ui, face, key + ":" + suffix, step_w, ButtonLook::Normal, true, ui.fonts.question)) {
            time = std::chrono::seconds(std::clamp<int64_t>(time.count() + by, range.min, range.max));
            changed = true;
        }
    };
    step("\xE2\x88\x92" "60", "-60", -60);
    ImGui::SameLine(0, gap);
    step("\xE2\x88\x92" "10", "-10", -10);
    ImGui::SameLine(0, gap);
    TouchButton(ui, std::to_string(time.count()) + " s", key + ":value", value_w, ButtonLook::Quiet, false, ui.fonts.question);
    ImGui::SameLine(0, gap);
    step("+10", "+10", 10);
    ImGui::SameLine(0, gap);
    step("+60", "+60", 60);
    return changed;
}

}  // namespace

Intent DrawSettings(Ui& ui, const rules::Screening* screening, SettingsUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Settings", true, "body:settings", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    bool changed = Stepper(ui, "Ask \"Are you still there?\" after this long without a touch:", "staff:settings:warning",
                           state.values.idle_warning, kStaffLimits.warning, width);
    ImGui::Dummy(ImVec2(0, gap * 0.5f));
    changed |= Stepper(ui, "Wipe the session and show the welcome screen after this long without a touch:",
                       "staff:settings:reset", state.values.idle_reset, kStaffLimits.reset, width);
    Paragraph(ui, ui.fonts.small, ui.theme.muted_text,
              "From " + std::to_string(kStaffLimits.warning.min) + " to " + std::to_string(kStaffLimits.warning.max) +
                  " s; the wipe comes at least " + std::to_string(kStaffLimits.min_countdown) + " s after the question.",
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
    if (TouchButton(ui, "Save", "staff:settings:save", width, ButtonLook::Primary, true, ui.fonts.question))
        intent.kind = Intent::Kind::SaveSettings;
    if (!state.message.empty())
        Paragraph(ui, ui.fonts.body, state.failed ? ui.theme.error_text : ui.theme.text, state.message, width);
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
