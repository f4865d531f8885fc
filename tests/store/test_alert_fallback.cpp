// Urgent alerts the database could not take: the kept-alerts file on its own (framed records read
// back after a reopen, sealed, a torn tail ignored), the move into the database (once, even when
// repeated after a crash), and an alert that survives a full database and a restart.
#include <doctest/doctest.h>

#include "../support.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "../core/session_driver.h"
#include "store/alert_fallback.h"
#include "store/recorder.h"
#include "store/sealing.h"
#include "store/sqlite.h"

namespace fs = std::filesystem;
namespace store = kiosk::store;
using test_support::ReadFile;
using test_support::TempDir;

namespace {

std::unique_ptr<store::AlertFallback> OpenFile(const std::string& path) {
    auto opened = store::AlertFallback::Open(path);
    if (auto* error = std::get_if<store::DbError>(&opened)) FAIL(error->Describe());
    return std::move(std::get<std::unique_ptr<store::AlertFallback>>(opened));
}

std::vector<store::KeptAlert> ReadAll(store::AlertFallback& file) {
    auto read = file.Read();
    if (auto* error = std::get_if<store::DbError>(&read)) FAIL(error->Describe());
    return std::get<std::vector<store::KeptAlert>>(read);
}

store::KeptAlert Kept(int n) {
    return {"alert-" + std::to_string(n), "kiosk-1@2026-06-15T09:0" + std::to_string(n) + ":00.000Z",
            "2026-06-15T09:0" + std::to_string(n) + ":30.000Z", "kiosk-1",
            store::Seal(test_support::TestKey()->Public(), store::JoinFields({"U-HOTJOINT", "R-RF-HOTJOINT"}))};
}

// Where the `n`th record (from 1) starts: its magic.
size_t RecordAt(const std::string& bytes, int n) {
    size_t at = 0;
    for (int i = 0; i < n; ++i) {
        at = bytes.find("KALR", i == 0 ? 0 : at + 1);
        REQUIRE(at != std::string::npos);
    }
    return at;
}

void Overwrite(const std::string& path, const std::string& bytes) {
    std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

int AuditRows(store::Store& db, const std::string& action) {
    int n = 0;
    const store::Result<std::vector<store::AuditEntry>> rows = db.RecentAudit(1000);  // a local: the loop outlives a temporary
    for (const store::AuditEntry& row : *rows.value) n += row.action == action;
    return n;
}

}  // namespace

TEST_CASE("the kept-alerts file: preallocated and owner-only, records read back after a reopen, sealed, and a torn tail ignored") {
    TempDir dir;
    const std::string path = store::AlertFallback::PathFor(dir.File("clinic.db"));
    CHECK(path == dir.File("clinic.db-alerts"));
    {
        auto file = OpenFile(path);
        CHECK(fs::file_size(path) == store::AlertFallback::kPreallocate);
        struct stat st{};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        CHECK(ReadAll(*file).empty());
        for (int n = 1; n <= 3; ++n) REQUIRE_FALSE(file->Append(Kept(n)));
    }
    auto file = OpenFile(path);
    std::vector<store::KeptAlert> read = ReadAll(*file);
    REQUIRE(read.size() == 3);
    for (int n = 1; n <= 3; ++n) {
        const store::KeptAlert& k = read[static_cast<size_t>(n - 1)];
        CHECK(k.alert_id == Kept(n).alert_id);
        CHECK(k.session_id == Kept(n).session_id);
        CHECK(k.raised_at == Kept(n).raised_at);
        CHECK(k.kiosk_id == "kiosk-1");
        std::optional<std::string> plain = test_support::TestKey()->Open(k.sealed);
        REQUIRE(plain);
        CHECK(store::SplitFields(*plain, 2) == std::vector<std::string>{"U-HOTJOINT", "R-RF-HOTJOINT"});
    }
    // Which red flag fired is not in the file in clear; what routes the alert is.
    std::string bytes = ReadFile(path);
    CHECK(bytes.find("HOTJOINT") == std::string::npos);
    CHECK(bytes.find("kiosk-1@2026-06-15T09:02:00.000Z") != std::string::npos);
    CHECK(fs::file_size(path) == store::AlertFallback::kPreallocate);  // written into the space taken at the start

    // A fourth record torn by a power cut: its last bytes never reached the disk.
    REQUIRE_FALSE(file->Append(Kept(4)));
    bytes = ReadFile(path);
    const size_t fourth = RecordAt(bytes, 4);
    const size_t end = bytes.find_last_not_of('\0') + 1;
    REQUIRE(end > fourth + 20);
    Overwrite(path, bytes.substr(0, end - 20) + std::string(20, '\0'));
    file.reset();
    file = OpenFile(path);
    CHECK(ReadAll(*file).size() == 3);
    bytes = ReadFile(path);
    CHECK(bytes.find_first_not_of('\0', fourth) == std::string::npos);  // the torn bytes were cleared
    REQUIRE_FALSE(file->Append(Kept(5)));
    read = ReadAll(*file);
    REQUIRE(read.size() == 4);
    CHECK(read.back().alert_id == "alert-5");

    // Not this format: refused, not overwritten.
    const std::string other = dir.Write("other-alerts", "not a kept-alerts file");
    auto refused = store::AlertFallback::Open(other);
    REQUIRE(std::holds_alternative<store::DbError>(refused));
    CHECK(std::get<store::DbError>(refused).kind == store::DbErrorKind::Corrupt);
    CHECK(ReadFile(other).rfind("not a kept-alerts file", 0) == 0);
}

TEST_CASE("the kept-alerts file grows past its preallocated space when the disk has room") {
    TempDir dir;
    auto file = OpenFile(dir.File("clinic.db-alerts"));
    int n = 0;
    while (fs::file_size(dir.File("clinic.db-alerts")) == store::AlertFallback::kPreallocate && n < 2000) REQUIRE_FALSE(file->Append(Kept(++n % 10)));
    CHECK(n > 50);  // dozens of alerts fit in the space taken at the start
    CHECK(fs::file_size(dir.File("clinic.db-alerts")) == 2 * store::AlertFallback::kPreallocate);
    CHECK(static_cast<int>(ReadAll(*file).size()) == n);
}

TEST_CASE("kept alerts move into the database once, with one audit row, even when moved again after a crash before the file was emptied") {
    TempDir dir;
    const std::string path = dir.File("clinic.db");
    auto db = test_support::OpenStore({path});
    REQUIRE(db->KeepAlertOutside("a-1", "kiosk-1@2026-06-15T09:00:00.000Z", "kiosk-1", "U1", "R-RF-HOTJOINT", "2026-06-15T09:03:00.000Z").ok());
    REQUIRE(db->KeepAlertOutside("a-2", "kiosk-1@2026-06-15T09:10:00.000Z", "kiosk-1", "U2", "R-RF-SPINE", "2026-06-15T09:12:00.000Z").ok());
    CHECK(ReadFile(db->KeptAlertsPath()).find("R-RF-") == std::string::npos);

    auto kept = db->KeptAlerts();
    REQUIRE(kept.value->size() == 2);
    CHECK((*kept.value)[0].kept_outside);
    CHECK((*kept.value)[0].rule_id == "U1");  // reading is unlocked (OpenStore)
    CHECK((*kept.value)[1].reason == "R-RF-SPINE");
    auto open = db->OpenAlerts();
    REQUIRE(open.value->size() == 2);  // staff's list holds them too
    CHECK(open.value->front().id == 0);

    const std::string before_move = ReadFile(db->KeptAlertsPath());
    auto moved = db->MoveKeptAlerts();
    REQUIRE_MESSAGE(moved.ok(), moved.error->Describe());
    CHECK(*moved.value == 2);
    CHECK(db->KeptAlerts().value->empty());
    open = db->OpenAlerts();
    REQUIRE(open.value->size() == 2);
    CHECK_FALSE(open.value->front().kept_outside);
    CHECK(open.value->front().alert_id == "a-1");
    CHECK(open.value->front().reason == "R-RF-HOTJOINT");
    CHECK(AuditRows(*db, "urgent alerts moved") == 1);
    CHECK(db->RecentAudit(1).value->front().detail == "2 urgent alerts moved from the fallback file into the database");

    // The crash: the COMMIT was made, the file still holds the records.
    Overwrite(db->KeptAlertsPath(), before_move);
    CHECK(db->KeptAlerts().value->empty());  // already in the database: not listed twice
    db.reset();
    db = test_support::OpenStore({path});  // the restart moves them again: nothing new
    CHECK(db->OpenAlerts().value->size() == 2);
    CHECK(AuditRows(*db, "urgent alerts moved") == 1);
    CHECK(ReadFile(db->KeptAlertsPath()).find_first_not_of('\0', store::AlertFallback::kHeaderBytes) == std::string::npos);
    // The same alert raised again by id (a retry) is not stored again either.
    auto again = db->RaiseAlert("kiosk-1@2026-06-15T09:00:00.000Z", "U1", "R-RF-HOTJOINT", "2026-06-15T09:03:00.000Z", "a-1");
    REQUIRE(again.ok());
    CHECK(*again.value == open.value->front().id);
    CHECK(db->OpenAlerts().value->size() == 2);
}

TEST_CASE("an alert kept outside a full database is refused acknowledgement until it can be moved in, then acknowledged there") {
    TempDir dir;
    const std::string path = dir.File("clinic.db");
    test_support::SetUpClinic(path);
    auto db = test_support::OpenStore({path});
    REQUIRE(db->KeepAlertOutside("a-1", "kiosk-1@2026-06-15T09:00:00.000Z", "kiosk-1", "U1", "R-RF-HOTJOINT", "2026-06-15T09:03:00.000Z").ok());
    const std::string actor = std::string("staff:") + test_support::kClinicAdmin;
    {
        kiosk::store::Connection other(path, false);
        other.Exec("BEGIN EXCLUSIVE", "test");
        auto refused = db->AcknowledgeKeptAlert("a-1", actor);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error->message.find("see the patient now") != std::string::npos);
        CHECK(db->KeptAlerts().value->size() == 1);  // still listed
        other.Exec("COMMIT", "test");
    }
    auto done = db->AcknowledgeKeptAlert("a-1", actor);
    REQUIRE_MESSAGE(done.ok(), done.error->Describe());
    CHECK(*done.value);
    CHECK(db->KeptAlerts().value->empty());
    CHECK(db->OpenAlerts().value->empty());
    CHECK(AuditRows(*db, "alert acknowledged") == 1);
}

