// Reading a screening file's TOML: typed getters, places of values and of text inside strings.
#include "toml_read.h"

#include <algorithm>

#include "expr_check.h"

namespace rules {
namespace {

size_t CodepointLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
}

}  // namespace

SourcePos PosOf(const toml::source_region& region) {
    return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

SourcePos IdPos(const toml::table& table, SourcePos table_pos, const char* key) {
    const toml::node* n = table.get(key);
    return n ? Pos(*n) : table_pos;
}

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

StringMapper::StringMapper(const std::vector<std::string_view>& lines, SourcePos start) : m_fallback(start) {
    if (start.line < 1 || start.line > static_cast<int>(lines.size())) return;
    int line = start.line;
    std::string_view raw = lines[line - 1];
    // toml++ columns count code points; find the byte offset of the opening quote.
    size_t i = 0;
    for (int col = 1; col < start.col && i < raw.size(); ++col) i += CodepointLength(static_cast<unsigned char>(raw[i]));
    int col = start.col;
    if (i >= raw.size()) return;
    char quote = raw[i];
    if (quote != '"' && quote != '\'') return;
    bool multi = raw.substr(i, 3) == std::string(3, quote);
    size_t skip = multi ? 3 : 1;
    i += skip;
    col += static_cast<int>(skip);
    bool basic = quote == '"';
    if (multi && i >= raw.size()) {  // a newline right after the opening delimiter is trimmed
        ++line;
        i = 0;
        col = 1;
        if (line > static_cast<int>(lines.size())) return;
        raw = lines[line - 1];
    }
    while (true) {
        if (i >= raw.size()) {
            if (!multi || line >= static_cast<int>(lines.size())) break;
            m_map.push_back({line, col});  // the newline itself
            ++line;
            raw = lines[line - 1];
            i = 0;
            col = 1;
            continue;
        }
        char c = raw[i];
        if (c == quote && (!multi || raw.substr(i, 3) == std::string(3, quote))) break;
        if (basic && c == '\\' && i + 1 < raw.size()) {
            char e = raw[i + 1];
            size_t raw_len = e == 'u' ? 6 : e == 'U' ? 10 : 2;
            size_t decoded = e == 'u' || e == 'U' ? 3 : 1;  // approximate for \u escapes
            for (size_t k = 0; k < decoded; ++k) m_map.push_back({line, col});
            i += raw_len;
            col += static_cast<int>(raw_len);
            continue;
        }
        size_t len = CodepointLength(static_cast<unsigned char>(c));
        for (size_t k = 0; k < len; ++k) m_map.push_back({line, col});
        i += len;
        ++col;
    }
    m_map.push_back({line, col});
}

SourcePos StringMapper::Map(size_t offset) const {
    if (m_map.empty()) return m_fallback;
    return m_map[std::min(offset, m_map.size() - 1)];
}

TomlReader::TomlReader(std::string_view content, Diagnostics& diags) : m_content(content), m_diags(diags) {
    size_t start = 0;
    while (start <= content.size()) {
        size_t end = content.find('\n', start);
        if (end == std::string_view::npos) end = content.size();
        std::string_view line = content.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        m_lines.push_back(line);
        start = end + 1;
    }
}

SourcePos TomlReader::OffsetPos(size_t offset) const {
    int line = 1, col = 1;
    for (size_t i = 0; i < offset && i < m_content.size(); ++i) {
        if (m_content[i] == '\n') { ++line; col = 1; }
        else if ((static_cast<unsigned char>(m_content[i]) & 0xC0) != 0x80) ++col;
    }
    return {line, col};
}

int TomlReader::CheckKeys(const toml::table& t, std::initializer_list<std::string_view> allowed, const std::string& where) {
    int unknown = 0;
    for (const auto& [key, value] : t) {
        if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
        ++unknown;
        std::vector<std::string> names(allowed.begin(), allowed.end());
        std::string close = ClosestName(key.str(), names);
        m_diags.Error(PosOf(key.source()), "unknown key '" + std::string(key.str()) + "' in " + where +
                                               (close.empty() ? " (allowed: " + Join(names) + ")" : " (did you mean '" + close + "'?)"));
        (void)value;
    }
    return unknown;
}

const toml::node* TomlReader::Need(const toml::table& t, std::string_view key, const std::string& where, SourcePos at) {
    const toml::node* n = t.get(key);
    if (!n) m_diags.Error(at, where + " needs '" + std::string(key) + "'");
    return n;
}

std::optional<std::string> TomlReader::String(const toml::table& t, std::string_view key, const std::string& where, SourcePos at,
                                  bool required) {
    const toml::node* n = required ? Need(t, key, where, at) : t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) {
        m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must be a string");
        return std::nullopt;
    }
    return n->as_string()->get();
}

std::optional<double> TomlReader::Number(const toml::table& t, std::string_view key, const std::string& where, SourcePos at,
                             bool required) {
    const toml::node* n = required ? Need(t, key, where, at) : t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer() && !n->is_floating_point()) {
        m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must be a number");
        return std::nullopt;
    }
    double value = n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get();
    if (std::optional<std::string> problem = NumberProblem(value)) {
        m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " " + *problem);
        return std::nullopt;
    }
    return value;
}

bool TomlReader::Bool(const toml::table& t, std::string_view key, const std::string& where, bool fallback) {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    if (!n->is_boolean()) {
        m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must be true or false");
        return fallback;
    }
    return n->as_boolean()->get();
}

std::vector<std::string> TomlReader::StringList(const toml::table& t, std::string_view key, const std::string& where) {
    std::vector<std::string> out;
    for (auto& [text, pos] : StringListAt(t, key, where)) out.push_back(std::move(text));
    return out;
}

std::vector<std::pair<std::string, SourcePos>> TomlReader::StringListAt(const toml::table& t, std::string_view key, const std::string& where) {
    std::vector<std::pair<std::string, SourcePos>> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) {
        m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must be a list of strings");
        return out;
    }
    for (const toml::node& item : *a) {
        if (!item.is_string()) {
            m_diags.Error(Pos(item), "'" + std::string(key) + "' in " + where + " must hold strings only");
            continue;
        }
        out.emplace_back(item.as_string()->get(), Pos(item));
    }
    return out;
}

const toml::array* TomlReader::ArrayOfTables(const toml::table& root, std::string_view key) {
    const toml::node* n = root.get(key);
    if (!n) return nullptr;
    const toml::array* a = n->as_array();
    if (!a || !a->is_array_of_tables()) {
        m_diags.Error(Pos(*n), "'" + std::string(key) + "' must be written as [[" + std::string(key) + "]] tables");
        return nullptr;
    }
    return a;
}

const toml::table* TomlReader::Table(const toml::table& root, std::string_view key, bool required) {
    const toml::node* n = root.get(key);
    if (!n) {
        if (required) m_diags.Error({1, 0}, "the file needs a [" + std::string(key) + "] table");
        return nullptr;
    }
    if (!n->is_table()) {
        m_diags.Error(Pos(*n), "'" + std::string(key) + "' must be a table [" + std::string(key) + "]");
        return nullptr;
    }
    return n->as_table();
}

std::optional<TrackStatus> TomlReader::Status(const toml::node& n, const std::string& where) {
    if (n.is_string())
        if (auto st = ParseTrackStatus(n.as_string()->get())) return st;
    m_diags.Error(Pos(n), where + " must be one of ok, note, review, contra");
    return std::nullopt;
}

}  // namespace rules
