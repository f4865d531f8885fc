// Touch widgets of the kiosk: large buttons, toggles, a number pad, an on-screen keyboard, the
// screen frame, and the record of every touch target drawn.
#include "ui/widgets.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "core/labels.h"

namespace kiosk::ui {

std::string_view Ui::L(std::string_view key) const {
    if (!screening) return key;
    std::string_view text = Label(*screening, key, language);
    return text.empty() ? key : text;
}

void RecordTappable(Ui& ui, const std::string& key, bool enabled) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 clip_min = draw->GetClipRectMin(), clip_max = draw->GetClipRectMax();
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImVec2 min(std::max(a.x, clip_min.x), std::max(a.y, clip_min.y)), max(std::min(b.x, clip_max.x), std::min(b.y, clip_max.y));
    bool visible = min.x < max.x && min.y < max.y;
    ui.tappables.push_back(Tappable{key, visible ? min : a, visible ? max : b, enabled, visible, a, b});
}

void DragToScroll() {
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) && ImGui::IsMouseDragging(ImGuiMouseButton_Left))
        ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
}

namespace {

ImFont* Or(ImFont* font, Ui& ui) { return font ? font : ui.fonts.body; }

// A finger that moved to scroll a list did not mean to tap what it lifted over.
bool WasTap() {
    const ImGuiIO& io = ImGui::GetIO();
    float limit = io.MouseDragThreshold * 2;
    return io.MouseDragMaxDistanceSqr[0] < limit * limit;
}

ImVec2 TextSize(ImFont* font, std::string_view text, float wrap) {
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap, text.data(), text.data() + text.size());
}

struct Look {
    ImU32 fill, border, text;
};

Look LookOf(const Ui& ui, ButtonLook look, bool held, bool enabled) {
    const Theme& t = ui.theme;
    Look l{t.surface, t.border, t.text};
    switch (look) {
        case ButtonLook::Normal: break;
        case ButtonLook::Primary: l = {t.accent, t.accent, t.accent_text}; break;
        case ButtonLook::Selected: l = {t.selected, t.selected, t.selected_text}; break;
        case ButtonLook::Urgent: l = {t.urgent, t.urgent, t.urgent_text}; break;
        case ButtonLook::Quiet: l = {t.background, t.border, t.text}; break;
    }
    if (held && enabled) l = {t.accent, t.focus, t.accent_text};
    if (!enabled) l = {t.background, t.muted_text, t.muted_text};
    return l;
}

// Draws a button's box and its label, wrapped, centred when it fits on one line.
void DrawBox(ImFont* font, std::string_view label, const Look& look, float text_indent) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImGuiStyle& style = ImGui::GetStyle();
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    draw->AddRectFilled(a, b, look.fill, style.FrameRounding);
    draw->AddRect(a, b, look.border, style.FrameRounding, 0, style.FrameBorderSize);
    float pad = style.FramePadding.x;
    float wrap = b.x - a.x - 2 * pad - text_indent;
    ImVec2 size = TextSize(font, label, wrap);
    float x = size.y <= font->FontSize * 1.01f && text_indent == 0 ? a.x + (b.x - a.x - size.x) * 0.5f
                                                                  : a.x + pad + text_indent;
    float y = a.y + (b.y - a.y - size.y) * 0.5f;
    draw->AddText(font, font->FontSize, ImVec2(x, y), look.text, label.data(), label.data() + label.size(), wrap);
}

}  // namespace

float TouchButtonHeight(Ui& ui, std::string_view label, float width, ImFont* font) {
    font = Or(font, ui);
    const ImGuiStyle& style = ImGui::GetStyle();
    ImVec2 size = TextSize(font, label, width - 2 * style.FramePadding.x);
    return std::max(ui.metrics.button_height, size.y + 2 * style.FramePadding.y);
}

bool TouchButton(Ui& ui, std::string_view label, const std::string& key, float width, ButtonLook look, bool enabled,
                 ImFont* font) {
    font = Or(font, ui);
    float height = TouchButtonHeight(ui, label, width, font);
    ImGui::PushID(key.c_str());
    ImGui::BeginDisabled(!enabled);
    bool pressed = ImGui::InvisibleButton("##touch", ImVec2(width, height));
    ImGui::EndDisabled();
    ImGui::PopID();
    DrawBox(font, label, LookOf(ui, look, ImGui::IsItemActive(), enabled), 0);
    RecordTappable(ui, key, enabled);
    return pressed && enabled && WasTap();
}

