// The kiosk's fonts: Debian's DejaVu Sans rendered with FreeType, at the sizes the metrics ask for.
#pragma once

#include <imgui.h>

#include <string>

#include "ui/theme.h"

namespace kiosk::ui {

struct Fonts {
    ImFont* small = nullptr;     // footer, hints
    ImFont* body = nullptr;      // buttons, answers, messages
    ImFont* question = nullptr;  // the question on screen
    ImFont* heading = nullptr;   // titles
    ImFont* mono = nullptr;      // staff tables of ids
    float body_px = 0, question_px = 0, heading_px = 0, small_px = 0;  // the sizes they were built at
    bool loaded = false;
};

// Where the font files are: $KIOSK_FONT_DIR, else fonts-dejavu-core's folder.
std::string FontFolder();

// Clears `atlas` and adds the fonts for `metrics`, with the glyphs of Western European languages
// (Spanish accents, ñ, ¿ ¡) and typographic punctuation. Builds the atlas with FreeType.
// Returns an error text (a missing font file) instead of throwing; the atlas then holds ImGui's
// built-in font at the body size, so the out-of-order screen can still be drawn.
std::string BuildFonts(ImFontAtlas& atlas, const Metrics& metrics, Fonts& fonts);

// The glyph ranges the atlas holds, for tests that check every screening text can be drawn.
const ImWchar* GlyphRanges();

}  // namespace kiosk::ui
