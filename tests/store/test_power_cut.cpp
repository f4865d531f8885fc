// Power cuts at every sync of a write (issue 11 §4): a VFS keeps of each file only what was synced
// (kiosk/store/testing/power_cut_vfs.h has the model), the store is reopened as the machine finds
// it when the power comes back, and then nothing acknowledged may be missing, nothing half written
// may show, the integrity check and the audit chain must hold. A run with no cut counts the syncs
// N of one write; the write is then cut at each of them in turn, and once more just after it
// returned (sync N+1 never comes). Submit, Purge and RaiseAlert are cut so.
#include <doctest/doctest.h>

#include "../support.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "store/sqlite.h"
#include "store/store.h"
#include "store/testing/power_cut_vfs.h"

namespace fs = std::filesystem;
namespace store = kiosk::store;
using kiosk::store::testing::PowerCutVfs;
using std::chrono::days;
using test_support::TempDir;

namespace {

constexpr const char* kDb = "clinic.db";

// A folder's files by name: the disk each cut starts from.
using Disk = std::map<std::string, std::string>;

Disk Take(const fs::path& folder) {
    Disk disk;
    for (const fs::directory_entry& entry : fs::directory_iterator(folder))
        if (entry.is_regular_file()) disk[entry.path().filename().string()] = test_support::ReadFile(entry.path());
    return disk;
}

void Put(const Disk& disk, const TempDir& folder) {
    for (const auto& [name, bytes] : disk) folder.Write(name, bytes);
}

// What one write under the VFS gave.
struct Run {
    int syncs = 0;              // xSync calls the write made, the failing one included
    std::string synced;         // the files they synced, in order: "clinic.db-wal clinic.db"
    bool acknowledged = false;  // the write reported success
    bool cut_inside = false;    // the power failed during the write (else just after it)
};

// Copies `disk` into `folder`, opens the store there through the power-cut VFS, runs `write` with
// the power cut at its sync `cut_at` (0 or past its last sync: just after it returned), drops the
// store, and leaves the folder as the disk holds it after the cut. `write` returns whether the
// store acknowledged it.
Run RunWithCut(const Disk& disk, const TempDir& folder, int cut_at, const std::function<bool(store::Store&)>& write) {
    Put(disk, folder);
    PowerCutVfs vfs;  // outlives the store: SQLite calls it until the connection is closed
    Run out;
    {
        auto db = test_support::OpenStore({folder.File(kDb)});
        vfs.CutAtSync(cut_at);
        out.acknowledged = write(*db);
        out.syncs = vfs.Syncs();
        for (const std::string& file : vfs.SyncedFiles()) out.synced += (out.synced.empty() ? "" : " ") + file;
        out.cut_inside = vfs.IsCut();
        vfs.CutNow();  // the store's closing checkpoint must not reach the disk either
    }
    vfs.RestoreDurableImages();
    return out;
}

// A result that fills a few pages: a row split over pages is where a torn write would show.
store::SubmissionRecord Record(int seq) {
    store::SubmissionRecord r = test_support::SampleRecord(seq % 2 ? "CLINICIAN_REVIEW" : "ELIGIBLE");
    r.kiosk_id = "kiosk-" + std::to_string(seq);
    r.started_at = r.submitted_at = store::UtcNowIso();  // not yet due for purging
    r.answers_json = R"({"consent_data":"yes","pain_area":"knee","seq":)" + std::to_string(seq) + R"(,"notes":")" +
                     std::string(6000, static_cast<char>('a' + seq % 26)) + R"("})";
    return r;
}

bool Same(const store::SubmissionRecord& want, const store::StoredSubmission& got) {
    const store::SubmissionRecord& r = got.record;
    return !got.sealed && r.kiosk_id == want.kiosk_id && r.submitted_at == want.submitted_at && r.outcome == want.outcome &&
           r.answers_json == want.answers_json && r.decision_json == want.decision_json;
}

