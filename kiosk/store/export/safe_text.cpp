// Control characters, bidirectional overrides and malformed UTF-8 replaced (see safe_text.h).
#include "store/export/safe_text.h"

#include <cstdint>

namespace kiosk::store {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at `at`, with its code point in `cp`; 0 when the
// bytes there are not one (a stray continuation byte, a cut sequence, an overlong form, a
// surrogate, or beyond U+10FFFF).
size_t DecodeUtf8(std::string_view text, size_t at, char32_t& cp) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) {
        cp = lead;
        return 1;
    }
    struct Form {
        unsigned char mask, lead;  // the lead byte's marker bits and their value
        size_t length;
        char32_t smallest;         // below it the form is overlong
    };
    static constexpr Form kForms[] = {{0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
    size_t length = 0;
    char32_t smallest = 0;
    for (const Form& form : kForms)
        if ((lead & form.mask) == form.lead) {
            length = form.length;
            smallest = form.smallest;
            cp = lead & static_cast<unsigned char>(~form.mask);
        }
    if (length == 0) return 0;
    if (text.size() - at < length) return 0;
    for (size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (next & 0x3Fu);
    }
    if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return length;
}

enum class Fate : uint8_t { Keep, Replace, Space, Newline };

// What becomes of code point `cp`, which ends just before byte `next` of `text`.
Fate FateOf(char32_t cp, std::string_view text, size_t next) {
    if (cp == '\n') return Fate::Keep;
    if (cp == '\t') return Fate::Space;
    if (cp == '\r') return next < text.size() && text[next] == '\n' ? Fate::Keep : Fate::Newline;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return Fate::Replace;
    const bool bidi = cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    return bidi ? Fate::Replace : Fate::Keep;
}

bool PlainAscii(unsigned char c) { return c >= 0x20 && c < 0x7F; }

}  // namespace

bool IsSafeText(std::string_view text) {
    for (size_t at = 0; at < text.size();) {
        if (PlainAscii(static_cast<unsigned char>(text[at]))) {
            ++at;
            continue;
        }
        char32_t cp = 0;
        const size_t length = DecodeUtf8(text, at, cp);
        if (length == 0 || FateOf(cp, text, at + length) != Fate::Keep) return false;
        at += length;
    }
    return true;
}

std::string SafeText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        char32_t cp = 0;
        const size_t length = DecodeUtf8(text, at, cp);
        if (length == 0) {
            out += kReplacement;  // one for each byte that is not part of a character
            ++at;
            continue;
        }
        switch (FateOf(cp, text, at + length)) {
            case Fate::Keep: out.append(text.substr(at, length)); break;
            case Fate::Replace: out += kReplacement; break;
            case Fate::Space: out += ' '; break;
            case Fate::Newline: out += '\n'; break;
        }
        at += length;
    }
    return out;
}

}  // namespace kiosk::store
