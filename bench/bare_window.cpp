// The floor for start-up: the kiosk's own window class (GLFW, OpenGL 3, the ImGui backends) with
// ImGui's built-in font and one line of text, no screening, no database. bench_window starts it
// exactly as it starts the kiosk and prints the kiosk's start-up as a ratio of this one.
//   bench_bare_window   (needs DISPLAY; writes first_frame_monotonic_ns to $KIOSK_FRAME_LOG, exits)
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "platform/window.h"

int main() {
    std::string problem;
    auto window = kiosk::platform::Window::Open({}, problem);
    if (!window) {
        std::fprintf(stderr, "bench_bare_window: %s\n", problem.c_str());
        return 3;
    }
    window->NewFrame(false);
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(window->Size());
    ImGui::Begin("bare", nullptr, ImGuiWindowFlags_NoDecoration);
    ImGui::TextUnformatted("Which language do you prefer?");
    ImGui::Button("English");
    ImGui::End();
    ImGui::Render();
    window->Render();
    window->Swap();
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (const char* log = std::getenv("KIOSK_FRAME_LOG")) {
        if (std::FILE* f = std::fopen(log, "w")) {
            std::fprintf(f, "first_frame_monotonic_ns %lld\n", static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec);
            std::fclose(f);
        }
    }
    return 0;
}
