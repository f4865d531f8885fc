// `kiosk test --mutate FILE`: mutation testing of a screening file's cases, for its authors.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/options.h"

namespace kiosk {

inline constexpr Option kMutateOption{"--mutate", ""};

// Plants every mutant in the screening at `path`, runs its cases on each and prints each
// survivor with its place, what was changed and a case that tells it apart, then
// "mutants: K killed / T total, D dangerous survivors, S other survivors" and the time taken.
// Exit 1 when the file does not load, has no cases or failing ones, or a dangerous mutant
// survives; else 0.
int RunMutate(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace kiosk