// The disk after a cut, opened as the kiosk opens it when the power is back (the normal VFS),
// with what must hold whatever the cut: SQLite's integrity check, the audit chain with every
// result it recorded, and every result unsealing whole (Submissions fails on one that does not).
struct After {
    explicit After(const std::string& path) : m_path(path), db(test_support::OpenStore({path})) {
        auto integrity = db->IntegrityCheck();
        REQUIRE_MESSAGE(integrity.ok(), integrity.error->Describe());
        CHECK(*integrity.value == "ok");
        auto chain = db->CheckAuditChain();
        REQUIRE_MESSAGE(chain.ok(), chain.error->Describe());
        for (const store::ChainProblem& p : chain.value->problems)
            FAIL_CHECK("audit chain: " << std::string(store::ChainProblemKindName(p.kind)) << " at row " << p.row << ": " << p.what);
        auto read = db->Submissions(std::nullopt);
        REQUIRE_MESSAGE(read.ok(), read.error->Describe());
        for (store::StoredSubmission& s : *read.value) rows.emplace(s.id, std::move(s));
    }
    // A count the store's API does not give (acknowledged alerts, the purged table), read raw.
    int64_t Count(const std::string& sql) {
        store::Connection raw(m_path, false);
        store::Statement s(raw, sql, "test");
        REQUIRE(s.Step());
        return s.Int(0);
    }

    std::string m_path;
    std::unique_ptr<store::Store> db;
    std::map<std::string, store::StoredSubmission> rows;
};

// The results a disk holds that were acknowledged, by id.
using Results = std::map<std::string, store::SubmissionRecord>;

// A set-up clinic whose first results were acknowledged before the write under test. `running`:
// the disk as a power cut leaves it while the kiosk idles, those results only in the WAL; else as
// a clean shutdown leaves it, the WAL emptied into the file and removed.
Disk Clinic(bool running, Results& acknowledged, const std::function<void(store::Store&)>& more = {}) {
    TempDir folder;
    const std::string path = folder.File(kDb);
    test_support::SetUpClinic(path);
    std::optional<PowerCutVfs> vfs;
    if (running) vfs.emplace();
    {
        auto db = test_support::OpenStore({path});
        for (int seq = 0; seq < 3; ++seq) {
            store::SubmissionRecord r = Record(seq);
            auto id = db->Submit(r, "kiosk");
            REQUIRE_MESSAGE(id.ok(), id.error->Describe());
            acknowledged.emplace(*id.value, r);
        }
        if (more) more(*db);
        if (vfs) vfs->CutNow();
    }
    if (vfs) vfs->RestoreDurableImages();
    vfs.reset();
    Disk disk = Take(folder.path);
    CHECK(disk.count(kDb) == 1);
    if (running) CHECK(disk.count(std::string(kDb) + "-wal") == 1);
    else CHECK(disk.count(std::string(kDb) + "-wal") == 0);
    return disk;
}

// The start a message names: a disk left by a clean shutdown, or by a power cut while idle.
std::string Started(bool running) { return running ? "After a cut while idle (results in the WAL): " : "After a clean shutdown: "; }

void CheckAcknowledged(const After& after, const Results& acknowledged) {
    for (const auto& [id, record] : acknowledged) {
        CAPTURE(id);
        auto found = after.rows.find(id);
        REQUIRE_MESSAGE(found != after.rows.end(), "an acknowledged result is lost");
        CHECK(Same(record, found->second));
    }
}

// Cuts `write` at each of its syncs on a copy of `before`, and once just after it; `check` looks at
// each disk so left. Returns the write's run with no cut.
Run CutEverySync(const Disk& before, const std::function<bool(store::Store&)>& write,
                 const std::function<void(const TempDir&, const Run&)>& check) {
    Run dry;
    {
        TempDir folder;
        dry = RunWithCut(before, folder, 0, write);
    }
    REQUIRE(dry.acknowledged);
    REQUIRE_FALSE(dry.cut_inside);
    const int syncs = dry.syncs;
    REQUIRE(syncs > 0);
    for (int k = 1; k <= syncs + 1; ++k) {
        CAPTURE(k);
        TempDir folder;
        Run run = RunWithCut(before, folder, k, write);
        CHECK(run.cut_inside == (k <= syncs));
        CHECK(run.syncs == (k <= syncs ? k : syncs));  // the same write syncs the same way each time
        check(folder, run);
    }
    return dry;
}

}  // namespace

