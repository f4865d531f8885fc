// Urgent alerts the database could not take, through the real screens: the patient is sent to the
// desk, the alert is kept in the file beside the database, every staff screen shows it after a
// restart, and it moves into the database once when the disk has room again.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>

#include "../store/filesystem_limits.h"
#include "patient_taps.h"
#include "staff_taps.h"
#include "store/alert_fallback.h"
#include "store/sqlite.h"

namespace fs = std::filesystem;
using namespace ui_driver;

namespace {

// Writes `path` until the filesystem has no byte left.
void FillDisk(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    const std::string chunk(64 * 1024, 'f');
    for (size_t size : {size_t{64 * 1024}, size_t{4096}, size_t{1}})
        while (::write(fd, chunk.data(), size) == static_cast<ssize_t>(size)) {
        }
    ::close(fd);
}

// Then the database takes no more: submissions, then audit rows ever smaller, until each fails.
void FillDatabase(kiosk::store::Store& db) {
    for (int i = 0; i < 10000 && db.Submit(test_support::SampleRecord(), "kiosk").ok(); ++i) {
    }
    for (size_t size : {200, 20, 1})
        for (int i = 0; i < 10000 && db.Audit("test", "filler", std::string(size, 'x')).ok(); ++i) {
        }
}

void RedFlag(Headless& k) {
    const rules::Screening& s = *k.app->Screening();
    TapUntil(k, CaseAnswers(s, "V11"), "spine_warning");
    k.Tap("option:bladder_bowel");
    k.Tap("nav:next");
}

bool FileIsEmpty(const std::string& path) {
    return test_support::ReadFile(path).find_first_not_of('\0', kiosk::store::AlertFallback::kHeaderBytes) == std::string::npos;
}

constexpr const char* kBanner = "1 urgent alert from";
constexpr const char* kBannerEnd = "is kept outside the database because it could not take it: see the patient at once.";

}  // namespace

TEST_CASE("an alert survives a full disk and a restart: every staff screen shows it, and it moves into the database once when there is room" *
          doctest::skip(!filesystem_limits::CanMountTmpfs())) {
    test_support::TempDir dir;
    REQUIRE(::mount("tmpfs", dir.path.c_str(), "tmpfs", 0, "size=1m") == 0);
    kiosk::ui::AppOptions options;
    options.database_path = dir.File("clinic.db");
    const std::string kept_path = options.database_path + "-alerts";
    const std::string filler = dir.File("filler");
    {
        Headless k(1920, 1080, options);
        REQUIRE(k.Screen() == "welcome");
        REQUIRE(fs::exists(kept_path));  // its space taken while there was room
        FillDisk(filler);
        FillDatabase(*k.app->Store());
        RedFlag(k);
        CHECK(k.Screen() == "urgent");  // sent to the desk all the same
        CAPTURE(k.app->WriteFault());
        CHECK(k.app->WriteFault().find("1 urgent alert is kept in " + kept_path +
                                       " and will be moved into the database when it takes writes again") != std::string::npos);
        CHECK(k.app->Store()->KeptAlerts().value->size() == 1);
    }  // the kiosk stops: nothing of it in memory survives
    Headless k(1920, 1080, options);  // restarted, the disk still full
    CAPTURE(k.app->Fault());
    CAPTURE(k.app->WriteFault());
    CHECK(k.Screen() == "out_of_order");
    k.app->OpenStaff();
    k.Frame();
    CHECK(k.Screen() == "staff:sign_in");
    CHECK(k.Shows(kBanner));
    CHECK(k.Shows(kBannerEnd));
    CHECK_FALSE(k.Shows("R-RF-SPINE"));  // no patient data before a sign-in
    k.Tap(std::string("staff:sign_in:") + kAdmin);
    CHECK(k.Screen() == "staff:pin");
    CHECK(k.Shows(kBanner));

    fs::remove(filler);  // room again
    k.Wait(kiosk::ui::App::kWriteRecheck);
    CHECK(k.app->WriteFault().empty());
    k.Frame();
    CHECK_FALSE(k.Shows(kBanner));
    auto reader = k.Reader();
    auto open = reader->OpenAlerts();
    REQUIRE(open.value->size() == 1);
    CHECK_FALSE(open.value->front().kept_outside);
    CHECK(open.value->front().rule_id == "U2");
    CHECK(FileIsEmpty(kept_path));
    int moved = 0;
    const auto rows = reader->RecentAudit(1000);  // a local: the loop outlives a temporary
    for (const auto& row : *rows.value) moved += row.action == "urgent alerts moved";
    CHECK(moved == 1);
}

TEST_CASE("a signed-in staff screen shows which red flag fired of an alert kept outside the database, while reading is unlocked") {
    Headless k;
    SignIn(k);
    // Another process holds the database: what the kiosk keeps now is not moved in behind the test's back.
    kiosk::store::Connection other(k.db_path, false);
    other.Exec("BEGIN EXCLUSIVE", "test");
    REQUIRE(k.app->Store()
                ->KeepAlertOutside("kept-1", "kiosk-ui@2026-06-15T09:00:00.000Z", "kiosk-ui", "U2", "R-RF-SPINE", "2026-06-15T09:03:00.000Z")
                .ok());
    k.Frame();
    CHECK(k.Screen() == "staff:menu");
    CHECK(k.Shows(kBanner));
    CHECK(k.Shows("R-RF-SPINE"));
    other.Exec("COMMIT", "test");
}
