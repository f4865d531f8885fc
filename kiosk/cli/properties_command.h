// `kiosk test --properties FILE`: the property checks of a screening, over generated answer sets.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/options.h"

namespace kiosk {

// The options `kiosk test` takes for it.
inline constexpr Option kPropertiesOption{"--properties", ""};
inline constexpr Option kSeedOption{"--seed", "a number"};
inline constexpr Option kCountOption{"--count", "a number"};

// The fixed seed used without --seed, printed with every run so a failure can be repeated.
inline constexpr unsigned long long kDefaultPropertySeed = 20260615;
inline constexpr int kDefaultPropertyCount = 10000;

// Why --seed or --count cannot be used (for `kiosk test`'s usage check); nullopt when they can.
std::optional<std::string> PropertyOptionsProblem(const ParsedArgs& args);

// Runs every property on the screening at `path` with --seed, --count and --today from `args`.
// Prints one line a property (`property NAME: N answer sets, ok`, or the violation with its seed
// and shrunk answer set as a [[cases]] block) and the total time. Exit 0 when all hold, 1 when one
// does not or the file does not load.
int RunProperties(const std::string& path, const ParsedArgs& args, std::ostream& out, std::ostream& err);

}  // namespace kiosk
