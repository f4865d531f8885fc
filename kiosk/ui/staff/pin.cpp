// The staff PIN pad, and on first run the same pad to choose a PIN (typed twice).
#include <algorithm>
#include <cmath>

#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawPin(Ui& ui, bool choosing, bool out_of_order, PinUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, choosing ? "Choose the staff PIN" : "Staff PIN", false, "body:pin", to_top, "Cancel");
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    // Landscape: the pad on the left, the prompt and Enter beside it, so all fits at 1024x768.
    const bool side_by_side = ui.metrics.width > ui.metrics.height * 1.15f;
    const float column = side_by_side ? std::floor((width - 2 * gap) * 0.5f) : std::min(width, std::round(760 * ui.metrics.scale));

    ImGui::BeginGroup();
    std::string prompt = !choosing                ? "Enter the staff PIN."
                         : state.first.empty()    ? "No staff PIN is set on this kiosk yet. Choose one: 6 digits or more."
                                                  : "Enter the same PIN again to confirm it.";
    Paragraph(ui, ui.fonts.body, ui.theme.text, prompt, column);
    if (out_of_order) Paragraph(ui, ui.fonts.body, ui.theme.error_text, "The kiosk is out of order; sign in to see why.", column);
    std::string dots;
    for (size_t i = 0; i < state.digits.size(); ++i) dots += "\xE2\x80\xA2";  // a bullet per digit
    TouchButton(ui, dots, "pin:display", column, ButtonLook::Quiet, false, ui.fonts.heading);
    if (!state.message.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.message, column);
    if (side_by_side &&
        TouchButton(ui, "Enter", "pin:enter", column, ButtonLook::Primary, !state.digits.empty(), ui.fonts.question))
        intent.kind = Intent::Kind::EnterPin;
    ImGui::EndGroup();
    if (side_by_side) ImGui::SameLine(0, 2 * gap);

    ImGui::BeginGroup();
    NumberPad(ui, state.digits, false, 32, column);
    if (!side_by_side &&
        TouchButton(ui, "Enter", "pin:enter", column, ButtonLook::Primary, !state.digits.empty(), ui.fonts.question))
        intent.kind = Intent::Kind::EnterPin;
    ImGui::EndGroup();
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
