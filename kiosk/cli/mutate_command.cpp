// `kiosk test --mutate FILE`: runs the mutation testing of rules/mutate.h and prints what a
// screening's author needs: which planted faults no case notices, where, and a case to paste.
#include "cli/mutate_command.h"

#include <chrono>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "rules/answers.h"
#include "rules/loader.h"
#include "rules/mutate.h"

namespace kiosk {
namespace {

// "NOT_ELIGIBLE_TODAY; reasons R-A, R-B; PRP contra, BMAC review"
std::string DescribeSummary(const rules::Screening& s, const rules::DecisionSummary& d) {
    std::string out = d.outcome >= 0 ? s.outcomes[d.outcome].id : "no outcome";
    out += "; reasons ";
    if (d.reasons.empty()) out += "none";
    for (size_t i = 0; i < d.reasons.size(); ++i) out += (i ? ", " : "") + d.reasons[i];
    for (size_t t = 0; t < s.tracks.size(); ++t)
        out += (t ? ", " : "; ") + s.tracks[t].id + " " + rules::TrackStatusName(static_cast<rules::TrackStatus>(d.tracks[t]));
    return out;
}

std::string Place(const rules::Screening& s, const rules::Mutant& m) {
    return s.path + ":" + std::to_string(m.pos.line) + ":" + std::to_string(m.pos.col);
}

std::string Indent(const std::string& text, const std::string& by) {
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out += by + line + "\n";
    return out;
}

void PrintSurvivor(const rules::Screening& s, const rules::MutantResult& r, std::ostream& out) {
    out << "  " << Place(s, r.mutant) << ": " << r.mutant.description << "\n";
    const rules::Witness& w = r.witness;
    const rules::TestCase& base = s.cases[w.base_case];
    const rules::Answers& before = s.case_answers[base.answers];
    std::string changed;
    for (size_t q = 0; q < s.questions.size(); ++q) {
        const int qi = static_cast<int>(q);
        const std::string now = rules::DescribeAnswer(s, w.answers, qi), was = rules::DescribeAnswer(s, before, qi);
        if (now != was) changed += (changed.empty() ? "" : ", ") + s.questions[q].id + " = " + now + " (was " + was + ")";
    }
    out << "    a patient as in case '" << base.name << "' with " << changed << ":\n";
    out << "      the file decides:  " << DescribeSummary(s, w.original) << "\n";
    out << "      the mutant decides: " << DescribeSummary(s, w.mutant) << (w.lower ? "  (lower)" : "") << "\n";
    out << "    a case that tells them apart:\n" << Indent(rules::WitnessCaseToml(s, r.mutant, w), "      ");
}

}  // namespace

int RunMutate(const std::string& path, std::ostream& out, std::ostream& err) {
    const auto start = std::chrono::steady_clock::now();
    rules::LoadResult loaded = rules::LoadScreeningFile(path);
    if (!loaded.screening) {
        err << loaded.diagnostics.Format();
        out << path << ": does not load; no mutant was made\n";
        return kExitInvalid;
    }
    const rules::Screening& s = *loaded.screening;
    if (s.cases.empty()) {  // every mutant would survive, and no patient could be found to show it
        out << path << ": has no [[cases]]; mutation testing measures the cases, so there is nothing to measure\n";
        return kExitInvalid;
    }
    const rules::MutationReport report = rules::RunMutation(s);
    if (!report.cases_pass) {
        out << path << ": some cases fail on the file as it is ('kiosk test " << path
            << "' names them); mutation testing needs passing cases\n";
        return kExitInvalid;
    }

    struct Section {
        rules::MutantFate fate;
        const char* title;
    };
    const Section sections[] = {
        {rules::MutantFate::Dangerous,
         "DANGEROUS survivors: a safety rule weakened, a patient decided lower, and no case notices"},
        {rules::MutantFate::Survived, "Other survivors: no case notices the change"},
        {rules::MutantFate::NoWitness, "No answer set found that tells them apart (may be equivalent)"},
    };
    for (const Section& section : sections) {
        int count = 0;
        for (const rules::MutantResult& r : report.results) count += r.fate == section.fate;
        if (count == 0) continue;
        out << section.title << " (" << count << "):\n";
        for (const rules::MutantResult& r : report.results) {
            if (r.fate != section.fate) continue;
            if (r.fate == rules::MutantFate::NoWitness) out << "  " << Place(s, r.mutant) << ": " << r.mutant.description << "\n";
            else PrintSurvivor(s, r, out);
        }
        out << "\n";
    }

    out << "by kind (killed / total):";
    const char* separator = " ";
    for (int k = 0; k < rules::kMutantKindCount; ++k) {
        int total = 0, killed = 0;
        for (const rules::MutantResult& r : report.results)
            if (static_cast<int>(r.mutant.kind) == k) {
                ++total;
                killed += r.fate == rules::MutantFate::Killed;
            }
        if (total == 0) continue;
        out << separator << rules::MutantKindName(static_cast<rules::MutantKind>(k)) << " " << killed << "/" << total;
        separator = ", ";
    }
    out << "\n";
    out << "mutants: " << report.killed << " killed / " << report.Total() << " total, " << report.dangerous << " dangerous survivors, "
        << report.survived + report.no_witness << " other survivors\n";
    if (report.no_witness > 0) out << "(" << report.no_witness << " of the other survivors: no answer set found that tells them apart)\n";
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char time[32];
    std::snprintf(time, sizeof time, "%.2f", seconds);
    out << "time: " << time << " s\n";
    return report.dangerous > 0 ? kExitInvalid : kExitOk;
}

}  // namespace kiosk
