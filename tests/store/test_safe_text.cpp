// SafeText, what exports and staff screens show of a patient's text: each kind of character it
// replaces, what it keeps, and that a second pass changes nothing.
#include <doctest/doctest.h>

#include <string>

#include "store/export/csv_cell.h"
#include "store/export/safe_text.h"

namespace {

const std::string kFffd = "\xEF\xBF\xBD";

}  // namespace

TEST_CASE("SafeText replaces control characters, bidirectional controls and malformed UTF-8, and keeps the rest") {
    struct Row {
        std::string in, out;
    };
    const Row rows[] = {
        {"plain text, 72.5 kg; -3", "plain text, 72.5 kg; -3"},
        {"Se\xC3\xB1or \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD", "Se\xC3\xB1or \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD"},  // ñ € emoji CJK
        {"a\nb\r\nc", "a\nb\r\nc"},            // LF and CR LF are line breaks, kept
        {"a\rb", "a\nb"},                      // a lone CR becomes LF
        {"a\tb", "a b"},                       // a tab becomes a space
        {std::string("nul\0x", 5), "nul" + kFffd + "x"},
        {"esc\x1B[2J bell\x07 del\x7F", "esc" + kFffd + "[2J bell" + kFffd + " del" + kFffd},
        {"c1 \xC2\x80 \xC2\x9B \xC2\x9F", "c1 " + kFffd + " " + kFffd + " " + kFffd},
        {"\xC2\xA0nbsp", "\xC2\xA0nbsp"},     // U+00A0 is a character, not a control
        // U+202A..U+202E embeddings and overrides, U+2066..U+2069 isolates, U+200E/U+200F/U+061C marks.
        {"\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD\xE2\x80\xAE", kFffd + kFffd + kFffd + kFffd + kFffd},
        {"\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9", kFffd + kFffd + kFffd + kFffd},
        {"\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", kFffd + kFffd + kFffd},
        {"\xE2\x80\x8D\xE2\x81\xA5", "\xE2\x80\x8D\xE2\x81\xA5"},  // U+200D (emoji joiner) and U+2065 are kept
        // Malformed UTF-8: one U+FFFD for each byte that is not part of a character.
        {"a\xFF" "b", "a" + kFffd + "b"},
        {"\xC3", kFffd},                                    // cut short
        {"\xC0\xAF", kFffd + kFffd},                        // overlong '/'
        {"\xE0\x80\xAE", kFffd + kFffd + kFffd},            // overlong '.'
        {"\xED\xA0\x80", kFffd + kFffd + kFffd},            // a UTF-16 surrogate
        {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // beyond U+10FFFF
        {"\x80\xBF", kFffd + kFffd},                        // stray continuation bytes
    };
    for (const Row& row : rows) {
        CAPTURE(row.in);
        const std::string safe = kiosk::store::SafeText(row.in);
        CHECK(safe == row.out);
        CHECK(kiosk::store::IsSafeText(row.in) == (safe == row.in));
        CHECK(kiosk::store::IsSafeText(safe));
        CHECK(kiosk::store::SafeText(safe) == safe);
    }
}

TEST_CASE("CsvCellText puts an apostrophe before every formula start: at the start, or after a comma, semicolon, tab or line break") {
    struct Row {
        std::string in, out;
    };
    const Row rows[] = {
        {"=1+1", "'=1+1"},
        {"-3", "'-3"},
        {"2026-06-15", "2026-06-15"},
        {"a;=b", "a;'=b"},
        {"a, @b", "a, '@b"},
        {"a;\"+b\"", "a;\"'+b\""},
        {"a\t-b", "a -b"},  // the tab is a space, so no spreadsheet starts a cell there
        {"a\n=b\r\n+c", "a\n'=b\r\n'+c"},
        {"a=b+c-d@e", "a=b+c-d@e"},
        {"'=already", "'=already"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.in);
        CHECK(kiosk::store::CsvCellText(row.in) == row.out);
        CHECK(kiosk::store::CsvCellText(row.out) == row.out);
    }
    std::string out;
    kiosk::store::AppendCsvCell(out, "a;=\"b\"");
    CHECK(out == "\"a;'=\"\"b\"\"\"");  // quoted: it holds ';' and quotes
}
