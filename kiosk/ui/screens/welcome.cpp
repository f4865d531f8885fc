// The welcome screen: the screening's welcome text and one large button per language to start.
#include <cmath>

#include "core/labels.h"
#include "ui/screens/screens.h"

namespace kiosk::ui {

PatientIntent DrawWelcome(Ui& ui, const SessionView& view, const PatientChrome& chrome) {
    BeginScreen(ui, "welcome");
    PatientIntent intent = TopBar(ui, view, chrome, false);
    const float width = ImGui::GetContentRegionAvail().x;
    const rules::Screening& s = *ui.screening;
    Paragraph(ui, ui.fonts.heading, ui.theme.text, s.title[ui.language]);
    ImGui::Dummy(ImVec2(0, ui.metrics.gap));
    Paragraph(ui, ui.fonts.question, ui.theme.text, ui.L("text:welcome"));
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 2));
    // One button per language, each labelled in its own language ("English", "Español") with
    // "tap to start" in that language too: the patient does not need to read the other one.
    const int count = static_cast<int>(s.languages.size());
    const float gap = ui.metrics.gap;
    const bool side_by_side = count <= 3 && width >= 900 * ui.metrics.scale;
    const float button_w = side_by_side ? std::floor((width - gap * static_cast<float>(count - 1)) / static_cast<float>(count)) : width;
    for (int l = 0; l < count; ++l) {
        if (l > 0 && side_by_side) ImGui::SameLine(0, gap);
        std::string label = std::string(Label(s, "language_name", l)) + "\n" + std::string(Label(s, "start", l));
        if (TouchButton(ui, label, "lang:" + s.languages[l], button_w, ButtonLook::Primary, true, ui.fonts.question)) {
            intent.kind = PatientIntent::Kind::ChooseLanguage;
            intent.index = l;
        }
    }
    ImGui::Dummy(ImVec2(0, gap * 2));
    Paragraph(ui, ui.fonts.small, ui.theme.muted_text, ui.L("text:status_statement"));
    Footer(ui);
    EndScreen();
    return intent;
}

}  // namespace kiosk::ui
