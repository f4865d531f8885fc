// The results queue: results still to review first, each a tappable row with its time, language,
// outcome (the screening's staff label) and reasons; red flags in the urgent colour. Rows open the
// result only for a role that may open results; the front desk sees the outcomes as text.
#include "ui/staff/staff_screens.h"

#include <algorithm>

namespace kiosk::ui::staff {

namespace {

// Time, language and status; the outcome, large; the reasons.
std::vector<RowLine> RowLines(Ui& ui, const ResultView& r) {
    std::string meta = r.time + "  \xC2\xB7  " + r.language + "  \xC2\xB7  " + store::SubmissionStatusName(r.status);
    if (r.source != "kiosk") meta += " (" + r.source + ")";
    std::string reasons;
    // Each code once: two rules with one reason (two red-flag questions answered "not sure") are one reason to staff.
    std::vector<std::string_view> listed;
    for (const ReasonView& reason : r.reasons) {
        if (std::find(listed.begin(), listed.end(), reason.code) != listed.end()) continue;
        listed.push_back(reason.code);
        reasons += (reasons.empty() ? "" : ", ") + reason.code;
    }
    reasons = reasons.empty() ? std::string("No reasons fired") : "Reasons: " + reasons;
    if (!r.undetermined.empty()) reasons += "  \xC2\xB7  " + std::to_string(r.undetermined.size()) + " undetermined";
    return {{ui.fonts.small, meta, true}, {ui.fonts.question, r.outcome_label, false}, {ui.fonts.body, reasons, false}};
}

}  // namespace

Intent DrawQueue(Ui& ui, const std::vector<ResultView>& results, const QueueUi& state, std::string_view problem, bool may_open,
                 bool to_top) {
    Intent intent = BeginStaffBody(ui, "Results queue", true, "body:queue", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    const float half = ColumnWidth(2);
    if (TouchButton(ui, "To review", "staff:queue:filter:pending", half, state.all ? ButtonLook::Normal : ButtonLook::Selected)) {
        intent.kind = Intent::Kind::Filter;
        intent.value = 0;
    }
    ImGui::SameLine(0, ui.metrics.gap);
    if (TouchButton(ui, "All results", "staff:queue:filter:all", half, state.all ? ButtonLook::Selected : ButtonLook::Normal)) {
        intent.kind = Intent::Kind::Filter;
        intent.value = 1;
    }
    if (!problem.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, problem, width);
    int shown = 0;
    for (const ResultView& r : results) {
        if (!state.all && !r.NeedsReview()) continue;
        ++shown;
        ButtonLook look = r.urgent ? ButtonLook::Urgent : r.NeedsReview() ? ButtonLook::Normal : ButtonLook::Quiet;
        if (RowButton(ui, "staff:queue:row:" + r.id, RowLines(ui, r), look, width, may_open)) {
            intent.kind = Intent::Kind::OpenResult;
            intent.id = r.id;
        }
    }
    if (shown == 0 && problem.empty())
        Paragraph(ui, ui.fonts.body, ui.theme.muted_text, state.all ? "No results are stored yet." : "No results to review.", width);
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
