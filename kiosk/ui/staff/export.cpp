// Exporting results for the clinic's records: CSV (a spreadsheet) or FHIR R4 (another system),
// into the export folder kiosk.toml names; the result, or why it failed, stays on screen.
#include "store/export_job.h"
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawExport(Ui& ui, std::string_view folder, ExportUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Export results", true, "body:export", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    if (folder.empty()) {
        Paragraph(ui, ui.fonts.body, ui.theme.error_text,
                  "No export folder is set: ask IT to add a line such as export_folder = \"/media/usb\" to the kiosk's "
                  "kiosk.toml (see the README) and restart the kiosk.",
                  width);
    } else {
        Paragraph(ui, ui.fonts.body, ui.theme.text, "Files go to:", width);
        Paragraph(ui, ui.fonts.mono ? ui.fonts.mono : ui.fonts.small, ui.theme.text, folder, width);
    }
    ImGui::Dummy(ImVec2(0, gap * 0.5f));
    const float half = ColumnWidth(2);
    if (TouchButton(ui, "All results", "staff:export:scope:all", half, state.pending_only ? ButtonLook::Normal : ButtonLook::Selected))
        state.pending_only = false;
    ImGui::SameLine(0, gap);
    if (TouchButton(ui, "Only results not yet reviewed or exported", "staff:export:scope:pending", half,
                    state.pending_only ? ButtonLook::Selected : ButtonLook::Normal))
        state.pending_only = true;
    if (TouchToggle(ui, "Mark the exported results as exported", "staff:export:mark", width, state.mark_exported))
        state.mark_exported = !state.mark_exported;
    const bool can = !folder.empty();
    if (TouchButton(ui, "Export CSV\nfor a spreadsheet", "staff:export:csv", half, ButtonLook::Primary, can)) {
        intent.kind = Intent::Kind::Export;
        intent.value = static_cast<int>(store::ExportFormat::Csv);
    }
    ImGui::SameLine(0, gap);
    if (TouchButton(ui, "Export FHIR R4\nfor another system", "staff:export:fhir", half, ButtonLook::Primary, can)) {
        intent.kind = Intent::Kind::Export;
        intent.value = static_cast<int>(store::ExportFormat::Fhir);
    }
    if (!state.result.empty())
        Paragraph(ui, ui.fonts.body, state.failed ? ui.theme.error_text : ui.theme.text, state.result, width);
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
