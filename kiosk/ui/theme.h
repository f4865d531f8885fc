// Colours, sizes and fonts of the kiosk, scaled from the window size; the normal and high-contrast themes.
#pragma once

#include <imgui.h>

#include <cstdint>

namespace kiosk::ui {

// Sizes in pixels for the current window. Everything scales with the short side of the window
// (1.0 at 1080 px), so 1024x768, 3840x2160 and portrait screens keep the same proportions.
struct Metrics {
    float scale = 1.0f;          // short side / 1080
    float text_scale = 1.0f;     // 1.0, or more with "larger text"
    float width = 1920, height = 1080;
    float margin = 48;           // around the content
    float gap = 16;              // between touch targets (at least 8 px at 1080p)
    float button_height = 104;   // touch targets (at least 64 px at 1080p)
    float content_width = 1400;  // the column that holds the question and its buttons
    float body_px = 34, question_px = 46, heading_px = 56, small_px = 28;

    static Metrics For(float width, float height, bool larger_text);
};

struct Theme {
    ImU32 background, surface, text, muted_text, accent, accent_text, selected, selected_text, border,
        urgent, urgent_text, error_text, focus,
        scroll_track;  // the scrollbar's groove, distinct from the page so a long list looks scrollable
    bool high_contrast = false;

    static Theme Normal();
    static Theme HighContrast();
    void Apply(ImGuiStyle& style, const Metrics& metrics) const;
};

// WCAG 2 contrast ratio of two opaque colours (1..21); the themes are tested at 7:1 or more.
double ContrastRatio(ImU32 a, ImU32 b);

}  // namespace kiosk::ui
