// The interrupted patient session: where the patient is, never what they answered unless staff
// ask ("Show this patient's answers", audited); and resetting it, after a confirmation.
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawSession(Ui& ui, const SessionSummary& summary, const std::vector<std::pair<std::string, std::string>>& answers,
                   const SessionUi& state, bool may_show_answers, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Current session", true, "body:session", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.question, ui.theme.text, summary.where, width);
    ImGui::Dummy(ImVec2(0, ui.metrics.gap));
    if (TouchButton(ui, "Reset this session\nIts answers are deleted; the kiosk shows the welcome screen.", "staff:session:reset",
                    width, ButtonLook::Normal, summary.active)) {
        intent.kind = Intent::Kind::Open;
        intent.screen = Screen::ConfirmReset;
    }
    if (!state.show_answers) {
        if (may_show_answers && TouchButton(ui, "Show this patient's answers\nRecorded in the audit log.",
                                            "staff:session:show_answers", width, ButtonLook::Normal, summary.can_show_answers))
            intent.kind = Intent::Kind::ShowAnswers;
        if (!state.message.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.message, width);
    } else {
        if (TouchButton(ui, "Hide the answers", "staff:session:hide_answers", width, ButtonLook::Selected))
            intent.kind = Intent::Kind::HideAnswers;
        ImGui::Dummy(ImVec2(0, ui.metrics.gap));
        if (answers.empty()) Paragraph(ui, ui.fonts.body, ui.theme.muted_text, "No answers.", width);
        for (const auto& [question, answer] : answers) {
            Paragraph(ui, ui.fonts.small, ui.theme.muted_text, question, width);
            Paragraph(ui, ui.fonts.body, ui.theme.text, "\xE2\x86\x92 " + answer, width);
        }
    }
    EndStaffBody();
    return intent;
}

Intent DrawConfirmReset(Ui& ui, const SessionSummary& summary, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Reset the current session?", true, "body:confirm_reset", to_top);
    Paragraph(ui, ui.fonts.body, ui.theme.text, summary.where, ImGui::GetContentRegionAvail().x);
    Intent::Kind kind = ConfirmRow(ui,
                                   "Its answers are deleted and nothing is stored (urgent alerts already raised stay). "
                                   "Staff mode then locks and the kiosk shows the welcome screen for the next patient.",
                                   "staff:reset", "Yes, reset", Intent::Kind::ResetSession, summary.active);
    if (kind != Intent::Kind::None) intent.kind = kind;
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
