// The command line's staff commands: accounts (add, list, disable, set-pin, unlock) and a review
// signed with the reviewer's own PIN. The machine's terminal acts as "cli", its owner.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kiosk {

// `kiosk staff add|list|disable|set-pin|unlock ...`: PINs are read from `in` (echo off at a terminal).
int RunStaff(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
// `kiosk review ID --as NAME`: NAME's PIN from `in`, a counted sign-in, then the review as NAME.
int RunReview(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace kiosk
