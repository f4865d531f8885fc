// The kiosk's window: GLFW, an OpenGL 3 context and the ImGui backends (Dear ImGui 1.86).
#include "platform/window.h"

#include <GLFW/glfw3.h>  // also declares the OpenGL 1.1 calls used here (clear, read pixels)

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <cstring>

namespace kiosk::platform {
namespace {

// GLFW reports failures through a callback; the last one is kept for Open()'s message.
std::string g_last_glfw_error;

void OnGlfwError(int code, const char* description) {
    g_last_glfw_error = std::string(description ? description : "unknown error") + " (GLFW error " + std::to_string(code) + ")";
}

}  // namespace

struct Window::Impl {
    GLFWwindow* window = nullptr;
    WindowEvents events;
    double last_move = -1;      // glfwGetTime() of the last pointer movement; -1: none yet
    bool cursor_shown = false;
    bool device_ready = false;  // the OpenGL3 backend made its shaders and font texture
    bool imgui_glfw = false, imgui_gl = false;

    static Impl& Of(GLFWwindow* w) { return *static_cast<Impl*>(glfwGetWindowUserPointer(w)); }

    // Ours are installed before ImGui's backend, which saves them and calls them from its own
    // (ImGui 1.86 chains "previously installed user callbacks"), so both see every event.
    static void OnKey(GLFWwindow* w, int key, int, int action, int mods) {
        Impl& self = Of(w);
        self.events.input = true;
        const int chord = GLFW_MOD_CONTROL | GLFW_MOD_ALT;
        if (key == GLFW_KEY_S && action == GLFW_PRESS && (mods & chord) == chord) self.events.staff_chord = true;
    }
    static void OnChar(GLFWwindow* w, unsigned int) { Of(w).events.input = true; }
    static void OnMouseButton(GLFWwindow* w, int button, int action, int) {
        Impl& self = Of(w);
        self.events.input = true;
        if (button == GLFW_MOUSE_BUTTON_LEFT && action == GLFW_PRESS) ++self.events.presses;
        if (button == GLFW_MOUSE_BUTTON_LEFT && action == GLFW_RELEASE) ++self.events.clicks;
    }
    static void OnScroll(GLFWwindow* w, double, double) { Of(w).events.input = true; }
    static void OnCursorEnter(GLFWwindow* w, int) { Of(w).events.input = true; }
    static void OnFocus(GLFWwindow* w, int) { Of(w).events.input = true; }
    // ImGui 1.86 polls the pointer in its NewFrame and installs no position callback: this is ours alone.
    static void OnCursorPos(GLFWwindow* w, double, double) {
        Impl& self = Of(w);
        self.events.input = true;
        self.last_move = glfwGetTime();
    }
    static void OnRefresh(GLFWwindow* w) { Of(w).events.redraw = true; }
    static void OnFramebufferSize(GLFWwindow* w, int, int) { Of(w).events.redraw = true; }
    static void OnClose(GLFWwindow* w) {
        Of(w).events.close = true;
        glfwSetWindowShouldClose(w, GLFW_FALSE);  // only the app decides (a patient cannot quit)
    }
};

std::unique_ptr<Window> Window::Open(const WindowSpec& spec, std::string& problem, const PrepareFonts& prepare) {
    glfwSetErrorCallback(OnGlfwError);
    if (!glfwInit()) {
        problem = "cannot open the display: " + g_last_glfw_error;
        return nullptr;
    }
    std::unique_ptr<Window> self(new Window());
    self->m_impl = std::make_unique<Impl>();
    Impl& impl = *self->m_impl;

    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_AUTO_ICONIFY, GLFW_FALSE);  // a kiosk stays up when something else takes focus
    GLFWmonitor* monitor = nullptr;
    int width = spec.width, height = spec.height;
    if (width <= 0 || height <= 0) {
        // Borderless fullscreen: a window in the monitor's current video mode, so no mode switch.
        monitor = glfwGetPrimaryMonitor();
        const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
        if (!mode) {
            problem = "no monitor to go fullscreen on: " + g_last_glfw_error;
            return nullptr;  // the destructor ends GLFW
        }
        glfwWindowHint(GLFW_RED_BITS, mode->redBits);
        glfwWindowHint(GLFW_GREEN_BITS, mode->greenBits);
        glfwWindowHint(GLFW_BLUE_BITS, mode->blueBits);
        glfwWindowHint(GLFW_REFRESH_RATE, mode->refreshRate);
        width = mode->width;
        height = mode->height;
    }
    std::future<ImFontAtlas*> atlas;
    if (prepare) atlas = prepare(ImVec2(static_cast<float>(width), static_cast<float>(height)));
    impl.window = glfwCreateWindow(width, height, spec.title.c_str(), monitor, nullptr);
    if (!impl.window) {
        if (atlas.valid()) atlas.wait();
        problem = "cannot open an OpenGL 3 window: " + g_last_glfw_error;
        return nullptr;
    }
    glfwSetWindowUserPointer(impl.window, &impl);
    glfwMakeContextCurrent(impl.window);
    glfwSwapInterval(1);
    glfwSetInputMode(impl.window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);

