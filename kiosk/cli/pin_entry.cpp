// Reading a PIN at the terminal without echo (termios), or as lines of standard input.
#include "cli/pin_entry.h"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "store/staff.h"

namespace kiosk {
namespace {

// The terminal's settings before echo was turned off, for the signal handler to put back.
struct termios g_saved_terminal{};

extern "C" void RestoreEchoAndExit(int signal_number) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);
    static const char kNewline = '\n';
    [[maybe_unused]] ssize_t ignored = ::write(STDOUT_FILENO, &kNewline, 1);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

// Echo off for its lifetime; SIGINT, SIGTERM and SIGHUP put the terminal back before they end
// the process, so an interrupted prompt does not leave a shell that shows nothing typed.
class EchoOff {
public:
    EchoOff() {
        if (::tcgetattr(STDIN_FILENO, &g_saved_terminal) != 0) return;
        struct termios quiet = g_saved_terminal;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;  // the Enter key still moves to the next line
        for (int s : {SIGINT, SIGTERM, SIGHUP}) m_previous[Index(s)] = std::signal(s, RestoreEchoAndExit);
        m_active = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    ~EchoOff() {
        if (m_active) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);
        for (int s : {SIGINT, SIGTERM, SIGHUP}) std::signal(s, m_previous[Index(s)]);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    static int Index(int s) { return s == SIGINT ? 0 : s == SIGTERM ? 1 : 2; }
    bool m_active = false;
    void (*m_previous[3])(int) = {SIG_DFL, SIG_DFL, SIG_DFL};
};

std::optional<std::string> ReadLine(std::istream& in) {
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

}  // namespace

std::optional<std::string> ReadSecretLine(std::istream& in, std::ostream& out, const std::string& prompt) {
    if (&in != &std::cin || !::isatty(STDIN_FILENO)) return ReadLine(in);
    // Echo off (which flushes type-ahead) before the prompt shows: what is typed once the prompt
    // is visible is kept, and never shown.
    EchoOff quiet;
    out << prompt << std::flush;
    return ReadLine(in);
}

NewPin ReadNewPin(std::istream& in, std::ostream& out, const std::string& whose) {
    NewPin result;
    std::optional<std::string> first =
        ReadSecretLine(in, out, "New PIN for " + whose + " (at least " + std::to_string(store::kMinPinDigits) + " digits): ");
    std::optional<std::string> second = first ? ReadSecretLine(in, out, "The same PIN again: ") : std::nullopt;
    if (!first || !second) result.problem = "the PIN is typed twice (two lines on standard input)";
    else if (*first != *second) result.problem = "the two PINs differ";
    else if (auto problem = store::PinProblem(*first)) result.problem = *problem;
    else result.pin = *first;
    return result;
}

}  // namespace kiosk
