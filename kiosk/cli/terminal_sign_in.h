// Signing a staff account in at the terminal: its PIN read without echo (or from standard input),
// checked and counted like a sign-in on the kiosk.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "store/store.h"

namespace kiosk {

// Reads NAME's PIN (a prompt on `out` at a terminal, else the next line of `in`) and signs the
// account in (Store::SignInWithPin: audited, wrong PINs counted, lockout honoured). The signed-in
// account, or nullopt with the reason printed on `err` as "PREFIX...; NOT_DONE".
std::optional<store::StaffAccount> SignInAtTerminal(store::Store& db, const std::string& name, std::istream& in, std::ostream& out,
                                                    std::ostream& err, const std::string& prefix, const std::string& not_done);

}  // namespace kiosk
