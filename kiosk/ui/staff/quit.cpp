// Closing the kiosk program, after a confirmation (patients cannot use it until it is started again).
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawConfirmQuit(Ui& ui, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Close the kiosk?", true, "body:confirm_quit", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.body, ui.theme.text,
              "The kiosk program stops. Stored results stay in the clinic database. "
              "Patients cannot use the kiosk until it is started again.",
              width);
    ImGui::Dummy(ImVec2(0, ui.metrics.gap));
    const float half = ColumnWidth(2);
    if (TouchButton(ui, "Cancel", "staff:quit:cancel", half)) intent.kind = Intent::Kind::Back;
    ImGui::SameLine(0, ui.metrics.gap);
    if (TouchButton(ui, "Yes, close the kiosk", "staff:quit:confirm", half, ButtonLook::Urgent)) intent.kind = Intent::Kind::Quit;
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
