// `kiosk purge`: a dry run lists what would go and deletes nothing, a purge deletes it and `kiosk
// db check` still passes, the limits come from kiosk.toml (checked there) or the staff's saved ones.
#include <doctest/doctest.h>

#include "../support.h"
#include "run_kiosk.h"

#include "cli/config.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace store = kiosk::store;
using test_support::Kiosk;
using test_support::Run;

namespace {

// A set-up clinic with one result submitted long ago (2020, pending: past 90 days on any clock
// this runs under) and one submitted now.
struct Clinic : test_support::TempDir {
    test_support::CleanEnvironment env;  // no developer's kiosk.toml or $KIOSK_DB
    std::string db = File("clinic.db");
    std::string old_id, new_id;
    Clinic() {
        test_support::SetUpClinic(db);
        auto s = test_support::OpenStore({db});
        store::SubmissionRecord old_one = test_support::SampleRecord();
        old_one.started_at = old_one.submitted_at = "2020-01-01T09:00:00.000Z";
        old_id = *s->Submit(old_one, "kiosk").value;
        store::SubmissionRecord new_one = test_support::SampleRecord();
        new_one.started_at = new_one.submitted_at = store::UtcNowIso();
        new_id = *s->Submit(new_one, "kiosk").value;
    }
    size_t Stored() {
        auto s = test_support::OpenStore({db});
        return s->Submissions(std::nullopt).value->size();
    }
};

}  // namespace

TEST_CASE("kiosk purge --dry-run lists what would go and deletes nothing, kiosk purge deletes it and db check passes") {
    Clinic c;
    Run dry = Kiosk({"purge", "--dry-run", "--db", c.db});
    REQUIRE_MESSAGE(dry.code == kiosk::kExitOk, dry.err);
    CHECK(dry.out == c.old_id + "  pending  since 2020-01-01T09:00:00.000Z\n"
                                "would delete 0 reviewed or exported (after 30 days), 1 unreviewed (after 90 days), 0 acknowledged alerts\n");
    CHECK(c.Stored() == 2);

    Run purge = Kiosk({"purge", "--db", c.db});
    REQUIRE_MESSAGE(purge.code == kiosk::kExitOk, purge.err);
    CHECK(purge.out == "deleted 0 reviewed or exported (after 30 days), 1 unreviewed (after 90 days), 0 acknowledged alerts\n");
    CHECK(purge.out.find(c.old_id) == std::string::npos);
    CHECK(c.Stored() == 1);

    Run check = Kiosk({"db", "check", "--db", c.db});
    CHECK_MESSAGE(check.code == kiosk::kExitOk, check.err);
    CHECK(check.out.find("audit chain ok") != std::string::npos);

    // Nothing more to go: nothing deleted, exit 0.
    Run again = Kiosk({"purge", "--db", c.db});
    CHECK(again.code == kiosk::kExitOk);
    CHECK(again.out.find("deleted 0 reviewed or exported") == 0);
}

TEST_CASE("kiosk purge that deleted says so with a warning when the database's log could not be emptied after it") {
    Clinic c;
    {
        // Another connection in a read keeps the checkpoint after the purge's COMMIT from
        // emptying the log (it waits the busy timeout, then answers busy).
        store::Connection reader(c.db, false);
        reader.Exec("BEGIN", "test");
        store::Statement read(reader, "SELECT count(*) FROM submissions", "test");
        REQUIRE(read.Step());
        Run purge = Kiosk({"purge", "--db", c.db});
        CHECK_MESSAGE(purge.code == kiosk::kExitOk, purge.err);
        CHECK(purge.out == "deleted 0 reviewed or exported (after 30 days), 1 unreviewed (after 90 days), 0 acknowledged alerts\n");
        CHECK(purge.err ==
              "kiosk purge: warning: deleted 1 result and 0 acknowledged alerts; the database's log still holds the deleted "
              "rows' sealed bytes until the next checkpoint: another connection was reading the database, so its log could not "
              "be emptied\n");
        read.Reset();
        reader.Exec("COMMIT", "test");
    }
    CHECK(c.Stored() == 1);
    // The next purge, with nothing due, empties the log and says nothing more.
    Run again = Kiosk({"purge", "--db", c.db});
    CHECK(again.code == kiosk::kExitOk);
    CHECK(again.err.empty());
}

TEST_CASE("kiosk purge takes its limits from kiosk.toml, and kiosk.toml's limits are checked at their place") {
    Clinic c;
    const std::string config = c.Write("kiosk.toml", "retention_done_days = 30\nretention_unreviewed_days = 3650\n");
    Run kept = Kiosk({"purge", "--dry-run", "--config", config, "--db", c.db});
    REQUIRE_MESSAGE(kept.code == kiosk::kExitOk, kept.err);
    CHECK(kept.out == "would delete 0 reviewed or exported (after 30 days), 0 unreviewed (after 3650 days), 0 acknowledged alerts\n");

    kiosk::ConfigLoad zero = kiosk::ParseConfig("retention_done_days = 0\n", "kiosk.toml");
    REQUIRE(zero.errors.size() == 1);
    CHECK(zero.errors[0] == "kiosk.toml:1:23: 'retention_done_days' must be a whole number of days from 1 to 3650");
    kiosk::ConfigLoad words = kiosk::ParseConfig("retention_unreviewed_days = \"ninety\"\n", "kiosk.toml");
    REQUIRE(words.errors.size() == 1);
    CHECK(words.errors[0] == "kiosk.toml:1:29: 'retention_unreviewed_days' must be a whole number of days from 1 to 3650");
    kiosk::ConfigLoad order = kiosk::ParseConfig("retention_done_days = 60\nretention_unreviewed_days = 45\n", "kiosk.toml");
    REQUIRE(order.errors.size() == 1);
    CHECK(order.errors[0] ==
          "kiosk.toml: retention_unreviewed_days must be at least retention_done_days (an unreviewed result is kept at least as long as a reviewed one)");
    kiosk::ConfigLoad good = kiosk::ParseConfig("retention_done_days = 7\nretention_unreviewed_days = 7\n", "kiosk.toml");
    CHECK(good.errors.empty());
    CHECK(good.config.settings.retention_done.count() == 7);
    CHECK(good.config.settings.retention_unreviewed.count() == 7);

    Run broken = Kiosk({"purge", "--config", c.Write("bad.toml", "retention_done_days = 0\n"), "--db", c.db});
    CHECK(broken.code == kiosk::kExitInvalid);
    CHECK(c.Stored() == 2);
}

TEST_CASE("kiosk purge exits 1 when the database cannot be used, 2 on wrong usage") {
    test_support::CleanEnvironment env;
    test_support::TempDir dir;
    const std::string not_a_db = dir.Write("clinic.db", "this is not a database, it is text long enough to be read as a header....");
    Run bad = Kiosk({"purge", "--db", not_a_db});
    CHECK(bad.code == kiosk::kExitInvalid);
    CHECK(bad.err.find("kiosk: the clinic database cannot be used") == 0);
    CHECK(Kiosk({"purge", "--now"}).code == kiosk::kExitUsage);
    Run help = Kiosk({"purge", "--help"});
    CHECK(help.code == kiosk::kExitOk);
    CHECK(help.out.find("Usage: kiosk purge [--dry-run]") == 0);
}
