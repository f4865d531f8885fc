// `kiosk sync`: drains the outbox into the clinic's server once, or (--status) says how it stands.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kiosk {

int RunSync(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kiosk
