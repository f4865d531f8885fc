// Exporting results for the clinic's records: CSV (a spreadsheet) or FHIR R4 (another system),
// into the export folder kiosk.toml names (a USB stick), encrypted to a passphrase typed twice on
// the keyboard, or plain for an administrator who chooses it; the result, or why it failed, stays
// on screen. No stick: the screen says so and the buttons wait for one.
#include <algorithm>
#include <cmath>

#include "store/export/encrypted_file.h"
#include "store/export_job.h"
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {
namespace {

// A passphrase field as a button: the characters masked, the field being typed selected.
bool PassphraseField(Ui& ui, const std::string& text, std::string_view empty_label, const std::string& key, float width, bool selected) {
    size_t chars = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++chars;
    const std::string shown = chars == 0 ? std::string(empty_label) : std::string(chars, '*');
    return TouchButton(ui, shown, key, width, selected ? ButtonLook::Selected : ButtonLook::Normal);
}

}  // namespace

Intent DrawExport(Ui& ui, std::string_view folder, ExportUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Export results", true, "body:export", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    const float half = ColumnWidth(2);
    if (folder.empty()) {
        Paragraph(ui, ui.fonts.body, ui.theme.error_text,
                  "No export folder is set: ask IT to add a line such as export_folder = \"/media/usb\" to the kiosk's "
                  "kiosk.toml (see the README) and restart the kiosk.",
                  width);
    } else {
        Paragraph(ui, ui.fonts.body, ui.theme.text, "Files go to:", width);
        Paragraph(ui, ui.fonts.mono ? ui.fonts.mono : ui.fonts.small, ui.theme.text, folder, width);
    }
    const bool stick = !folder.empty() && state.folder_problem.empty();
    if (!folder.empty() && !state.folder_problem.empty()) {
        Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.folder_problem + ".", width);
        if (TouchButton(ui, "I have put the stick in: check again", "staff:export:recheck", width)) {
            intent.kind = Intent::Kind::Open;
            intent.screen = Screen::Export;
        }
    }
    ImGui::Dummy(ImVec2(0, gap * 0.5f));
    if (TouchButton(ui, "All results", "staff:export:scope:all", half, state.pending_only ? ButtonLook::Normal : ButtonLook::Selected))
        state.pending_only = false;
    ImGui::SameLine(0, gap);
    if (TouchButton(ui, "Only results not yet reviewed or exported", "staff:export:scope:pending", half,
                    state.pending_only ? ButtonLook::Selected : ButtonLook::Normal))
        state.pending_only = true;
    if (TouchToggle(ui, "Mark the exported results as exported", "staff:export:mark", width, state.mark_exported))
        state.mark_exported = !state.mark_exported;
    if (state.may_plain &&
        TouchToggle(ui, "Plain file, not encrypted (administrator only): anyone who has the stick can read it", "staff:export:plain",
                    width, state.plain))
        state.plain = !state.plain;

    bool ready = state.plain && state.may_plain;
    if (!ready) {
        Paragraph(ui, ui.fonts.body, ui.theme.text,
                  "The file is locked with a passphrase of at least " + std::to_string(store::kMinPassphraseChars) +
                      " characters, typed twice, in small letters as on the keys: a few words with spaces are easy to remember. "
                      "Whoever opens the file needs it; tell it to them, never write it on the stick.",
                  width);
        if (PassphraseField(ui, state.passphrase, "Tap, then type the passphrase", "staff:export:passphrase", half, state.field == 0))
            state.field = 0;
        ImGui::SameLine(0, gap);
        if (PassphraseField(ui, state.again, "Tap, then type it again", "staff:export:again", half, state.field == 1)) state.field = 1;
        std::string status;
        if (state.passphrase.empty()) status = "";
        else if (auto problem = store::PassphraseProblem(state.passphrase)) status = *problem;
        else if (state.again.empty()) status = "Now type the same passphrase in the second box.";
        else if (state.again != state.passphrase) status = "The two passphrases differ.";
        else ready = true;
        if (ready) Paragraph(ui, ui.fonts.body, ui.theme.text, "The two passphrases match.", width);
        else if (!status.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, status, width);
        Keyboard(ui, state.field == 0 ? state.passphrase : state.again, kMaxPassphraseTyped,
                 std::min(width, std::round(1400 * ui.metrics.scale)), KeyboardCase::Lower);
    }
    const bool can = stick && ready;
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
