// Urgent alerts not yet acknowledged, in the urgent colour; tapping one asks who acknowledges it.
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawAlerts(Ui& ui, const std::vector<AlertView>& alerts, std::string_view notice, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Urgent alerts", true, "body:alerts", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    if (!notice.empty()) Paragraph(ui, ui.fonts.body, ui.theme.text, notice, width);
    if (alerts.empty()) {
        Paragraph(ui, ui.fonts.body, ui.theme.muted_text, "No urgent alert is open.", width);
    } else {
        Paragraph(ui, ui.fonts.body, ui.theme.text,
                  "A red flag fired during a screening: the patient was asked to come to the desk now. "
                  "See the patient, then acknowledge the alert with your name.",
                  width);
    }
    for (const AlertView& a : alerts) {
        std::string label = "URGENT  \xC2\xB7  " + a.time + "  \xC2\xB7  " + a.reason;
        if (a.reason != a.rule) label += " (rule " + a.rule + ")";
        if (!a.staff_text.empty()) label += "\n" + a.staff_text;
        label += "\nTap to acknowledge";
        if (TouchButton(ui, label, "staff:alert:ack:" + std::to_string(a.id), width, ButtonLook::Urgent) &&
            !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
            intent.kind = Intent::Kind::Acknowledge;
            intent.id = std::to_string(a.id);
        }
    }
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
