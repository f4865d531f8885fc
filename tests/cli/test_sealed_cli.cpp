// Issue 11's "done when": held-out patients submitted, listed, exported and their alerts raised;
// then every file the kiosk wrote in its folder (database, WAL, shared memory, temporary files,
// exports) is searched for what they answered: nothing is there in clear. And `kiosk keys`.
#include <doctest/doctest.h>

#include "../support.h"
#include "run_kiosk.h"

#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace fs = std::filesystem;
using test_support::Kiosk;
using test_support::Run;

namespace {

// Patients no other test uses, each with answers found nowhere else in the tree.
struct Patient {
    const char* dob;
    const char* answers;
};
const Patient kHeldOut[] = {
    {"1939-12-07", R"({"consent_data":"yes","dob":"1939-12-07","sex_at_birth":"female","pain_area":"shoulder","diagnosis":"tendon",
      "pain_duration":"gt_1y","treatments_tried":["steroid_shot"],"lasting_relief":"short","hot_joint":"no","infection_now":"no",
      "fever_7d":"no","skin_problem":["none"],"blood_conditions":["none"],"bleeding_history":"yes","cancer":"no",
      "medications":["antiplatelet"],"allergies":["none"],"pain_side":"right"})"},
    {"1958-05-31", R"({"consent_data":"yes","dob":"1958-05-31","sex_at_birth":"male","pain_area":"knee","diagnosis":"arthritis",
      "oa_severity":"severe","pain_duration":"gt_1y","treatments_tried":["pt"],"lasting_relief":"short","hot_joint":"no",
      "infection_now":"no","fever_7d":"no","skin_problem":["none"],"blood_conditions":["low_platelets"],"bleeding_history":"no",
      "cancer":"no","medications":["steroid_pills"],"allergies":["none"],"pain_side":"left"})"},
};

// Every regular file under `dir`, read whole, with its name.
std::vector<std::pair<std::string, std::string>> EveryFile(const fs::path& dir) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) out.emplace_back(entry.path().string(), test_support::ReadFile(entry.path()));
    return out;
}

}  // namespace

TEST_CASE("held-out patients submitted, listed, exported and alerted: no file the kiosk wrote holds their answers in clear") {
    test_support::TempDir dir("kiosk-sealed");
    // SQLite's temporary files would go here if it made any (temp_store=MEMORY: it makes none).
    const std::string previous_tmp = std::getenv("SQLITE_TMPDIR") ? std::getenv("SQLITE_TMPDIR") : "";
    ::setenv("SQLITE_TMPDIR", dir.path.c_str(), 1);
    const std::string db = dir.File("clinic.db");
    test_support::SetUpClinic(db);
    // A kiosk still running: its connection keeps the WAL (every page written since the last
    // checkpoint) and the shared-memory file on disk while the search below runs.
    auto running = test_support::OpenWithoutKey({db});
    const std::string pin = std::string(test_support::kClinicAdminPin) + "\n";
    const std::string as = test_support::kClinicAdmin;
    int stored = 0;
    for (const Patient& p : kHeldOut) {
        Run r = Kiosk({"submit", "--answers", dir.Write(std::string("paper-") + p.dob + ".json", p.answers), "--today", "2026-06-15",
                       "--db", db});
        REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
        fs::remove(dir.File(std::string("paper-") + p.dob + ".json"));  // the test's own input, not the kiosk's
        ++stored;
    }
    {
        auto s = test_support::OpenStore({db});
        REQUIRE(s->RaiseAlert("kiosk@2026-06-15T09:00:00.000Z", "U1", "R-RF-HOTJOINT", "2026-06-15T09:03:00.000Z").ok());
    }
    // Staff at work: the queue read with the key, a sorted read of every row, an encrypted export.
    Run queue = Kiosk({"queue", "--all", "--as", as, "--db", db}, pin);
    REQUIRE_MESSAGE(queue.code == kiosk::kExitOk, queue.err);
    CHECK(queue.out.find("R-HEME-PLT") != std::string::npos);  // what the answers say, opened for staff
    const std::string config = test_support::AnyFolderConfig(dir);
    Run exported = Kiosk({"export", "--format", "jsonl", "--out", dir.File("results.jsonl"), "--as", as, "--config", config, "--db", db},
                         pin + test_support::kPassphraseTwice);
    REQUIRE_MESSAGE(exported.code == kiosk::kExitOk, exported.err);
    fs::remove(config);
    if (previous_tmp.empty()) ::unsetenv("SQLITE_TMPDIR");
    else ::setenv("SQLITE_TMPDIR", previous_tmp.c_str(), 1);

    const auto files = EveryFile(dir.path);
    bool export_seen = false, wal_seen = false;
    for (const auto& [name, bytes] : files) {
        CAPTURE(name);
        if (name.ends_with(".kxp")) export_seen = true;
        if (name.ends_with("-wal") && !bytes.empty()) wal_seen = true;
        for (const Patient& p : kHeldOut) CHECK(bytes.find(p.dob) == std::string::npos);
        for (const char* answer : {"antiplatelet", "steroid_pills", "low_platelets", "shoulder", "R-HEME-PLT", "R-RF-HOTJOINT", "\"dob\""})
            CHECK_MESSAGE(bytes.find(answer) == std::string::npos, answer);
    }
    CHECK(export_seen);
    CHECK(wal_seen);
    CHECK(stored == 2);
}

