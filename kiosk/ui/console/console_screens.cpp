// The console's own screens: the alert banner, the board, the kiosks, export and the audit log.
#include "ui/console/console_screens.h"

#include <algorithm>
#include <cmath>

#include "store/export_job.h"

namespace kiosk::ui::console {

using staff::BeginStaffBody;
using staff::ColumnWidth;
using staff::EndStaffBody;
using staff::RowButton;
using staff::RowLine;

const char* ScreenName(Screen screen) {
    switch (screen) {
        case Screen::Offline: return "console:offline";
        case Screen::SignIn: return "console:sign_in";
        case Screen::Pin: return "console:pin";
        case Screen::Board: return "console:board";
        case Screen::Result: return "console:result";
        case Screen::Kiosks: return "console:kiosks";
        case Screen::Export: return "console:export";
        case Screen::Audit: return "console:audit";
    }
    return "console:?";
}

ConsoleIntent FromStaff(const staff::Intent& intent) {
    using K = staff::Intent::Kind;
    ConsoleIntent out;
    out.id = intent.id;
    out.value = intent.value;
    switch (intent.kind) {
        case K::Back: out.kind = ConsoleIntent::Kind::Back; break;
        case K::Lock: out.kind = ConsoleIntent::Kind::Lock; break;
        case K::ChooseAccount: out.kind = ConsoleIntent::Kind::ChooseAccount; break;
        case K::NotYou: out.kind = ConsoleIntent::Kind::NotYou; break;
        case K::EnterPin: out.kind = ConsoleIntent::Kind::EnterPin; break;
        case K::Review: out.kind = ConsoleIntent::Kind::Review; break;
        default: break;
    }
    return out;
}

namespace {

// The tabs of the signed-in screens, then the body. Lock is in BeginStaffBody's title row.
ConsoleIntent Tabs(Ui& ui, const ConsoleState& state, Screen current, std::string_view title, const char* body_id, bool to_top) {
    ConsoleIntent intent = FromStaff(BeginStaffBody(ui, title, false, body_id, to_top));
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.small, ui.theme.muted_text, state.who + "  \xC2\xB7  site " + state.site + "  \xC2\xB7  console " + state.console,
              width);
    struct Tab {
        Screen screen;
        const char* label;
        const char* key;
        bool shown;
    };
    const Tab tabs[] = {{Screen::Board, "Results", "console:tab:board", true},
                        {Screen::Kiosks, "Kiosks", "console:tab:kiosks", true},
                        {Screen::Export, "Export", "console:tab:export", state.may_export},
                        {Screen::Audit, "Audit log", "console:tab:audit", true}};
    int count = 0;
    for (const Tab& t : tabs) count += t.shown ? 1 : 0;
    const float tab_w = std::floor((width - static_cast<float>(count - 1) * ui.metrics.gap) / static_cast<float>(count));
    bool first = true;
    for (const Tab& t : tabs) {
        if (!t.shown) continue;
        if (!first) ImGui::SameLine(0, ui.metrics.gap);
        first = false;
        if (TouchButton(ui, t.label, t.key, tab_w, t.screen == current ? ButtonLook::Selected : ButtonLook::Normal)) {
            intent.kind = ConsoleIntent::Kind::Open;
            intent.screen = t.screen;
        }
    }
    if (!state.notice.empty())
        Paragraph(ui, ui.fonts.body, state.notice_failed ? ui.theme.error_text : ui.theme.text, state.notice, width);
    return intent;
}

std::string ReasonCodes(const staff::ResultView& r) {
    std::vector<std::string_view> listed;
    std::string codes;
    for (const staff::ReasonView& reason : r.reasons) {
        if (std::find(listed.begin(), listed.end(), reason.code) != listed.end()) continue;
        listed.push_back(reason.code);
        codes += (codes.empty() ? "" : ", ") + reason.code + (reason.staff_text.empty() ? "" : " (" + reason.staff_text + ")");
    }
    return codes;
}

std::vector<RowLine> BoardLines(Ui& ui, const BoardRow& row) {
    const staff::ResultView& r = row.result;
    std::string meta = r.time + "  \xC2\xB7  kiosk " + row.kiosk + "  \xC2\xB7  " + r.language + "  \xC2\xB7  " + row.waiting;
    std::vector<RowLine> lines{{ui.fonts.small, meta, true}, {ui.fonts.question, r.outcome_label, false}};
    if (!r.problem.empty() && r.reasons.empty()) {
        lines.push_back({ui.fonts.small, "Reasons are sealed: sign in as a clinician to read them.", true});
        return lines;
    }
    std::string codes = ReasonCodes(r);
    lines.push_back({ui.fonts.body, codes.empty() ? std::string("No reasons fired") : "Reasons: " + codes, false});
    if (!r.undetermined.empty()) {
        std::string missing;
        for (const staff::ReasonView& u : r.undetermined)
            missing += (missing.empty() ? "" : "; ") + u.code + (u.missing.empty() ? "" : ": " + u.missing);
        lines.push_back({ui.fonts.small, "Undetermined: " + missing, false});
    }
    std::string extra;
    for (const staff::ReasonView& n : r.notes) extra += (extra.empty() ? "Notes: " : ", ") + n.code;
    for (const auto& [track, status] : r.tracks) extra += (extra.empty() ? "" : "  \xC2\xB7  ") + track + ": " + status;
    if (!extra.empty()) lines.push_back({ui.fonts.small, extra, true});
    return lines;
}

}  // namespace

