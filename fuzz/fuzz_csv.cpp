// libFuzzer harness: the CSV writer's cells, a round trip. Arbitrary cell texts are written as one
// record (AppendCsvCell, as the export writes every cell), parsed back as RFC 4180, and must come
// back as exactly CsvCellText of each: the safe text (safe_text.h) with its formula starts
// neutralised. The record must hold no formula start a spreadsheet could run whichever of
// , ; TAB it splits on, and no control character but the line breaks inside quoted cells.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_support.h"
#include "store/export/csv_cell.h"
#include "store/export/safe_text.h"

namespace {

// RFC 4180: one record ending in CRLF; a field is plain (no quote, comma, CR or LF) or quoted with
// doubled quotes. Returns false for anything else.
bool ParseRecord(std::string_view text, std::vector<std::string>& fields) {
    size_t i = 0;
    for (;;) {
        std::string field;
        if (i < text.size() && text[i] == '"') {
            for (++i;; ++i) {
                if (i >= text.size()) return false;
                if (text[i] != '"') {
                    field += text[i];
                } else if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    ++i;
                    break;
                }
            }
        } else {
            for (; i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n'; ++i) {
                if (text[i] == '"') return false;
                field += text[i];
            }
        }
        fields.push_back(std::move(field));
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        return text.substr(i) == "\r\n";
    }
}

// Whether a spreadsheet splitting `record` at any of , ; TAB CR LF (honouring quotes or not) could
// find a piece that starts, after spaces and quotes, with = + - or @.
bool HasFormulaPiece(std::string_view record) {
    bool piece_start = true;
    for (char c : record) {
        if (piece_start && std::string_view("=+-@").find(c) != std::string_view::npos) return true;
        if (std::string_view(",;\t\r\n").find(c) != std::string_view::npos) piece_start = true;
        else if (c != ' ' && c != '"') piece_start = false;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider provider(data, size);
    std::vector<std::string> cells;
    while (provider.remaining_bytes() > 0 && cells.size() < 16) cells.push_back(provider.ConsumeRandomLengthString(512));
    if (cells.empty()) cells.emplace_back();

    std::string record;
    for (size_t c = 0; c < cells.size(); ++c) {
        if (c > 0) record += ',';
        kiosk::store::AppendCsvCell(record, cells[c]);
    }
    record += "\r\n";

    std::vector<std::string> fields;
    fuzz::Require(ParseRecord(record, fields), "the record is RFC 4180");
    fuzz::Require(fields.size() == cells.size(), "one field a cell");
    for (size_t c = 0; c < cells.size(); ++c) {
        const std::string shown = kiosk::store::CsvCellText(cells[c]);
        fuzz::Require(fields[c] == shown, "a cell reads back as CsvCellText of its text");
        fuzz::Require(kiosk::store::IsSafeText(shown), "a cell is safe text");
        fuzz::Require(kiosk::store::CsvCellText(shown) == shown, "CsvCellText changes its own result no further");
        const std::string safe = kiosk::store::SafeText(cells[c]);
        fuzz::Require(kiosk::store::SafeText(safe) == safe, "SafeText changes its own result no further");
        fuzz::Require(kiosk::store::IsSafeText(cells[c]) == (safe == cells[c]), "IsSafeText agrees with SafeText");
    }
    fuzz::Require(!HasFormulaPiece(record), "no piece of the record starts a formula");
    for (size_t i = 0; i < record.size(); ++i) {
        const auto byte = static_cast<unsigned char>(record[i]);
        fuzz::Require((byte >= 0x20 && byte != 0x7F) || byte == '\n' || byte == '\r', "no control character but line breaks");
    }
    return 0;
}
