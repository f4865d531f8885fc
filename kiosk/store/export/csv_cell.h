// One CSV cell as the export writes it: safe text, formula starts neutralised, RFC 4180 quoting.
#pragma once

#include <string>
#include <string_view>

namespace kiosk::store {

// The text a spreadsheet shows for a cell whose content is `text`: SafeText(text) (no control
// characters or bidirectional overrides), with an apostrophe put before every formula start.
//
// A formula start is = + - or @ at the start of the text or after a separator (, ; TAB CR LF),
// with only spaces and double quotes between. Excel, LibreOffice and Google Sheets run a cell that
// starts with one of those; OWASP's advice is an apostrophe before it, which makes the spreadsheet
// take the cell as text. The CSV is comma-separated, but a spreadsheet set to split on ';' (the
// usual list separator where the decimal separator is a comma) or on tabs, or one that ignores
// the quotes, starts a new cell after any of them, so "pain;=HYPERLINK(...)" is neutralised
// as "pain;'=HYPERLINK(...)" too. A negative number is a formula start: -3 exports as '-3 (JSON
// Lines carries the exact values).
std::string CsvCellText(std::string_view text);

// Appends CsvCellText(text) to `out` as one RFC 4180 field: quoted (each quote doubled) when it
// holds a comma, semicolon, quote, CR or LF, so a reader that honours quotes keeps it one cell
// whichever of ',' and ';' it splits on. Parsed back, the field is exactly CsvCellText(text).
void AppendCsvCell(std::string& out, std::string_view text);

}  // namespace kiosk::store