    glfwSetKeyCallback(impl.window, Impl::OnKey);
    glfwSetCharCallback(impl.window, Impl::OnChar);
    glfwSetMouseButtonCallback(impl.window, Impl::OnMouseButton);
    glfwSetScrollCallback(impl.window, Impl::OnScroll);
    glfwSetCursorEnterCallback(impl.window, Impl::OnCursorEnter);
    glfwSetWindowFocusCallback(impl.window, Impl::OnFocus);
    glfwSetCursorPosCallback(impl.window, Impl::OnCursorPos);
    glfwSetWindowRefreshCallback(impl.window, Impl::OnRefresh);
    glfwSetFramebufferSizeCallback(impl.window, Impl::OnFramebufferSize);
    glfwSetWindowCloseCallback(impl.window, Impl::OnClose);

    ImGui::CreateContext(atlas.valid() ? atlas.get() : nullptr);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing is written next to the kiosk
    io.LogFilename = nullptr;
    // The backend would show the arrow on every frame; the pointer is hidden unless a mouse moves.
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    impl.imgui_glfw = ImGui_ImplGlfw_InitForOpenGL(impl.window, true);
    impl.imgui_gl = impl.imgui_glfw && ImGui_ImplOpenGL3_Init("#version 130");
    if (!impl.imgui_gl) {
        problem = "the ImGui OpenGL 3 renderer did not start (no OpenGL 3.0 with GLSL 1.30?)";
        return nullptr;  // the destructor undoes what was done
    }
    return self;
}

Window::~Window() {
    if (!m_impl) return;
    if (m_impl->imgui_gl) ImGui_ImplOpenGL3_Shutdown();
    if (m_impl->imgui_glfw) ImGui_ImplGlfw_Shutdown();
    if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
    if (m_impl->window) glfwDestroyWindow(m_impl->window);
    glfwTerminate();
}

void Window::Wait(double seconds) {
    // glfwWaitEventsTimeout refuses a zero timeout; nothing to sleep for is a poll.
    if (seconds < 0) glfwWaitEvents();
    else if (seconds > 0) glfwWaitEventsTimeout(seconds);
    else glfwPollEvents();
}

void Window::Poll() { glfwPollEvents(); }

void Window::Wake() { glfwPostEmptyEvent(); }

WindowEvents Window::TakeEvents() {
    WindowEvents events = m_impl->events;
    m_impl->events = {};
    return events;
}

ImVec2 Window::Size() const {
    int w = 0, h = 0;
    glfwGetWindowSize(m_impl->window, &w, &h);
    return ImVec2(static_cast<float>(w), static_cast<float>(h));
}

ImVec2 Window::Position() const {
    int x = 0, y = 0;
    glfwGetWindowPos(m_impl->window, &x, &y);
    return ImVec2(static_cast<float>(x), static_cast<float>(y));
}

void Window::NewFrame(bool fonts_rebuilt) {
    // Before the renderer's first frame there is no texture yet: its NewFrame makes one from the atlas.
    if (fonts_rebuilt && m_impl->device_ready) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    ImGui_ImplOpenGL3_NewFrame();
    m_impl->device_ready = true;
    ImGui_ImplGlfw_NewFrame();
}

void Window::Render() {
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_impl->window, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Window::Swap() { glfwSwapBuffers(m_impl->window); }

std::vector<unsigned char> Window::ReadPixels(int& width, int& height) const {
    glfwGetFramebufferSize(m_impl->window, &width, &height);
    const size_t row = static_cast<size_t>(width) * 4;
    std::vector<unsigned char> pixels(row * static_cast<size_t>(height));
    if (pixels.empty()) return pixels;
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    // OpenGL's first row is the bottom one.
    std::vector<unsigned char> swap(row);
    for (size_t top = 0, bottom = static_cast<size_t>(height) - 1; top < bottom; ++top, --bottom) {
        std::memcpy(swap.data(), &pixels[top * row], row);
        std::memcpy(&pixels[top * row], &pixels[bottom * row], row);
        std::memcpy(&pixels[bottom * row], swap.data(), row);
    }
    return pixels;
}

double Window::UpdateCursor() {
    if (m_impl->last_move < 0) return -1;
    double left = m_impl->last_move + kCursorSeconds - glfwGetTime();
    bool show = left > 0;
    if (show != m_impl->cursor_shown) {
        glfwSetInputMode(m_impl->window, GLFW_CURSOR, show ? GLFW_CURSOR_NORMAL : GLFW_CURSOR_HIDDEN);
        m_impl->cursor_shown = show;
    }
    return show ? left : -1;
}

}  // namespace kiosk::platform
