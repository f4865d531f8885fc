// The clinic database on real SQLite files: durable submissions, migrations from frozen fixtures,
// the append-only audit log, and each fault (locked, read-only, full, corrupt, too new) as the
// typed error a staff screen shows.
#include <doctest/doctest.h>

#include "../support.h"

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>

#include "filesystem_limits.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace fs = std::filesystem;
using kiosk::store::DbErrorKind;
using kiosk::store::Store;
using kiosk::store::StoredSubmission;
using kiosk::store::SubmissionRecord;
using kiosk::store::SubmissionStatus;

namespace {

using test_support::TempDir;

std::unique_ptr<Store> OpenOk(const kiosk::store::StoreOptions& options) { return test_support::OpenStore(options); }

kiosk::store::DbError OpenFails(const kiosk::store::StoreOptions& options) {
    auto opened = Store::Open(options);
    REQUIRE_MESSAGE(std::holds_alternative<kiosk::store::DbError>(opened), "the database opened");
    return std::get<kiosk::store::DbError>(opened);
}

// Answers padded to a realistic size; the decision names only its outcome.
kiosk::store::SubmissionRecord Record(const std::string& outcome = "CLINICIAN_REVIEW") {
    kiosk::store::SubmissionRecord r = test_support::SampleRecord(outcome);
    r.answers_json = R"({"consent_data":"yes","pain_area":"knee","note":")" + std::string(200, 'x') + "\"}";
    r.decision_json = R"({"outcome":")" + outcome + R"("})";
    return r;
}

