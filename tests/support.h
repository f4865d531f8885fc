// Test helpers shared by the suites that use real files: a temporary folder, reading a file back,
// and opening a clinic database that must open.
#pragma once

#include <doctest/doctest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "store/store.h"

namespace test_support {

// A fresh folder under the system's temporary folder, removed with everything in it. Tests that
// mount a tmpfs on it or make it read-only need not undo that: the destructor does.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "kiosk-test") {
        path = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        ::umount2(path.c_str(), MNT_DETACH);  // fails harmlessly when nothing is mounted
        std::error_code ignored;
        std::filesystem::permissions(path, std::filesystem::perms::owner_all, ignored);
        std::filesystem::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string File(const std::string& name) const { return (path / name).string(); }
    // Writes `content` to `name` in the folder and returns its path.
    std::string Write(const std::string& name, const std::string& content) const {
        std::ofstream(path / name, std::ios::binary) << content;
        return File(name);
    }

    std::filesystem::path path;

private:
    static inline int s_counter = 0;
};

inline std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// How many 32-byte pieces of a sealed box (one every 48 bytes) the database file at `path` and its
// WAL hold. Pieces, not the whole box: a box longer than a page is split over overflow pages.
inline int SealedPiecesOnDisk(const std::string& path, const std::string& sealed) {
    const std::string bytes = ReadFile(path) + ReadFile(path + "-wal");
    int found = 0;
    for (size_t at = 0; at + 32 <= sealed.size(); at += 48)
        if (bytes.find(sealed.substr(at, 32)) != std::string::npos) ++found;
    return found;
}

// The clinic key of every database the tests open with OpenStore: made once per test process.
inline std::shared_ptr<const kiosk::store::ClinicKey> TestKey() {
    static const std::shared_ptr<const kiosk::store::ClinicKey> key = kiosk::store::ClinicKey::Generate();
    REQUIRE(key);
    return key;
}

// Argon2id at libsodium's least cost: tests make hundreds of accounts (the kiosk uses kPinCost;
// test_sealing checks that it does).
inline constexpr kiosk::store::SecretCost kTestPinCost{1, 1 << 20};

// Opens a database that must open, as a set-up clinic's: sealed to TestKey() (installed when the
// database has no key yet) and reading unlocked with it, as if a clinician were signed in; new
// PINs hashed at kTestPinCost. Fails the test with the store's own message otherwise.
inline std::unique_ptr<kiosk::store::Store> OpenStore(kiosk::store::StoreOptions options) {
    options.pin_cost = kTestPinCost;
    auto opened = kiosk::store::Store::Open(options);
    if (auto* error = std::get_if<kiosk::store::DbError>(&opened)) FAIL(error->Describe());
    auto store = std::move(std::get<std::unique_ptr<kiosk::store::Store>>(opened));
    auto key = store->ClinicPublicKey();
    if (!key.ok()) FAIL(key.error->Describe());
    if (!*key.value) {
        auto adopted = store->AdoptClinicPublicKey(TestKey()->Public(), "test");
        if (!adopted.ok()) FAIL(adopted.error->Describe());
        key.value->emplace(TestKey()->Public());
    }
    // A database whose key a kiosk made (the first administrator added on its terminal) opens
    // with that administrator's PIN only, as for anyone else.
    if (**key.value == TestKey()->Public()) store->UnlockReading(TestKey());
    return store;
}

// The administrator of the clinics SetUpClinic makes.
inline constexpr const char* kClinicAdmin = "Ada Admin";
inline constexpr const char* kClinicAdminPin = "24681364";

// Adds a staff account as the machine's terminal would ("test" is a machine actor); fails the test
// with the store's message otherwise. Returns an administrator's recovery code (else empty).
inline std::string AddAccount(kiosk::store::Store& store, const std::string& name, kiosk::store::Role role,
                              const std::string& pin) {
    auto added = store.AddStaff({name, role, pin}, "test");
    if (!added.ok()) FAIL(added.error->Describe());
    return *added.value;
}

// Opens a database as the kiosk does, with nothing installed or unlocked: a database from an older
// kiosk stays without a clinic key, and sealed rows read back without answers.
inline std::unique_ptr<kiosk::store::Store> OpenWithoutKey(kiosk::store::StoreOptions options) {
    options.pin_cost = kTestPinCost;
    auto opened = kiosk::store::Store::Open(options);
    if (auto* error = std::get_if<kiosk::store::DbError>(&opened)) FAIL(error->Describe());
    return std::move(std::get<std::unique_ptr<kiosk::store::Store>>(opened));
}

// A clinic database at `path` as its first administrator leaves it: kClinicAdmin (who reads
// results), sealed to TestKey(); audit rows 1 (the key) and 2 (the account). The folder is made.
inline void SetUpClinic(const std::string& path) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    auto store = OpenStore({path});
    AddAccount(*store, kClinicAdmin, kiosk::store::Role::Admin, kClinicAdminPin);
}

// Takes a database of today's schema back to schema 7, for the tests that make an older file from a
// new one (each then undoes its own schema's additions): no outbox (migration 8).
inline constexpr const char* kUndoSchema8 =
    "DROP INDEX submissions_unsent; DROP INDEX alerts_unsent; ALTER TABLE submissions DROP COLUMN sent_at; "
    "ALTER TABLE alerts DROP COLUMN sent_at; ALTER TABLE abandoned_sessions DROP COLUMN sent_count; DROP TABLE outbox; "
    "PRAGMA user_version = 7";

// A stored submission as a kiosk writes one, with `outcome` in its decision; tests change what they need.
inline kiosk::store::SubmissionRecord SampleRecord(const std::string& outcome = "CLINICIAN_REVIEW") {
    kiosk::store::SubmissionRecord r;
    r.kiosk_id = "kiosk-1";
    r.screening_id = "regen-ortho-default";
    r.screening_version = "1.0.0";
    r.screening_hash = "0123abcd";
    r.language = "en";
    r.started_at = "2026-06-15T09:00:00.000Z";
    r.submitted_at = "2026-06-15T09:08:00.000Z";
    r.answers_json = R"({"consent_data":"yes","pain_area":"knee"})";
    r.decision_json = R"({"outcome":")" + outcome + R"(","reasons":[],"notes":[],"undetermined":[],"tracks":{}})";
    r.outcome = outcome;
    return r;
}

}  // namespace test_support
