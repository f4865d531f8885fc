// The kiosk's command line: check, test and evaluate screening files.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "rules/date.h"

namespace kiosk {

// Exit codes, documented in the README.
constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;  // a screening file, answers file or test case failed
constexpr int kExitUsage = 2;    // the command line itself is wrong

// The default screening: $KIOSK_SCREENING, else the one shipped in assets/screenings/.
std::string DefaultScreeningPath();

// Today's date on this machine's local calendar: the screening day unless --today says otherwise.
rules::Date LocalToday();

int RunCheck(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunTest(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunEvaluate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Dispatches `kiosk COMMAND ARGS...`; argv[0] excluded. `staff set-pin` reads std::cin.
int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kiosk
