// End to end: the real kiosk executable in a real window under Xvfb, tapped with xdotool through
// a whole screening, and the submission found in the clinic database with the sqlite3 shell.
#include <doctest/doctest.h>

#include "../support.h"
#include "x_session.h"

using namespace x_session;

namespace {

// The width and height in a PNG's header (big-endian, after the signature and the IHDR tag).
std::pair<int, int> PngSize(const std::string& bytes) {
    if (bytes.size() < 24 || bytes.compare(1, 3, "PNG") != 0 || bytes.compare(12, 4, "IHDR") != 0) return {0, 0};
    auto be32 = [&](size_t at) {
        int v = 0;
        for (size_t i = 0; i < 4; ++i) v = v * 256 + static_cast<unsigned char>(bytes[at + i]);
        return v;
    };
    return {be32(16), be32(20)};
}

// The kiosk under test inherits ASAN_OPTIONS from the asan preset; leak checking stays on for
// it, since its own code must not leak. (The driver's children are the kiosk, Xvfb, xdotool and sqlite3.)
const char* const kKiosk = KIOSK_BINARY;

}  // namespace

TEST_CASE("a patient completes a screening by tapping the real window, and it is stored for staff") {
    test_support::TempDir dir("kiosk-e2e");
    Xvfb x(1280, 800, dir.File("xvfb.log"));
    std::string db = dir.File("clinic.db"), png = dir.File("first.png");
    Kiosk k(x, {kKiosk, {"run", "--windowed", "1280x800", "--db", db, "--screenshot", png}, dir.path.string(), {}});

    Screen welcome = k.WaitForScreen("welcome");
    CHECK(welcome.width == 1280);
    CHECK(welcome.height == 800);
    CHECK(welcome.Has("lang:en"));

    // --screenshot: the first settled frame, as a 1280x800 picture with something drawn on it.
    Clock::time_point start = Clock::now();
    while (!std::filesystem::exists(png) && SecondsSince(start) < 10) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE_MESSAGE(std::filesystem::exists(png), "no screenshot at " << png);
    std::string first = test_support::ReadFile(png);
    CHECK(PngSize(first) == std::make_pair(1280, 800));
    CHECK_MESSAGE(first.size() > 20000, "a 1280x800 welcome screen compresses to " << first.size() << " bytes: is it blank?");

    // SIGUSR1: the screen again, written atomically over the first one.
    std::filesystem::remove(png);
    REQUIRE(kill(k.Process().Pid(), SIGUSR1) == 0);
    start = Clock::now();
    while (!std::filesystem::exists(png) && SecondsSince(start) < 10) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK_MESSAGE(std::filesystem::exists(png), "SIGUSR1 wrote no screenshot");

    // Consent, a typed date of birth, a pain area, and every other question skipped.
    std::vector<std::string> met = TapThroughScreening(k, [](Kiosk& kiosk, const Screen& s) {
        if (s.name == "question:dob") {
            TypeDate(kiosk, 1970, 5, 15);
            return true;
        }
        if (s.name == "question:pain_area") {
            kiosk.Tap("option:knee");
            return true;
        }
        return false;
    });
    CHECK(met.size() > 20);
    CHECK(std::find(met.begin(), met.end(), "question:pain_side") != met.end());  // shown because of the knee
    Screen done = k.Tap("nav:submit");
    if (done.name != "done") done = k.WaitForScreen("done");
    CHECK(done.name == "done");

    // The database, read from outside the kiosk while it runs (WAL: readers do not block it).
    std::string rows = dir.File("rows.txt");
    int status = RunProgram({{"sqlite3", "-readonly", db, "SELECT outcome, source, language FROM submissions;"}, {}, rows, "", -1});
    REQUIRE_MESSAGE(status == 0, "sqlite3 failed: " << test_support::ReadFile(rows));
    // Skipped safety questions never clear a contraindication: at least clinician review.
    CHECK(test_support::ReadFile(rows) == "CLINICIAN_REVIEW|kiosk|en\n");

    // SIGTERM closes it cleanly (the App and the database are shut down, exit 0).
    CHECK(k.Process().Stop(10) == 0);
}

TEST_CASE("without a display the kiosk says what to do and exits 3") {
    test_support::TempDir dir("kiosk-e2e");
    std::string out = dir.File("out.txt");
    int status = RunProgram({{kKiosk}, {"DISPLAY=", "KIOSK_DB=" + dir.File("clinic.db")}, out, "", -1});
    CHECK(status == 3);
    std::string text = test_support::ReadFile(out);
    CHECK_MESSAGE(text.find("no display: set DISPLAY") != std::string::npos, text);
    CHECK_MESSAGE(text.find("kiosk --help") != std::string::npos, text);
}