using test_support::ReadFile;

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lowercase hex.
bool IsUuidV4(const std::string& id) {
    if (id.size() != 36 || id[14] != '4' || std::string("89ab").find(id[19]) == std::string::npos) return false;
    for (size_t i = 0; i < id.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (id[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
        if (!dash && std::isupper(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
}

// A small tmpfs at `dir` (where filesystem_limits::CanMountTmpfs()).
bool MountTmpfs(const fs::path& dir, const char* options) {
    return ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options) == 0;
}

}  // namespace

TEST_CASE("a new database is created at the latest schema, in WAL mode, and a submission reads back whole") {
    TempDir dir;
    auto store = OpenOk({dir.File("clinic.db")});
    CHECK(store->SchemaVersion() == Store::kSchemaVersion);

    auto submitted = store->Submit(Record(), "kiosk");
    REQUIRE_MESSAGE(submitted.ok(), submitted.error->Describe());
    CHECK(IsUuidV4(*submitted.value));
    CHECK(fs::exists(dir.File("clinic.db-wal")));  // WAL: the commit is in the log, fsynced (synchronous=FULL)

    auto all = store->Submissions(std::nullopt);
    REQUIRE(all.ok());
    REQUIRE(all.value->size() == 1);
    const auto& s = all.value->front();
    CHECK(s.id == *submitted.value);
    CHECK(s.status == kiosk::store::SubmissionStatus::Pending);
    CHECK(s.record.answers_json == Record().answers_json);
    CHECK(s.record.decision_json == Record().decision_json);
    CHECK(s.record.outcome == "CLINICIAN_REVIEW");
    CHECK(*store->CountAudit().value == 2);  // the clinic key's row, the submission's
    CHECK(*store->IntegrityCheck().value == "ok");

    // Another process (a second connection) sees the committed row at once.
    auto reader = OpenOk({dir.File("clinic.db")});
    CHECK(reader->Submissions(kiosk::store::SubmissionStatus::Pending).value->size() == 1);
}

TEST_CASE("ids are unique across many submissions") {
    TempDir dir;
    auto store = OpenOk({dir.File("clinic.db")});
    std::set<std::string> ids;
    for (int i = 0; i < 200; ++i) ids.insert(*store->Submit(Record(), "kiosk").value);
    CHECK(ids.size() == 200);
}

TEST_CASE("a frozen version-1 database opens with today's code and keeps its rows") {
    TempDir dir;
    {
        kiosk::store::Connection db(dir.File("v1.db"), true);
        db.Exec(ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/store/fixtures/schema-v1.sql"), "loading the fixture");
    }
    auto store = OpenOk({dir.File("v1.db")});
    CHECK(store->SchemaVersion() == Store::kSchemaVersion);
    auto rows = store->Submissions(std::nullopt);
    REQUIRE(rows.value->size() == 1);
    CHECK(rows.value->front().id == "6f1c0c2e-7d1a-4c59-9a43-2f7b8b1e0a11");
    CHECK(rows.value->front().record.language == "es");
    CHECK(store->Submit(Record(), "kiosk").ok());
}

TEST_CASE("migration 2 lets results stream oldest first without sorting whole rows") {
    TempDir dir;
    {
        kiosk::store::Connection db(dir.File("v1.db"), true);
        db.Exec(ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/store/fixtures/schema-v1.sql"), "loading the fixture");
    }
    {
        auto store = OpenOk({dir.File("v1.db")});
        CHECK(store->SchemaVersion() >= 2);
    }
    kiosk::store::Connection db(dir.File("v1.db"), false);
    kiosk::store::Statement plan(db,
        "EXPLAIN QUERY PLAN SELECT id, answers FROM submissions WHERE ?1 IS NULL OR status = ?1 ORDER BY submitted_at, id",
        "test");
    std::string steps;
    while (plan.Step()) steps += plan.Text(3) + "\n";
    CAPTURE(steps);
    CHECK(steps.find("submissions_by_time") != std::string::npos);
    CHECK(steps.find("TEMP B-TREE") == std::string::npos);
}

TEST_CASE("results stream oldest first, one at a time, the same rows Submissions returns") {
    TempDir dir;
    auto store = OpenOk({dir.File("clinic.db")});
    std::vector<std::string> times = {"2026-03-02T10:00:00Z", "2026-03-01T09:00:00Z", "2026-03-02T08:30:00Z", "2026-03-01T09:00:00Z"};
    for (const std::string& at : times) {
        SubmissionRecord r = Record();
        r.submitted_at = at;
        REQUIRE(store->Submit(r, "kiosk").ok());
    }
    std::vector<std::pair<std::string, std::string>> streamed;
    auto count = store->ForEachSubmission(std::nullopt, [&](const StoredSubmission& row) {
        streamed.emplace_back(row.record.submitted_at, row.id);
    });
    REQUIRE(count.ok());
    CHECK(*count.value == 4);
    auto sorted = streamed;
    std::sort(sorted.begin(), sorted.end());
    CHECK(streamed == sorted);
    CHECK(streamed.front().first == "2026-03-01T09:00:00Z");
    CHECK(streamed.back().first == "2026-03-02T10:00:00Z");
    auto all = store->Submissions(std::nullopt);
    REQUIRE(all.value->size() == 4);
    for (size_t i = 0; i < 4; ++i) CHECK((*all.value)[i].id == streamed[i].second);
    CHECK(store->MarkReviewed(streamed[0].second, "Ana").ok());
    size_t reviewed = 0;
    store->ForEachSubmission(SubmissionStatus::Reviewed, [&](const StoredSubmission& row) {
        CHECK(row.id == streamed[0].second);
        ++reviewed;
    });
    CHECK(reviewed == 1);
}

TEST_CASE("a database from a newer kiosk is refused with a clear message and left untouched") {
    TempDir dir;
    { OpenOk({dir.File("clinic.db")}); }
    {
        kiosk::store::Connection db(dir.File("clinic.db"), false);
        db.Exec("PRAGMA user_version = 99", "test");
    }
    auto error = OpenFails({dir.File("clinic.db")});
    CHECK(error.kind == DbErrorKind::TooNew);
    CHECK(error.Describe().find("schema version 99, newer than this kiosk knows (" + std::to_string(Store::kSchemaVersion) + ")") != std::string::npos);
    kiosk::store::Connection db(dir.File("clinic.db"), false);
    kiosk::store::Statement v(db, "PRAGMA user_version", "test");
    v.Step();
    CHECK(v.Int(0) == 99);
}

TEST_CASE("the audit log is append-only: the database itself refuses UPDATE and DELETE") {
    TempDir dir;
    auto store = OpenOk({dir.File("clinic.db")});
    const int64_t before = *store->CountAudit().value;  // the clinic key's row
    REQUIRE(store->Audit("staff:ana", "sign-in", "").ok());
    kiosk::store::Connection db(dir.File("clinic.db"), false);
    for (const char* sql : {"UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"}) {
        CAPTURE(sql);
        try {
            db.Exec(sql, "tampering");
            FAIL("the audit log was changed");
        } catch (const kiosk::store::DbException& e) {
            CHECK(e.error().message.find("append-only") != std::string::npos);
        }
    }
    CHECK(*store->CountAudit().value == before + 1);
}

TEST_CASE("a corrupt file is refused as corrupt, not overwritten") {
    TempDir dir;
    std::string junk = "this is not a database, it is a shopping list: milk, eggs" + std::string(4096, '!');
    std::ofstream(dir.File("clinic.db"), std::ios::binary) << junk;
    auto error = OpenFails({dir.File("clinic.db")});
    CHECK(error.kind == DbErrorKind::Corrupt);
    CHECK(ReadFile(dir.File("clinic.db")) == junk);
}

TEST_CASE("a locked database: submit fails as busy after the timeout, and succeeds on retry once free") {
    TempDir dir;
    auto store = OpenOk({dir.File("clinic.db"), 100});
    kiosk::store::Connection other(dir.File("clinic.db"), false);
    other.Exec("BEGIN EXCLUSIVE", "test");
    auto busy = store->Submit(Record(), "kiosk");
    REQUIRE_FALSE(busy.ok());
    CHECK(busy.error->kind == DbErrorKind::Busy);
    CHECK(busy.error->Describe().find("saving a submission") != std::string::npos);
    other.Exec("COMMIT", "test");
    CHECK(store->Submit(Record(), "kiosk").ok());
    CHECK(store->Submissions(std::nullopt).value->size() == 1);
}

TEST_CASE("a full database: submit fails as full, and every earlier submission is intact") {
    TempDir dir;
    auto store = OpenOk({dir.File("clinic.db"), 2000, 40});  // 40 pages of 4 KiB
    int saved = 0;
    kiosk::store::Result<std::string> last;
    for (int i = 0; i < 1000; ++i) {
        last = store->Submit(Record(), "kiosk");
        if (!last.ok()) break;
        ++saved;
    }
    REQUIRE_FALSE(last.ok());
    CHECK(last.error->kind == DbErrorKind::Full);
    CHECK(saved > 5);
    CHECK(static_cast<int>(store->Submissions(std::nullopt).value->size()) == saved);
    CHECK(*store->IntegrityCheck().value == "ok");
}

TEST_CASE("a full disk (a tiny filesystem): submit fails as full or i/o, and nothing committed is lost" *
          doctest::skip(!filesystem_limits::CanMountTmpfs())) {
    TempDir dir;
    // 64 KiB of it go to the kept-alerts file the store preallocates beside the database.
    REQUIRE(MountTmpfs(dir.path, "size=320k"));
    auto store = OpenOk({dir.File("clinic.db")});
    int saved = 0;
    kiosk::store::Result<std::string> last;
    for (int i = 0; i < 5000; ++i) {
        last = store->Submit(Record(), "kiosk");
        if (!last.ok()) break;
        ++saved;
    }
    REQUIRE_FALSE(last.ok());
    CAPTURE(last.error->Describe());
    CHECK((last.error->kind == DbErrorKind::Full || last.error->kind == DbErrorKind::Io));
    CHECK(saved > 0);
    auto rows = store->Submissions(std::nullopt);
    REQUIRE(rows.ok());
    CHECK(static_cast<int>(rows.value->size()) == saved);
}

namespace {

// After one submission in `folder`, `make_read_only` takes away writing; then submitting fails as
// read-only (or the database cannot be opened for writing at all).
void CheckReadOnly(const fs::path& folder, const std::function<void()>& make_read_only) {
    std::string path = (folder / "clinic.db").string();
    {
        auto store = OpenOk({path});
        REQUIRE(store->Submit(Record(), "kiosk").ok());
    }
    make_read_only();
    auto opened = Store::Open({path});
    if (auto* error = std::get_if<kiosk::store::DbError>(&opened)) {
        CHECK((error->kind == DbErrorKind::ReadOnly || error->kind == DbErrorKind::CannotOpen));
    } else {
        auto& store = std::get<std::unique_ptr<Store>>(opened);
        CHECK(store->Submissions(std::nullopt).value->size() == 1);
        auto r = store->Submit(Record(), "kiosk");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error->kind == DbErrorKind::ReadOnly);
    }
}

}  // namespace

TEST_CASE("a read-only database (a read-only mount): submit fails as read-only, earlier rows still readable" *
          doctest::skip(!filesystem_limits::CanMountTmpfs())) {
    TempDir dir;  // unmounts what it holds
    REQUIRE(MountTmpfs(dir.path, "size=1m"));
    CheckReadOnly(dir.path, [&] { REQUIRE(::mount("tmpfs", dir.path.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=1m") == 0); });
}

TEST_CASE("a read-only database (file and folder without write permission): submit fails as read-only" *
          doctest::skip(!filesystem_limits::PermissionsBind())) {
    TempDir dir;  // gives the permission back before removing
    CheckReadOnly(dir.path, [&] {
        fs::permissions(dir.path / "clinic.db", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
        fs::permissions(dir.path, fs::perms::owner_read | fs::perms::owner_exec);
    });
}

TEST_CASE("a database file deleted or replaced under an open store: the write is refused before COMMIT, not lost silently") {
    TempDir dir;
    const std::string path = dir.File("clinic.db");
    SUBCASE("deleted") {
        auto store = OpenOk({path});
        REQUIRE(store->Submit(Record(), "kiosk").ok());
        fs::remove(path);
        auto refused = store->Submit(Record(), "kiosk");
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error->kind == DbErrorKind::Io);
        CHECK(refused.error->message.find("was deleted while the kiosk was running, so nothing was saved") != std::string::npos);
        CHECK_FALSE(store->RaiseAlert("kiosk@1", "U1", "R-RF-HOTJOINT", "2026-06-15T09:00:00.000Z").ok());
    }
    SUBCASE("replaced by another database (a restore copied over it)") {
        auto store = OpenOk({path});
        {
            auto other = OpenOk({dir.File("other.db")});
        }
        fs::rename(dir.File("other.db"), path);
        auto refused = store->Submit(Record(), "kiosk");
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error->message.find("was replaced by another file") != std::string::npos);
        auto reopened = OpenOk({path});  // the file now at the path holds nothing of the refused write
        CHECK(reopened->Submissions(std::nullopt).value->empty());
    }
}
