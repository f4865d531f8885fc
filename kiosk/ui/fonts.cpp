// The kiosk's fonts: Debian's DejaVu Sans rendered with FreeType, at the sizes the metrics ask for.
#include "ui/fonts.h"

#include <imgui_freetype.h>

#include <cstdlib>
#include <filesystem>

namespace kiosk::ui {

const ImWchar* GlyphRanges() {
    static const ImWchar kRanges[] = {
        0x0020, 0x00FF,  // Basic Latin, Latin-1 (á é í ó ú ü ñ ¿ ¡ « » °)
        0x0100, 0x017F,  // Latin Extended-A (names typed by staff)
        0x2010, 0x2027,  // dashes, curly quotes, bullet, ellipsis
        0x2190, 0x2193,  // arrows
        0x2212, 0x2212,  // minus
        0x2264, 0x2265,  // ≤ ≥
        0x2713, 0x2717,  // check and cross marks
        0,
    };
    return kRanges;
}

std::string FontFolder() {
    if (const char* env = std::getenv("KIOSK_FONT_DIR"); env && *env) return env;
    return "/usr/share/fonts/truetype/dejavu";
}

std::string BuildFonts(ImFontAtlas& atlas, const Metrics& m, Fonts& fonts) {
    atlas.Clear();
    atlas.FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas.FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    // The atlas texture is uploaded once per rebuild; 2048 wide keeps large sizes in few rows.
    atlas.TexDesiredWidth = 2048;
    fonts = Fonts{};
    std::string folder = FontFolder();
    std::string regular = folder + "/DejaVuSans.ttf", bold = folder + "/DejaVuSans-Bold.ttf",
                mono = folder + "/DejaVuSansMono.ttf";
    for (const std::string& file : {regular, bold, mono}) {
        if (!std::filesystem::exists(file)) {
            ImFontConfig config;
            config.SizePixels = m.body_px;
            fonts.body = fonts.small = fonts.question = fonts.heading = fonts.mono = atlas.AddFontDefault(&config);
            atlas.Build();
            return "font file " + file + " is missing (install fonts-dejavu-core)";
        }
    }
    ImFontConfig config;
    config.OversampleH = 1;  // FreeType hints; oversampling only costs atlas space
    config.OversampleV = 1;
    auto add = [&](const std::string& file, float px) {
        return atlas.AddFontFromFileTTF(file.c_str(), px, &config, GlyphRanges());
    };
    fonts.body = add(regular, m.body_px);  // first: ImGui's default font
    fonts.small = add(regular, m.small_px);
    fonts.question = add(bold, m.question_px);
    fonts.heading = add(bold, m.heading_px);
    fonts.mono = add(mono, m.small_px);
    fonts.body_px = m.body_px;
    fonts.small_px = m.small_px;
    fonts.question_px = m.question_px;
    fonts.heading_px = m.heading_px;
    if (!atlas.Build()) return "the font atlas could not be built";
    fonts.loaded = true;
    return {};
}

}  // namespace kiosk::ui
