// The kiosk executable: today the command line; the window arrives on top of it.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        return kiosk::RunCommandLine(args, std::cout, std::cerr);
    } catch (const std::exception& e) {
        // The boundary: nothing below should throw, but a crash must never be the answer.
        std::cerr << "kiosk: internal error: " << e.what() << "\n";
        return 70;
    }
}
