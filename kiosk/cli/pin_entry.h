// Reading a PIN at the terminal without showing it, or from standard input when a script feeds it.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace kiosk {

// One line from `in` with trailing CR and spaces removed; nullopt at the end of input. When `in`
// is std::cin and standard input is a terminal, `prompt` is printed on `out` and the typed
// characters are not echoed (termios; echo is restored afterwards, also on Ctrl+C).
std::optional<std::string> ReadSecretLine(std::istream& in, std::ostream& out, const std::string& prompt);

// A new PIN typed twice (two prompts at a terminal, else two lines). Returns the PIN, or why it
// cannot be used: the entries differ, input ended, or store::PinProblem refuses it.
struct NewPin {
    std::string pin;
    std::optional<std::string> problem;
};
NewPin ReadNewPin(std::istream& in, std::ostream& out, const std::string& whose);

}  // namespace kiosk
