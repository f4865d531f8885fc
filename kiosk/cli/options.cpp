// The one option parser of every kiosk command.
#include "cli/options.h"

#include <algorithm>
#include <ostream>

#include "cli/commands.h"
#include "rules/date.h"

namespace kiosk {

bool ParsedArgs::Has(std::string_view flag) const {
    return std::any_of(given.begin(), given.end(), [&](const auto& g) { return g.first == flag; });
}

std::optional<std::string> ParsedArgs::Value(std::string_view option) const {
    for (const auto& [name, value] : given)
        if (name == option) return value;
    return std::nullopt;
}

ParsedArgs ParseArgs(const std::vector<std::string>& args, const std::vector<Option>& options, size_t max_positional) {
    ParsedArgs parsed;
    parsed.help = std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.empty() || a[0] != '-') {
            if (parsed.positional.size() == max_positional) {
                parsed.error = "unknown argument '" + a + "'";
                return parsed;
            }
            parsed.positional.push_back(a);
            continue;
        }
        if (a == "--help" || a == "-h") continue;
        const Option* option = nullptr;
        for (const Option& o : options)
            if (o.name == a) option = &o;
        if (!option) {
            parsed.error = "unknown argument '" + a + "'";
            return parsed;
        }
        if (parsed.Has(a)) {
            parsed.error = a + " is given twice";
            return parsed;
        }
        std::string value;
        if (!option->value.empty()) {
            if (i + 1 >= args.size()) {
                parsed.error = a + " needs " + std::string(option->value);
                return parsed;
            }
            value = args[++i];
        }
        parsed.given.emplace_back(a, std::move(value));
    }
    return parsed;
}

std::optional<std::string> DateProblem(const ParsedArgs& args, std::string_view option) {
    std::optional<std::string> value = args.Value(option);
    if (!value || rules::ParseDate(*value)) return std::nullopt;
    return std::string(option) + " must be a date as YYYY-MM-DD, not '" + *value + "'";
}

CommandStart ParseCommand(const CommandSpec& spec, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart start;
    start.args = ParseArgs(args, spec.options, spec.max_positional);
    std::optional<std::string> problem;
    if (start.args.help) {
        out << spec.help;
        start.exit = kExitOk;
    } else if (!start.args.error.empty()) {
        problem = start.args.error;
    } else if (spec.usage_problem) {
        problem = spec.usage_problem(start.args);
    }
    if (problem) {
        if (!problem->empty()) err << "kiosk " << spec.name << ": " << *problem << "\n";
        err << spec.help;
        start.exit = kExitUsage;
    }
    return start;
}

CommandStart StartCommand(CommandSpec spec, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    spec.options.push_back(kDbOption);
    spec.options.push_back(kConfigOption);
    CommandStart start = ParseCommand(spec, args, out, err);
    if (start.exit) return start;
    start.files = ResolveCommandFiles(start.args.ValueOr("--config"), start.args.ValueOr("--db"), start.args.ValueOr("--screening"));
    if (ReportConfigErrors(start.files, err)) start.exit = kExitInvalid;
    return start;
}

}  // namespace kiosk