ConsoleIntent DrawBanner(Ui& ui, const ConsoleState& state) {
    ConsoleIntent intent;
    if (state.banner.empty()) return intent;
    const float width = ImGui::GetContentRegionAvail().x;
    const float button_w = std::floor(std::min(340 * ui.metrics.scale, width * 0.3f));
    for (const BannerAlert& alert : state.banner) {
        std::string text = (alert.escalated ? "URGENT, ESCALATED: " : "URGENT: ") + alert.text;
        staff::UrgentPanel(ui, text, width - button_w - ui.metrics.gap);
        ImGui::SameLine(0, ui.metrics.gap);
        if (state.may_acknowledge) {
            if (TouchButton(ui, "Acknowledge", "alert:ack:" + alert.id, button_w, ButtonLook::Urgent)) {
                intent.kind = ConsoleIntent::Kind::Acknowledge;
                intent.id = alert.id;
            }
        } else if (TouchButton(ui, "Sign in to acknowledge", "alert:sign_in:" + alert.id, button_w, ButtonLook::Urgent)) {
            intent.kind = ConsoleIntent::Kind::SignInFirst;
        }
    }
    return intent;
}

void DrawStatusLines(Ui& ui, const ConsoleState& state) {
    const float width = ImGui::GetContentRegionAvail().x;
    if (!state.link_problem.empty())
        Paragraph(ui, ui.fonts.body, ui.theme.error_text,
                  "The clinic server is not reached: " + state.link_problem + " Alerts cannot arrive until it is back; "
                  "trying again every few seconds.", width);
    if (!state.sound_problem.empty())
        Paragraph(ui, ui.fonts.body, ui.theme.error_text, "No sound: " + state.sound_problem + " Urgent alerts show here but make no sound.",
                  width);
}

ConsoleIntent DrawOffline(Ui& ui, bool to_top) {
    ConsoleIntent intent = FromStaff(BeginStaffBody(ui, "Clinic console", false, "body:offline", to_top, "Quit"));
    if (intent.kind == ConsoleIntent::Kind::Lock) intent.kind = ConsoleIntent::Kind::None;  // nothing to lock
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.body, ui.theme.text,
              "This console shows the results and urgent alerts of the clinic's kiosks. It cannot reach the clinic server yet.",
              width);
    if (TouchButton(ui, "Try again now", "console:retry", ColumnWidth(2), ButtonLook::Primary)) intent.kind = ConsoleIntent::Kind::Retry;
    EndStaffBody();
    return intent;
}