namespace {

using namespace session_driver;

// Fills the database to its limit: submissions, then audit rows, until a write fails.
void FillUntilFull(store::Store& db) {
    store::Result<std::string> submitted;
    for (int i = 0; i < 100000 && submitted.ok(); ++i) submitted = db.Submit(test_support::SampleRecord(), "kiosk");
    REQUIRE_FALSE(submitted.ok());
    CAPTURE(submitted.error->Describe());
    REQUIRE((submitted.error->kind == store::DbErrorKind::Full || submitted.error->kind == store::DbErrorKind::Io));
    // Then the last bytes of its pages, with rows smaller than an alert's.
    for (size_t size : {200, 20, 1})
        for (int i = 0; i < 100000 && db.Audit("test", "filler", std::string(size, 'x')).ok(); ++i) {
        }
}

// A patient whose answers fire the spine red flag (U2) on a session driven to it; the recorder
// drains after every step, as the kiosk does. Returns the first error a drain gave.
std::optional<store::DbError> RedFlag(kiosk::Recorder& recorder, Kiosk& k) {
    std::optional<store::DbError> first;
    const rules::Answers* answers = nullptr;
    for (const rules::TestCase& c : Default().cases)
        if (c.name.rfind("V11 ", 0) == 0) answers = &Default().case_answers[c.answers];
    REQUIRE(answers);
    Drive(k, *answers, 0, [&] {
        if (auto error = recorder.Drain(k.session); error && !first) first = error;
    });
    return first;
}

}  // namespace

