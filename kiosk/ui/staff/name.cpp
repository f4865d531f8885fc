// Who is acting: a staff name typed on the on-screen keyboard, prefilled with the last one typed
// during this staff visit, before a result is marked reviewed or an alert acknowledged.
#include <algorithm>
#include <cmath>

#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawName(Ui& ui, NameUi& state, bool to_top) {
    const bool reviewing = state.purpose == Intent::Kind::Review;
    Intent intent = BeginStaffBody(ui, reviewing ? "Mark reviewed: your name" : "Acknowledge: your name", true, "body:name", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.body, ui.theme.text,
              reviewing ? "Type your name; it is stored with the result as the reviewer."
                        : "Type your name; it is stored with the alert as the person who saw the patient.",
              width);
    const float half = ColumnWidth(2);
    TouchButton(ui, state.text.empty() ? std::string(" ") : state.text, "staff:name:display", half, ButtonLook::Quiet, false,
                ui.fonts.question);
    ImGui::SameLine(0, ui.metrics.gap);
    if (TouchButton(ui, "OK", "staff:name:ok", half, ButtonLook::Primary, !state.text.empty(),
                    ui.fonts.question))
        intent.kind = Intent::Kind::NameEntered;
    if (!state.message.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.message, width);
    Keyboard(ui, state.text, 60, std::min(width, std::round(1400 * ui.metrics.scale)));
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
