// The command line's staff commands: accounts (add, list, disable, set-pin, unlock) and a review
// signed with the reviewer's own PIN. The machine's terminal acts as "cli", its owner.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace kiosk {

// Where a command talks to the person at the terminal, and how it names itself in messages.
struct Terminal {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    std::string command;  // "kiosk review"
    std::string nothing;  // what did not happen when the sign-in fails: "nothing reviewed"
};
// Reads `name`'s PIN (echo off at a terminal, else a line of `in`) and signs in as on the kiosk:
// counted, locked out, audited. On success the store's reading is unlocked with the account's
// clinic key when it has one (an account without one leaves it as it was). On failure the reason is printed and nullopt returned.
std::optional<store::Store::SignIn> SignInOnTerminal(store::Store& db, const std::string& name, const Terminal& t);

// `kiosk staff add|list|disable|set-pin|unlock ...`: PINs are read from `in` (echo off at a terminal).
int RunStaff(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
// `kiosk review ID --as NAME`: NAME's PIN from `in`, a counted sign-in, then the review as NAME.
int RunReview(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace kiosk
