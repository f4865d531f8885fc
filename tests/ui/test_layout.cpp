// Layout and accessibility of the patient screens: touch targets at least 64 px tall at 1080p and
// never closer than 8 px, inside the window, from 1024x768 to 3840x2160 and in portrait; body text
// at least 28 px; text contrast at least 7:1 in both themes; every screening glyph in the font.
#include <doctest/doctest.h>

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "core/labels.h"
#include "patient_taps.h"
#include "ui/fonts.h"
#include "ui/theme.h"

using namespace ui_driver;

namespace {

struct Size {
    float width, height;
};

// The frame on screen, freshly drawn, against the size, spacing and bounds rules.
void CheckTargets(Headless& k, Size size) {
    k.Frame();
    CheckTouchTargets(k, size.width, size.height);
}

void CheckScreens(Size size, bool larger_text) {
    CAPTURE(size.width);
    CAPTURE(size.height);
    CAPTURE(larger_text);
    Headless k(size.width, size.height);
    const rules::Screening& s = *k.app->Screening();
    const rules::Answers& v3 = CaseAnswers(s, "V3");
    CheckTargets(k, size);  // welcome
    k.Tap("lang:en");
    if (larger_text) k.Tap("toggle:larger_text");
    CheckTargets(k, size);  // consent
    for (const char* id : {"dob", "pain_area", "pain_score", "treatments_tried", "blood_conditions", "medications", "height"}) {
        CAPTURE(id);
        int q = s.FindQuestion(id);
        while (k.Screen() != std::string("question:") + id) {
            REQUIRE(k.Screen().rfind("question:", 0) == 0);
            int on = s.FindQuestion(k.Screen().substr(9));
            TapAnswer(k, s, on, v3.values[on]);
        }
        CheckTargets(k, size);
        // The navigation row is always on screen without scrolling.
        for (const char* key : {"nav:back"}) {
            const kiosk::ui::Tappable* t = k.Find(key);
            REQUIRE(t);
            CHECK(t->visible);
        }
        TapAnswer(k, s, q, v3.values[q]);
    }
    while (k.Screen().rfind("question:", 0) == 0) {
        int on = s.FindQuestion(k.Screen().substr(9));
        TapAnswer(k, s, on, v3.values[on]);
    }
    REQUIRE(k.Screen() == "review");
    CheckTargets(k, size);
    CHECK(k.Find("nav:submit")->visible);
    k.Tap("nav:submit");
    REQUIRE(k.Screen() == "done");
    CheckTargets(k, size);
}

}  // namespace

TEST_CASE("touch targets are large, apart and inside the window at every supported size and orientation") {
    for (Size size : {Size{1024, 768}, Size{1280, 800}, Size{1920, 1080}, Size{3840, 2160}, Size{1080, 1920}, Size{768, 1024}})
        CheckScreens(size, false);
}

TEST_CASE("with larger text the targets still fit and keep their spacing") {
    for (Size size : {Size{1024, 768}, Size{1920, 1080}, Size{1080, 1920}}) CheckScreens(size, true);
}

TEST_CASE("body text is at least 28 px at 1080p, and larger text makes every font bigger") {
    Headless k(1920, 1080);
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    float smallest = 1e9f;
    for (ImFont* font : atlas->Fonts) smallest = std::min(smallest, font->FontSize);
    CHECK(smallest >= 28);
    const float body = k.app->CurrentMetrics().body_px;
    k.Tap("toggle:larger_text");
    k.Frame();
    CHECK(k.app->CurrentMetrics().body_px >= body * 1.25f);
    for (ImFont* font : atlas->Fonts) CHECK(font->FontSize >= 28 * 1.25f);
}

