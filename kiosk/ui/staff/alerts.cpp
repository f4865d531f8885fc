// Urgent alerts not yet acknowledged, in the urgent colour; tapping one acknowledges it as the
// signed-in account.
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
                  "See the patient, then tap the alert to acknowledge it in your name.",
                  width);
    }
    for (const AlertView& a : alerts) {
        std::vector<RowLine> lines{{ui.fonts.small, "URGENT  \xC2\xB7  raised " + a.time, true},
                                   {ui.fonts.question, a.reason + (!a.rule.empty() && a.reason != a.rule ? " (rule " + a.rule + ")" : ""), false}};
        if (!a.staff_text.empty()) lines.push_back({ui.fonts.body, a.staff_text, false});
        // Acknowledging it moves it into the database first; while that fails, it is refused.
        if (!a.kept_id.empty())
            lines.push_back({ui.fonts.small, "Kept outside the database, which could not take it: it moves in when the database works", true});
        lines.push_back({ui.fonts.small, "Tap to acknowledge: you saw the patient", true});
        const std::string id = a.kept_id.empty() ? std::to_string(a.id) : "kept:" + a.kept_id;
        if (RowButton(ui, "staff:alert:ack:" + id, lines, ButtonLook::Urgent, width)) {
            intent.kind = Intent::Kind::Acknowledge;
            intent.id = id;
        }
    }
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
