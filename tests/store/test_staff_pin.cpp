// The staff PIN on a real database: no default PIN, Argon2id hash stored (never the PIN), wrong
// PINs counted, a lockout that grows and survives a restart, and every step audited.
#include <doctest/doctest.h>

#include "../support.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "store/staff_pin.h"
#include "store/store.h"

namespace fs = std::filesystem;
using kiosk::store::PinCheck;

namespace {

struct TempDb {
    test_support::TempDir dir;
    std::string path = dir.File("clinic.db");
    std::unique_ptr<kiosk::store::Store> Open() const { return test_support::OpenStore({path}); }
};

std::vector<std::string> Actions(kiosk::store::Store& store) {
    std::vector<std::string> out;
    auto recent = store.RecentAudit(100);  // kept: iterating a member of a temporary would dangle
    for (const auto& row : *recent.value) out.insert(out.begin(), row.action);
    return out;
}

}  // namespace

TEST_CASE("a PIN must have at least 6 digits, digits only, and not one digit repeated") {
    CHECK(kiosk::store::PinProblem("12345").has_value());
    CHECK(kiosk::store::PinProblem("12a456").has_value());
    CHECK(kiosk::store::PinProblem("000000").has_value());
    CHECK_FALSE(kiosk::store::PinProblem("482915").has_value());
}

TEST_CASE("there is no default PIN: nobody signs in until one is set") {
    TempDb db;
    auto store = db.Open();
    CHECK_FALSE(*kiosk::store::HasStaffPin(*store).value);
    CHECK(kiosk::store::VerifyStaffPin(*store, "123456", "staff", 1000).status == PinCheck::Status::NoPin);
}

TEST_CASE("the PIN is stored as an Argon2id hash, and the right PIN signs in") {
    TempDb db;
    auto store = db.Open();
    REQUIRE(kiosk::store::SetStaffPin(*store, "482915", "cli").ok());
    auto hash = store->GetSetting("staff.pin_hash");
    REQUIRE(*hash.value);
    CHECK((*hash.value)->rfind("$argon2id$", 0) == 0);
    CHECK((*hash.value)->find("482915") == std::string::npos);
    CHECK(kiosk::store::VerifyStaffPin(*store, "482915", "staff", 1000).status == PinCheck::Status::Ok);
    CHECK(kiosk::store::SetStaffPin(*store, "1234", "cli").error.has_value());  // too short: refused, old PIN kept
    CHECK(kiosk::store::VerifyStaffPin(*store, "482915", "staff", 1001).status == PinCheck::Status::Ok);
}

TEST_CASE("wrong PINs lock staff mode out with a growing delay that survives a restart") {
    TempDb db;
    {
        auto store = db.Open();
        REQUIRE(kiosk::store::SetStaffPin(*store, "482915", "cli").ok());
        for (int i = 1; i < kiosk::store::kFreeAttempts; ++i) {
            PinCheck c = kiosk::store::VerifyStaffPin(*store, "111111", "staff", 1000);
            CHECK(c.status == PinCheck::Status::Wrong);
            CHECK(c.seconds_locked == 0);
        }
        PinCheck fifth = kiosk::store::VerifyStaffPin(*store, "111111", "staff", 1000);
        CHECK(fifth.status == PinCheck::Status::Wrong);
        CHECK(fifth.seconds_locked == kiosk::store::kFirstLockoutSeconds);
    }
    // The kiosk restarts: the lockout is still there, even for the right PIN.
    auto store = db.Open();
    PinCheck locked = kiosk::store::VerifyStaffPin(*store, "482915", "staff", 1010);
    CHECK(locked.status == PinCheck::Status::LockedOut);
    CHECK(locked.seconds_locked == 20);
    // After the lockout, another wrong PIN doubles it.
    PinCheck sixth = kiosk::store::VerifyStaffPin(*store, "222222", "staff", 1031);
    CHECK(sixth.status == PinCheck::Status::Wrong);
    CHECK(sixth.seconds_locked == 2 * kiosk::store::kFirstLockoutSeconds);
    CHECK(kiosk::store::VerifyStaffPin(*store, "482915", "staff", 1032).status == PinCheck::Status::LockedOut);
    // Once it has passed, the right PIN signs in and the count starts again.
    CHECK(kiosk::store::VerifyStaffPin(*store, "482915", "staff", 1031 + 60).status == PinCheck::Status::Ok);
    CHECK(kiosk::store::VerifyStaffPin(*store, "333333", "staff", 2000).seconds_locked == 0);

    std::vector<std::string> actions = Actions(*store);
    CHECK(std::count(actions.begin(), actions.end(), "sign-in failed") == 7);
    CHECK(std::count(actions.begin(), actions.end(), "lockout") == 2);
    CHECK(std::count(actions.begin(), actions.end(), "sign-in refused") == 2);
    CHECK(std::count(actions.begin(), actions.end(), "sign-in") == 1);
    CHECK(std::count(actions.begin(), actions.end(), "setting") == 1);  // the PIN change
}

TEST_CASE("the lockout grows by doubling and stops at an hour") {
    CHECK(kiosk::store::LockoutSeconds(4) == 0);
    CHECK(kiosk::store::LockoutSeconds(5) == 30);
    CHECK(kiosk::store::LockoutSeconds(6) == 60);
    CHECK(kiosk::store::LockoutSeconds(9) == 480);
    CHECK(kiosk::store::LockoutSeconds(40) == kiosk::store::kMaxLockoutSeconds);
}
