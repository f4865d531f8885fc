// `kiosk test --mutate`: a planted weak case is caught and named with its place and a witness;
// once pinned by a case, the same file passes. The real command, on real files.
#include <doctest/doctest.h>

#include "run_kiosk.h"

#include <string>

namespace {

using test_support::Kiosk;
using test_support::Run;
using test_support::TempDir;

const std::string kWeak = std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/mutate-weak.toml";
const std::string kPin = std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/mutate-weak-pin.toml";

}  // namespace

TEST_CASE("kiosk test --mutate: a weak case is caught: the rule, its place, the dropped option, a witness, exit 1") {
    Run r = Kiosk({"test", "--mutate", kWeak});
    CAPTURE(r.out);
    CHECK(r.code == kiosk::kExitInvalid);
    CHECK(r.out.find("DANGEROUS survivors") != std::string::npos);
    CHECK(r.out.find(kWeak + ":46:15: rule bleeding: option 'hemophilia' dropped from `blood in [low_platelets, hemophilia]`\n") !=
          std::string::npos);
    CHECK(r.out.find("the file decides:  REVIEW; reasons R-BLEED; PRP review") != std::string::npos);
    CHECK(r.out.find("the mutant decides: OK; reasons R-OK; PRP ok  (lower)") != std::string::npos);
    CHECK(r.out.find("      [[cases]]\n") != std::string::npos);
    CHECK(r.out.find("      answers.blood = [\"hemophilia\"]\n") != std::string::npos);
    CHECK(r.out.find("      expect.outcome = \"REVIEW\"\n") != std::string::npos);
    CHECK(r.out.find("mutants: 5 killed / 6 total, 1 dangerous survivors, 0 other survivors\n") != std::string::npos);
    CHECK(r.out.find("\ntime: ") != std::string::npos);
}

TEST_CASE("kiosk test --mutate: the same file with a case pinning the second option passes, exit 0") {
    TempDir dir;
    const std::string pinned = dir.Write("pinned.toml", test_support::ReadFile(kWeak) + test_support::ReadFile(kPin));
    Run r = Kiosk({"test", "--mutate", pinned});
    CAPTURE(r.out);
    CHECK(r.code == kiosk::kExitOk);
    CHECK(r.out.find("DANGEROUS") == std::string::npos);
    CHECK(r.out.find("mutants: 6 killed / 6 total, 0 dangerous survivors, 0 other survivors\n") != std::string::npos);
    // Without --mutate the file's cases still run as before.
    Run plain = Kiosk({"test", pinned});
    CHECK(plain.code == kiosk::kExitOk);
    CHECK(plain.out.find("3 passed, 0 failed") != std::string::npos);
}

TEST_CASE("kiosk test --mutate: a file that does not load, has no cases or failing ones is refused, and usage and help") {
    TempDir dir;
    std::string failing = test_support::ReadFile(kWeak);
    failing.replace(failing.find("expect.outcome = \"OK\""), 21, "expect.outcome = \"REVIEW\"");
    Run fails = Kiosk({"test", "--mutate", dir.Write("failing.toml", failing)});
    CHECK(fails.code == kiosk::kExitInvalid);
    CHECK(fails.out.find("some cases fail") != std::string::npos);

    Run broken = Kiosk({"test", "--mutate", dir.Write("broken.toml", "[screening\n")});
    CHECK(broken.code == kiosk::kExitInvalid);
    CHECK(broken.out.find("does not load") != std::string::npos);

    const std::string weak = test_support::ReadFile(kWeak);
    Run no_cases = Kiosk({"test", "--mutate", dir.Write("no-cases.toml", weak.substr(0, weak.find("[[cases]]")))});
    CHECK(no_cases.code == kiosk::kExitInvalid);
    CHECK(no_cases.out.find("has no [[cases]]") != std::string::npos);

    CHECK(Kiosk({"test", "--mutate"}).code == kiosk::kExitUsage);
    Run help = Kiosk({"test", "--help"});
    CHECK(help.code == kiosk::kExitOk);
    CHECK(help.out.find("kiosk test --mutate FILE") != std::string::npos);
    CHECK(help.out.find("mutants: K killed / T total, D dangerous survivors, S other survivors") != std::string::npos);
}
