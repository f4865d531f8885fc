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

// Parses `args` (the command name excluded) against `options`. Stops at the first error: anything
// that starts with '-' and is not one of `options`, more than `max_positional` other arguments, an
// option given twice, an option without its value. An option's value is the next argument,
// whatever it looks like.
ParsedArgs ParseArgs(const std::vector<std::string>& args, const std::vector<Option>& options,
                     size_t max_positional = std::numeric_limits<size_t>::max());

// Reports wrong usage as "kiosk COMMAND: ERROR" followed by the command's help; returns the exit
// code for it (kExitUsage).
int UsageError(std::string_view command, const std::string& error, std::string_view help, std::ostream& err);

// The start of every command that works on the clinic's files (the database, the screening, the
// configuration): its line parsed, and the files resolved.
struct CommandStart {
    ParsedArgs args;
    CommandFiles files;
    std::optional<int> exit;  // set: stop with this exit code, what to say was said
};

// Parses `args` with `options` plus --db and --config. Prints `help` for --help (exit 0); reports
// wrong usage: a parse error, or arguments `usage_ok` refuses (the help alone) (exit 2); then
// reads the configuration and reports it when broken (exit 1).
CommandStart StartCommand(std::string_view command, const std::vector<std::string>& args, std::vector<Option> options,
                          size_t max_positional, std::string_view help, const std::function<bool(const ParsedArgs&)>& usage_ok,
                          std::ostream& out, std::ostream& err);

}  // namespace kiosk
