// The on-screen keyboard for what staff type: an account's name to sign in (when not tapped on the
// list), why a recovery code is used, and a new account's name. Nobody types who they are to act:
// every action is the signed-in account's.
#include <algorithm>
#include <cmath>

#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawName(Ui& ui, NameUi& state, bool to_top) {
    const char* title = "Sign in: your name";
    const char* prompt = "Type the name of your staff account.";
    const char* ok = "Next";
    switch (state.purpose) {
        case NamePurpose::SignIn: break;
        case NamePurpose::Reason:
            title = "Why the recovery code is used";
            prompt = "Type why the PIN cannot be used (for example: forgot the PIN, account locked). It is kept in the audit log.";
            ok = "Sign in";
            break;
        case NamePurpose::NewAccount:
            title = "New account: name";
            prompt = "Type the person's name as colleagues know it. It cannot be changed later.";
            break;
    }
    Intent intent = BeginStaffBody(ui, title, true, "body:name", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.body, ui.theme.text, prompt, width);
    const float half = ColumnWidth(2);
    TouchButton(ui, state.text.empty() ? std::string(" ") : state.text, "staff:name:display", half, ButtonLook::Quiet, false,
                ui.fonts.question);
    ImGui::SameLine(0, ui.metrics.gap);
    if (TouchButton(ui, ok, "staff:name:ok", half, ButtonLook::Primary, !state.text.empty(), ui.fonts.question))
        intent.kind = Intent::Kind::NameEntered;
    if (!state.message.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.message, width);
    const int limit = state.purpose == NamePurpose::Reason ? 200 : static_cast<int>(store::kMaxNameLength);
    Keyboard(ui, state.text, limit, std::min(width, std::round(1400 * ui.metrics.scale)));
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
