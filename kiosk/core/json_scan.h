// A validating pull reader over JSON text: reads the values a caller asks for and skips the rest,
// without building a tree. Exports read 100,000 stored decisions and answers with it (bench_store).
#pragma once

#include <string>
#include <string_view>

namespace kiosk {

// Accepts exactly RFC 8259 JSON in UTF-8 (as nlohmann::json::parse does): the reader checks all of
// the text, including what the caller skips. Any error makes ok() false for good, after which
// every call returns false or nothing; a caller reads on regardless and checks ok() once at the end.
//
//   JsonScan scan(text);
//   if (scan.EnterObject())
//       while (scan.NextKey(key))
//           if (key == "id") scan.ReadString(id);   // a value of another type is skipped: false
//           else scan.Skip();
//   bool valid = scan.Finish();
class JsonScan {
public:
    explicit JsonScan(std::string_view text) : m_text(text) {}

    // The next value is of this kind (without consuming it); Error at the end of the text or on an error.
    enum class Kind { Null, Bool, Number, String, Array, Object, Error };
    Kind Peek();

    // Consumes '{' / '['; false (and the value skipped) when the next value is something else.
    bool EnterObject();
    bool EnterArray();
    // The next member's key (then its value is next); false after the closing '}' is consumed.
    bool NextKey(std::string& key);
    // true when the array has another item (then it is next); false after the closing ']'.
    bool NextItem();

    // Reads the next value when it has this type; otherwise skips it and returns false (a string
    // is then left empty, a bool as it was).
    bool ReadString(std::string& out);
    bool ReadBool(bool& out);
    // Skips the next value, whatever it is, and returns its text as written.
    std::string_view Skip();

    // True when the text held one valid value and nothing but white space after it.
    bool Finish();
    bool ok() const { return !m_error; }

    // The text of a JSON string as written between its quotes, with its escapes: unescapes it
    // into `out`. False on an invalid escape (the JSON text was not valid).
    static bool Unescape(std::string_view raw, std::string& out);

private:
    void SkipSpace() {
        while (m_at < m_text.size() && (m_text[m_at] == ' ' || m_text[m_at] == '\n' || m_text[m_at] == '\r' || m_text[m_at] == '\t'))
            ++m_at;
    }
    bool Fail();
    bool Expect(char c);
    bool Enter(Kind kind);
    // The raw text between the quotes of a string (escapes kept); checks escapes and UTF-8.
    bool ScanString(std::string_view& raw, bool& escaped);
    bool SkipValue(int depth);

    std::string_view m_text;
    size_t m_at = 0;
    bool m_error = false;
    bool m_first = false;  // inside a container, before its first member or item
};

}  // namespace kiosk
