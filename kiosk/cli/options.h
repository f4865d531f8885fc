// The one option parser of every kiosk command: named options with or without a value, the rest
// positional, and the same messages everywhere for an unknown option, a missing value, a repeat.
#pragma once

#include <functional>
#include <iosfwd>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config.h"

namespace kiosk {

struct Option {
    std::string_view name;   // "--db"
    std::string_view value;  // what must follow it, for "--db needs a file"; empty: a flag
};

// The options several commands take, defined once.
inline constexpr Option kDbOption{"--db", "a file"};
inline constexpr Option kConfigOption{"--config", "a file"};
inline constexpr Option kScreeningOption{"--screening", "a file"};
inline constexpr Option kAnswersOption{"--answers", "a file"};
inline constexpr Option kTodayOption{"--today", "a date"};
inline constexpr Option kLanguageOption{"--language", "a code"};
inline constexpr Option kOutOption{"--out", "a file"};

struct ParsedArgs {
    bool help = false;                    // --help or -h anywhere: the command prints its help, nothing else
    std::string error;                    // "unknown argument '--x'", "--db needs a file", "--db is given twice"
    std::vector<std::string> positional;  // the arguments that are not options nor their values, in order

    bool Has(std::string_view flag) const;
    // The value given to `option`, or nullopt when it was not given.
    std::optional<std::string> Value(std::string_view option) const;
    // The value given to `option`, or "" when it was not given.
    std::string ValueOr(std::string_view option) const { return Value(option).value_or(""); }

    std::vector<std::pair<std::string, std::string>> given;  // option name and value ("" for a flag), in order
};

// No limit on a command's positional arguments (kiosk check FILE...).
inline constexpr size_t kAnyNumber = std::numeric_limits<size_t>::max();

// Parses `args` (the command name excluded) against `options`. Stops at the first error: anything
// that starts with '-' and is not one of `options`, more than `max_positional` other arguments, an
// option given twice, an option without its value. An option's value is the next argument,
// whatever it looks like.
ParsedArgs ParseArgs(const std::vector<std::string>& args, const std::vector<Option>& options, size_t max_positional);

// What a command accepts, for ParseCommand and StartCommand.
struct CommandSpec {
    std::string_view name;  // "queue", as in "kiosk queue: --db needs a file"
    std::vector<Option> options;
    size_t max_positional = 0;
    std::string_view help;  // printed for --help, and after wrong usage
    // Why parsed arguments cannot be used: nullopt when they can, "" for the help alone. Empty: any can.
    std::function<std::optional<std::string>(const ParsedArgs&)> usage_problem;
};

// A usage problem for CommandSpec: none when `usable`, else the help alone.
inline std::optional<std::string> HelpUnless(bool usable) { return usable ? std::nullopt : std::optional<std::string>(""); }

// A usage problem for CommandSpec: the value of `option` (--today, --since) is not a date as
// YYYY-MM-DD. None when it is one, or when the option was not given.
std::optional<std::string> DateProblem(const ParsedArgs& args, std::string_view option);

// A command's start: its line parsed and, for StartCommand, the clinic's files resolved.
struct CommandStart {
    ParsedArgs args;
    CommandFiles files;
    std::optional<int> exit;  // set: stop with this exit code; what was wrong has been said
};

// Parses `args` by `spec`. Prints the help for --help (exit 0); reports wrong usage, a parse error
// or a usage problem, as "kiosk NAME: PROBLEM" followed by the help (exit 2).
CommandStart ParseCommand(const CommandSpec& spec, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// ParseCommand for a command that works on the clinic's files, with --db and --config added to
// its options; then reads the configuration (exit 1, reported, when it is broken) and resolves
// the database and the screening (ResolveCommandFiles).
CommandStart StartCommand(CommandSpec spec, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kiosk
