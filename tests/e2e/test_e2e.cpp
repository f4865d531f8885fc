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

const char* const kKiosk = KIOSK_BINARY;

// Under the asan preset the kiosk runs with LSAN_OPTIONS=exitcode=0: Mesa's DRI driver, unloaded
// by glfwTerminate, leaves a few hundred bytes that LeakSanitizer can only blame on "<unknown
// module>", which would fail every run. Leaks are still reported in the kiosk's log, and
// OurLeaks() fails the test on any whose stack passes through the project's code. (Ignored
// outside ASan builds.)
const char* const kLeaksReportedOnly = "LSAN_OPTIONS=exitcode=0";

// The leak reports in a kiosk log that name the project's code (its sources or its namespace).
std::string OurLeaks(const std::string& log) {
    std::istringstream in(test_support::ReadFile(log));
    std::string line, block, ours;
    bool in_block = false;
    while (std::getline(in, line)) {
        if (line.find("leak of") != std::string::npos) {
            in_block = true;
            block.clear();
        }
        if (!in_block) continue;
        block += line + "\n";
        if (line.empty()) {
            if (block.find(KIOSK_SOURCE_DIR "/") != std::string::npos || block.find(" in kiosk::") != std::string::npos ||
                block.find(" in main ") != std::string::npos)
                ours += block;
            in_block = false;
        }
    }
    return ours;
}

// What the kiosk printed itself (its messages begin with "kiosk"), without sanitizer reports.
std::string KioskMessages(const std::string& log) {
    std::istringstream in(test_support::ReadFile(log));
    std::string line, messages;
    while (std::getline(in, line))
        if (line.rfind("kiosk", 0) == 0) messages += line + "\n";
    return messages;
}

// One line of $KIOSK_FRAME_LOG: a frame the kiosk presented.
struct PresentedFrame {
    std::string screen, picture;
    bool redraw = false;  // asked for by the window system (exposed), may repeat the picture
};

std::vector<PresentedFrame> ReadFrames(const std::string& path) {
    std::vector<PresentedFrame> frames;
    std::istringstream in(test_support::ReadFile(path));
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("frame ", 0) != 0) continue;
        std::istringstream words(line);
        std::string word;
        PresentedFrame f;
        while (words >> word) {
            if (word == "screen") words >> f.screen;
            else if (word == "picture") words >> f.picture;
            else if (word == "redraw") f.redraw = true;
        }
        frames.push_back(f);
    }
    return frames;
}

}  // namespace

TEST_CASE("a patient completes a screening by tapping the real window, and it is stored for staff") {
    test_support::TempDir dir("kiosk-e2e");
    Xvfb x(1280, 800, dir.File("xvfb.log"));
    std::string db = dir.File("clinic.db"), png = dir.File("first.png");
    // Staff close the kiosk at the end: an administrator enrolled on the terminal (no account, no
    // kiosk: a new database is "not set up"), the PIN typed twice on standard input.
    std::string pin = "48291664";
    EnrolAdministrator(kKiosk, db, dir.path.string(), "Ana", pin);
    std::string frame_log = dir.File("frames.log");
    Kiosk k(x, {kKiosk, {"run", "--windowed", "1280x800", "--db", db, "--screenshot", png}, dir.path.string(),
                {kLeaksReportedOnly, "KIOSK_FRAME_LOG=" + frame_log}});

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

    // One frame per change: the welcome screen was drawn once at launch (the screenshots did not
    // draw it again), and no frame repeated the picture before it, unless the X server asked for
    // it. A tap shows at most its press (when the finger stays down) and then its result.
    std::vector<PresentedFrame> frames = ReadFrames(frame_log);
    REQUIRE(!frames.empty());
    int launch = 0, repeats = 0, drawn = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
        if (frames[i].redraw) continue;
        ++drawn;
        if (static_cast<int>(i) < welcome.frame) ++launch;  // the frames before the welcome screen settled
        if (i > 0 && frames[i].picture == frames[i - 1].picture) ++repeats;
    }
    CHECK_MESSAGE(launch == 1, "welcome settled at frame " << welcome.frame);
    CHECK(repeats == 0);
    CHECK_MESSAGE(drawn <= 2 * done.clicks + 1, drawn << " frames for " << done.clicks << " taps");

    // A patient cannot close the kiosk; staff can, after Ctrl+Alt+S and the PIN (exit 0).
    EnterStaff(k, "Ana", pin);
    k.Tap("staff:menu:quit");
    k.WaitForScreen("staff:confirm_quit");
    k.Press("staff:quit:confirm");
    CHECK(k.Process().Wait(10) == 0);
    CHECK_MESSAGE(OurLeaks(k.Log()).empty(), OurLeaks(k.Log()));
}

TEST_CASE("SIGTERM closes the kiosk cleanly, and --exit-after-first-frame exits 0 by itself") {
    test_support::TempDir dir("kiosk-e2e");
    Xvfb x(1024, 768, dir.File("xvfb.log"));
    std::string db = dir.File("clinic.db");
    EnrolAdministrator(kKiosk, db, dir.path.string(), "Ana", "48291664");
    {
        Kiosk k(x, {kKiosk, {"run", "--db", db}, dir.path.string(), {kLeaksReportedOnly}});  // fullscreen: the X screen's size
        Screen welcome = k.WaitForScreen("welcome");
        CHECK(welcome.width == 1024);
        CHECK(welcome.height == 768);
        CHECK(k.Process().Stop(10) == 0);
        CHECK_MESSAGE(OurLeaks(k.Log()).empty(), OurLeaks(k.Log()));
    }
    Kiosk once(x, {kKiosk, {"run", "--windowed", "800x600", "--db", db, "--exit-after-first-frame"}, dir.path.string(),
                   {kLeaksReportedOnly}});
    CHECK(once.Process().Wait(20) == 0);
    CHECK(KioskMessages(once.Log()).empty());  // prints nothing of its own
    CHECK_MESSAGE(OurLeaks(once.Log()).empty(), OurLeaks(once.Log()));
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

TEST_CASE("the sleeping event loop wakes for the idle timer: an untouched session shows the idle warning") {
    test_support::TempDir dir("kiosk-e2e");
    Xvfb x(1024, 768, dir.File("xvfb.log"));
    std::string config = dir.Write("kiosk.toml", "idle_warning_seconds = 10\nidle_reset_seconds = 20\n");
    EnrolAdministrator(kKiosk, dir.File("clinic.db"), dir.path.string(), "Ana", "48291664");
    Kiosk k(x, {kKiosk, {"run", "--windowed", "1024x768", "--db", dir.File("clinic.db"), "--config", config}, dir.path.string(),
                {kLeaksReportedOnly}});
    k.WaitForScreen("welcome");
    // Bounds that follow from the design, not from this machine's speed: the kiosk saw the touch
    // after `before_tap`, so the warning cannot be on screen before 10 s from it, and it must come
    // before the wipe at 20 s. Meanwhile the loop slept: the warning is the next frame after the tap.
    Clock::time_point before_tap = Clock::now();
    Screen tapped = k.Tap("lang:en");
    REQUIRE(tapped.name == "question:consent_data");
    Screen warning = k.WaitFor([](const Screen& s) { return s.name != "question:consent_data"; }, "the idle warning", 25);
    double waited = SecondsSince(before_tap);
    CHECK(warning.name == "idle_warning");
    CHECK(waited >= 10);
    CHECK(waited < 20);
    CHECK(warning.frame == tapped.frame + 1);
    CHECK(k.Process().Stop(10) == 0);
}
