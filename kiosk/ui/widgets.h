// Touch widgets of the kiosk: large buttons, toggles, a number pad, an on-screen keyboard, the
// screen frame, and the record of every touch target drawn (tests and the e2e driver tap by key).
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/answers.h"
#include "rules/date.h"
#include "rules/screening.h"
#include "ui/fonts.h"
#include "ui/theme.h"

namespace kiosk::ui {

// A touch target as drawn in the last frame. `key` is stable across languages ("option:knee").
struct Tappable {
    std::string key;
    ImVec2 min, max;
    bool enabled = true;
    bool visible = true;  // some of it is on screen, not clipped away by a scrolling list
    ImVec2 full_min, full_max;  // the whole target, including any part a list clips (min/max: the visible part)
    ImVec2 Center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

// What a patient screen asks the app to do; the app turns it into a Session call.
struct PatientIntent {
    enum class Kind : uint8_t {
        None, ChooseLanguage, Answer, NotSure, DismissHelper, Skip, Next, Back, Continue, Edit, Submit,
        Finish, StartOver, Touch, ToggleLargerText, ToggleHighContrast,
    };
    Kind kind = Kind::None;
    int index = -1;                    // ChooseLanguage: language; Edit: question
    rules::AnswerInput input;          // Answer
};

// Everything a screen draws with. Built by the app each frame.
struct Ui {
    const Theme& theme;
    const Metrics& metrics;
    const Fonts& fonts;
    std::vector<Tappable>& tappables;
    const rules::Screening* screening = nullptr;  // null on the out-of-order screen
    int language = 0;
    rules::Date today;                            // the screening day, for date limits

    // A [labels] entry (or "text:key") in the current language.
    std::string_view L(std::string_view key) const;
};

enum class ButtonLook : uint8_t { Normal, Primary, Selected, Urgent, Quiet };

// A large button whose label wraps inside it; at least Metrics::button_height tall, as tall as
// its text needs. Its identity is `key`, so translated labels keep it. Pressed on release.
bool TouchButton(Ui& ui, std::string_view label, const std::string& key, float width,
                 ButtonLook look = ButtonLook::Normal, bool enabled = true, ImFont* font = nullptr);
// A card for the review list: `title` (the question) in the body font, `value` (the answer) in
// bold below it, the whole card one touch target.
bool TouchCard(Ui& ui, std::string_view title, std::string_view value, const std::string& key, float width);
// A toggle for multiple choice: a box with a check mark, and the label.
bool TouchToggle(Ui& ui, std::string_view label, const std::string& key, float width, bool on);
// The height TouchButton will take for `label` at `width`.
float TouchButtonHeight(Ui& ui, std::string_view label, float width, ImFont* font = nullptr);

// Wrapped text in `font` and `color` across the content width.
void Paragraph(Ui& ui, ImFont* font, ImU32 color, std::string_view text, float width = 0);

// A number pad editing `digits` (0-9, and '.' when `decimal`). Returns true when `digits` changed.
bool NumberPad(Ui& ui, std::string& digits, bool decimal, int max_digits, float width);
// How the on-screen keyboard writes letters: each word capitalised (names, free text), or exactly
// the small letters on its keys (a passphrase, shown masked: a capital the typist never chose
// would lock the file with a passphrase nobody knows).
enum class KeyboardCase : uint8_t { Words, Lower };
// An on-screen keyboard editing `text` (letters, digits, space, backspace; ñ for Spanish).
// Returns true when `text` changed.
bool Keyboard(Ui& ui, std::string& text, int max_length, float width, KeyboardCase letters = KeyboardCase::Words);

// The fullscreen window every screen draws in; `name` keeps ImGui's state per screen.
void BeginScreen(Ui& ui, const char* name);
void EndScreen();

// In a scrolling child: a finger dragged on the list moves it (ImGui 1.86 scrolls only by wheel).
void DragToScroll();

// Records the last ImGui item as a touch target: the part of it that is visible (a child window
// clips its items; a target scrolled out of view is recorded as not visible).
void RecordTappable(Ui& ui, const std::string& key, bool enabled = true);

}  // namespace kiosk::ui