TEST_CASE("keys: status says who reads results, init seals an older database, grant gives a clinician its copy") {
    test_support::TempDir dir;
    const std::string db = dir.File("clinic.db");
    Run none = Kiosk({"keys", "status", "--db", db});
    CHECK(none.code == kiosk::kExitInvalid);
    CHECK(none.out.find("No clinic key yet") != std::string::npos);
    // An older clinic's database: accounts, and a result in clear, no key.
    {
        auto s = test_support::OpenWithoutKey({db});
        test_support::AddAccount(*s, "Ada", kiosk::store::Role::Admin, "24681364");  // makes the key: drop it below
    }
    {
        kiosk::store::Connection raw(db, false);
        raw.Exec("DELETE FROM key_wraps; DELETE FROM clinic_key", "an older database");
    }
    Run refused = Kiosk({"keys", "init", "--as", "Ada", "--db", db}, "11111112\n");
    CHECK(refused.code == kiosk::kExitInvalid);
    CHECK(refused.err.find("wrong PIN for Ada") != std::string::npos);
    Run init = Kiosk({"keys", "init", "--as", "Ada", "--db", db}, "24681364\n");
    REQUIRE_MESSAGE(init.code == kiosk::kExitOk, init.err);
    CHECK(init.out.find("Clinic key made; Ada can read results.") != std::string::npos);
    CHECK(Kiosk({"keys", "init", "--as", "Ada", "--db", db}, "24681364\n").err.find("already has a key") != std::string::npos);

    REQUIRE(Kiosk({"staff", "add", "Bea", "--role", "clinician", "--db", db}, "73510264\n73510264\n").code == kiosk::kExitOk);
    Run status = Kiosk({"keys", "status", "--db", db});
    CHECK(status.code == kiosk::kExitOk);
    CHECK(status.out.find("Ada (administrator): reads results") != std::string::npos);
    CHECK(status.out.find("Bea (clinician): cannot read results yet: kiosk keys grant Bea --by ADMIN") != std::string::npos);
    Run grant = Kiosk({"keys", "grant", "Bea", "--by", "Ada", "--db", db}, "24681364\n73510264\n");
    REQUIRE_MESSAGE(grant.code == kiosk::kExitOk, grant.err);
    CHECK(grant.out.find("Bea can now read results (granted by Ada).") != std::string::npos);
    CHECK(Kiosk({"keys", "status", "--db", db}).out.find("Bea (clinician): reads results") != std::string::npos);
    CHECK(Kiosk({"keys", "grant", "Bea", "--db", db}).code == kiosk::kExitUsage);
}
