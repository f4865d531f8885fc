// Why the kiosk is out of order, in full (every diagnostic line), for staff and IT.
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawFault(Ui& ui, std::string_view fault, std::string_view store_problem, bool signed_in, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Out of order", signed_in, "body:fault", to_top, signed_in ? "Lock" : "Close");
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.body, ui.theme.text,
              "Patients see \"Out of order, please see reception\". Fix the cause below and restart the kiosk.", width);
    if (!signed_in)
        Paragraph(ui, ui.fonts.small, ui.theme.muted_text,
                  "Shown without a PIN: the clinic database cannot check one, and this text holds no patient data. "
                  "Nothing else can be done here until the database opens.",
                  width);
    ImGui::Dummy(ImVec2(0, ui.metrics.gap));
    if (!fault.empty()) Paragraph(ui, ui.fonts.mono ? ui.fonts.mono : ui.fonts.small, ui.theme.error_text, fault, width);
    if (!store_problem.empty()) {
        ImGui::Dummy(ImVec2(0, ui.metrics.gap));
        Paragraph(ui, ui.fonts.body, ui.theme.text, "The last database error:", width);
        Paragraph(ui, ui.fonts.mono ? ui.fonts.mono : ui.fonts.small, ui.theme.error_text, store_problem, width);
    }
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
