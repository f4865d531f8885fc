// Retention on the real App, headless, on its hand-set clock: the purge at start-up and once a
// day, never while a patient or staff member is at the screen, a failure shown to staff only, and
// the retention settings on the staff settings screen.
#include <doctest/doctest.h>

#include <memory>

#include "patient_taps.h"
#include "staff_taps.h"
#include "core/settings.h"
#include "store/sqlite.h"

using namespace ui_driver;
namespace store = kiosk::store;
using std::chrono::days;

namespace {

// A clinic database (kAdmin, as the driver's) holding a pending result submitted 100 days before
// the kiosk's start (past the 90 days at start-up) and one 90 days less 12 hours before it (past
// them 12 hours later).
struct OldResults {
    test_support::TempDir dir{"kiosk-retention"};
    std::string path = dir.File("clinic.db");
    std::string gone_at_start, gone_next_day;
    OldResults() {
        test_support::SetUpClinic(path);
        auto db = test_support::OpenStore({path});
        const auto start = kiosk::UtcTime(kDay, 9h);
        gone_at_start = Submit(*db, start - days{100});
        gone_next_day = Submit(*db, start - days{90} + 12h);
    }
    static std::string Submit(store::Store& db, std::chrono::system_clock::time_point at) {
        store::SubmissionRecord r = test_support::SampleRecord();
        r.started_at = r.submitted_at = store::UtcIso(at);
        auto id = db.Submit(r, "kiosk");
        REQUIRE(id.ok());
        return *id.value;
    }
    kiosk::ui::AppOptions Options() const {
        kiosk::ui::AppOptions options;
        options.database_path = path;
        return options;
    }
};

std::vector<std::string> Stored(const Headless& k) {
    std::vector<std::string> ids;
    auto rows = k.Reader()->Submissions(std::nullopt);
    REQUIRE(rows.ok());
    for (const store::StoredSubmission& s : *rows.value) ids.push_back(s.id);
    return ids;
}

// A day passes at the kiosk while a second connection to its database (another process) does
// what `hold` starts; the function `hold` returns ends it afterwards.
template <class Hold>
void PassADayWhileAnotherConnection(Headless& k, const std::string& path, Hold hold) {
    store::Connection other(path, false);
    auto release = hold(other);
    k.Wait(days(1));
    release();
}

int PurgeRows(const Headless& k) {
    int purges = 0;
    // Held in a local: a range-for over a member of a temporary reads freed memory (ASan caught it).
    const store::Result<std::vector<store::AuditEntry>> audit = k.Reader()->RecentAudit(1000);
    REQUIRE(audit.ok());
    for (const store::AuditEntry& row : *audit.value)
        if (row.action == "purge") {
            ++purges;
            CHECK(row.actor == "kiosk");
        }
    return purges;
}

}  // namespace

TEST_CASE("the kiosk purges at start-up and once a day, but not while a patient or staff member is at the screen") {
    OldResults old;
    Headless k(1920, 1080, old.Options());
    CHECK(k.Screen() == "welcome");
    CHECK(Stored(k) == std::vector<std::string>{old.gone_next_day});
    CHECK(PurgeRows(k) == 1);
    CHECK(k.Reader()->RecentAudit(1).value->front().at == store::UtcIso(k.clock.Now()));  // the kiosk's clock
    // The next purge is a day away on the monotonic clock, and the loop wakes for it.
    CHECK(k.app->SecondsUntilWake() == doctest::Approx(24 * 3600.0));
    k.Wait(24h - 30s);
    CHECK(Stored(k).size() == 1);

    SUBCASE("a patient's session holds it off until the session ends") {
        TapUntil(k, CaseAnswers(*k.app->Screening(), "V13"), "hot_joint");
        REQUIRE(k.Screen() == "question:hot_joint");
        k.Wait(60s);  // due now, the patient still answering
        CHECK(k.Screen() == "question:hot_joint");
        CHECK(Stored(k).size() == 1);
        k.Wait(120s);  // the idle wipe: the welcome screen, and the purge in the same frame
        CHECK(k.Screen() == "welcome");
        CHECK(Stored(k).empty());
    }
    SUBCASE("staff mode holds it off until staff lock the screen") {
        SignIn(k);
        k.Wait(40s);  // due now, within the staff auto-lock
        REQUIRE(k.Screen() == "staff:menu");
        CHECK(Stored(k).size() == 1);
        k.Tap("staff:lock");
        k.Frame();
        CHECK(k.Screen() == "welcome");
        CHECK(Stored(k).empty());
    }
    CHECK(PurgeRows(k) == 2);
    CHECK(k.Reader()->CheckAuditChain().value->ok());
}

