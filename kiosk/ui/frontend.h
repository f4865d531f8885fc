// What the window's event loop drives: the kiosk (App) or the front-desk console (ConsoleApp).
// Both draw ImGui frames headless; the platform layer owns the window, GL and the loop.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "ui/widgets.h"

namespace kiosk::ui {

class Frontend {
public:
    virtual ~Frontend() = default;
    // Builds the fonts for a display of `display_size` into `atlas` (the atlas the ImGui context
    // will use), so that the first PrepareFrame need not. Needs no ImGui context: the platform
    // runs it on another thread while the window opens.
    virtual void BuildFonts(ImFontAtlas& atlas, ImVec2 display_size) = 0;
    // Before ImGui::NewFrame(): sizes fonts and style for the display. Returns true when the font
    // atlas was rebuilt, so the renderer must upload it again. Requires a current ImGui context.
    virtual bool PrepareFrame(ImVec2 display_size) = 0;
    // Between ImGui::NewFrame() and ImGui::Render(): draws the screen and applies what was tapped.
    virtual void DrawFrame() = 0;
    // How long the platform may sleep before a timer needs a frame: seconds, or a negative number
    // when only input can change the screen.
    virtual double SecondsUntilWake() const = 0;
    // The window manager asked to close.
    virtual void RequestClose() = 0;
    virtual bool QuitRequested() const = 0;
    // The keyboard chord for staff (Ctrl+Alt+S).
    virtual void OpenStaff() = 0;
    // For tests and the e2e driver: the touch targets of the last frame, and the screen's name.
    virtual const std::vector<Tappable>& Tappables() const = 0;
    virtual std::string CurrentScreen() const = 0;
};

}  // namespace kiosk::ui
