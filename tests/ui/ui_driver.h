// Test helper: the real kiosk App in an ImGui context with no window (ImGui 1.86's example_null
// recipe), touched at the positions its widgets were drawn at, and read back from its draw lists.
#pragma once

#include <doctest/doctest.h>

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../support.h"
#include "core/clock.h"
#include "ui/app.h"

namespace ui_driver {

using namespace std::chrono_literals;

inline std::string DefaultScreening() { return std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml"; }
inline const rules::Date kDay{2026, 6, 15};

// The administrator a kiosk of the tests is set up with (a kiosk serves no patient without one).
inline constexpr const char* kAdmin = "Ada Admin";
inline constexpr const char* kAdminPin = "24681364";
// The machine's actor the tests add accounts as (not limited by a role, like the terminal's).
inline constexpr const char* kTestActor = "test";

enum class Provision : uint8_t {
    Admin,  // the database starts with kAdmin, as after "kiosk staff add ... --role admin"
    None,   // a new database: the kiosk is not set up
};

// A database holding kAdmin, made once per test process (Argon2id hashing is slow on purpose) and
// copied for each kiosk; `recovery` is kAdmin's one-time code, as AddStaff returned it.
struct SetUpDatabase {
    SetUpDatabase() {
        auto store = test_support::OpenStore(kiosk::store::StoreOptions{path});
        auto added = store->AddStaff({kAdmin, kiosk::store::Role::Admin, kAdminPin}, kTestActor);
        REQUIRE_MESSAGE(added.ok(), added.error->Describe());
        recovery = *added.value;
    }  // the store closes here, so the file is complete without its -wal
    test_support::TempDir dir{"kiosk-ui-template"};
    std::string path = dir.File("clinic.db");
    std::string recovery;
};
inline const SetUpDatabase& Template() {
    static const SetUpDatabase made;
    return made;
}

// One kiosk: a temporary clinic database, a hand-set clock at 09:00 UTC on the screening day, and
// a window-less ImGui context of `width` x `height` pixels. Each Frame() is 1/30 s of ImGui time;
// the kiosk's own clock moves only when a test moves it.
class Headless {
public:
    explicit Headless(float width = 1920, float height = 1080, kiosk::ui::AppOptions options = {},
                      Provision provision = Provision::Admin)
        : clock(kiosk::UtcTime(kDay, 9h)), m_size(width, height) {
        m_context = ImGui::CreateContext();
        ImGui::SetCurrentContext(m_context);
        if (options.screening_path.empty()) options.screening_path = DefaultScreening();
        if (options.database_path.empty()) options.database_path = dir.File("clinic.db");
        // A database file a test made itself (a shared, broken or earlier one) is used as it is.
        if (provision == Provision::Admin && !std::filesystem::exists(options.database_path))
            std::filesystem::copy_file(Template().path, options.database_path);
        if (options.kiosk_id == "kiosk") options.kiosk_id = "kiosk-ui";
        db_path = options.database_path;
        options.clock = &clock;
        if (!options.clock_not_before) {
            // The tests' day is before the build date, and the store stamps audit rows with the
            // machine's real time: the clock checks are off unless a test sets them up itself.
            options.clock_not_before = kiosk::UtcTime(kDay) - 24h * 365;
            options.clock_after_stored_rows = false;
        }
        app = std::make_unique<kiosk::ui::App>(std::move(options));
        Frame();
    }
    ~Headless() {
        ImGui::SetCurrentContext(m_context);
        app.reset();
        ImGui::DestroyContext(m_context);
    }
    Headless(const Headless&) = delete;
    Headless& operator=(const Headless&) = delete;

    void Resize(float width, float height) { m_size = ImVec2(width, height); Frame(); }

    // One frame, as the platform layer runs it.
    void Frame() {
        ImGui::SetCurrentContext(m_context);
        ImGuiIO& io = ImGui::GetIO();
        io.DeltaTime = 1.0f / 30.0f;
        if (app->PrepareFrame(m_size)) {
            unsigned char* pixels = nullptr;
            int w = 0, h = 0;
            io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // what the renderer would upload
            ++fonts_built;
        }
        ImGui::NewFrame();
        app->DrawFrame();
        ImGui::Render();
        ++frames;
    }

    const kiosk::ui::Tappable* Find(const std::string& key) const {
        for (const kiosk::ui::Tappable& t : app->Tappables())
            if (t.key == key) return &t;
        return nullptr;
    }
    bool Has(const std::string& key) const { return Find(key) != nullptr; }

    std::string Keys() const {
        std::string keys;
        for (const kiosk::ui::Tappable& t : app->Tappables()) keys += t.key + " ";
        return keys;
    }

    // A finger down on the widget's centre for one frame and up the next, as a touch screen
    // reports a tap. Fails the test when the widget is not on screen.
    // A target scrolled out of view is first dragged into view, as a patient would.
    void Tap(const std::string& key) {
        Frame();  // a settled frame first: a finger aims at what is on the glass now
        const kiosk::ui::Tappable* t = Find(key);
        REQUIRE_MESSAGE(t, "no '" << key << "' on " << app->CurrentScreen() << "; on screen: " << Keys());
        for (int drag = 0; drag < 8 && !t->visible; ++drag) {
            float distance = std::clamp(t->Center().y - m_size.y * 0.5f, -m_size.y * 0.3f, m_size.y * 0.3f);
            Drag(ImVec2(m_size.x * 0.5f, m_size.y * 0.5f), -distance);
            t = Find(key);
            REQUIRE_MESSAGE(t, "'" << key << "' went away while scrolling on " << app->CurrentScreen());
        }
        REQUIRE_MESSAGE(t->visible, "'" << key << "' cannot be scrolled into view on " << app->CurrentScreen());
        REQUIRE_MESSAGE(t->enabled, "'" << key << "' is disabled on " << app->CurrentScreen());
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
    // Moves the kiosk clock (idle timers) and draws a frame.
    void Wait(std::chrono::seconds seconds) {
        clock.Advance(seconds);
        Frame();
    }

    std::string Screen() const { return app->CurrentScreen(); }

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

    // A second connection to the kiosk's database with reading unlocked (test_support::OpenStore),
    // for what a test checks there: the kiosk's own store reads sealed rows only while a staff
    // account that reads results is signed in, as in the clinic.
    std::unique_ptr<kiosk::store::Store> Reader() const { return test_support::OpenStore(kiosk::store::StoreOptions{db_path}); }

    test_support::TempDir dir{"kiosk-ui"};
    std::string db_path;
    kiosk::ManualClock clock;
    std::unique_ptr<kiosk::ui::App> app;
    int frames = 0;
    int fonts_built = 0;

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

    ImVec2 m_size;
    ImGuiContext* m_context = nullptr;
};

// Checks the touch targets of the last frame: each at least 64 px tall at 1080p (scaled with the
// short side), inside the window across, and every visible one at least 8 px from every other and
// on screen. Targets a list scrolls out of view count for their size only.
inline void CheckTouchTargets(const Headless& k, float width, float height) {
    const float scale = std::min(width, height) / 1080.0f;
    const auto& targets = k.app->Tappables();
    REQUIRE_FALSE(targets.empty());
    for (size_t i = 0; i < targets.size(); ++i) {
        const kiosk::ui::Tappable& a = targets[i];
        CAPTURE(a.key);
        CHECK(a.full_max.y - a.full_min.y >= std::floor(64 * scale) - 0.5f);
        CHECK(a.full_min.x >= -0.5f);
        CHECK(a.full_max.x <= width + 0.5f);
        if (!a.visible) continue;
        CHECK(a.min.y >= -0.5f);
        CHECK(a.max.y <= height + 0.5f);
        for (size_t j = i + 1; j < targets.size(); ++j) {
            const kiosk::ui::Tappable& b = targets[j];
            if (!b.visible) continue;
            float dx = std::max({0.0f, a.min.x - b.max.x, b.min.x - a.max.x});
            float dy = std::max({0.0f, a.min.y - b.max.y, b.min.y - a.max.y});
            CAPTURE(b.key);
            CHECK(std::max(dx, dy) >= std::floor(8 * scale) - 0.5f);
        }
    }
}

}  // namespace ui_driver
