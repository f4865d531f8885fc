// The audit chain on real SQLite files: its canonical encoding (a known answer, no ambiguity),
// rows of a version-1 database chained at migration, two writers appending to one chain, and
// fail closed: a database locked by another connection refuses the audit row, and with it the
// sign-in and the export file.
#include <doctest/doctest.h>

#include "../support.h"

#include <filesystem>

#include "rules/loader.h"
#include "store/audit_chain.h"
#include "store/export_job.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace fs = std::filesystem;
namespace store = kiosk::store;

namespace {

store::SubmissionRecord Record(const std::string& outcome = "CLINICIAN_REVIEW") { return test_support::SampleRecord(outcome); }

// Another process's connection holding the write lock (BEGIN IMMEDIATE) until destroyed.
struct WriteLock {
    explicit WriteLock(const std::string& path) : db(path, false) { db.Exec("BEGIN IMMEDIATE", "holding the write lock"); }
    ~WriteLock() {
        try {
            db.Exec("ROLLBACK", "releasing the write lock");
        } catch (const store::DbException&) {
        }
    }
    store::Connection db;
};

}  // namespace

TEST_CASE("an audit row's hash is SHA-256 over the previous hash and length-prefixed fields, as documented") {
    const store::AuditRow row{"2026-06-15T09:00:00.000Z", "staff", "sign-in", "", std::nullopt, std::nullopt};
    // Computed independently (Python hashlib) from the encoding in store/audit_chain.h.
    CHECK(store::AuditRowHash("", 1, row) == "d598c9d147c97b952994d05f3f9beff95216a2448fbae95619b039f9df91eb81");
    // Moving a character from one field to the next changes the hash (no join with separators).
    store::AuditRow shifted = row;
    shifted.actor = "staffs";
    shifted.action = "ign-in";
    CHECK(store::AuditRowHash("", 1, shifted) != store::AuditRowHash("", 1, row));
    // NULL and the empty text differ; the id and the previous hash are covered.
    store::AuditRow empty = row;
    empty.submission_id = "";
    CHECK(store::AuditRowHash("", 1, empty) != store::AuditRowHash("", 1, row));
    CHECK(store::AuditRowHash("", 2, row) != store::AuditRowHash("", 1, row));
    CHECK(store::AuditRowHash(std::string(64, 'a'), 1, row) != store::AuditRowHash("", 1, row));
    store::SubmissionRecord r = Record();
    std::string before = store::SubmissionHash("id-1", r);
    r.outcome = "PRP_CANDIDATE";
    CHECK(store::SubmissionHash("id-1", r) != before);
    r.outcome.reset();
    CHECK(store::SubmissionHash("id-1", r) != before);
}

