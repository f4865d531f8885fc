// Reading a screening file's TOML: typed values with their places, every problem reported.
//
// The loader (loader.cpp) and the test-case loader (cases_load.cpp) read through this; the
// messages name the key and where it is ("'rank' in outcome 'STOP' must be a number").
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "rules/diagnostics.h"
#include "rules/expr.h"
#include "rules/screening.h"

namespace rules {

SourcePos PosOf(const toml::source_region& region);
inline SourcePos Pos(const toml::node& node) { return PosOf(node.source()); }

// Where an id is written, for errors about the id itself; the table when it has none.
SourcePos IdPos(const toml::table& table, SourcePos table_pos, const char* key = "id");

// "a, b, c".
std::string Join(const std::vector<std::string>& items);

// Maps offsets in a parsed TOML string back to the file, walking the raw literal: an error inside
// an expression string is reported at its line and column in the file.
class StringMapper : public PosMapper {
public:
    StringMapper(const std::vector<std::string_view>& lines, SourcePos start);
    SourcePos Map(size_t offset) const override;

private:
    std::vector<SourcePos> m_map;
    SourcePos m_fallback;
};

// Typed getters over the tables of one file. Each reports a value of the wrong type (or a
// required one missing) to the diagnostics and returns nothing, so loading goes on and every
// problem is reported at once.
class TomlReader {
public:
    TomlReader(std::string_view content, Diagnostics& diags);

    Diagnostics& Diags() { return m_diags; }
    const std::vector<std::string_view>& Lines() const { return m_lines; }

    // The place of byte `offset`; columns count characters (code points), as toml++ and editors do.
    SourcePos OffsetPos(size_t offset) const;

    // Reports keys not in `allowed`; returns how many there were.
    int CheckKeys(const toml::table& t, std::initializer_list<std::string_view> allowed, const std::string& where);
    // The value of `key`; reports "WHERE needs 'KEY'" at `at` when it is missing.
    const toml::node* Need(const toml::table& t, std::string_view key, const std::string& where, SourcePos at);
    std::optional<std::string> String(const toml::table& t, std::string_view key, const std::string& where, SourcePos at,
                                      bool required);
    // A number (integer or float), refused with NumberProblem's reason when it is not finite or too large.
    std::optional<double> Number(const toml::table& t, std::string_view key, const std::string& where, SourcePos at,
                                 bool required);
    bool Bool(const toml::table& t, std::string_view key, const std::string& where, bool fallback);
    std::vector<std::string> StringList(const toml::table& t, std::string_view key, const std::string& where);
    // The strings of a list, each with its place (for errors about one item).
    std::vector<std::pair<std::string, SourcePos>> StringListAt(const toml::table& t, std::string_view key, const std::string& where);
    // `[[key]]` tables; null (and reported) when `key` is something else, null when it is absent.
    const toml::array* ArrayOfTables(const toml::table& root, std::string_view key);
    // A `[key]` table; null (and reported) when it is something else or, if required, absent.
    const toml::table* Table(const toml::table& root, std::string_view key, bool required);
    // ok, note, review or contra.
    std::optional<TrackStatus> Status(const toml::node& n, const std::string& where);

protected:
    std::string_view m_content;
    std::vector<std::string_view> m_lines;
    Diagnostics& m_diags;
};

}  // namespace rules
