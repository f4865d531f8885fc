// `kiosk test --properties FILE`: generated answer sets, each property checked, failures shrunk.
#include "cli/properties_command.h"

#include <chrono>
#include <charconv>
#include <cstdio>
#include <ostream>

#include "cli/commands.h"
#include "core/patient_properties.h"
#include "rules/loader.h"
#include "rules/properties.h"

namespace kiosk {
namespace {

template <typename T>
std::optional<T> ParseWhole(const std::string& text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// The screening day the answer sets are drawn for: --today, else the first case's, else a fixed
// day, so a run never depends on the date it runs.
rules::Date PropertyDay(const rules::Screening& screening, const ParsedArgs& args) {
    if (std::optional<std::string> today = args.Value("--today")) return *rules::ParseDate(*today);
    if (!screening.cases.empty()) return screening.cases.front().today;
    return rules::Date{2026, 6, 15};
}

void Indent(std::ostream& out, const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out << "    " << text.substr(start, end - start) << "\n";
        start = end + 1;
    }
}

}  // namespace

std::optional<std::string> PropertyOptionsProblem(const ParsedArgs& args) {
    const bool properties = args.Has("--properties");
    for (std::string_view option : {"--seed", "--count", "--today"}) {
        if (!args.Value(option)) continue;
        if (!properties) return std::string(option) + " is for --properties";
    }
    if (auto seed = args.Value("--seed"); seed && !ParseWhole<unsigned long long>(*seed))
        return "--seed needs a whole number, not '" + *seed + "'";
    if (auto count = args.Value("--count"); count) {
        std::optional<int> n = ParseWhole<int>(*count);
        if (!n || *n < 1) return "--count needs a whole number of at least 1, not '" + *count + "'";
    }
    return DateProblem(args, "--today");
}

int RunProperties(const std::string& path, const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto started = std::chrono::steady_clock::now();
    rules::LoadResult loaded = rules::LoadScreeningFile(path);
    if (!loaded.screening) {
        err << loaded.diagnostics.Format();
        out << path << ": does not load; no property was checked\n";
        return kExitInvalid;
    }
    const rules::Screening& s = *loaded.screening;
    rules::PropertyRun run;
    run.seed = args.Value("--seed") ? *ParseWhole<unsigned long long>(*args.Value("--seed")) : kDefaultPropertySeed;
    run.count = args.Value("--count") ? *ParseWhole<int>(*args.Value("--count")) : kDefaultPropertyCount;
    run.today = PropertyDay(s, args);
    out << "properties of " << path << ": seed " << run.seed << ", " << run.count << " answer sets a property, screening day "
        << rules::FormatDate(run.today) << "\n";

    const std::vector<std::pair<std::string, rules::PropertyCheck>> properties = {
        {"unknown_never_helps", rules::UnknownNeverHelps(s, run.today)},
        {"monotone_safety", rules::MonotoneSafety(s, run.today)},
        {"language_invariance", LanguageInvariance(s, run.today)},
        {"determinism", rules::Determinism(s, rules::EngineObserver(s, run.today))},
        {"every_review_has_reason", rules::ReviewHasReason(s, run.today)},
    };
    int failed = 0;
    for (const auto& [name, check] : properties) {
        const rules::PropertyResult result = rules::RunProperty(s, name, check, run);
        if (result.ok) {
            out << "property " << name << ": " << result.checked << " answer sets, ok\n";
            continue;
        }
        ++failed;
        out << "property " << name << ": VIOLATED by answer set " << result.failing_index << " of seed " << run.seed << "\n";
        Indent(out, result.violation);
        out << "    smallest failing answer set (" << result.shrunk.answers.size() << " answers, shrunk from "
            << result.original.answers.size() << "); unlisted questions are skipped:\n";
        Indent(out, rules::FormatCase(s, result.shrunk, run.today, name + ", seed " + std::to_string(run.seed)));
        out << "    reproduce: kiosk test --properties " << path << " --seed " << run.seed << " --count "
            << result.failing_index + 1 << (args.Value("--today") ? " --today " + *args.Value("--today") : std::string()) << "\n";
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char time[32];
    std::snprintf(time, sizeof time, "%.2f", seconds);
    out << properties.size() - static_cast<size_t>(failed) << " of " << properties.size() << " properties hold; total time " << time
        << " s\n";
    return failed == 0 ? kExitOk : kExitInvalid;
}

}  // namespace kiosk
