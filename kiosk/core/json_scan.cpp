// A validating pull reader over JSON text (RFC 8259, UTF-8), without a tree.
#include "core/json_scan.h"

#include <cstdint>

namespace kiosk {
namespace {

constexpr int kMaxDepth = 512;  // nesting deeper than this is refused (stored JSON nests 4 levels)

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The bytes a string scan must stop at: a quote, a backslash, a control character, or the first
// byte of a UTF-8 sequence (checked on its own). Everything else is copied through.
struct StopTable {
    bool stop[256] = {};
    constexpr StopTable() {
        for (int c = 0; c < 0x20; ++c) stop[c] = true;
        for (int c = 0x80; c < 0x100; ++c) stop[c] = true;
        stop[static_cast<unsigned char>('"')] = true;
        stop[static_cast<unsigned char>('\\')] = true;
    }
};
constexpr StopTable kStop;

// The first byte at or after `at` that a string scan must look at (text.size() at the end).
size_t SkipPlain(std::string_view text, size_t at) {
    const unsigned char* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t size = text.size();
    while (at + 4 <= size) {
        if (kStop.stop[bytes[at]]) return at;
        if (kStop.stop[bytes[at + 1]]) return at + 1;
        if (kStop.stop[bytes[at + 2]]) return at + 2;
        if (kStop.stop[bytes[at + 3]]) return at + 3;
        at += 4;
    }
    while (at < size && !kStop.stop[bytes[at]]) ++at;
    return at;
}

// Four hex digits at text[at..]; -1 when they are not.
int32_t Hex4(std::string_view text, size_t at) {
    if (at + 4 > text.size()) return -1;
    int32_t value = 0;
    for (size_t i = 0; i < 4; ++i) {
        int digit = HexValue(text[at + i]);
        if (digit < 0) return -1;
        value = value * 16 + digit;
    }
    return value;
}

// The length of the UTF-8 sequence at text[at] (a byte >= 0x80), or 0 when it is not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are not).
size_t Utf8Length(std::string_view text, size_t at) {
    auto byte = [&](size_t i) { return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0u; };
    auto continuation = [&](size_t i) { return (byte(i) & 0xC0u) == 0x80u; };
    unsigned lead = byte(0);
    if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        unsigned second = byte(1);
        if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
        if (lead == 0xED && second > 0x9F) return 0;  // a surrogate
        return continuation(1) && continuation(2) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        unsigned second = byte(1);
        if (lead == 0xF0 && second < 0x90) return 0;  // overlong
        if (lead == 0xF4 && second > 0x8F) return 0;  // above U+10FFFF
        return continuation(1) && continuation(2) && continuation(3) ? 4 : 0;
    }
    return 0;
}

void AppendUtf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

// The code point of the \u escape at raw[at] (at the backslash), with a surrogate pair read whole;
// `length` is what it took. -1 when it is not a valid escape.
int32_t UnicodeEscape(std::string_view raw, size_t at, size_t& length) {
    int32_t code = Hex4(raw, at + 2);
    length = 6;
    if (code < 0 || (code >= 0xDC00 && code <= 0xDFFF)) return -1;  // a low surrogate alone
    if (code >= 0xD800 && code <= 0xDBFF) {
        if (at + 7 >= raw.size() || raw[at + 6] != '\\' || raw[at + 7] != 'u') return -1;
        int32_t low = Hex4(raw, at + 8);
        if (low < 0xDC00 || low > 0xDFFF) return -1;
        length = 12;
        return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    return code;
}

}  // namespace

bool JsonScan::Fail() {
    m_error = true;
    return false;
}

bool JsonScan::Expect(char c) {
    SkipSpace();
    if (m_error || m_at >= m_text.size() || m_text[m_at] != c) return Fail();
    ++m_at;
    return true;
}

JsonScan::Kind JsonScan::Peek() {
    SkipSpace();
    if (m_error || m_at >= m_text.size()) return Kind::Error;
    switch (m_text[m_at]) {
        case 'n': return Kind::Null;
        case 't':
        case 'f': return Kind::Bool;
        case '"': return Kind::String;
        case '[': return Kind::Array;
        case '{': return Kind::Object;
        default: return m_text[m_at] == '-' || IsDigit(m_text[m_at]) ? Kind::Number : Kind::Error;
    }
}

bool JsonScan::Enter(Kind kind) {
    if (Peek() != kind) {
        Skip();
        return false;
    }
    ++m_at;
    m_first = true;
    return true;
}

bool JsonScan::EnterObject() { return Enter(Kind::Object); }
bool JsonScan::EnterArray() { return Enter(Kind::Array); }

bool JsonScan::NextKey(std::string& key) {
    SkipSpace();
    if (m_error || m_at >= m_text.size()) return Fail();
    if (m_text[m_at] == '}') {
        ++m_at;
        m_first = false;  // the container that held this object has a member now
        return false;
    }
    if (!m_first && !Expect(',')) return false;
    m_first = false;
    SkipSpace();
    if (m_at >= m_text.size() || m_text[m_at] != '"') return Fail();
    std::string_view raw;
    bool escaped = false;
    if (!ScanString(raw, escaped)) return false;
    if (!escaped) key.assign(raw);
    else if (!Unescape(raw, key)) return Fail();
    return Expect(':');
}

bool JsonScan::NextItem() {
    SkipSpace();
    if (m_error || m_at >= m_text.size()) return Fail();
    if (m_text[m_at] == ']') {
        ++m_at;
        m_first = false;
        return false;
    }
    if (!m_first && !Expect(',')) return false;
    m_first = false;
    return true;
}

bool JsonScan::ReadString(std::string& out) {
    out.clear();
    if (Peek() != Kind::String) {
        Skip();
        return false;
    }
    std::string_view raw;
    bool escaped = false;
    if (!ScanString(raw, escaped)) return false;
    if (!escaped) {
        out.assign(raw);
        return true;
    }
    return Unescape(raw, out) || Fail();
}

bool JsonScan::ReadBool(bool& out) {
    if (Peek() != Kind::Bool) {
        Skip();
        return false;
    }
    bool value = m_text[m_at] == 't';
    if (!SkipValue(0)) return false;
    out = value;
    return true;
}

std::string_view JsonScan::Skip() {
    SkipSpace();
    size_t start = m_at;
    if (m_error || !SkipValue(0)) return {};
    return m_text.substr(start, m_at - start);
}

bool JsonScan::Finish() {
    SkipSpace();
    return !m_error && m_at == m_text.size();
}

bool JsonScan::ScanString(std::string_view& raw, bool& escaped) {
    ++m_at;  // the opening quote
    const size_t start = m_at;
    escaped = false;
    while (m_at < m_text.size()) {
        m_at = SkipPlain(m_text, m_at);
        if (m_at >= m_text.size()) break;
        const unsigned char c = static_cast<unsigned char>(m_text[m_at]);
        if (c == '"') {
            raw = m_text.substr(start, m_at - start);
            ++m_at;
            return true;
        }
        if (c < 0x20) return Fail();  // control characters must be escaped
        if (c == '\\') {
            escaped = true;
            if (m_at + 1 >= m_text.size()) return Fail();
            const char e = m_text[m_at + 1];
            if (e == 'u') {
                size_t length = 0;
                if (UnicodeEscape(m_text, m_at, length) < 0) return Fail();
                m_at += length;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                m_at += 2;
            } else {
                return Fail();
            }
        } else if (c >= 0x80) {
            size_t length = Utf8Length(m_text, m_at);
            if (length == 0) return Fail();
            m_at += length;
        } else {
            ++m_at;
        }
    }
    return Fail();  // no closing quote
}

bool JsonScan::SkipValue(int depth) {
    if (depth > kMaxDepth) return Fail();
    SkipSpace();
    if (m_error || m_at >= m_text.size()) return Fail();
    const char c = m_text[m_at];
    auto literal = [&](std::string_view word) {
        if (m_text.substr(m_at, word.size()) != word) return Fail();
        m_at += word.size();
        return true;
    };
    switch (c) {
        case '"': {
            std::string_view raw;
            bool escaped = false;
            return ScanString(raw, escaped);
        }
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        case '{':
        case '[': {
            const char close = c == '{' ? '}' : ']';
            ++m_at;
            SkipSpace();
            if (m_at < m_text.size() && m_text[m_at] == close) {
                ++m_at;
                return true;
            }
            for (;;) {
                if (c == '{') {
                    SkipSpace();
                    if (m_at >= m_text.size() || m_text[m_at] != '"') return Fail();
                    std::string_view raw;
                    bool escaped = false;
                    if (!ScanString(raw, escaped) || !Expect(':')) return false;
                }
                if (!SkipValue(depth + 1)) return false;
                SkipSpace();
                if (m_at >= m_text.size()) return Fail();
                if (m_text[m_at] == close) {
                    ++m_at;
                    return true;
                }
                if (m_text[m_at] != ',') return Fail();
                ++m_at;
            }
        }
        default: break;
    }
    // A number: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
    if (c == '-') ++m_at;
    if (m_at >= m_text.size() || !IsDigit(m_text[m_at])) return Fail();
    if (m_text[m_at] == '0') ++m_at;
    else
        while (m_at < m_text.size() && IsDigit(m_text[m_at])) ++m_at;
    if (m_at < m_text.size() && m_text[m_at] == '.') {
        ++m_at;
        if (m_at >= m_text.size() || !IsDigit(m_text[m_at])) return Fail();
        while (m_at < m_text.size() && IsDigit(m_text[m_at])) ++m_at;
    }
    if (m_at < m_text.size() && (m_text[m_at] == 'e' || m_text[m_at] == 'E')) {
        ++m_at;
        if (m_at < m_text.size() && (m_text[m_at] == '+' || m_text[m_at] == '-')) ++m_at;
        if (m_at >= m_text.size() || !IsDigit(m_text[m_at])) return Fail();
        while (m_at < m_text.size() && IsDigit(m_text[m_at])) ++m_at;
    }
    return true;
}

bool JsonScan::Unescape(std::string_view raw, std::string& out) {
    out.clear();
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size();) {
        const char c = raw[i];
        if (c != '\\') {
            out += c;
            ++i;
            continue;
        }
        if (i + 1 >= raw.size()) return false;
        switch (raw[i + 1]) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                size_t length = 0;
                int32_t code = UnicodeEscape(raw, i, length);
                if (code < 0) return false;
                AppendUtf8(out, static_cast<uint32_t>(code));
                i += length;
                continue;
            }
            default: return false;
        }
        i += 2;
    }
    return true;
}

}  // namespace kiosk