TEST_CASE("a power cut at any sync of a submit loses no acknowledged result and leaves no partial one") {
    for (bool running : {false, true}) {
        CAPTURE(running);
        Results acknowledged;
        const Disk before = Clinic(running, acknowledged);
        const store::SubmissionRecord next = Record(99);
        std::string id;
        auto submit = [&](store::Store& db) {
            id.clear();
            auto submitted = db.Submit(next, "kiosk");
            if (submitted.ok()) id = *submitted.value;
            return submitted.ok();
        };
        int kept_unacknowledged = 0;
        const Run dry = CutEverySync(before, submit, [&](const TempDir& folder, const Run& run) {
            After after(folder.File(kDb));
            CheckAcknowledged(after, acknowledged);
            std::vector<const store::StoredSubmission*> added;
            for (const auto& [row_id, row] : after.rows)
                if (!acknowledged.count(row_id)) added.push_back(&row);
            REQUIRE(added.size() <= 1);
            if (!added.empty()) CHECK_MESSAGE(Same(next, *added[0]), "the new result is there but not whole");
            // Thanked means there: the submit reported success only after its commit was synced.
            if (run.acknowledged) {
                REQUIRE(added.size() == 1);
                CHECK(added[0]->id == id);
            } else if (!added.empty()) {
                ++kept_unacknowledged;  // committed, then the report failed: kept, never thanked
            }
        });
        MESSAGE(Started(running) << "submit cut at each of its " << dry.syncs << " syncs (" << dry.synced << ") and just after; "
                                 << kept_unacknowledged << " cut(s) kept a result not acknowledged");
    }
}

TEST_CASE("a power cut at any sync of a purge deletes all that is due with its audit row or nothing") {
    const auto t0 = std::chrono::system_clock::now();
    for (bool running : {false, true}) {
        CAPTURE(running);
        Results acknowledged;
        int64_t done_alert = 0;
        // Three results at t0; the first reviewed and the second exported (due 30 days after), the
        // third pending (due after 90); one alert acknowledged (due with the first two), one open.
        const Disk before = Clinic(running, acknowledged, [&](store::Store& db) {
            auto it = acknowledged.begin();
            REQUIRE(*db.MarkReviewed(it->first, "test").value);
            ++it;
            REQUIRE(*db.MarkExported({it->first}, "test", "csv to a test folder").value == 1);
            auto alert = db.RaiseAlert("kiosk-1@2026-06-15T09:00:00.000Z", "R_ANTICOAG", "", store::UtcIso(t0));
            REQUIRE(alert.ok());
            done_alert = *alert.value;
            REQUIRE(*db.AcknowledgeAlert(done_alert, "test").value);
            REQUIRE(db.RaiseAlert("kiosk-1@2026-06-15T09:10:00.000Z", "R_CHEST_PAIN", "", store::UtcIso(t0)).ok());
        });
        // The results' dates are the records' own; due is measured from the review and the export.
        auto it = acknowledged.begin();
        const std::vector<std::string> due = {it->first, std::next(it)->first};
        const std::string kept = std::next(it, 2)->first;
        // The due results' sealed boxes, to look for on the disk a purge leaves.
        std::vector<std::string> boxes;
        {
            TempDir copy;
            Put(before, copy);
            store::Connection raw(copy.File(kDb), false);
            for (const std::string& id : due) {
                store::Statement s(raw, "SELECT sealed FROM submissions WHERE id = ?1", "test");
                s.Bind(1, id);
                REQUIRE(s.Step());
                boxes.push_back(s.Blob(0));
                REQUIRE(test_support::SealedPiecesOnDisk(copy.File(kDb), boxes.back()) > 0);  // the search finds it
            }
        }
        std::string wal_not_emptied;
        auto purge = [&](store::Store& db) {
            auto purged = db.Purge(t0 + days{31}, days{30}, days{90}, "kiosk", false);
            wal_not_emptied.clear();
            if (purged.ok()) {
                CHECK(purged.value->done == 2);
                CHECK(purged.value->unreviewed == 0);
                CHECK(purged.value->alerts == 1);
                wal_not_emptied = purged.value->wal_not_emptied;
            }
            return purged.ok();
        };
        int wal_left = 0;
        const Run dry = CutEverySync(before, purge, [&](const TempDir& folder, const Run& run) {
            // Cut just after the purge returned: the deleted boxes are in neither the file nor its
            // WAL. The WAL's truncation must have been synced, else the cut brings its old frames
            // back, the results' among them. Looked at before the store opens and checkpoints.
            if (!run.cut_inside) {
                CHECK(wal_not_emptied.empty());
                for (const std::string& box : boxes) CHECK(test_support::SealedPiecesOnDisk(folder.File(kDb), box) == 0);
            }
            if (run.acknowledged && !wal_not_emptied.empty()) ++wal_left;
            After after(folder.File(kDb));
            REQUIRE(after.rows.count(kept) == 1);
            CHECK(Same(acknowledged.at(kept), after.rows.at(kept)));
            int present = 0;
            for (const std::string& id : due)
                if (after.rows.count(id)) {
                    ++present;
                    CHECK_MESSAGE(Same(acknowledged.at(id), after.rows.at(id)), "a result due for purging is there but not whole");
                }
            // All or nothing, with its audit row, its purged rows and the acknowledged alert.
            const int64_t purge_rows = after.Count("SELECT count(*) FROM audit WHERE action = 'purge'");
            const bool purged = present == 0;
            CHECK((present == 0 || present == 2));
            CHECK(purge_rows == (purged ? 1 : 0));
            CHECK(after.Count("SELECT count(*) FROM purged") == (purged ? 2 : 0));
            CHECK(after.Count("SELECT count(*) FROM alerts WHERE id = " + std::to_string(done_alert)) == (purged ? 0 : 1));
            auto open = after.db->OpenAlerts();
            REQUIRE(open.ok());
            REQUIRE(open.value->size() == 1);
            CHECK(open.value->front().rule_id == "R_CHEST_PAIN");
            // Committed is reported: a purge that deleted never says that nothing was deleted (a
            // cut in the checkpoint after its COMMIT leaves the WAL, which the summary tells).
            CHECK_MESSAGE(run.acknowledged == purged, (purged ? "committed but reported an error" : "reported but not committed"));
        });
        MESSAGE(Started(running) << "purge cut at each of its " << dry.syncs << " syncs (" << dry.synced << ") and just after; "
                                 << wal_left << " cut(s) reported it done with the WAL not emptied");
    }
}

