// Retention on real SQLite files, with the time passed in: what a purge deletes and when, its one
// audit row (counts and a hash, no id), the purged table that `kiosk db check` accepts and the
// tampering it still catches, the sealed bytes gone from the file and its WAL, alerts, the
// migration from schema 5, and the retention settings' limits.
#include <doctest/doctest.h>

#include "../support.h"

#include <algorithm>
#include <chrono>

#include "core/settings.h"
#include "store/audit_chain.h"
#include "store/saved_settings.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace store = kiosk::store;
using std::chrono::days;
using test_support::TempDir;

namespace {

constexpr days kDone{30}, kUnreviewed{90};

// A set-up clinic with three results submitted at `t0`: one reviewed and one exported (both just
// after t0, by the store's clock), one pending.
struct Clinic : TempDir {
    std::string path = File("clinic.db");
    std::chrono::system_clock::time_point t0 = std::chrono::system_clock::now();
    std::unique_ptr<store::Store> db;
    std::string reviewed, exported, pending;

    Clinic() {
        test_support::SetUpClinic(path);
        db = test_support::OpenStore({path});
        reviewed = SubmitAt(t0);
        exported = SubmitAt(t0);
        pending = SubmitAt(t0);
        REQUIRE(*db->MarkReviewed(reviewed, "test").value);
        REQUIRE(*db->MarkExported({exported}, "test", "csv to a test folder").value == 1);
    }
    std::string SubmitAt(std::chrono::system_clock::time_point at) {
        store::SubmissionRecord r = test_support::SampleRecord();
        r.started_at = r.submitted_at = store::UtcIso(at);
        auto id = db->Submit(r, "kiosk");
        REQUIRE_MESSAGE(id.ok(), id.error->Describe());
        return *id.value;
    }
    store::PurgeSummary Purge(days after, bool dry_run = false) {
        auto purged = db->Purge(t0 + after, kDone, kUnreviewed, "kiosk", dry_run);
        REQUIRE_MESSAGE(purged.ok(), purged.error->Describe());
        return *purged.value;
    }
    std::vector<std::string> Ids() {
        std::vector<std::string> ids;
        auto rows = db->Submissions(std::nullopt);
        REQUIRE(rows.ok());
        for (const store::StoredSubmission& s : *rows.value) ids.push_back(s.id);
        std::sort(ids.begin(), ids.end());
        return ids;
    }
    std::vector<std::string> Sorted(std::vector<std::string> ids) {
        std::sort(ids.begin(), ids.end());
        return ids;
    }
    store::ChainReport Check() {
        auto report = db->CheckAuditChain();
        REQUIRE_MESSAGE(report.ok(), report.error->Describe());
        return *report.value;
    }
    store::AuditEntry Last() { return db->RecentAudit(1).value->front(); }
};

bool Has(const store::ChainReport& report, store::ChainProblemKind kind, const std::string& what) {
    for (const store::ChainProblem& p : report.problems)
        if (p.kind == kind && p.what.find(what) != std::string::npos) return true;
    return false;
}

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("nothing goes before its limit and the right results go after it") {
    Clinic c;
    const int64_t rows = *c.db->CountAudit().value;
    store::PurgeSummary early = c.Purge(days{29});
    CHECK(early.Empty());
    CHECK(early.audit_row == 0);
    CHECK(*c.db->CountAudit().value == rows);  // nothing due: nothing written
    CHECK(c.Ids().size() == 3);

    store::PurgeSummary done = c.Purge(days{31});
    CHECK(done.done == 2);
    CHECK(done.unreviewed == 0);
    CHECK(c.Sorted({done.results[0].id, done.results[1].id}) == c.Sorted({c.reviewed, c.exported}));
    CHECK(c.Ids() == std::vector<std::string>{c.pending});
    CHECK(c.Check().ok());

    CHECK(c.Purge(days{89}).Empty());
    CHECK(c.Ids() == std::vector<std::string>{c.pending});

    store::PurgeSummary late = c.Purge(days{91});
    CHECK(late.unreviewed == 1);
    CHECK(late.done == 0);
    REQUIRE(late.results.size() == 1);
    CHECK(late.results[0].id == c.pending);
    CHECK(late.results[0].status == store::SubmissionStatus::Pending);
    CHECK(c.Ids().empty());
    CHECK(c.Check().ok());
}

TEST_CASE("an exported result counts as done from its export, a reviewed one from its review") {
    Clinic c;
    // A pending result submitted 60 days before t0 is past neither limit measured from its
    // submission at day 29 (89 days); reviewed now, it is measured from the review.
    const std::string old = c.SubmitAt(c.t0 - days{60});
    REQUIRE(*c.db->MarkReviewed(old, "test").value);
    store::PurgeSummary at29 = c.Purge(days{29});
    CHECK(at29.Empty());
    store::PurgeSummary at31 = c.Purge(days{31});
    CHECK(at31.done == 3);
    for (const store::PurgedResult& r : at31.results) CHECK(r.status != store::SubmissionStatus::Pending);
}

TEST_CASE("a dry run deletes nothing and audits only the counts") {
    Clinic c;
    store::PurgeSummary would = c.Purge(days{91}, true);
    CHECK(would.done == 2);
    CHECK(would.unreviewed == 1);
    CHECK(would.results.size() == 3);
    CHECK(would.audit_row == 0);
    for (const store::PurgedResult& r : would.results) CHECK(r.since.size() == 24);  // an ISO time
    CHECK(c.Ids().size() == 3);
    store::AuditEntry row = c.Last();
    CHECK(row.action == "purge dry run");
    CHECK(row.actor == "kiosk");
    CHECK(row.detail == "2 reviewed/exported after 30 days, 1 unreviewed after 90 days, 0 acknowledged alerts after 30 days");
    for (const std::string& id : {c.reviewed, c.exported, c.pending}) CHECK_FALSE(Contains(row.detail, id));
    CHECK(c.Check().ok());
}

TEST_CASE("the purge's audit row holds the counts and the ids' hash and no id") {
    Clinic c;
    store::PurgeSummary done = c.Purge(days{31});
    store::AuditEntry row = c.Last();
    CHECK(row.action == "purge");
    CHECK(row.at == store::UtcIso(c.t0 + days{31}));  // the time passed in, not the store's clock
    CHECK(row.detail == "2 reviewed/exported after 30 days, 0 unreviewed after 90 days, 0 acknowledged alerts after 30 days, ids sha256 " +
                            store::PurgedIdsHash({c.exported, c.reviewed}));
    CHECK(done.ids_hash == store::PurgedIdsHash({c.reviewed, c.exported}));
    for (const std::string& id : {c.reviewed, c.exported, c.pending}) CHECK_FALSE(Contains(row.detail, id));
    CHECK(store::PurgeDetailHash(row.detail) == done.ids_hash);
    store::Connection raw(c.path, false);
    store::Statement s(raw, "SELECT count(*) FROM purged WHERE audit_id = ?1", "test");
    s.Bind(1, done.audit_row);
    REQUIRE(s.Step());
    CHECK(s.Int(0) == 2);
}

TEST_CASE("after a purge a submission deleted by hand is still reported, and so is an id added to purged by hand") {
    Clinic c;
    store::PurgeSummary done = c.Purge(days{31});
    REQUIRE(c.Check().ok());
    store::Connection raw(c.path, false);

    SUBCASE("the trigger still refuses a DELETE that no purge names, and the purged table is append-only") {
        CHECK_THROWS_AS(raw.Exec("DELETE FROM submissions WHERE id = '" + c.pending + "'", "tampering"), store::DbException);
        CHECK_THROWS_AS(raw.Exec("DELETE FROM purged", "tampering"), store::DbException);
        CHECK_THROWS_AS(raw.Exec("UPDATE purged SET submission_id = 'x'", "tampering"), store::DbException);
        CHECK(c.Ids().size() == 1);
    }
    SUBCASE("deleted by hand with the trigger dropped and re-created") {
        std::string sql;
        {
            store::Statement s(raw, "SELECT sql FROM sqlite_master WHERE name = 'submission_is_kept'", "test");
            REQUIRE(s.Step());
            sql = s.Text(0);
        }
        raw.Exec("DROP TRIGGER submission_is_kept", "tampering");
        raw.Exec("DELETE FROM submissions WHERE id = '" + c.pending + "'", "tampering");
        raw.Exec(sql, "tampering");
        store::ChainReport report = c.Check();
        CHECK_FALSE(report.ok());
        CHECK(Has(report, store::ChainProblemKind::SubmissionMissing, "submission " + c.pending + ", recorded in audit row"));
    }
    SUBCASE("an id added to purged under the purge's row, then deleted through the trigger") {
        raw.Exec("INSERT INTO purged (submission_id, audit_id) VALUES ('" + c.pending + "', " + std::to_string(done.audit_row) + ")",
                 "tampering");
        raw.Exec("DELETE FROM submissions WHERE id = '" + c.pending + "'", "tampering");
        store::ChainReport report = c.Check();
        CHECK(Has(report, store::ChainProblemKind::SubmissionMissing, "submission " + c.pending));
        CHECK(Has(report, store::ChainProblemKind::PurgeChanged,
                  "the results purged under audit row " + std::to_string(done.audit_row) + " no longer give the hash"));
        // Which id was added cannot be told any more: the purge covers none of its results.
        CHECK(Has(report, store::ChainProblemKind::SubmissionMissing, c.reviewed));
        CHECK(Has(report, store::ChainProblemKind::SubmissionMissing, c.exported));
    }
    SUBCASE("an id added to purged under a row that is not a purge") {
        raw.Exec("INSERT INTO purged (submission_id, audit_id) VALUES ('" + c.pending + "', 1)", "tampering");
        raw.Exec("DELETE FROM submissions WHERE id = '" + c.pending + "'", "tampering");
        store::ChainReport report = c.Check();
        CHECK(Has(report, store::ChainProblemKind::SubmissionMissing, "submission " + c.pending));
        CHECK(Has(report, store::ChainProblemKind::PurgeChanged, "name audit row 1, which is not a purge"));
    }
}

TEST_CASE("a purged result's sealed bytes are in neither the database file nor its WAL") {
    Clinic c;
    std::string sealed;
    {
        store::Connection raw(c.path, false);
        store::Statement s(raw, "SELECT sealed FROM submissions WHERE id = ?1", "test");
        s.Bind(1, c.reviewed);
        REQUIRE(s.Step());
        sealed = s.Blob(0);
    }
    REQUIRE(sealed.size() >= 128);
    REQUIRE(test_support::SealedPiecesOnDisk(c.path, sealed) > 0);  // the search finds the box while it is stored
    c.Purge(days{31});
    c.db.reset();  // closing checkpoints what is left
    CHECK(test_support::SealedPiecesOnDisk(c.path, sealed) == 0);
}

TEST_CASE("acknowledged alerts past the done limit go, open ones stay") {
    Clinic c;
    auto acknowledged = c.db->RaiseAlert("kiosk-1@2026-06-15T09:00:00.000Z", "R_ANTICOAG", "", store::UtcIso(c.t0));
    auto open = c.db->RaiseAlert("kiosk-1@2026-06-15T09:10:00.000Z", "R_ANTICOAG", "", store::UtcIso(c.t0));
    REQUIRE(acknowledged.ok());
    REQUIRE(open.ok());
    REQUIRE(*c.db->AcknowledgeAlert(*acknowledged.value, "test").value);
    CHECK(c.Purge(days{29}).alerts == 0);
    store::PurgeSummary done = c.Purge(days{31});
    CHECK(done.alerts == 1);
    auto left = c.db->OpenAlerts();
    REQUIRE(left.value->size() == 1);
    CHECK(left.value->front().id == *open.value);
    store::Connection raw(c.path, false);
    store::Statement s(raw, "SELECT count(*) FROM alerts", "test");
    REQUIRE(s.Step());
    CHECK(s.Int(0) == 1);
}

TEST_CASE("a purge is refused for limits out of order and for a role that may not change settings") {
    Clinic c;
    auto zero = c.db->Purge(c.t0 + days{400}, days{0}, kUnreviewed, "kiosk", false);
    CHECK(zero.error->kind == store::DbErrorKind::Refused);
    auto order = c.db->Purge(c.t0 + days{400}, days{60}, days{30}, "kiosk", false);
    CHECK(order.error->kind == store::DbErrorKind::Refused);
    test_support::AddAccount(*c.db, "Cleo Clinician", store::Role::Clinician, "35792468");
    auto clinician = c.db->Purge(c.t0 + days{400}, kDone, kUnreviewed, store::StaffActor("Cleo Clinician"), false);
    CHECK(clinician.error->kind == store::DbErrorKind::Refused);
    CHECK(c.Ids().size() == 3);
    auto admin = c.db->Purge(c.t0 + days{400}, kDone, kUnreviewed, store::StaffActor(test_support::kClinicAdmin), false);
    CHECK(admin.ok());
    CHECK(c.Ids().empty());
}

TEST_CASE("a database of schema 5 is migrated to 6: purged table, its guards, and the kept guard that lets a purge through") {
    TempDir dir;
    const std::string path = dir.File("v5.db");
    std::string id;
    {
        test_support::SetUpClinic(path);
        auto db = test_support::OpenStore({path});
        store::SubmissionRecord r = test_support::SampleRecord();
        r.submitted_at = "2020-01-01T00:00:00.000Z";
        id = *db->Submit(r, "kiosk").value;
    }
    // The file as schema 5 left it: no purged table, the kept guard of schema 5.
    bool drop_guard = false;
    SUBCASE("with the kiosk's guards") {}
    SUBCASE("with the kept guard dropped by hand") { drop_guard = true; }
    {
        store::Connection raw(path, false);
        raw.Exec(test_support::kUndoSchema8, "making a schema 5 file");
        raw.Exec("DROP TRIGGER purged_is_append_only_update; DROP TRIGGER purged_is_append_only_delete; DROP TABLE purged; "
                 "DROP TRIGGER submission_is_kept",
                 "making a schema 5 file");
        if (!drop_guard) raw.Exec(store::GuardSqlAt("submission_is_kept", 5), "making a schema 5 file");
        // Nor the alert ids of schema 7.
        raw.Exec("DROP INDEX alerts_by_uid; ALTER TABLE alerts DROP COLUMN alert_uid", "making a schema 5 file");
        raw.Exec("PRAGMA user_version = 5", "making a schema 5 file");
    }
    auto db = test_support::OpenStore({path});
    CHECK(db->SchemaVersion() == store::Store::kSchemaVersion);
    CHECK(db->CheckAuditChain().value->ok());
    const store::AuditEntry last = db->RecentAudit(1).value->front();
    if (drop_guard) {
        CHECK(last.action == "guard restored");
        CHECK(last.detail == "migration 6 found the trigger submission_is_kept dropped and re-created it");
    } else {
        CHECK(last.action != "guard restored");
    }
    auto purged = db->Purge(std::chrono::system_clock::now(), kDone, kUnreviewed, "kiosk", false);
    REQUIRE(purged.ok());
    CHECK(purged.value->unreviewed == 1);
    CHECK(db->Submissions(std::nullopt).value->empty());
    CHECK(db->CheckAuditChain().value->ok());
    (void)id;
}

TEST_CASE("retention settings: limits refused with clear messages, saved and read back, audited") {
    using kiosk::KioskSettings;
    using kiosk::SettingsAuthor;
    KioskSettings s;
    CHECK(s.retention_done == days{30});
    CHECK(s.retention_unreviewed == days{90});
    CHECK(kiosk::CheckSettings(s, SettingsAuthor::Staff, nullptr).empty());

    KioskSettings zero = s;
    zero.retention_done = days{0};
    auto problems = kiosk::CheckSettings(zero, SettingsAuthor::File, nullptr);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "'retention_done_days' must be a whole number of days from 1 to 3650");
    problems = kiosk::CheckSettings(zero, SettingsAuthor::Staff, nullptr);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "Reviewed and exported results are kept 1 to 3650 days.");

    KioskSettings long_ = s;
    long_.retention_unreviewed = days{3651};
    problems = kiosk::CheckSettings(long_, SettingsAuthor::File, nullptr);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "'retention_unreviewed_days' must be a whole number of days from 1 to 3650");

    KioskSettings order = s;
    order.retention_done = days{60};
    order.retention_unreviewed = days{45};
    problems = kiosk::CheckSettings(order, SettingsAuthor::File, nullptr);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].kind == kiosk::SettingsProblem::Kind::RetentionOrder);
    CHECK(problems[0].message ==
          "retention_unreviewed_days must be at least retention_done_days (an unreviewed result is kept at least as long as a reviewed one)");
    problems = kiosk::CheckSettings(order, SettingsAuthor::Staff, nullptr);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "Unreviewed results must be kept at least as long as reviewed ones (60 days).");

    TempDir dir;
    test_support::SetUpClinic(dir.File("clinic.db"));
    auto db = test_support::OpenStore({dir.File("clinic.db")});
    KioskSettings wanted = s;
    wanted.retention_done = days{14};
    wanted.retention_unreviewed = days{180};
    auto saved = kiosk::SaveSettings(*db, s, wanted, store::StaffActor(test_support::kClinicAdmin));
    REQUIRE(saved.ok());
    CHECK(*saved.value);
    KioskSettings read = kiosk::ReadSavedSettings(*db, nullptr, s);
    CHECK(read.retention_done == days{14});
    CHECK(read.retention_unreviewed == days{180});
    auto audit = db->RecentAudit(2);
    CHECK(audit.value->at(1).detail == "retention_done_days 30 -> 14");
    CHECK(audit.value->at(0).detail == "retention_unreviewed_days 90 -> 180");
    // A clinician may not: settings are an administrator's.
    test_support::AddAccount(*db, "Cleo Clinician", store::Role::Clinician, "35792468");
    auto refused = kiosk::SaveSettings(*db, read, s, store::StaffActor("Cleo Clinician"));
    CHECK(refused.error->kind == store::DbErrorKind::Refused);
}