TEST_CASE("an alert survives a full database (its size limit) and a restart, and moves in once when the database takes writes again") {
    TempDir dir;
    const std::string path = dir.File("clinic.db");
    test_support::SetUpClinic(path);
    constexpr int64_t kPages = 60;
    {
        auto db = test_support::OpenStore({path, 100, kPages});
        FillUntilFull(*db);
        Kiosk k;
        kiosk::Recorder recorder(Default(), *db, "kiosk-1");
        std::optional<store::DbError> error = RedFlag(recorder, k);
        REQUIRE(error);
        CHECK(error->kind == store::DbErrorKind::Full);
        CHECK(recorder.AlertsInMemory() == 0);  // durable in the file instead
        auto kept = db->KeptAlerts();
        REQUIRE(kept.value->size() == 1);
        CHECK(kept.value->front().rule_id == "U2");
        CHECK(kept.value->front().session_id == "kiosk-1@2026-06-15T09:00:00.000Z");
    }  // the kiosk stops (power off, restart)
    {
        auto db = test_support::OpenStore({path, 100, kPages});  // still full: the alert stays in the file
        CHECK(db->KeptAlerts().value->size() == 1);
        CHECK_FALSE(db->MoveKeptAlerts().ok());
    }
    auto db = test_support::OpenStore({path});  // room again: opening moves it in
    auto open = db->OpenAlerts();
    REQUIRE(open.value->size() == 1);
    CHECK_FALSE(open.value->front().kept_outside);
    CHECK(open.value->front().rule_id == "U2");
    CHECK(open.value->front().reason == "R-RF-SPINE");
    CHECK(db->KeptAlerts().value->empty());
    CHECK(ReadFile(db->KeptAlertsPath()).find_first_not_of('\0', store::AlertFallback::kHeaderBytes) == std::string::npos);
    CHECK(AuditRows(*db, "urgent alerts moved") == 1);
}

