// The administrator's staff accounts: each account with its role and state (disabled, locked for
// N s, a recovery code to replace), and per account a new PIN, unlock and disable; adding an
// account (name, role, PIN twice). The store checks every change; its refusals are shown as said.
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

namespace {

std::string State(const store::StaffAccount& a) {
    std::string state = store::RoleLabel(a.role);
    if (!a.active) return state + "  \xC2\xB7  disabled";
    if (a.seconds_locked > 0) state += "  \xC2\xB7  locked for " + std::to_string(a.seconds_locked) + " s";
    else if (a.failures > 0) state += "  \xC2\xB7  " + std::to_string(a.failures) + " wrong PIN" + (a.failures == 1 ? "" : "s");
    if (a.role == store::Role::Admin && (a.recovery_used || !a.has_recovery_code)) state += "  \xC2\xB7  recovery code used: make a new one";
    return state;
}

Intent For(Intent::Kind kind, const std::string& name) {
    Intent intent;
    intent.kind = kind;
    intent.id = name;
    return intent;
}

}  // namespace

Intent DrawStaff(Ui& ui, const StaffUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Staff accounts", true, "body:staff", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    if (!state.message.empty())
        Paragraph(ui, ui.fonts.body, state.failed ? ui.theme.error_text : ui.theme.text, state.message, width);
    if (TouchButton(ui, "Add an account", "staff:accounts:add", width, ButtonLook::Primary)) intent.kind = Intent::Kind::AddAccount;
    for (const store::StaffAccount& a : state.accounts) {
        ImGui::Dummy(ImVec2(0, gap * 0.5f));
        Paragraph(ui, ui.fonts.question, a.active ? ui.theme.text : ui.theme.muted_text, a.name, width);
        Paragraph(ui, ui.fonts.body, ui.theme.muted_text, State(a), width);
        if (!a.active) continue;
        const float third = ColumnWidth(3);
        if (TouchButton(ui, "New PIN", "staff:accounts:pin:" + a.name, third)) intent = For(Intent::Kind::AccountPin, a.name);
        ImGui::SameLine(0, gap);
        if (TouchButton(ui, "Unlock", "staff:accounts:unlock:" + a.name, third, ButtonLook::Normal, a.failures > 0 || a.seconds_locked > 0))
            intent = For(Intent::Kind::Unlock, a.name);
        ImGui::SameLine(0, gap);
        if (TouchButton(ui, "Disable", "staff:accounts:disable:" + a.name, third)) intent = For(Intent::Kind::Disable, a.name);
    }
    EndStaffBody();
    return intent;
}

Intent DrawConfirmDisable(Ui& ui, const StaffUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Disable " + state.target + "?", true, "body:confirm_disable", to_top);
    Intent::Kind kind = ConfirmRow(ui,
                                   state.target + " can no longer sign in, here or on any kiosk using this database. What the account "
                                                  "did stays in the audit log. Disabling cannot be undone on this screen.",
                                   "staff:disable", "Yes, disable", Intent::Kind::ConfirmDisable);
    if (kind != Intent::Kind::None) intent.kind = kind;
    EndStaffBody();
    return intent;
}

Intent DrawNewRole(Ui& ui, const StaffUi& state, bool to_top) {
    Intent intent = BeginStaffBody(ui, "New account: role", true, "body:new_role", to_top);
    const float width = ImGui::GetContentRegionAvail().x;
    Paragraph(ui, ui.fonts.body, ui.theme.text, "What may " + state.new_name + " do?", width);
    struct Choice {
        store::Role role;
        const char* text;
    };
    for (Choice c : {Choice{store::Role::FrontDesk, "Front desk\nReset a session, urgent alerts, the queue's outcomes"},
                     Choice{store::Role::Clinician, "Clinician\nAlso open results, show a patient's answers, mark reviewed"},
                     Choice{store::Role::Admin, "Administrator\nAlso settings, export, staff accounts, close the kiosk"}}) {
        if (TouchButton(ui, c.text, std::string("staff:role:") + store::RoleKey(c.role), width)) {
            intent.kind = Intent::Kind::ChooseRole;
            intent.value = static_cast<int>(c.role);
        }
    }
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
