// Staff mode: the PIN pad (or choosing the first PIN), then the staff menu; locks after a minute idle.
#include "ui/staff.h"

#include <cmath>

#include "store/staff_pin.h"

namespace kiosk::ui {

namespace {

enum class Screen { Closed, Pin, ChoosePin, Menu, ConfirmReset };

const char* ScreenName(Screen screen) {
    switch (screen) {
        case Screen::Closed: return "closed";
        case Screen::Pin: return "staff:pin";
        case Screen::ChoosePin: return "staff:choose_pin";
        case Screen::Menu: return "staff:menu";
        case Screen::ConfirmReset: return "staff:confirm_reset";
    }
    return "staff";
}

int64_t UnixSeconds(const Clock& clock) {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

}  // namespace

struct StaffMode::State {
    Screen screen = Screen::Closed;
    std::string pin;        // digits typed; cleared after every check
    std::string first_pin;  // ChoosePin: the first entry, to be confirmed
    std::string message;
    SystemTime last_touch{};
};

StaffMode::StaffMode() : m_state(std::make_unique<State>()) {}
StaffMode::~StaffMode() = default;

bool StaffMode::IsOpen() const { return m_state->screen != Screen::Closed; }
std::string StaffMode::CurrentScreen() const { return ScreenName(m_state->screen); }

void StaffMode::Enter(const StaffContext& context) {
    State& s = *m_state;
    s = State{};
    s.last_touch = context.clock->Now();
    s.screen = Screen::Pin;
    if (context.store) {
        store::Result<bool> has = store::HasStaffPin(*context.store);
        if (has.value.has_value() && !*has.value) s.screen = Screen::ChoosePin;
    }
}

void StaffMode::Tick(const StaffContext& context) {
    if (IsOpen() && context.clock->Now() - m_state->last_touch >= kAutoLock) {
        if (context.store) context.store->Audit("staff", "staff.autolock", "locked after a minute without a touch");
        *m_state = State{};
    }
}

double StaffMode::SecondsUntilWake(const StaffContext& context) const {
    if (!IsOpen()) return -1;
    auto left = kAutoLock - (context.clock->Now() - m_state->last_touch);
    return std::max(0.0, std::chrono::duration<double>(left).count());
}

StaffAction StaffMode::Draw(Ui& ui, const StaffContext& context) {
    State& s = *m_state;
    StaffAction action;
    BeginScreen(ui, "staff");
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad_w = std::min(width, std::round(620 * ui.metrics.scale));
    const size_t before = ui.tappables.size();
    switch (s.screen) {
        case Screen::Closed: break;
        case Screen::Pin:
        case Screen::ChoosePin: {
            const bool choosing = s.screen == Screen::ChoosePin;
            Paragraph(ui, ui.fonts.heading, ui.theme.text,
                      choosing ? (s.first_pin.empty() ? "Choose a staff PIN (6 digits or more)" : "Enter the new PIN again")
                               : "Staff PIN");
            if (!context.fault.empty()) Paragraph(ui, ui.fonts.small, ui.theme.error_text, "The kiosk is out of order.");
            TouchButton(ui, std::string(s.pin.size(), '*'), "pin:display", pad_w, ButtonLook::Quiet, true, ui.fonts.heading);
            NumberPad(ui, s.pin, false, 12, pad_w);
            if (!s.message.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, s.message, pad_w);
            if (TouchButton(ui, "Enter", "pin:enter", pad_w, ButtonLook::Primary) && context.store) {
                if (choosing) {
                    if (auto problem = store::PinProblem(s.pin)) {
                        s.message = *problem;
                    } else if (s.first_pin.empty()) {
                        s.first_pin = s.pin;
                        s.message.clear();
                    } else if (s.first_pin != s.pin) {
                        s.first_pin.clear();
                        s.message = "The two PINs differ. Choose one again.";
                    } else {
                        store::Result<bool> set = store::SetStaffPin(*context.store, s.pin, "staff");
                        s.message = set.error ? set.error->Describe() : "";
                        if (!set.error) s.screen = Screen::Menu;
                    }
                } else {
                    store::PinCheck check = store::VerifyStaffPin(*context.store, s.pin, "staff", UnixSeconds(*context.clock));
                    switch (check.status) {
                        case store::PinCheck::Status::Ok: s.screen = Screen::Menu; s.message.clear(); break;
                        case store::PinCheck::Status::Wrong:
                            s.message = check.seconds_locked > 0 ? "Wrong PIN. Locked for " + std::to_string(check.seconds_locked) + " s."
                                                                 : "Wrong PIN.";
                            break;
                        case store::PinCheck::Status::LockedOut:
                            s.message = "Too many wrong PINs. Try again in " + std::to_string(check.seconds_locked) + " s.";
                            break;
                        case store::PinCheck::Status::NoPin: s.screen = Screen::ChoosePin; break;
                        case store::PinCheck::Status::StoreError:
                            s.message = check.error ? check.error->Describe() : "The database cannot be read.";
                            break;
                    }
                }
                s.pin.clear();
            }
            if (TouchButton(ui, "Cancel", "staff:lock", pad_w)) *m_state = State{};
            break;
        }
        case Screen::Menu: {
            Paragraph(ui, ui.fonts.heading, ui.theme.text, "Staff");
            if (!context.fault.empty()) Paragraph(ui, ui.fonts.small, ui.theme.error_text, context.fault);
            if (TouchButton(ui, "Reset the current session", "staff:reset", width)) s.screen = Screen::ConfirmReset;
            if (TouchButton(ui, "Close the kiosk", "staff:quit", width)) action.quit = true;
            if (TouchButton(ui, "Lock", "staff:lock", width, ButtonLook::Primary)) {
                if (context.store) context.store->Audit("staff", "staff.lock", "");
                *m_state = State{};
            }
            break;
        }
        case Screen::ConfirmReset: {
            Paragraph(ui, ui.fonts.heading, ui.theme.text, "Reset the current session? Its answers are deleted.");
            if (TouchButton(ui, "Yes, reset", "staff:reset_confirm", width, ButtonLook::Urgent)) {
                action.reset_session = true;
                s.screen = Screen::Menu;
            }
            if (TouchButton(ui, "Cancel", "staff:reset_cancel", width)) s.screen = Screen::Menu;
            break;
        }
    }
    EndScreen();
    // Any tap in staff mode counts as activity for the auto-lock.
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && ui.tappables.size() > before) s.last_touch = context.clock->Now();
    return action;
}

}  // namespace kiosk::ui
