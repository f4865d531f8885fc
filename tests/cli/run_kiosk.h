// Test helper: runs the kiosk's command line in-process and keeps its exit code and output.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace test_support {

struct Run {
    int code = -1;
    std::string out, err;
};

inline Run Kiosk(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Run r;
    r.code = kiosk::RunCommandLine(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

}  // namespace test_support
