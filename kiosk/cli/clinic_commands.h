// `kiosk clinic`: the administrator's commands for the clinic's PostgreSQL server (init, migrate,
// add-kiosk, add-console). Never run by a kiosk: they need a role that owns the database.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kiosk {

int RunClinic(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kiosk
