// Message screens: the urgent red-flag screen, a gate's message, sending, the closing message,
// the idle warning with its countdown, "out of order", and "not set up".
#include <cmath>

#include "core/labels.h"
#include "ui/not_set_up.h"
#include "ui/screens/screens.h"

namespace kiosk::ui {

PatientIntent DrawMessage(Ui& ui, const SessionView& view, const PatientChrome& chrome) {
    const SessionState state = view.state;
    BeginScreen(ui, state == SessionState::Urgent ? "urgent" : "message");
    PatientIntent intent = TopBar(ui, view, chrome, false);
    const float width = ImGui::GetContentRegionAvail().x;
    if (state == SessionState::Urgent) {
        // A panel in the urgent colour: visible from the desk, no diagnosis named.
        ImDrawList* draw = ImGui::GetWindowDrawList();
        ImVec2 a = ImGui::GetCursorScreenPos();
        ImGui::BeginGroup();
        ImGui::Dummy(ImVec2(width, ui.metrics.gap));
        ImGui::Indent(ui.metrics.gap * 2);
        draw->ChannelsSplit(2);
        draw->ChannelsSetCurrent(1);
        Paragraph(ui, ui.fonts.heading, ui.theme.urgent_text, view.urgent_message, width - ui.metrics.gap * 4);
        ImGui::Unindent(ui.metrics.gap * 2);
        ImGui::Dummy(ImVec2(width, ui.metrics.gap));
        ImGui::EndGroup();
        draw->ChannelsSetCurrent(0);
        draw->AddRectFilled(a, ImVec2(a.x + width, ImGui::GetItemRectMax().y), ui.theme.urgent, ImGui::GetStyle().FrameRounding);
        draw->ChannelsMerge();
        ImGui::Dummy(ImVec2(0, ui.metrics.gap * 2));
        if (TouchButton(ui, ui.L("continue"), "nav:continue", width, ButtonLook::Normal))
            intent.kind = PatientIntent::Kind::Continue;
    } else if (state == SessionState::Done) {
        Paragraph(ui, ui.fonts.heading, ui.theme.text, view.end_message);
        ImGui::Dummy(ImVec2(0, ui.metrics.gap * 2));
        if (TouchButton(ui, ui.L("finish"), "nav:finish", width, ButtonLook::Primary, true, ui.fonts.question))
            intent.kind = PatientIntent::Kind::Finish;
    } else {
        // Ended (a gate: the app sends its result at once) and Submitting.
        std::string_view text = view.end_message.empty() ? ui.L("sending") : view.end_message;
        Paragraph(ui, ui.fonts.heading, ui.theme.text, text);
        if (view.submit_failed) {
            Paragraph(ui, ui.fonts.body, ui.theme.error_text, ui.L("submit_failed"));
            if (TouchButton(ui, ui.L("submit"), "nav:submit", width, ButtonLook::Primary))
                intent.kind = PatientIntent::Kind::Submit;
        }
    }
    ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), ImGui::GetWindowHeight() - BottomHeight(ui) * 0.6f));
    Footer(ui);
    EndScreen();
    return intent;
}

PatientIntent DrawIdleWarning(Ui& ui, const SessionView& view) {
    // Drawn instead of the screen below: the next person walking up sees no answer.
    BeginScreen(ui, "idle");
    PatientIntent intent;
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::Dummy(ImVec2(0, ui.metrics.height * 0.12f));
    Paragraph(ui, ui.fonts.heading, ui.theme.text, ui.L("idle_title"));
    ImGui::Dummy(ImVec2(0, ui.metrics.gap));
    Paragraph(ui, ui.fonts.question, ui.theme.text, Fill(ui.L("idle_countdown"), {{"seconds", std::to_string(view.idle_seconds_left)}}));
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 2));
    if (TouchButton(ui, ui.L("still_here"), "nav:still_here", width, ButtonLook::Primary, true, ui.fonts.question))
        intent.kind = PatientIntent::Kind::Touch;
    EndScreen();
    return intent;
}

void DrawOutOfOrder(Ui& ui) {
    // No screening file to take words from: the two languages the default ships, fixed here.
    BeginScreen(ui, "out_of_order");
    ImGui::Dummy(ImVec2(0, ui.metrics.height * 0.2f));
    Paragraph(ui, ui.fonts.heading, ui.theme.text, "Out of order. Please see reception.");
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 2));
    Paragraph(ui, ui.fonts.heading, ui.theme.text, "Fuera de servicio. Por favor, vaya a la recepci\xC3\xB3n.");
    EndScreen();
}

void DrawNotSetUp(Ui& ui) {
    // Before the screening's words are of any use to a patient: fixed here, as out of order is.
    BeginScreen(ui, "not_set_up");
    ImGui::Dummy(ImVec2(0, ui.metrics.height * 0.2f));
    Paragraph(ui, ui.fonts.heading, ui.theme.text, kNotSetUpTitle);
    Paragraph(ui, ui.fonts.heading, ui.theme.text, kNotSetUpTitleEs);
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 2));
    Paragraph(ui, ui.fonts.question, ui.theme.muted_text, kNotSetUpHow);
    EndScreen();
}

}  // namespace kiosk::ui
