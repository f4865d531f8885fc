// `kiosk test --properties` as an author runs it, and the language property through the kiosk's
// Session: what it prints, its exit codes, and a failure it prints that reproduces and pastes.
#include <doctest/doctest.h>

#include "../support.h"
#include "run_kiosk.h"


#include "core/patient_properties.h"
#include "rules/loader.h"
#include "rules/properties.h"

namespace {

using test_support::Kiosk;
using test_support::Run;

std::string Data(const std::string& name) { return std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/properties/" + name + ".toml"; }

const rules::Date kToday{2026, 3, 5};

std::unique_ptr<rules::Screening> Load(const std::string& name) {
    rules::LoadResult result = rules::LoadScreeningFile(Data(name));
    INFO(result.diagnostics.Format());
    REQUIRE(result.screening);
    return std::move(result.screening);
}

// The line of `text` that starts with `from` and the 4-space indented lines after it (indent
// removed), up to the "reproduce:" line: a property's report, or the case block in it.
std::string Block(const std::string& text, const std::string& from) {
    size_t start = text.find(from);
    if (start == std::string::npos) return "";
    std::string out;
    for (size_t end = text.find('\n', start); end != std::string::npos; start = end + 1, end = text.find('\n', start)) {
        std::string line = text.substr(start, end - start);
        if (!out.empty() && line.rfind("    ", 0) != 0) break;
        if (line.rfind("    reproduce:", 0) == 0) break;
        out += (line.rfind("    ", 0) == 0 ? line.substr(4) : line) + "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("kiosk test --properties: a clean screening prints every property ok, the seed and the time, exit 0") {
    Run r = Kiosk({"test", "--properties", Data("clean"), "--count", "500"});
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.code == kiosk::kExitOk);
    CHECK(r.out.find("seed 20260615, 500 answer sets a property, screening day 2026-03-05") != std::string::npos);
    for (const char* name : {"unknown_never_helps", "monotone_safety", "language_invariance", "determinism", "every_review_has_reason"})
        CHECK(r.out.find(std::string("property ") + name + ": 500 answer sets, ok\n") != std::string::npos);
    // "5 of 5 properties hold; total time 0.42 s" (no <regex>: GCC 12's trips -Wmaybe-uninitialized under -O2).
    const size_t total = r.out.find("5 of 5 properties hold; total time ");
    REQUIRE(total != std::string::npos);
    const std::string seconds = r.out.substr(total + 35, r.out.find('\n', total) - total - 35);
    CAPTURE(seconds);
    CHECK(seconds.size() >= 6);
    CHECK(seconds.substr(seconds.size() - 2) == " s");
    CHECK(seconds.find_first_not_of("0123456789") == seconds.size() - 5);  // whole seconds, '.', 2 decimals
    CHECK(seconds[seconds.size() - 5] == '.');
}

TEST_CASE("kiosk test --properties: a violation names the property, the seed and a shrunk case that reproduces and pastes, exit 1") {
    const std::string file = Data("unknown_helps");
    Run r = Kiosk({"test", "--properties", file, "--seed", "42", "--count", "3000"});
    CAPTURE(r.out);
    CHECK(r.code == kiosk::kExitInvalid);
    const std::string violated = "property unknown_never_helps: VIOLATED by answer set ";
    const size_t at = r.out.find(violated);
    REQUIRE(at != std::string::npos);
    const size_t number_end = r.out.find(" of seed 42\n", at);
    REQUIRE(number_end != std::string::npos);
    const std::string index = r.out.substr(at + violated.size(), number_end - at - violated.size());
    REQUIRE(!index.empty());
    REQUIRE(index.find_first_not_of("0123456789") == std::string::npos);
    CHECK(r.out.find("property monotone_safety: 3000 answer sets, ok") != std::string::npos);
    CHECK(r.out.find("4 of 5 properties hold") != std::string::npos);
    const std::string block = Block(r.out, "    [[cases]]");
    CHECK(block.find("[[cases]]\nname = \"unknown_never_helps, seed 42\"\ntoday = 2026-03-05\nanswers = { consent = \"yes\"") == 0);
    CHECK(block.find("pregnant = \"yes\"") != std::string::npos);
    const std::string again = "    reproduce: kiosk test --properties " + file + " --seed 42 --count " + std::to_string(std::stoi(index) + 1);
    CHECK(r.out.find(again) != std::string::npos);

    // The printed command finds the same violation and the same case.
    Run repeat = Kiosk({"test", "--properties", file, "--seed", "42", "--count", std::to_string(std::stoi(index) + 1)});
    CHECK(repeat.code == kiosk::kExitInvalid);
    CHECK(Block(repeat.out, "    [[cases]]") == block);
    CHECK(Block(repeat.out, "property unknown_never_helps") == Block(r.out, "property unknown_never_helps"));

    // Pasted into the file with the outcome the author expects, the case runs and shows the defect:
    // the answers give STOP; the same answers with pregnancy skipped give FIT.
    test_support::TempDir dir;
    std::string text = test_support::ReadFile(file) + "\n" + block + "expect.outcome = \"STOP\"\n";
    std::string skipped = block;
    skipped.replace(skipped.find("pregnant = \"yes\""), std::string("pregnant = \"yes\"").size(), "pregnant = \"not_sure\"");
    skipped.replace(skipped.find("seed 42\""), 8, "seed 42 unsure\"");
    text += "\n" + skipped + "expect.outcome = \"REVIEW\"\n";
    Run pasted = Kiosk({"test", dir.Write("pasted.toml", text)});
    CAPTURE(pasted.out);
    CHECK(pasted.out.find("case 'unknown_never_helps, seed 42' FAILED") == std::string::npos);
    CHECK(pasted.out.find("case 'unknown_never_helps, seed 42 unsure' FAILED\n    outcome: expected REVIEW, got FIT") != std::string::npos);
}

TEST_CASE("kiosk test --properties: each planted defect is caught by its own property") {
    for (auto [file, property] : {std::pair{"monotone", "monotone_safety"}, std::pair{"no_reason", "every_review_has_reason"}}) {
        Run r = Kiosk({"test", "--properties", Data(file), "--count", "3000"});
        CAPTURE(r.out);
        CHECK(r.code == kiosk::kExitInvalid);
        CHECK(r.out.find(std::string("property ") + property + ": VIOLATED by answer set ") != std::string::npos);
        CHECK(r.out.find("4 of 5 properties hold") != std::string::npos);
    }
}

TEST_CASE("kiosk test --properties: wrong options are usage errors") {
    CHECK(Kiosk({"test", "--properties", Data("clean"), "--seed", "x"}).code == kiosk::kExitUsage);
    CHECK(Kiosk({"test", "--properties", Data("clean"), "--count", "0"}).code == kiosk::kExitUsage);
    CHECK(Kiosk({"test", "--properties", Data("clean"), "--today", "2026-13-01"}).code == kiosk::kExitUsage);
    Run seed_alone = Kiosk({"test", Data("clean"), "--seed", "3"});
    CHECK(seed_alone.code == kiosk::kExitUsage);
    CHECK(seed_alone.err.find("--seed is for --properties") != std::string::npos);
    Run missing = Kiosk({"test", "--properties", "/nonexistent/screening.toml"});
    CHECK(missing.code == kiosk::kExitInvalid);
    CHECK(missing.out.find("does not load; no property was checked") != std::string::npos);
    Run help = Kiosk({"test", "--help"});
    CHECK(help.out.find("kiosk test --properties FILE [--seed N] [--count N]") != std::string::npos);
}

TEST_CASE("language_invariance: a patient's answers through the Session in each language decide as the engine does") {
    auto s = Load("clean");
    // Pregnancy "not sure" goes past the helper the first time; a skipped question is skipped.
    rules::AnswerSet set;
    set.answers = {{s->FindQuestion("consent"), std::string("yes")},
                   {s->FindQuestion("dob"), rules::Date{1980, 1, 2}},
                   {s->FindQuestion("sex"), std::string("female")},
                   {s->FindQuestion("pregnant"), std::string("not_sure")},
                   {s->FindQuestion("meds"), std::vector<std::string>{"aspirin", "thinner"}}};
    rules::Observation engine = rules::EngineObserver(*s, kToday)(set);
    CHECK(s->outcomes[engine.outcome].id == "STOP");
    CHECK(engine.undetermined == std::vector<std::string>{"pain", "pregnant"});
    for (int language : {0, 1}) {
        kiosk::PatientRun run = kiosk::RunAsPatient(*s, set, kToday, language);
        CHECK(run.problem.empty());
        CHECK(run.decision == engine);
        CHECK(run.stored.outcome == engine.outcome);
        CHECK(run.stored.tracks == engine.tracks);
        CHECK(run.stored.undetermined == engine.undetermined);
    }
}

TEST_CASE("language_invariance: a Spanish date entry that swaps day and month is caught, shrunk to the date of birth") {
    auto s = Load("clean");
    // Planted: in the second language (es: day, month, year) a date is taken month first.
    kiosk::PatientPath swapped = [&](const rules::AnswerSet& set, int language) {
        rules::AnswerSet given = set;
        if (language == 1)
            for (rules::GivenAnswer& a : given.answers)
                if (auto* d = std::get_if<rules::Date>(&a.input); d && rules::IsValidDate(d->year, d->day, d->month)) {
                    const rules::Date swapped_date{d->year, d->day, d->month};
                    if (rules::DayNumber(swapped_date) <= rules::DayNumber(kToday)) *d = swapped_date;
                }
        return kiosk::RunAsPatient(*s, given, kToday, language);
    };
    rules::PropertyResult r =
        rules::RunProperty(*s, "language_invariance", kiosk::LanguageInvariance(*s, kToday, swapped), {7, 10000, kToday});
    REQUIRE(!r.ok);
    const std::string printed = rules::FormatCase(*s, r.shrunk, kToday, "x");
    CAPTURE(printed);
    CAPTURE(r.violation);
    CHECK(r.violation.find("through the kiosk in es: ") == 0);
    CHECK(printed.find("dob = ") != std::string::npos);
    CHECK(r.shrunk.answers.size() <= 2);  // consent and the date of birth

    // The real path holds on the same seed.
    CHECK(rules::RunProperty(*s, "language_invariance", kiosk::LanguageInvariance(*s, kToday), {7, 2000, kToday}).ok);
}
