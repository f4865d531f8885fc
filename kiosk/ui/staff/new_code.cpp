// A new break-glass recovery code, shown once and large, until staff say they wrote it down. It is
// stored only as a hash: after this screen nobody can show it again, only make another.
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawNewCode(Ui& ui, const NewCodeUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, "New recovery code", false, "body:new_code", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    if (state.digits.empty()) {
        Paragraph(ui, ui.fonts.body, ui.theme.text,
                  "The recovery code of " + state.account + " was used: a new one must be made before anything else.", width);
        if (!state.message.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.message, width);
        if (TouchButton(ui, "Try again", "staff:code:retry", width, ButtonLook::Primary)) intent.kind = Intent::Kind::CodeRetry;
    } else {
        Paragraph(ui, ui.fonts.body, ui.theme.text,
                  "The recovery code of " + state.account +
                      ". Write it down now and keep it locked away: it is shown only this once. With it, an administrator "
                      "who cannot use the PIN can still sign in (a reason is asked for and recorded).",
                  width);
        ImGui::Dummy(ImVec2(0, ui.metrics.gap));
        Paragraph(ui, ui.fonts.heading, ui.theme.text, store::FormatRecoveryCode(state.digits), width);
        ImGui::Dummy(ImVec2(0, ui.metrics.gap));
        if (TouchButton(ui, "I have written it down", "staff:code:done", width, ButtonLook::Primary, true, ui.fonts.question))
            intent.kind = Intent::Kind::CodeDone;
    }
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