TEST_CASE("text contrast is at least 7:1 on every background it is drawn on, in both themes") {
    // WCAG 2 relative luminance; the pairs are every text colour with the fills it appears on.
    for (const kiosk::ui::Theme& t : {kiosk::ui::Theme::Normal(), kiosk::ui::Theme::HighContrast()}) {
        CAPTURE(t.high_contrast);
        struct Pair { const char* name; ImU32 fg, bg; };
        for (const Pair& p : {Pair{"text/background", t.text, t.background}, Pair{"text/surface", t.text, t.surface},
                              Pair{"muted/background", t.muted_text, t.background}, Pair{"muted/surface", t.muted_text, t.surface},
                              Pair{"accent", t.accent_text, t.accent}, Pair{"selected", t.selected_text, t.selected},
                              Pair{"urgent", t.urgent_text, t.urgent}, Pair{"error/background", t.error_text, t.background}}) {
            CAPTURE(p.name);
            CHECK(kiosk::ui::ContrastRatio(p.fg, p.bg) >= 7.0);
        }
    }
    // The formula itself: black on white is 21:1, a colour on itself 1:1.
    CHECK(kiosk::ui::ContrastRatio(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)) == doctest::Approx(21.0));
    CHECK(kiosk::ui::ContrastRatio(IM_COL32(90, 90, 90, 255), IM_COL32(90, 90, 90, 255)) == doctest::Approx(1.0));
}

TEST_CASE("the high-contrast theme is a toggle for this patient only") {
    Headless k;
    k.Tap("lang:es");
    k.Tap("toggle:high_contrast");
    CHECK(k.app->HighContrast());
    CHECK(ImGui::GetStyle().Colors[ImGuiCol_WindowBg].x == doctest::Approx(0.0f));
    k.Tap("option:no");  // consent declined: the session ends
    k.Tap("nav:finish");
    REQUIRE(k.Screen() == "welcome");
    CHECK_FALSE(k.app->HighContrast());
}

TEST_CASE("every character of every patient text in the screening has a glyph in the kiosk's font") {
    Headless k;
    const rules::Screening& s = *k.app->Screening();
    ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
    std::vector<std::string> texts;
    for (const auto& [key, t] : s.texts) texts.insert(texts.end(), t.begin(), t.end());
    for (const auto& [key, t] : s.labels) texts.insert(texts.end(), t.begin(), t.end());
    for (const rules::Question& q : s.questions) {
        texts.insert(texts.end(), q.text.begin(), q.text.end());
        texts.insert(texts.end(), q.help.begin(), q.help.end());
        for (const rules::Option& o : q.options) texts.insert(texts.end(), o.label.begin(), o.label.end());
    }
    for (const rules::Outcome& o : s.outcomes) texts.insert(texts.end(), o.patient_message.begin(), o.patient_message.end());
    for (const rules::Rule& r : s.rules) texts.insert(texts.end(), r.patient_message.begin(), r.patient_message.end());
    int checked = 0;
    for (const std::string& text : texts) {
        const char* p = text.c_str();
        const char* end = p + text.size();
        while (p < end) {
            unsigned int c = static_cast<unsigned char>(*p);
            int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
            c &= extra == 0 ? 0x7Fu : (0x3Fu >> extra);
            ++p;
            for (int i = 0; i < extra && p < end; ++i, ++p) c = (c << 6) | (static_cast<unsigned char>(*p) & 0x3Fu);
            if (c == '\n') continue;
            CAPTURE(text);
            CAPTURE(c);
            CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr);
            ++checked;
        }
    }
    CHECK(checked > 10000);
}

// Three lists have long labels (medicines with brand names, conditions with examples) and scroll
// at 1080p; every other choice question shows all its options at once.
TEST_CASE("at 1920x1080 every option of every choice question is on screen without scrolling, but for three long lists") {
    Headless k(1920, 1080);
    const rules::Screening& s = *k.app->Screening();
    const rules::Answers& v3 = CaseAnswers(s, "V3");
    k.Tap("lang:en");
    int checked = 0;
    while (k.Screen().rfind("question:", 0) == 0) {
        int q = s.FindQuestion(k.Screen().substr(9));
        const std::string& id = s.questions[q].id;
        CAPTURE(id);
        k.Frame();
        bool scrolls = id == "blood_conditions" || id == "other_conditions" || id == "medications";
        for (const kiosk::ui::Tappable& t : k.app->Tappables()) {
            if (scrolls) break;
            if (t.key.rfind("option:", 0) != 0) continue;
            CAPTURE(t.key);
            CHECK(t.visible);
            CHECK(t.max.y - t.min.y == doctest::Approx(t.full_max.y - t.full_min.y));  // not cut by the list's edge
            ++checked;
        }
        TapAnswer(k, s, q, v3.values[q]);
    }
    CHECK(checked > 100);
}
