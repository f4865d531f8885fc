// The PIN pad: an account's PIN to sign in ("Not you?" back to the list; administrators may use
// their recovery code instead), the 20-digit recovery code, and a new PIN typed twice.
#include <algorithm>
#include <cmath>

#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

namespace {

struct PinWords {
    std::string title, prompt;
    bool back = false;  // the title row's Back (sign-in has "Not you?" instead; the forced new PIN has none)
    int max_digits = 32;
};

PinWords Words(const PinUi& state) {
    const bool again = !state.first.empty();
    switch (state.purpose) {
        case PinPurpose::SignIn: return {"PIN for " + state.account, "Enter your PIN.", false, 32};
        case PinPurpose::Recovery:
            return {"Recovery code for " + state.account,
                    "Enter the 20-digit recovery code written down when the account was made. Then say why it is used.", true,
                    store::kRecoveryDigits};
        case PinPurpose::OwnPin:
            return {"Choose a new PIN",
                    again ? "Enter the same PIN again to confirm it."
                          : "You signed in with the recovery code. Choose a new PIN for " + state.account + ": 8 digits or more.",
                    false, 32};
        case PinPurpose::AccountPin:
            return {"New PIN for " + state.account,
                    again ? "Enter the same PIN again to confirm it." : "Choose a new PIN: 8 digits or more. Its lockout is cleared.",
                    true, 32};
        case PinPurpose::NewAccount:
            return {"PIN for the new account " + state.account,
                    again ? "Enter the same PIN again to confirm it." : "Choose the account's PIN: 8 digits or more. Tell it to the person in private.",
                    true, 32};
    }
    return {};
}

// A bullet per digit; a recovery code in its groups of four, so a slip is easy to spot.
std::string Dots(const PinUi& state) {
    std::string dots;
    for (size_t i = 0; i < state.digits.size(); ++i) {
        if (state.purpose == PinPurpose::Recovery && i > 0 && i % 4 == 0) dots += '-';
        dots += "\xE2\x80\xA2";
    }
    return dots;
}

}  // namespace

Intent DrawPin(Ui& ui, bool out_of_order, PinUi& state, bool to_top) {
    const PinWords words = Words(state);
    const char* lock = state.purpose == PinPurpose::SignIn || state.purpose == PinPurpose::Recovery ? "Cancel" : "Lock";
    Intent intent = BeginStaffBody(ui, words.title, words.back, "body:pin", to_top, lock);
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    // Landscape: the pad on the left, the prompt and Enter beside it, so all fits at 1024x768.
    const bool side_by_side = ui.metrics.width > ui.metrics.height * 1.15f;
    const float column = side_by_side ? std::floor((width - 2 * gap) * 0.5f) : std::min(width, std::round(760 * ui.metrics.scale));
    const bool ready = state.purpose == PinPurpose::Recovery ? state.digits.size() == static_cast<size_t>(store::kRecoveryDigits)
                                                             : !state.digits.empty();
    auto enter = [&] {
        if (TouchButton(ui, "Enter", "pin:enter", column, ButtonLook::Primary, ready, ui.fonts.question)) intent.kind = Intent::Kind::EnterPin;
    };

    ImGui::BeginGroup();
    Paragraph(ui, ui.fonts.body, ui.theme.text, words.prompt, column);
    if (out_of_order) Paragraph(ui, ui.fonts.body, ui.theme.error_text, "The kiosk is out of order; sign in to see why.", column);
    TouchButton(ui, Dots(state), "pin:display", column, ButtonLook::Quiet, false, ui.fonts.heading);
    if (!state.message.empty()) Paragraph(ui, ui.fonts.body, ui.theme.error_text, state.message, column);
    if (side_by_side) enter();
    if (state.purpose == PinPurpose::SignIn) {
        if (TouchButton(ui, "Not you? Choose your name", "pin:not_you", column)) intent.kind = Intent::Kind::NotYou;
        if (state.admin && TouchButton(ui, "Use the recovery code", "pin:recovery", column, ButtonLook::Quiet))
            intent.kind = Intent::Kind::UseRecovery;
    }
    ImGui::EndGroup();
    if (side_by_side) ImGui::SameLine(0, 2 * gap);

    ImGui::BeginGroup();
    NumberPad(ui, state.digits, false, words.max_digits, column);
    if (!side_by_side) enter();
    ImGui::EndGroup();
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
