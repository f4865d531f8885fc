// `kiosk keys`: the clinic key that every result is sealed to (see store/sealing.h). Made with the
// first administrator; `init` makes it for a database from an older kiosk, `grant` gives an
// account its wrapped copy, `status` says who can read results.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kiosk {

int RunKeys(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace kiosk
