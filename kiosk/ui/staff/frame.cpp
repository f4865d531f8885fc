// The frame every staff screen shares: a title row with Back and Lock always in reach, a body
// that scrolls by dragging (so every screen works from 1024x768 to 4K), and the urgent panel.
#include <imgui_internal.h>  // ImGui::SetScrollY(ImGuiWindow*): see StartAtTop()

#include <algorithm>
#include <cmath>
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

float ColumnWidth(int count) {
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float n = static_cast<float>(std::max(1, count));
    return std::floor((ImGui::GetContentRegionAvail().x - (n - 1) * gap) / n);
}

}  // namespace kiosk::ui::staff
