// The kiosk's window: GLFW, an OpenGL 3 context and the ImGui backends behind one small class.
// Only kiosk/platform includes GLFW, GL and the backends; nothing here knows about screens.
#pragma once

#include <imgui.h>

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

namespace kiosk::platform {

struct WindowSpec {
    int width = 0, height = 0;  // 0 x 0: borderless fullscreen on the primary monitor, in its video mode
    std::string title = "Screening kiosk";
};

// What reached the window since the last TakeEvents(), from GLFW's callbacks.
struct WindowEvents {
    bool input = false;         // a touch, click, key, scroll or pointer movement: ImGui must see frames
    bool redraw = false;        // exposed or resized: the picture must be drawn again
    bool close = false;         // the window manager asked to close
    bool staff_chord = false;   // Ctrl+Alt+S was pressed
    int presses = 0;            // left-button presses
    int clicks = 0;             // left-button releases (the e2e driver counts them)

    WindowEvents& operator+=(const WindowEvents& more) {
        input = input || more.input;
        redraw = redraw || more.redraw;
        close = close || more.close;
        staff_chord = staff_chord || more.staff_chord;
        presses += more.presses;
        clicks += more.clicks;
        return *this;
    }
};

class Window {
public:
    // Work that can run while the window and its GL context are made (the slow part of start-up):
    // called with the size the window will have, it returns the font atlas the ImGui context
    // will use, built on another thread. Open waits for it before it creates the ImGui context.
    using PrepareFonts = std::function<std::future<ImFontAtlas*>(ImVec2 size)>;

    // Opens the window and the GL context, creates the ImGui context and starts both backends.
    // With `prepare`, the context shares the atlas it returns (which must outlive the window);
    // without, the context has its own. Null with `problem` set when there is no display or no
    // OpenGL 3 (after `prepare`'s work has finished).
    static std::unique_ptr<Window> Open(const WindowSpec& spec, std::string& problem, const PrepareFonts& prepare = {});
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    // Sleeps until an event arrives, `seconds` pass (negative: no limit) or Wake() is called.
    void Wait(double seconds);
    void Poll();
    // Ends a Wait() from any thread (not from a signal handler).
    static void Wake();
    WindowEvents TakeEvents();

    ImVec2 Size() const;      // in screen coordinates, as ImGui's DisplaySize
    ImVec2 Position() const;  // the window's top-left on the X screen
    // Starts an ImGui frame's platform half; `fonts_rebuilt` re-uploads the font atlas first.
    void NewFrame(bool fonts_rebuilt);
    // Draws ImGui's draw data into the back buffer (after ImGui::Render), and shows it.
    void Render();
    void Swap();
    // The back buffer as tightly packed RGBA rows, top row first. Call between Render() and Swap().
    std::vector<unsigned char> ReadPixels(int& width, int& height) const;

    // Shows the pointer after it moved and hides it kCursorSeconds later: a patient's screen has
    // no arrow on it, a technician with a mouse sees one. Returns the seconds until it hides
    // (negative when hidden), so the event loop can wake for it.
    double UpdateCursor();
    static constexpr double kCursorSeconds = 3.0;

private:
    Window() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace kiosk::platform
