// The review screen: every shown question with its answer; tapping one changes it; then send.
#include <cmath>

#include "ui/screens/screens.h"

namespace kiosk::ui {

PatientIntent DrawReview(Ui& ui, const SessionView& view, const PatientChrome& chrome) {
    BeginScreen(ui, "review");
    PatientIntent intent = TopBar(ui, view, chrome, false);
    Paragraph(ui, ui.fonts.heading, ui.theme.text, ui.L("review_title"));
    Paragraph(ui, ui.fonts.body, ui.theme.text, ui.L("review_hint"));
    if (view.submit_failed) Paragraph(ui, ui.fonts.body, ui.theme.error_text, ui.L("submit_failed"));
    ImGui::Dummy(ImVec2(0, ui.metrics.gap));
    const float bottom = BottomHeight(ui);
    ImGui::BeginChild("answers", ImVec2(0, -bottom), false, ImGuiWindowFlags_NoScrollWithMouse);
    DragToScroll();
    const float width = ImGui::GetContentRegionAvail().x;
    for (const ReviewItem& item : view.review) {
        const rules::Question& q = ui.screening->questions[item.question];
        if (TouchCard(ui, q.text[ui.language], DescribeForPatient(ui, item.question, item.answer), "edit:" + q.id, width)) {
            intent.kind = PatientIntent::Kind::Edit;
            intent.index = item.question;
        }
    }
    ImGui::EndChild();
    const float gap = ui.metrics.gap;
    const float back_w = std::floor(ImGui::GetContentRegionAvail().x * 0.3f);
    if (TouchButton(ui, ui.L("back"), "nav:back", back_w)) intent.kind = PatientIntent::Kind::Back;
    ImGui::SameLine(0, gap);
    if (TouchButton(ui, ui.L("submit"), "nav:submit", ImGui::GetContentRegionAvail().x, ButtonLook::Primary, true, ui.fonts.question))
        intent.kind = PatientIntent::Kind::Submit;
    Footer(ui);
    EndScreen();
    return intent;
}

}  // namespace kiosk::ui
