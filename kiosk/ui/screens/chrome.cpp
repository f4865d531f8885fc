// What every patient screen shares: the larger-text and high-contrast toggles, the progress, the footer.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/labels.h"
#include "rules/date.h"
#include "ui/screens/screens.h"

namespace kiosk::ui {

PatientIntent TopBar(Ui& ui, const SessionView& view, const PatientChrome& chrome, bool progress) {
    PatientIntent intent;
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    const float toggle_w = std::floor(std::min(360 * ui.metrics.scale, (width - gap) * 0.3f));
    const float left_w = width - 2 * toggle_w - 2 * gap;
    ImVec2 start = ImGui::GetCursorPos();
    if (progress && view.progress_n > 0) {
        std::string text = Fill(ui.L("progress"), {{"k", std::to_string(view.progress_k)}, {"n", std::to_string(view.progress_n)}});
        Paragraph(ui, ui.fonts.body, ui.theme.text, text, left_w);
        float fraction = std::clamp(static_cast<float>(view.progress_k) / static_cast<float>(view.progress_n), 0.0f, 1.0f);
        ImGui::PushStyleColor(ImGuiCol_FrameBg, ui.theme.surface);
        ImGui::ProgressBar(fraction, ImVec2(left_w, std::round(20 * ui.metrics.scale)), "");
        ImGui::PopStyleColor();
    }
    ImGui::SetCursorPos(ImVec2(start.x + left_w + gap, start.y));
    ImFont* small = ui.fonts.small;
    if (TouchButton(ui, ui.L("larger_text"), "toggle:larger_text", toggle_w,
                    chrome.larger_text ? ButtonLook::Selected : ButtonLook::Normal, true, small))
        intent.kind = PatientIntent::Kind::ToggleLargerText;
    ImGui::SameLine(0, gap);
    if (TouchButton(ui, ui.L("high_contrast"), "toggle:high_contrast", toggle_w,
                    chrome.high_contrast ? ButtonLook::Selected : ButtonLook::Normal, true, small))
        intent.kind = PatientIntent::Kind::ToggleHighContrast;
    ImGui::Dummy(ImVec2(0, gap));
    return intent;
}

float BottomHeight(Ui& ui) {
    const float width = ImGui::GetContentRegionAvail().x;
    ImFont* f = ui.fonts.small;
    std::string_view footer = ui.L("text:footer");
    float footer_h = f->CalcTextSizeA(f->FontSize, 1e9f, width, footer.data(), footer.data() + footer.size()).y;
    return ui.metrics.button_height * 1.3f + 3 * ui.metrics.gap + footer_h;
}

void Footer(Ui& ui) {
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 0.5f));
    Paragraph(ui, ui.fonts.small, ui.theme.muted_text, ui.L("text:footer"));
}

std::string DescribeForPatient(Ui& ui, int question, const rules::Answer& answer) {
    const rules::Question& q = ui.screening->questions[question];
    const int lang = ui.language;
    switch (answer.state) {
        case rules::AnswerState::Skipped: return std::string(ui.L("not_answered"));
        case rules::AnswerState::Unsure: return std::string(ui.L("not_sure"));
        case rules::AnswerState::Given: break;
    }
    switch (q.type) {
        case rules::QuestionType::YesNo: {
            int o = q.FindOption(answer.yes ? "yes" : "no");
            bool labelled = o >= 0 && static_cast<size_t>(lang) < q.options[o].label.size() && !q.options[o].label[lang].empty();
            return labelled ? q.options[o].label[lang] : std::string(ui.L(answer.yes ? "yes" : "no"));
        }
        case rules::QuestionType::Single:
            return answer.option >= 0 ? q.options[answer.option].label[lang] : std::string(ui.L("not_answered"));
        case rules::QuestionType::Multi: {
            std::string out;
            for (size_t o = 0; o < q.options.size(); ++o) {
                if (!(answer.set >> o & 1)) continue;
                if (!out.empty()) out += "\n";
                out += "\xE2\x80\xA2 " + q.options[o].label[lang];
            }
            return out;
        }
        case rules::QuestionType::Integer:
        case rules::QuestionType::Decimal: {
            char buffer[48];
            std::snprintf(buffer, sizeof buffer, "%g", answer.number);
            return std::string(buffer) + (q.unit.empty() ? "" : " " + q.unit);
        }
        case rules::QuestionType::Date: {
            std::string_view months = ui.L("months");
            std::vector<std::string> names;
            size_t start = 0;
            for (size_t i = 0; i <= months.size(); ++i)
                if (i == months.size() || months[i] == ',') {
                    names.emplace_back(months.substr(start, i - start));
                    start = i + 1;
                }
            std::string month = answer.date.month >= 1 && answer.date.month <= static_cast<int>(names.size())
                                    ? names[answer.date.month - 1] : std::to_string(answer.date.month);
            if (q.month_precision) return month + " " + std::to_string(answer.date.year);
            bool dmy = ui.L("date_order") == "dmy";
            return dmy ? std::to_string(answer.date.day) + " " + month + " " + std::to_string(answer.date.year)
                       : month + " " + std::to_string(answer.date.day) + ", " + std::to_string(answer.date.year);
        }
        case rules::QuestionType::Text: return answer.text;
    }
    return {};
}

}  // namespace kiosk::ui