bool TouchCard(Ui& ui, std::string_view title, std::string_view value, const std::string& key, float width) {
    ImFont* title_font = ui.fonts.body;
    ImFont* value_font = ui.fonts.question;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float wrap = width - 2 * style.FramePadding.x;
    const float title_h = TextSize(title_font, title, wrap).y, value_h = TextSize(value_font, value, wrap).y;
    const float gap = std::round(ui.metrics.gap * 0.5f);
    const float height = std::max(ui.metrics.button_height, title_h + gap + value_h + 2 * style.FramePadding.y);
    ImGui::PushID(key.c_str());
    bool pressed = ImGui::InvisibleButton("##card", ImVec2(width, height));
    ImGui::PopID();
    Look look = LookOf(ui, ButtonLook::Normal, ImGui::IsItemActive(), true);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    draw->AddRectFilled(a, b, look.fill, style.FrameRounding);
    draw->AddRect(a, b, look.border, style.FrameRounding, 0, style.FrameBorderSize);
    ImVec2 at(a.x + style.FramePadding.x, a.y + style.FramePadding.y);
    draw->AddText(title_font, title_font->FontSize, at, look.text, title.data(), title.data() + title.size(), wrap);
    at.y += title_h + gap;
    draw->AddText(value_font, value_font->FontSize, at, look.text, value.data(), value.data() + value.size(), wrap);
    RecordTappable(ui, key);
    return pressed && WasTap();
}

bool TouchToggle(Ui& ui, std::string_view label, const std::string& key, float width, bool on) {
    ImFont* font = ui.fonts.body;
    float box = std::round(font->FontSize * 1.1f);
    float indent = box + ui.metrics.gap;
    float height = TouchButtonHeight(ui, label, width - indent, font);
    ImGui::PushID(key.c_str());
    bool pressed = ImGui::InvisibleButton("##toggle", ImVec2(width, height));
    ImGui::PopID();
    Look look = LookOf(ui, on ? ButtonLook::Selected : ButtonLook::Normal, ImGui::IsItemActive(), true);
    DrawBox(font, label, look, indent);
    // The check box: an outlined square, filled with a check mark when on.
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    float pad = ImGui::GetStyle().FramePadding.x;
    ImVec2 box_min(a.x + pad, a.y + (b.y - a.y - box) * 0.5f), box_max(box_min.x + box, box_min.y + box);
    draw->AddRectFilled(box_min, box_max, on ? look.text : ui.theme.surface, 4);
    draw->AddRect(box_min, box_max, look.text, 4, 0, std::max(2.0f, box * 0.08f));
    if (on) {
        float t = std::max(3.0f, box * 0.14f);
        ImVec2 p1(box_min.x + box * 0.2f, box_min.y + box * 0.52f), p2(box_min.x + box * 0.42f, box_min.y + box * 0.75f),
            p3(box_min.x + box * 0.8f, box_min.y + box * 0.25f);
        draw->AddLine(p1, p2, look.fill, t);
        draw->AddLine(p2, p3, look.fill, t);
    }
    RecordTappable(ui, key);
    return pressed && WasTap();
}

