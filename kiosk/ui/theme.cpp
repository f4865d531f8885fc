// Colours, sizes and fonts of the kiosk, scaled from the window size; the normal and high-contrast themes.
#include "ui/theme.h"

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

Metrics Metrics::For(float width, float height, bool larger_text) {
    Metrics m;
    m.width = width;
    m.height = height;
    m.scale = std::max(0.5f, std::min(width, height) / 1080.0f);
    m.text_scale = larger_text ? 1.3f : 1.0f;
    float s = m.scale, t = m.scale * m.text_scale;
    m.margin = std::round(40 * s);
    m.gap = std::round(16 * s);
    m.button_height = std::round(std::max(104 * s, 80 * t));
    m.content_width = std::min(width - 2 * m.margin, std::round(1500 * s));
    m.body_px = std::round(34 * t);
    m.question_px = std::round(44 * t);
    m.heading_px = std::round(56 * t);
    m.small_px = std::round(28 * t);
    return m;
}

Theme Theme::Normal() {
    Theme t;
    t.background = IM_COL32(0xF7, 0xF7, 0xF2, 0xFF);
    t.surface = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    t.text = IM_COL32(0x1A, 0x1A, 0x1A, 0xFF);
    t.muted_text = IM_COL32(0x3D, 0x3D, 0x3D, 0xFF);
    t.accent = IM_COL32(0x0B, 0x4F, 0x8A, 0xFF);
    t.accent_text = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    t.selected = IM_COL32(0x0B, 0x4F, 0x8A, 0xFF);
    t.selected_text = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    t.border = IM_COL32(0x4A, 0x4A, 0x4A, 0xFF);
    t.urgent = IM_COL32(0x9E, 0x00, 0x00, 0xFF);
    t.urgent_text = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    t.error_text = IM_COL32(0x8A, 0x00, 0x00, 0xFF);
    t.focus = IM_COL32(0xB3, 0x5C, 0x00, 0xFF);
    t.scroll_track = IM_COL32(0xDD, 0xDD, 0xD5, 0xFF);
    return t;
}

Theme Theme::HighContrast() {
    Theme t;
    t.high_contrast = true;
    t.background = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    t.surface = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    t.text = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    t.muted_text = IM_COL32(0xFF, 0xFF, 0x66, 0xFF);
    t.accent = IM_COL32(0xFF, 0xFF, 0x00, 0xFF);
    t.accent_text = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    t.selected = IM_COL32(0xFF, 0xFF, 0x00, 0xFF);
    t.selected_text = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    t.border = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
    t.urgent = IM_COL32(0xFF, 0xFF, 0x00, 0xFF);
    t.urgent_text = IM_COL32(0x00, 0x00, 0x00, 0xFF);
    t.error_text = IM_COL32(0xFF, 0xB0, 0xB0, 0xFF);
    t.focus = IM_COL32(0x00, 0xFF, 0xFF, 0xFF);
    t.scroll_track = IM_COL32(0x40, 0x40, 0x40, 0xFF);
    return t;
}

void Theme::Apply(ImGuiStyle& style, const Metrics& m) const {
    style = ImGuiStyle();
    style.WindowPadding = ImVec2(m.margin, m.margin);
    style.WindowRounding = 0;
    style.WindowBorderSize = 0;
    style.FrameRounding = std::round(12 * m.scale);
    style.FrameBorderSize = std::max(2.0f, std::round(3 * m.scale));
    style.FramePadding = ImVec2(std::round(24 * m.scale), std::round(16 * m.scale));
    style.ItemSpacing = ImVec2(m.gap, m.gap);
    style.ItemInnerSpacing = ImVec2(m.gap, m.gap);
    style.ScrollbarSize = std::round(40 * m.scale);
    style.ScrollbarRounding = std::round(12 * m.scale);
    style.GrabMinSize = std::round(80 * m.scale);
    style.ButtonTextAlign = ImVec2(0.5f, 0.5f);
    style.TouchExtraPadding = ImVec2(0, 0);
    ImVec4* c = style.Colors;
    ImVec4 bg = ImGui::ColorConvertU32ToFloat4(background), fg = ImGui::ColorConvertU32ToFloat4(text);
    ImVec4 sf = ImGui::ColorConvertU32ToFloat4(surface), ac = ImGui::ColorConvertU32ToFloat4(accent);
    ImVec4 bd = ImGui::ColorConvertU32ToFloat4(border);
    c[ImGuiCol_Text] = fg;
    c[ImGuiCol_TextDisabled] = ImGui::ColorConvertU32ToFloat4(muted_text);
    c[ImGuiCol_WindowBg] = bg;
    c[ImGuiCol_ChildBg] = bg;
    c[ImGuiCol_PopupBg] = sf;
    c[ImGuiCol_Border] = bd;
    c[ImGuiCol_FrameBg] = sf;
    c[ImGuiCol_FrameBgHovered] = sf;
    c[ImGuiCol_FrameBgActive] = sf;
    c[ImGuiCol_Button] = sf;
    c[ImGuiCol_ButtonHovered] = sf;  // touch screens have no hover: no colour change under a resting finger
    c[ImGuiCol_ButtonActive] = ac;
    c[ImGuiCol_ScrollbarBg] = ImGui::ColorConvertU32ToFloat4(scroll_track);
    c[ImGuiCol_ScrollbarGrab] = bd;
    c[ImGuiCol_ScrollbarGrabHovered] = bd;
    c[ImGuiCol_ScrollbarGrabActive] = ac;
    c[ImGuiCol_PlotHistogram] = ac;
    c[ImGuiCol_Header] = sf;
    c[ImGuiCol_HeaderHovered] = sf;
    c[ImGuiCol_HeaderActive] = ac;
    c[ImGuiCol_Separator] = bd;
    c[ImGuiCol_TableHeaderBg] = sf;
    c[ImGuiCol_TableBorderStrong] = bd;
    c[ImGuiCol_TableBorderLight] = bd;
    c[ImGuiCol_TableRowBg] = bg;
    c[ImGuiCol_TableRowBgAlt] = sf;
    c[ImGuiCol_NavHighlight] = ImGui::ColorConvertU32ToFloat4(focus);
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.6f);
}

namespace {

double Luminance(ImU32 color) {
    auto channel = [](unsigned v) {
        double c = v / 255.0;
        return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    unsigned r = (color >> IM_COL32_R_SHIFT) & 0xFF, g = (color >> IM_COL32_G_SHIFT) & 0xFF,
             b = (color >> IM_COL32_B_SHIFT) & 0xFF;
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

}  // namespace

double ContrastRatio(ImU32 a, ImU32 b) {
    double la = Luminance(a), lb = Luminance(b);
    if (la < lb) std::swap(la, lb);
    return (la + 0.05) / (lb + 0.05);
}

}  // namespace kiosk::ui
