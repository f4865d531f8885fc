// `kiosk clinic`: the administrator's commands for the clinic's PostgreSQL server (init, migrate,
// add-kiosk, add-console, add-staff, grant-key). Never run by a kiosk: they need a role that owns the
// database.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kiosk {

// PINs (add-staff, grant-key) are read from `in` (echo off at a terminal).
int RunClinic(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace kiosk