TEST_CASE("a database of schema 6 is migrated: its alerts keep their rows (an id given at schema 8), new ones get theirs") {
    TempDir dir;
    const std::string path = dir.File("v6.db");
    {
        auto db = test_support::OpenStore({path});
        REQUIRE(db->RaiseAlert("kiosk-1@2026-06-15T09:00:00.000Z", "U1", "R-RF-HOTJOINT", "2026-06-15T09:03:00.000Z").ok());
    }
    {
        store::Connection raw(path, false);
        raw.Exec(test_support::kUndoSchema8, "making a schema 6 file");
        raw.Exec("DROP INDEX alerts_by_uid; ALTER TABLE alerts DROP COLUMN alert_uid; PRAGMA user_version = 6", "making a schema 6 file");
    }
    auto db = test_support::OpenStore({path});
    CHECK(db->SchemaVersion() == store::Store::kSchemaVersion);
    auto open = db->OpenAlerts();
    REQUIRE(open.value->size() == 1);
    // Schema 7 left it without an id; migration 8 gave it one, so that the server can key it.
    CHECK(open.value->front().alert_id.size() == 36);
    CHECK(open.value->front().reason == "R-RF-HOTJOINT");
    REQUIRE(db->RaiseAlert("kiosk-1@2026-06-15T09:10:00.000Z", "U2", "R-RF-SPINE", "2026-06-15T09:12:00.000Z", "b-1").ok());
    open = db->OpenAlerts();
    REQUIRE(open.value->size() == 2);
    CHECK(open.value->back().alert_id == "b-1");
    CHECK(db->CheckAuditChain().value->ok());
}