TEST_CASE("a power cut at any sync of an urgent alert loses no acknowledged alert and leaves no partial one") {
    for (bool running : {false, true}) {
        CAPTURE(running);
        Results acknowledged;
        int64_t earlier = 0;
        const Disk before = Clinic(running, acknowledged, [&](store::Store& db) {
            auto alert = db.RaiseAlert("kiosk-1@2026-06-15T09:00:00.000Z", "R_ANTICOAG", "ON_WARFARIN", "2026-06-15T09:05:00.000Z");
            REQUIRE(alert.ok());
            earlier = *alert.value;
        });
        int64_t raised = 0;
        auto raise = [&](store::Store& db) {
            raised = 0;
            auto alert = db.RaiseAlert("kiosk-1@2026-06-15T09:10:00.000Z", "R_CHEST_PAIN", "CHEST_PAIN_NOW", "2026-06-15T09:15:00.000Z");
            if (alert.ok()) raised = *alert.value;
            return alert.ok();
        };
        const Run dry = CutEverySync(before, raise, [&](const TempDir& folder, const Run& run) {
            After after(folder.File(kDb));
            CheckAcknowledged(after, acknowledged);
            auto open = after.db->OpenAlerts();
            REQUIRE(open.ok());
            REQUIRE(!open.value->empty());
            REQUIRE(open.value->size() <= 2);
            const store::Alert& first = open.value->front();
            CHECK(first.id == earlier);
            CHECK_FALSE(first.sealed);
            CHECK(first.rule_id == "R_ANTICOAG");
            CHECK(first.reason == "ON_WARFARIN");
            if (open.value->size() == 2) {
                const store::Alert& added = open.value->back();
                CHECK_FALSE(added.sealed);  // sealed here means it did not open: not whole
                CHECK(added.rule_id == "R_CHEST_PAIN");
                CHECK(added.reason == "CHEST_PAIN_NOW");
                CHECK(added.raised_at == "2026-06-15T09:15:00.000Z");
                if (run.acknowledged) CHECK(added.id == raised);
            } else {
                // Acknowledged means the urgent screen may show: the alert must have survived.
                CHECK_FALSE(run.acknowledged);
            }
        });
        MESSAGE(Started(running) << "urgent alert cut at each of its " << dry.syncs << " syncs (" << dry.synced << ") and just after");
    }
}
