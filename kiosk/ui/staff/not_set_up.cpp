// Staff mode on a kiosk with no administrator: the same explanation the patient side shows, and
// only Close. No PIN can be chosen here: the first administrator is added on the terminal.
#include "ui/not_set_up.h"
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawNotSetUp(Ui& ui, std::string_view fault, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Not set up", false, "body:not_set_up", to_top, "Close");
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.question, ui.theme.text, kNotSetUpTitle, width);
    ImGui::Dummy(ImVec2(0, ui.metrics.gap));
    Paragraph(ui, ui.fonts.body, ui.theme.text, kNotSetUpHow, width);
    Paragraph(ui, ui.fonts.body, ui.theme.muted_text,
              "This kiosk has no staff account yet, so nothing else can be done here. Once an administrator is added, "
              "the kiosk serves patients within a few seconds, without a restart.",
              width);
    if (!fault.empty()) {
        ImGui::Dummy(ImVec2(0, ui.metrics.gap));
        Paragraph(ui, ui.fonts.mono ? ui.fonts.mono : ui.fonts.small, ui.theme.error_text, fault, width);
    }
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