ConsoleIntent DrawBoard(Ui& ui, const ConsoleState& state, bool to_top) {
    ConsoleIntent intent = Tabs(ui, state, Screen::Board, "Results", "body:board", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    const float third = std::floor((width - 2 * ui.metrics.gap) / 3);
    // The day: before, today, after.
    if (TouchButton(ui, "Day before", "console:day:before", third)) {
        intent.kind = ConsoleIntent::Kind::Day;
        intent.value = -1;
    }
    ImGui::SameLine(0, ui.metrics.gap);
    if (TouchButton(ui, state.board_ui.day_offset == 0 ? "Today, " + state.day : state.day, "console:day:today", third,
                    state.board_ui.day_offset == 0 ? ButtonLook::Selected : ButtonLook::Normal)) {
        intent.kind = ConsoleIntent::Kind::Day;
        intent.value = 0;
    }
    ImGui::SameLine(0, ui.metrics.gap);
    if (TouchButton(ui, "Day after", "console:day:after", third, ButtonLook::Normal, state.board_ui.day_offset < 0)) {
        intent.kind = ConsoleIntent::Kind::Day;
        intent.value = 1;
    }
    // Status, then kiosks.
    const float half = std::floor((width - ui.metrics.gap) / 2);
    if (TouchButton(ui, "To review", "console:status:pending", half, state.board_ui.all ? ButtonLook::Normal : ButtonLook::Selected)) {
        intent.kind = ConsoleIntent::Kind::Status;
        intent.value = 0;
    }
    ImGui::SameLine(0, ui.metrics.gap);
    if (TouchButton(ui, "All results", "console:status:all", half, state.board_ui.all ? ButtonLook::Selected : ButtonLook::Normal)) {
        intent.kind = ConsoleIntent::Kind::Status;
        intent.value = 1;
    }
    const int kiosk_buttons = static_cast<int>(state.kiosk_ids.size()) + 1;
    const float kiosk_w = std::max(140 * ui.metrics.scale,
                                   std::floor((width - static_cast<float>(kiosk_buttons - 1) * ui.metrics.gap) / static_cast<float>(kiosk_buttons)));
    float used = 0;
    auto kiosk_button = [&](const std::string& label, const std::string& id) {
        if (used > 0 && used + kiosk_w <= width) ImGui::SameLine(0, ui.metrics.gap);
        else used = 0;
        used += kiosk_w + ui.metrics.gap;
        if (TouchButton(ui, label, "console:kiosk:" + (id.empty() ? std::string("*") : id), kiosk_w,
                        state.board_ui.kiosk == id ? ButtonLook::Selected : ButtonLook::Normal)) {
            intent.kind = ConsoleIntent::Kind::Kiosk;
            intent.id = id;
        }
    };
    kiosk_button("Every kiosk", "");
    for (const std::string& k : state.kiosk_ids) kiosk_button(k, k);

    if (!state.board_problem.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.board_problem, width);
    for (const BoardRow& row : state.board) {
        const staff::ResultView& r = row.result;
        ButtonLook look = r.urgent ? ButtonLook::Urgent : r.NeedsReview() ? ButtonLook::Normal : ButtonLook::Quiet;
        if (RowButton(ui, "console:row:" + r.id, BoardLines(ui, row), look, width, state.may_open)) {
            intent.kind = ConsoleIntent::Kind::OpenResult;
            intent.id = r.id;
        }
    }
    if (state.board.empty() && state.board_problem.empty())
        Paragraph(ui, ui.fonts.body, ui.theme.muted_text,
                  state.board_ui.all ? "No results on this day." : "Nothing to review on this day.", width);
    EndStaffBody();
    return intent;
}

ConsoleIntent DrawKiosks(Ui& ui, const ConsoleState& state, bool to_top) {
    ConsoleIntent intent = Tabs(ui, state, Screen::Kiosks, "Kiosks", "body:kiosks", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    if (!state.kiosks_problem.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.kiosks_problem, width);
    for (const KioskRow& k : state.kiosks) {
        std::vector<RowLine> lines{{ui.fonts.question, "Kiosk " + k.kiosk, false}, {ui.fonts.body, k.state, false},
                                   {ui.fonts.small, k.queue + "  \xC2\xB7  screening " + k.screening, true}};
        if (k.older_screening)
            lines.push_back({ui.fonts.body, "Runs another screening than this console's file: check it is the current one.", false});
        if (!k.out_of_order.empty()) lines.push_back({ui.fonts.body, "Out of order: " + k.out_of_order, false});
        ButtonLook look = !k.online || k.older_screening || !k.out_of_order.empty() ? ButtonLook::Urgent : ButtonLook::Normal;
        RowButton(ui, "console:kiosk_row:" + k.kiosk, lines, look, width, false);
    }
    if (state.kiosks.empty() && state.kiosks_problem.empty())
        Paragraph(ui, ui.fonts.body, ui.theme.muted_text, "No kiosk is registered for this site yet.", width);
    EndStaffBody();
    return intent;
}

ConsoleIntent DrawExport(Ui& ui, const ConsoleState& state, bool to_top) {
    ConsoleIntent intent = Tabs(ui, state, Screen::Export, "Export", "body:export", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    if (state.export_folder.empty()) {
        Paragraph(ui, ui.fonts.body, ui.theme.error_text,
                  "No export folder is set: start the console with --export-folder PATH.", width);
        EndStaffBody();
        return intent;
    }
    Paragraph(ui, ui.fonts.body, ui.theme.text,
              "Every result of every kiosk of the site on the board's day (" + state.day + "), unsealed, into " + state.export_folder +
                  ". The file is readable by this computer's account only; it holds patients' answers.",
              width);
    const float third = std::floor((width - 2 * ui.metrics.gap) / 3);
    struct Format {
        store::ExportFormat format;
        const char* label;
        const char* key;
    };
    const Format formats[] = {{store::ExportFormat::Csv, "CSV", "console:export:csv"},
                              {store::ExportFormat::Jsonl, "JSON Lines", "console:export:jsonl"},
                              {store::ExportFormat::Fhir, "FHIR", "console:export:fhir"}};
    bool first = true;
    for (const Format& f : formats) {
        if (!first) ImGui::SameLine(0, ui.metrics.gap);
        first = false;
        if (TouchButton(ui, f.label, f.key, third, ButtonLook::Primary)) {
            intent.kind = ConsoleIntent::Kind::Export;
            intent.value = static_cast<int>(f.format);
        }
    }
    if (!state.export_result.empty())
        Paragraph(ui, ui.fonts.body, state.export_failed ? ui.theme.error_text : ui.theme.text, state.export_result, width);
    EndStaffBody();
    return intent;
}

ConsoleIntent DrawAudit(Ui& ui, const ConsoleState& state, bool to_top) {
    ConsoleIntent intent = Tabs(ui, state, Screen::Audit, "Audit log", "body:audit", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    if (!state.audit_problem.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.audit_problem, width);
    for (const server::ConsoleAuditEntry& e : state.audit)
        Paragraph(ui, ui.fonts.small, ui.theme.text,
                  staff::LocalTime(e.at) + "  " + e.actor + "  " + e.action + "  " + e.detail + "  (console " + e.console + ")", width);
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::console
