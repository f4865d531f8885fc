// The frame every staff screen shares: a title row with Back and Lock always in reach, a body
// that scrolls by dragging (so every screen works from 1024x768 to 4K), and the urgent panel.
#include <imgui_internal.h>  // ImGui::SetScrollY(ImGuiWindow*): see StartAtTop()

#include <algorithm>
#include <cmath>
#include <cfloat>
#include <cstdio>

#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

namespace {

// A child window keeps its scroll position, and ImGui 1.86 applies SetScrollY() inside a window
// only in the next frame (it has no SetNextWindowScroll). An event-driven kiosk may draw no next
// frame, so a screen opened again would stay scrolled where it was left. Setting the scroll on
// the child before it begins (its name as BeginChild() forms it) takes effect in this frame.
void StartAtTop(const char* body_id) {
    char name[256];
    std::snprintf(name, sizeof name, "%s/%s_%08X", ImGui::GetCurrentWindow()->Name, body_id, ImGui::GetID(body_id));
    if (ImGuiWindow* child = ImGui::FindWindowByName(name)) ImGui::SetScrollY(child, 0.0f);
}

}  // namespace

Intent BeginStaffBody(Ui& ui, std::string_view title, bool back, const char* body_id, bool to_top, std::string_view lock_label,
                      float footer) {
    Intent intent;
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    const float button_w = std::floor(std::min(260 * ui.metrics.scale, (width - 2 * gap) * 0.22f));
    const int buttons = back ? 2 : 1;
    const float title_w = std::max(1.0f, width - static_cast<float>(buttons) * (button_w + gap));
    const float start_x = ImGui::GetCursorPosX();
    ImGui::BeginGroup();
    Paragraph(ui, ui.fonts.heading, ui.theme.text, title, title_w);
    ImGui::EndGroup();
    ImGui::SameLine(0, 0);
    ImGui::SetCursorPosX(start_x + title_w + gap);
    if (back) {
        if (TouchButton(ui, "Back", "staff:back", button_w)) intent.kind = Intent::Kind::Back;
        ImGui::SameLine(0, gap);
    }
    if (TouchButton(ui, lock_label, "staff:lock", button_w, ButtonLook::Primary)) intent.kind = Intent::Kind::Lock;
    if (to_top) StartAtTop(body_id);
    ImGui::BeginChild(body_id, ImVec2(0, footer > 0 ? -footer : 0.0f), false, ImGuiWindowFlags_NoScrollWithMouse);
    DragToScroll();
    return intent;
}

void EndStaffBody() {
    // Room below the last item, so it can be dragged clear of the screen's edge.
    ImGui::Dummy(ImVec2(0, ImGui::GetStyle().ItemSpacing.y));
    ImGui::EndChild();
}

void UrgentPanel(Ui& ui, std::string_view text, float width) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float pad = ui.metrics.gap;
    const ImVec2 a = ImGui::GetCursorScreenPos();
    draw->ChannelsSplit(2);
    draw->ChannelsSetCurrent(1);
    ImGui::BeginGroup();
    ImGui::Dummy(ImVec2(width, pad * 0.5f));
    ImGui::Indent(pad);
    Paragraph(ui, ui.fonts.body, ui.theme.urgent_text, text, width - 2 * pad);
    ImGui::Unindent(pad);
    ImGui::Dummy(ImVec2(width, pad * 0.5f));
    ImGui::EndGroup();
    draw->ChannelsSetCurrent(0);
    draw->AddRectFilled(a, ImVec2(a.x + width, ImGui::GetItemRectMax().y), ui.theme.urgent, ImGui::GetStyle().FrameRounding);
    draw->ChannelsMerge();
}

bool RowButton(Ui& ui, const std::string& key, const std::vector<RowLine>& lines, ButtonLook look, float width, bool interactive) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float wrap = width - 2 * style.FramePadding.x;
    const float spacing = std::round(ui.metrics.gap * 0.25f);
    float height = 2 * style.FramePadding.y;
    for (const RowLine& line : lines) {
        ImFont* font = line.font ? line.font : ui.fonts.body;
        height += font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap, line.text.c_str()).y + spacing;
    }
    height = std::max(ui.metrics.button_height, height - spacing);

    bool pressed = false;
    if (interactive) {
        ImGui::PushID(key.c_str());
        pressed = ImGui::InvisibleButton("##row", ImVec2(width, height));
        ImGui::PopID();
    } else {
        ImGui::Dummy(ImVec2(width, height));
    }
    const bool held = interactive && ImGui::IsItemActive();
    const Theme& t = ui.theme;
    ImU32 fill = t.surface, border = t.border, text = t.text, muted = t.muted_text;
    if (look == ButtonLook::Urgent) {
        fill = border = t.urgent;
        text = muted = t.urgent_text;
    } else if (look == ButtonLook::Quiet) {
        fill = t.background;
    }
    if (held) {
        fill = t.accent;
        border = t.focus;
        text = muted = t.accent_text;
    }

    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    draw->AddRectFilled(a, b, fill, style.FrameRounding);
    draw->AddRect(a, b, border, style.FrameRounding, 0, style.FrameBorderSize);
    ImVec2 at(a.x + style.FramePadding.x, a.y + style.FramePadding.y);
    for (const RowLine& line : lines) {
        ImFont* font = line.font ? line.font : ui.fonts.body;
        draw->AddText(font, font->FontSize, at, line.muted ? muted : text, line.text.c_str(), nullptr, wrap);
        at.y += font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap, line.text.c_str()).y + spacing;
    }
    if (!interactive) return false;
    RecordTappable(ui, key);
    // A finger that moved to scroll the list did not mean to open what it lifted over.
    const ImGuiIO& io = ImGui::GetIO();
    const float limit = io.MouseDragThreshold * 2;
    return pressed && io.MouseDragMaxDistanceSqr[0] < limit * limit;
}

float ColumnWidth(int count) {
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float n = static_cast<float>(std::max(1, count));
    return std::floor((ImGui::GetContentRegionAvail().x - (n - 1) * gap) / n);
}

Intent::Kind ConfirmRow(Ui& ui, std::string_view explanation, const std::string& key, std::string_view confirm_label,
                        Intent::Kind on_confirm, bool enabled) {
    Paragraph(ui, ui.fonts.body, ui.theme.text, explanation, ImGui::GetContentRegionAvail().x);
    ImGui::Dummy(ImVec2(0, ui.metrics.gap));
    const float half = ColumnWidth(2);
    Intent::Kind kind = Intent::Kind::None;
    if (TouchButton(ui, "Cancel", key + ":cancel", half)) kind = Intent::Kind::Back;
    ImGui::SameLine(0, ui.metrics.gap);
    if (TouchButton(ui, confirm_label, key + ":confirm", half, ButtonLook::Urgent, enabled)) kind = on_confirm;
    return kind;
}

}  // namespace kiosk::ui::staff