TEST_CASE("a purge that fails is shown on the staff screen, never to the patient, and tried again an hour later") {
    OldResults old;
    Headless k(1920, 1080, old.Options());
    REQUIRE(Stored(k).size() == 1);
    // Another process holds the write lock past the busy timeout.
    PassADayWhileAnotherConnection(k, old.path, [](store::Connection& other) {
        other.Exec("BEGIN IMMEDIATE", "holding the write lock");
        return [&other] { other.Exec("ROLLBACK", "releasing the write lock"); };
    });
    CHECK(k.Screen() == "welcome");
    CHECK_FALSE(k.Shows("retention"));
    CHECK(Stored(k).size() == 1);
    CHECK(k.app->SecondsUntilWake() == doctest::Approx(3600.0).epsilon(0.01));
    SignIn(k);
    CHECK(k.Shows("Results past their retention could not be deleted"));
    k.Tap("staff:lock");
    k.Wait(1h);
    CHECK(Stored(k).empty());
}

TEST_CASE("a purge that deleted but could not empty the database's log says so on the staff screen and tries again an hour later") {
    OldResults old;
    Headless k(1920, 1080, old.Options());
    REQUIRE(Stored(k).size() == 1);
    // Another process in a read keeps the checkpoint after the purge's COMMIT from emptying the
    // log; the deletion is committed all the same.
    PassADayWhileAnotherConnection(k, old.path, [](store::Connection& other) {
        other.Exec("BEGIN", "reading");
        auto read = std::make_shared<store::Statement>(other, "SELECT count(*) FROM submissions", "reading");
        REQUIRE(read->Step());
        return [&other, read] {
            read->Reset();
            other.Exec("COMMIT", "done reading");
        };
    });
    CHECK(Stored(k).empty());
    CHECK(k.app->SecondsUntilWake() == doctest::Approx(3600.0).epsilon(0.01));
    SignIn(k);
    CHECK(k.Shows("Deleted 1 result and 0 acknowledged alerts past their retention"));
    CHECK_FALSE(k.Shows("could not be deleted"));
}

TEST_CASE("an administrator sets the retention days on the settings screen, within their limits, and the kiosk purges by them") {
    OldResults old;
    Headless k(1920, 1080, old.Options());
    SignIn(k);
    k.Tap("staff:menu:settings");
    CHECK(k.Shows("30 days"));
    CHECK(k.Shows("90 days"));
    // Unreviewed results kept shorter than reviewed ones: refused, with the reason.
    for (int i = 0; i < 3; ++i) k.Tap("staff:settings:retention_done:+30");
    CHECK(k.Shows("120 days"));
    k.Tap("staff:settings:save");
    CHECK(k.Shows("Not saved. Unreviewed results must be kept at least as long as reviewed ones (120 days)."));
    for (int i = 0; i < 3; ++i) k.Tap("staff:settings:retention_done:-30");
    k.Tap("staff:settings:retention_done:-1");
    for (int i = 0; i < 200; ++i) k.Tap("staff:settings:retention_unreviewed:+30");
    CHECK(k.Shows(std::to_string(kiosk::kRetentionDays.max) + " days"));  // the steps stop at the limit
    k.Tap("staff:settings:save");
    CHECK(k.Shows("Saved."));
    store::Store& db = *k.app->Store();
    CHECK(db.GetSetting(kiosk::kSettingRetentionDone).value->value_or("") == "29");
    CHECK(db.GetSetting(kiosk::kSettingRetentionUnreviewed).value->value_or("") == "3650");
    k.Tap("staff:lock");
    k.Wait(24h);  // due: with 3650 days nothing unreviewed goes
    CHECK(Stored(k).size() == 1);
}
