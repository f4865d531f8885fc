// The staff menu: who is signed in, urgent alerts first (in the urgent colour), where the patient
// session is, then the queue, and for administrators export, settings, staff accounts and closing
// the kiosk. What the role may not do is not offered at all; what a screen needs and lacks is disabled.
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

namespace {

Intent Open(Screen screen) {
    Intent intent;
    intent.kind = Intent::Kind::Open;
    intent.screen = screen;
    return intent;
}

std::string Plural(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

}  // namespace

Intent DrawMenu(Ui& ui, const MenuView& view, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Staff", false, "body:menu", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    auto may = [&](store::Permission permission) { return store::Allows(view.role, permission); };
    Paragraph(ui, ui.fonts.small, ui.theme.muted_text, "Kiosk " + view.kiosk_id + "  \xC2\xB7  signed in: " + view.who, width);
    if (!view.notice.empty()) Paragraph(ui, ui.fonts.body, ui.theme.text, view.notice, width);
    // A failure to send is staff's to notice (the results are safe here, but the desk sees none).
    if (!view.clinic_server.empty())
        Paragraph(ui, ui.fonts.small,
                  view.clinic_server.find("last failure") != std::string::npos ? ui.theme.error_text : ui.theme.muted_text,
                  view.clinic_server, width);
    if (!view.fault.empty()) {
        Paragraph(ui, ui.fonts.body, ui.theme.error_text, "The kiosk is out of order: patients cannot use it.", width);
        if (TouchButton(ui, "Why the kiosk is out of order", "staff:menu:fault", width)) intent = Open(Screen::Fault);
    }
    if (!view.store_problem.empty())
        Paragraph(ui, ui.fonts.body, ui.theme.error_text, "The last database error: " + view.store_problem, width);
    if (!view.load_problem.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, view.load_problem, width);

    if (view.open_alerts > 0) {
        std::string label = Plural(view.open_alerts, "urgent alert", "urgent alerts") +
                            ": a patient needs staff now.\nTap to see and acknowledge.";
        if (TouchButton(ui, label, "staff:menu:alerts", width, ButtonLook::Urgent, view.has_store, ui.fonts.question))
            intent = Open(Screen::Alerts);
    } else if (TouchButton(ui, "Urgent alerts: none open", "staff:menu:alerts", width, ButtonLook::Normal, view.has_store)) {
        intent = Open(Screen::Alerts);
    }
    if (TouchButton(ui, "Current session\n" + view.session.where, "staff:menu:session", width, ButtonLook::Normal,
                    view.session.present))
        intent = Open(Screen::Session);

    const float half = ColumnWidth(2);
    const bool admin = may(store::Permission::Export);
    if (TouchButton(ui, "Results queue\n" + Plural(view.to_review, "result", "results") + " to review", "staff:menu:queue",
                    admin ? half : width, ButtonLook::Normal, view.has_store))
        intent = Open(Screen::Queue);
    if (admin) {
        ImGui::SameLine(0, gap);
        if (TouchButton(ui, "Export results\nCSV or FHIR", "staff:menu:export", half, ButtonLook::Normal,
                        view.has_store && view.has_screening))
            intent = Open(Screen::Export);
    }
    if (may(store::Permission::Settings)) {
        if (TouchButton(ui, "Settings\nIdle times, language", "staff:menu:settings", half, ButtonLook::Normal,
                        view.has_store && view.has_screening))
            intent = Open(Screen::Settings);
        ImGui::SameLine(0, gap);
    }
    if (may(store::Permission::ManageStaff) &&
        TouchButton(ui, "Staff accounts\nAdd, new PIN, unlock, disable", "staff:menu:staff", half, ButtonLook::Normal, view.has_store))
        intent = Open(Screen::Staff);
    if (may(store::Permission::CloseKiosk) && TouchButton(ui, "Close the kiosk\nStops the program", "staff:menu:quit", half))
        intent = Open(Screen::ConfirmQuit);
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