TEST_CASE("a version-1 database's rows are chained at migration: the chain verifies and covers its submission") {
    test_support::TempDir dir;
    const std::string path = dir.File("v1.db");
    {
        store::Connection db(path, true);
        db.Exec(test_support::ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/store/fixtures/schema-v1.sql"), "loading the fixture");
    }
    auto db = test_support::OpenWithoutKey({path});  // the chain alone: sealing has a test of its own
    CHECK(db->SchemaVersion() == store::Store::kSchemaVersion);
    auto report = db->CheckAuditChain();
    REQUIRE(report.ok());
    for (const store::ChainProblem& p : report.value->problems) CAPTURE(p.what);
    CHECK(report.value->ok());
    // The fixture's one audit row names no submission ("fixture"): its submission got a row of its own.
    CHECK(report.value->rows == 2);
    CHECK(report.value->submissions == 1);
    auto recent = db->RecentAudit(1);
    CHECK((*recent.value)[0].detail.find("6f1c0c2e-7d1a-4c59-9a43-2f7b8b1e0a11 stored before the audit chain") == 0);
    // The kiosk goes on appending to the same chain, and the head moves with it.
    REQUIRE(db->Audit("cli", "view audit", "").ok());
    REQUIRE(db->Audit("cli", "view queue", "").ok());
    auto after = db->CheckAuditChain(report.value->head);
    REQUIRE(after.ok());
    CHECK(after.value->ok());
    CHECK(after.value->head.id == 4);
    // The old rows' hashes were written by the migration, so editing one is caught like any other.
    {
        store::Connection raw(path, false);
        raw.Exec("DROP TRIGGER audit_is_append_only_update", "tampering");
        raw.Exec("UPDATE audit SET actor = 'nobody' WHERE id = 1", "tampering");
    }
    auto broken = db->CheckAuditChain();
    REQUIRE(broken.ok());
    REQUIRE(broken.value->problems.size() == 2);
    CHECK(broken.value->problems[0].kind == store::ChainProblemKind::TriggerChanged);
    CHECK(broken.value->problems[1].kind == store::ChainProblemKind::Edited);
    CHECK(broken.value->problems[1].row == 1);
}

TEST_CASE("two processes appending to one database keep one chain") {
    test_support::TempDir dir;
    auto a = test_support::OpenStore({dir.File("clinic.db")});
    auto b = test_support::OpenStore({dir.File("clinic.db")});
    for (int i = 0; i < 20; ++i) {
        REQUIRE(a->Submit(Record(), "kiosk").ok());
        REQUIRE(b->Audit("cli", "view queue", std::to_string(i)).ok());
        REQUIRE(b->MarkReviewed(*a->Submit(Record("PRP_CANDIDATE"), "kiosk").value, "Ana").ok());
    }
    auto report = a->CheckAuditChain();
    REQUIRE(report.ok());
    CHECK(report.value->ok());
    CHECK(report.value->rows == 81);  // and the clinic key's
    CHECK(report.value->submissions == 40);
}

TEST_CASE("fail closed: with the database locked by another connection no audit row, no sign-in, no export file") {
    test_support::TempDir dir;
    const std::string path = dir.File("clinic.db");
    auto db = test_support::OpenStore({path, 100});
    test_support::AddAccount(*db, "Ana", store::Role::Admin, "24681364");
    REQUIRE(db->Submit(Record(), "kiosk").ok());
    rules::LoadResult loaded = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
    REQUIRE(loaded.screening);
    const int64_t rows = *db->CountAudit().value;
    {
        WriteLock lock(path);
        CHECK_FALSE(db->Authorize("staff:Ana", store::Permission::ShowAnswers, "show answers", "").ok());
        store::Store::SignIn check = db->SignInWithPin("Ana", "24681364", 1000);
        CHECK(check.status == store::Store::SignIn::Status::StoreError);
        REQUIRE(check.error);
        // The attempt and its audit row are one transaction: it is refused before the PIN is compared.
        CHECK(check.error->kind == store::DbErrorKind::Busy);
        // The terminal's export is written, then removed when its audit row cannot follow; a staff
        // member's is stopped sooner, at the check of the role, before any file exists.
        for (const char* actor : {"cli", "staff:Ana"})
            for (bool mark : {false, true}) {
                CAPTURE(actor);
                CAPTURE(mark);
                store::ExportRequest request;
                request.path = (dir.path / (std::string(actor).substr(0, 3) + (mark ? "-marked.csv" : "-plain.csv"))).string();
                request.mark_exported = mark;
                request.actor = actor;
                request.passphrase = "correct horse battery staple";  // the terminal may not write a plain one
                request.require_removable = false;                     // a temporary folder, not a stick
                auto done = store::ExportResults(*db, *loaded.screening, request);
                REQUIRE_FALSE(done.ok());
                CHECK(done.error->kind == store::DbErrorKind::Busy);
                if (std::string(actor) == "cli") CHECK(done.error->Describe().find("was removed") != std::string::npos);
                CHECK_FALSE(fs::exists(request.path));
                CHECK_FALSE(fs::exists(request.path + ".kxp"));
            }
    }
    CHECK(*db->CountAudit().value == rows);  // nothing was recorded, because nothing happened
    CHECK(db->Submissions(store::SubmissionStatus::Pending).value->size() == 1);
    // Once the lock is gone the same PIN signs in, audited.
    CHECK(db->SignInWithPin("Ana", "24681364", 1000).status == store::Store::SignIn::Status::Ok);
    CHECK((*db->RecentAudit(1).value)[0].action == "sign-in");
    CHECK(db->CheckAuditChain().value->ok());
}
