// Staff sign-in, first step: the active accounts as large rows (name and role) to tap, and "Type a
// name" for the keyboard. The list shows names only: no lockout or anything else about an account.
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawSignIn(Ui& ui, const SignInView& view, bool out_of_order, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Staff sign-in", false, "body:sign_in", to_top, "Cancel");
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.body, ui.theme.text, "Tap your name, then enter your PIN.", width);
    if (out_of_order) Paragraph(ui, ui.fonts.body, ui.theme.error_text, "The kiosk is out of order; sign in to see why.", width);
    if (!view.problem.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, view.problem, width);
    for (const store::StaffAccount& account : view.accounts) {
        std::vector<RowLine> lines{{ui.fonts.question, account.name, false}, {ui.fonts.small, store::RoleLabel(account.role), true}};
        if (RowButton(ui, "staff:sign_in:" + account.name, lines, ButtonLook::Normal, width)) {
            intent.kind = Intent::Kind::ChooseAccount;
            intent.id = account.name;
        }
    }
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 0.5f));
    if (TouchButton(ui, "Type a name", "staff:sign_in:type", width, ButtonLook::Quiet)) intent.kind = Intent::Kind::TypeName;
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
