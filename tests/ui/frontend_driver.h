// Test helper: a Frontend (the kiosk's App or the front desk's console) in an ImGui context with no
// window (ImGui 1.86's example_null recipe), touched at the positions its widgets were drawn at,
// and read back from its draw lists.
#pragma once

#include <doctest/doctest.h>

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "ui/frontend.h"

namespace ui_driver {

class FrontendDriver {
public:
    explicit FrontendDriver(ImVec2 size) : m_size(size) {
        m_context = ImGui::CreateContext();
        ImGui::SetCurrentContext(m_context);
    }
    // A derived driver frees its frontend first, with this context current.
    virtual ~FrontendDriver() { ImGui::DestroyContext(m_context); }
    FrontendDriver(const FrontendDriver&) = delete;
    FrontendDriver& operator=(const FrontendDriver&) = delete;

    void Resize(float width, float height) { m_size = ImVec2(width, height); Frame(); }

    // One frame, as the platform layer runs it.
    void Frame() {
        ImGui::SetCurrentContext(m_context);
        ImGuiIO& io = ImGui::GetIO();
        io.DeltaTime = 1.0f / 30.0f;
        if (Front().PrepareFrame(m_size)) {
            unsigned char* pixels = nullptr;
            int w = 0, h = 0;
            io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // what the renderer would upload
            ++fonts_built;
        }
        ImGui::NewFrame();
        Front().DrawFrame();
        ImGui::Render();
        ++frames;
    }

    const kiosk::ui::Tappable* Find(const std::string& key) const {
        for (const kiosk::ui::Tappable& t : Front().Tappables())
            if (t.key == key) return &t;
        return nullptr;
    }
    bool Has(const std::string& key) const { return Find(key) != nullptr; }

    std::string Keys() const {
        std::string keys;
        for (const kiosk::ui::Tappable& t : Front().Tappables()) keys += t.key + " ";
        return keys;
    }

    // A finger down on the widget's centre for one frame and up the next, as a touch screen
    // reports a tap. Fails the test when the widget is not on screen.
    // A target scrolled out of view is first dragged into view, as a patient would.
    void Tap(const std::string& key) {
        Frame();  // a settled frame first: a finger aims at what is on the glass now
        const kiosk::ui::Tappable* t = Find(key);
        REQUIRE_MESSAGE(t, "no '" << key << "' on " << Front().CurrentScreen() << "; on screen: " << Keys());
        for (int drag = 0; drag < 8 && !t->visible; ++drag) {
            float distance = std::clamp(t->Center().y - m_size.y * 0.5f, -m_size.y * 0.3f, m_size.y * 0.3f);
            Drag(ImVec2(m_size.x * 0.5f, m_size.y * 0.5f), -distance);
            t = Find(key);
            REQUIRE_MESSAGE(t, "'" << key << "' went away while scrolling on " << Front().CurrentScreen());
        }
        REQUIRE_MESSAGE(t->visible, "'" << key << "' cannot be scrolled into view on " << Front().CurrentScreen());
        REQUIRE_MESSAGE(t->enabled, "'" << key << "' is disabled on " << Front().CurrentScreen());
        TapAt(t->Center());
    }
    // A finger put down at `from` and moved `dy` pixels vertically over a few frames, then lifted.
    void Drag(ImVec2 from, float dy) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = from;
        io.MouseDown[0] = true;
        Frame();
        for (int step = 1; step <= 6; ++step) {
            io.MousePos = ImVec2(from.x, from.y + dy * static_cast<float>(step) / 6.0f);
            Frame();
        }
        io.MouseDown[0] = false;
        Frame();
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        Frame();
    }
    void TapAt(ImVec2 position) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = position;
        io.MouseDown[0] = true;
        Frame();
        io.MouseDown[0] = false;
        Frame();
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // the finger leaves the glass
        Frame();
    }
    // A finger held still at `position` for `seconds` (ImGui time; the kiosk clock moves along).
    void Hold(ImVec2 position, double seconds) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = position;
        io.MouseDown[0] = true;
        for (double t = 0; t < seconds + 0.1; t += 1.0 / 30.0) Frame();
        io.MouseDown[0] = false;
        Frame();
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        Frame();
    }
    std::string Screen() const { return Front().CurrentScreen(); }

    // The text the last frame drew, read back from the draw lists: every glyph quad is matched to
    // its font glyph by texture coordinates. Words are separated by a space, lines by a newline.
    // This is what a camera on the screen would read, not what the app meant to draw.
    std::string DrawnText() const {
        std::map<std::pair<float, float>, ImWchar> glyphs;
        ImFontAtlas* atlas = ImGui::GetIO().Fonts;
        for (ImFont* font : atlas->Fonts)
            for (const ImFontGlyph& g : font->Glyphs)
                if (g.Visible) glyphs[{g.U0, g.V0}] = static_cast<ImWchar>(g.Codepoint);
        std::string out;
        ImDrawData* data = ImGui::GetDrawData();
        if (!data) return out;
        for (int l = 0; l < data->CmdListsCount; ++l) {
            const ImDrawList* list = data->CmdLists[l];
            const ImVector<ImDrawVert>& v = list->VtxBuffer;
            float last_x = 0, last_y = -1e9f, last_h = 0;
            for (int i = 0; i + 3 < v.Size; ++i) {
                auto it = glyphs.find({v[i].uv.x, v[i].uv.y});
                if (it == glyphs.end()) continue;
                // A glyph quad: top-left, top-right, bottom-right, bottom-left.
                if (v[i + 1].uv.y != v[i].uv.y || v[i + 2].uv.x != v[i + 1].uv.x || v[i + 3].uv.x != v[i].uv.x) continue;
                float x = v[i].pos.x, y = v[i].pos.y, h = v[i + 2].pos.y - v[i].pos.y;
                if (std::abs(y - last_y) > std::max(h, last_h) * 0.6f && !out.empty()) out += '\n';
                else if (x - last_x > std::max(h, last_h) * 0.25f && !out.empty()) out += ' ';
                AppendUtf8(out, it->second);
                last_x = v[i + 1].pos.x;
                last_y = y;
                last_h = h;
                i += 3;
            }
            out += '\n';
        }
        return out;
    }

    // Whether `text` (compared without spaces, as glyph positions cannot tell them apart for sure) was drawn.
    bool Shows(const std::string& text) const {
        return Squeeze(DrawnText()).find(Squeeze(text)) != std::string::npos;
    }

    static std::string Squeeze(const std::string& text) {
        std::string out;
        for (char c : text)
            if (c != ' ' && c != '\n') out += c;
        return out;
    }


    int frames = 0;
    int fonts_built = 0;

protected:
    virtual kiosk::ui::Frontend& Front() const = 0;
    ImVec2 m_size;
    ImGuiContext* m_context = nullptr;

private:
    static void AppendUtf8(std::string& out, unsigned c) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }

};

}  // namespace ui_driver
