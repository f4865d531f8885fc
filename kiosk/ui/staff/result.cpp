// One stored result in full for staff: the outcome, every reason with its staff text and sources,
// what was left undetermined, the track statuses, the answers, and "mark reviewed".
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

namespace {

void Section(Ui& ui, const char* title, float width) {
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 0.5f));
    Paragraph(ui, ui.fonts.question, ui.theme.text, title, width);
}

void Reasons(Ui& ui, const std::vector<ReasonView>& reasons, bool undetermined, float width) {
    for (const ReasonView& r : reasons) {
        std::string head = r.code + (r.rule != r.code ? " (rule " + r.rule + ")" : "");
        if (!r.level.empty()) head += "  \xC2\xB7  " + r.level;
        Paragraph(ui, ui.fonts.body, ui.theme.text, head, width);
        if (!r.staff_text.empty()) Paragraph(ui, ui.fonts.body, ui.theme.muted_text, r.staff_text, width);
        if (undetermined && !r.missing.empty()) Paragraph(ui, ui.fonts.small, ui.theme.muted_text, "Missing: " + r.missing, width);
        if (!r.sources.empty()) Paragraph(ui, ui.fonts.small, ui.theme.muted_text, "Sources: " + r.sources, width);
    }
}

}  // namespace

Intent DrawResult(Ui& ui, const ResultView& r, std::string_view disclaimer, std::string_view notice, bool to_top) {
    // "Mark reviewed" stays below the body: a long result must not hide it.
    const float footer = ui.metrics.button_height + ImGui::GetStyle().ItemSpacing.y;
    Intent intent = BeginStaffBody(ui, "Result", true, "body:result", to_top, "Lock", footer);
    const float width = ImGui::GetContentRegionAvail().x;
    if (!disclaimer.empty()) Paragraph(ui, ui.fonts.small, ui.theme.muted_text, disclaimer, width);
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 0.5f));
    if (r.urgent) UrgentPanel(ui, r.outcome_label, width);
    else Paragraph(ui, ui.fonts.question, ui.theme.text, r.outcome_label, width);
    std::string meta = r.time + "  \xC2\xB7  " + r.language + "  \xC2\xB7  " + store::SubmissionStatusName(r.status);
    if (r.source != "kiosk") meta += "  \xC2\xB7  " + r.source;
    Paragraph(ui, ui.fonts.body, ui.theme.text, meta, width);
    Paragraph(ui, ui.fonts.mono ? ui.fonts.mono : ui.fonts.small, ui.theme.muted_text, r.id, width);
    if (!r.problem.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, r.problem, width);
    if (!notice.empty()) Paragraph(ui, ui.fonts.body, ui.theme.text, notice, width);

    Section(ui, "Reasons", width);
    if (r.reasons.empty()) Paragraph(ui, ui.fonts.body, ui.theme.muted_text, "No rule fired.", width);
    Reasons(ui, r.reasons, false, width);
    if (!r.undetermined.empty()) {
        Section(ui, "Undetermined (answers missing or not sure)", width);
        Reasons(ui, r.undetermined, true, width);
    }
    if (!r.notes.empty()) {
        Section(ui, "Notes", width);
        Reasons(ui, r.notes, false, width);
    }
    if (!r.tracks.empty()) {
        Section(ui, "Tracks", width);
        for (const auto& [track, status] : r.tracks) Paragraph(ui, ui.fonts.body, ui.theme.text, track + ": " + status, width);
    }
    Section(ui, "Answers", width);
    if (r.answers.empty()) Paragraph(ui, ui.fonts.body, ui.theme.muted_text, "No answers stored.", width);
    for (const auto& [question, answer] : r.answers) {
        Paragraph(ui, ui.fonts.small, ui.theme.muted_text, question, width);
        Paragraph(ui, ui.fonts.body, ui.theme.text, "\xE2\x86\x92 " + answer, width);
    }
    EndStaffBody();
    if (TouchButton(ui, r.NeedsReview() ? "Mark reviewed" : "Reviewed", "staff:result:review", ImGui::GetContentRegionAvail().x,
                    ButtonLook::Primary, r.NeedsReview())) {
        intent.kind = Intent::Kind::Review;
        intent.id = r.id;
    }
    return intent;
}

}  // namespace kiosk::ui::staff
