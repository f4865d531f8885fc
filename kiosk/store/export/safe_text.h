// Text that patients typed, or that a stored row holds, made safe to export and to show to staff:
// no control characters, no bidirectional overrides, valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace kiosk::store {

// A free-text answer comes from a patient (on the kiosk, or a paper form typed in with
// `kiosk submit`), and a kiosk id from configuration; neither is trusted. A control character
// (an escape sequence, a NUL) can garble a terminal or a viewer, and a bidirectional override
// (U+202E) shows "exe.pdf" as "fdp.exe" and can make staff read a different answer than the one
// stored. SafeText replaces, with U+FFFD (the replacement character, so a reader sees that
// something was there):
//   - C0 control characters other than TAB, CR and LF; DEL; C1 controls (U+0080 to U+009F);
//   - the bidirectional marks, embeddings, overrides and isolates: U+061C, U+200E, U+200F,
//     U+202A to U+202E, U+2066 to U+2069;
//   - every byte that is not part of well-formed UTF-8 (overlong forms and surrogates included).
// A TAB becomes a space (a spreadsheet may split a pasted or opened cell at a tab), and a CR that
// is not followed by LF becomes LF; CR LF and LF are kept. Everything else is kept byte for byte.
// The result is well-formed UTF-8, and SafeText(SafeText(x)) == SafeText(x).
//
// Used by the CSV and FHIR exports. The staff screens (kiosk/ui) show stored answers, kiosk ids
// and names through it too.
std::string SafeText(std::string_view text);

// Whether SafeText(text) == text: the common case, checked without building a copy.
bool IsSafeText(std::string_view text);

}  // namespace kiosk::store