void Paragraph(Ui& ui, ImFont* font, ImU32 color, std::string_view text, float width) {
    if (width <= 0) width = ImGui::GetContentRegionAvail().x;
    ImGui::PushFont(Or(font, ui));
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

bool NumberPad(Ui& ui, std::string& digits, bool decimal, int max_digits, float width) {
    float gap = ui.metrics.gap;
    float key_w = std::floor((width - 2 * gap) / 3);
    const char* rows[4][3] = {{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {decimal ? "." : "", "0", "\xE2\x86\x90"}};
    bool changed = false;
    for (auto& row : rows) {
        for (int c = 0; c < 3; ++c) {
            if (c > 0) ImGui::SameLine(0, gap);
            std::string face = row[c];
            if (face.empty()) {
                ImGui::Dummy(ImVec2(key_w, ui.metrics.button_height));
                continue;
            }
            std::string key = face == "." ? "pad:dot" : face == "\xE2\x86\x90" ? "pad:back" : "pad:" + face;
            if (TouchButton(ui, face, key, key_w, ButtonLook::Normal, true, ui.fonts.question)) {
                if (key == "pad:back") {
                    if (!digits.empty()) digits.pop_back();
                } else if (face == ".") {
                    if (digits.find('.') == std::string::npos) digits += digits.empty() ? "0." : ".";
                } else if (static_cast<int>(digits.size()) < max_digits) {
                    digits += face;
                }
                changed = true;
            }
        }
    }
    if (TouchButton(ui, ui.L("number_clear"), "pad:clear", width, ButtonLook::Quiet)) {
        digits.clear();
        changed = true;
    }
    return changed;
}

namespace {

// Appends one UTF-8 character, capitalising the first letter of each word (names, places).
void Type(std::string& text, std::string_view ch) {
    bool word_start = text.empty() || text.back() == ' ' || text.back() == '-';
    if (word_start && ch.size() == 1 && ch[0] >= 'a' && ch[0] <= 'z') {
        text += static_cast<char>(ch[0] - 'a' + 'A');
    } else if (word_start && ch == "\xC3\xB1") {
        text += "\xC3\x91";  // Ñ
    } else {
        text += ch;
    }
}

void Backspace(std::string& text) {
    while (!text.empty()) {
        unsigned char c = static_cast<unsigned char>(text.back());
        text.pop_back();
        if ((c & 0xC0) != 0x80) break;  // stop after removing a whole UTF-8 character
    }
}

int CountChars(const std::string& text) {
    return static_cast<int>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

bool Keyboard(Ui& ui, std::string& text, int max_length, float width, KeyboardCase letters) {
    static constexpr const char* kRows[4][11] = {
        {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", nullptr},
        {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", nullptr},
        {"a", "s", "d", "f", "g", "h", "j", "k", "l", "\xC3\xB1", nullptr},
        {"z", "x", "c", "v", "b", "n", "m", "-", "'", ".", nullptr},
    };
    float gap = ui.metrics.gap * 0.75f;
    float key_w = std::floor((width - 9 * gap) / 10);
    bool changed = false;
    bool full = max_length > 0 && CountChars(text) >= max_length;
    for (auto& row : kRows) {
        for (int c = 0; row[c]; ++c) {
            if (c > 0) ImGui::SameLine(0, gap);
            std::string face = row[c];
            std::string shown = face;
            const bool capitals = letters == KeyboardCase::Words;
            if (capitals && face.size() == 1 && face[0] >= 'a' && face[0] <= 'z') shown = std::string(1, static_cast<char>(face[0] - 'a' + 'A'));
            if (capitals && face == "\xC3\xB1") shown = "\xC3\x91";
            std::string key = face == "\xC3\xB1" ? "key:enye" : face == "-" ? "key:dash" : face == "'" ? "key:apostrophe"
                              : face == "." ? "key:dot" : "key:" + face;
            if (TouchButton(ui, shown, key, key_w, ButtonLook::Normal, !full) && !full) {
                if (capitals) Type(text, face);
                else text += face;
                changed = true;
            }
        }
    }
    float back_w = std::floor(width * 0.25f);
    if (TouchButton(ui, ui.L("keyboard_space"), "key:space", width - back_w - gap, ButtonLook::Normal, !full) && !full) {
        if (!text.empty() && text.back() != ' ') text += ' ';
        changed = true;
    }
    ImGui::SameLine(0, gap);
    if (TouchButton(ui, "\xE2\x86\x90", "key:back", back_w)) {
        Backspace(text);
        changed = true;
    }
    return changed;
}

void BeginScreen(Ui& ui, const char* name) {
    ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    float side = std::max(ui.metrics.margin, std::floor((viewport->Size.x - ui.metrics.content_width) * 0.5f));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(side, ui.metrics.margin));
    ImGui::Begin(name, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();
}

void EndScreen() { ImGui::End(); }

}  // namespace kiosk::ui
