// An account's PIN lockout against a wrong wall clock and a busy database, on real SQLite files: a
// lockout never outlasts its cap, wrong PINs decay, an attempt that cannot be recorded is refused
// (the right PIN too), and two processes' failures are all counted.
#include <doctest/doctest.h>

#include "../support.h"

#include <algorithm>
#include <set>
#include <thread>

#include "core/clock.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace store = kiosk::store;
using PinCheck = store::Store::SignIn;

namespace {

constexpr const char* kPin = "48291564";

int64_t Unix(const rules::Date& date) {
    return std::chrono::duration_cast<std::chrono::seconds>(kiosk::UtcTime(date).time_since_epoch()).count();
}

const int64_t kRight = Unix({2026, 6, 15}) + 9 * 3600;  // the clinic's real time
const int64_t k2030 = Unix({2030, 1, 1});               // a clock wrongly years ahead

int CountAction(store::Store& s, const std::string& action) {
    auto recent = s.RecentAudit(1000);
    REQUIRE(recent.ok());
    return static_cast<int>(std::count_if(recent.value->begin(), recent.value->end(),
                                          [&](const store::AuditEntry& row) { return row.action == action; }));
}

}  // namespace

TEST_CASE("a lockout begun under a clock in 2030 lasts at most the cap once the clock is right") {
    test_support::TempDir dir;
    auto s = test_support::OpenStore({dir.File("clinic.db")});
    test_support::AddAccount(*s, "Ana", store::Role::Admin, kPin);
    // Enough wrong PINs under the fast clock to reach the longest lockout (each after the last ended).
    int64_t t = k2030;
    for (int i = 0; i < 12; ++i) {
        PinCheck c = s->SignInWithPin("Ana", "11111111", t);
        REQUIRE(c.status == PinCheck::Status::Wrong);
        t += c.seconds_locked + 1;
    }
    // The clock is set right (years back): locked, but never for more than the cap.
    PinCheck now = s->SignInWithPin("Ana", kPin, kRight);
    CHECK(now.status == PinCheck::Status::LockedOut);
    CHECK(now.seconds_locked <= store::kMaxLockoutSeconds);
    CHECK(now.seconds_locked > 0);
    // Re-anchored for every later reader (another kiosk process): still within the cap from now.
    store::Connection raw(dir.File("clinic.db"), false);
    store::Statement until(raw, "SELECT locked_until FROM staff WHERE name = 'Ana'", "test");
    REQUIRE(until.Step());
    CHECK(until.Int(0) <= kRight + store::kMaxLockoutSeconds);
    CHECK(now.seconds_locked == store::kMaxLockoutSeconds);  // waiting out each lockout forgave nothing
    CHECK(s->SignInWithPin("Ana", kPin, kRight + store::kMaxLockoutSeconds - 1).status == PinCheck::Status::LockedOut);
    CHECK(s->SignInWithPin("Ana", kPin, kRight + store::kMaxLockoutSeconds).status == PinCheck::Status::Ok);
}

TEST_CASE("a clock stepped back an hour does not lengthen a 30 s lockout") {
    test_support::TempDir dir;
    auto s = test_support::OpenStore({dir.File("clinic.db")});
    test_support::AddAccount(*s, "Ana", store::Role::Admin, kPin);
    for (int i = 0; i < store::kFreeAttempts; ++i) s->SignInWithPin("Ana", "11111111", kRight);
    PinCheck back = s->SignInWithPin("Ana", kPin, kRight - 3600);
    CHECK(back.status == PinCheck::Status::LockedOut);
    CHECK(back.seconds_locked <= store::kFirstLockoutSeconds);
    // 30 s later on the stepped-back clock it is over.
    CHECK(s->SignInWithPin("Ana", kPin, kRight - 3600 + store::kFirstLockoutSeconds).status == PinCheck::Status::Ok);
}

TEST_CASE("wrong PINs decay: one wrong PIN an hour never locks staff out") {
    test_support::TempDir dir;
    auto s = test_support::OpenStore({dir.File("clinic.db")});
    test_support::AddAccount(*s, "Ana", store::Role::Admin, kPin);
    for (int hour = 0; hour < 24; ++hour) {
        PinCheck c = s->SignInWithPin("Ana", "11111111", kRight + hour * 3600);
        CAPTURE(hour);
        CHECK(c.status == PinCheck::Status::Wrong);
        CHECK(c.failures == 1);
        CHECK(c.seconds_locked == 0);
    }
    CHECK(CountAction(*s, "lockout") == 0);
    CHECK(s->SignInWithPin("Ana", kPin, kRight + 24 * 3600).status == PinCheck::Status::Ok);
    // Quick wrong PINs still lock: decay is one per kFailureDecaySeconds.
    for (int i = 0; i < store::kFreeAttempts - 1; ++i) s->SignInWithPin("Ana", "11111111", kRight + 90000 + i);
    CHECK(s->SignInWithPin("Ana", "11111111", kRight + 90010).seconds_locked == store::kFirstLockoutSeconds);
}

TEST_CASE("with the database locked, 40 wrong PINs and the right one are all refused with a reason, until it is free") {
    test_support::TempDir dir;
    const std::string path = dir.File("clinic.db");
    auto s = test_support::OpenStore({path, 50});
    test_support::AddAccount(*s, "Ana", store::Role::Admin, kPin);
    const int64_t audit_before = *s->CountAudit().value;
    {
        store::Connection other(path, false);
        other.Exec("BEGIN IMMEDIATE", "test");  // another process writing
        for (int i = 0; i < 40; ++i) {
            PinCheck c = s->SignInWithPin("Ana", "11111" + std::to_string(i % 10), kRight + i);
            CAPTURE(i);
            REQUIRE(c.status == PinCheck::Status::StoreError);
            REQUIRE(c.error.has_value());
            CHECK(c.error->kind == store::DbErrorKind::Busy);
            CHECK(c.error->Describe().find("locked") != std::string::npos);
        }
        PinCheck right = s->SignInWithPin("Ana", kPin, kRight + 41);
        CHECK(right.status == PinCheck::Status::StoreError);
        CHECK(right.error.has_value());
        other.Exec("COMMIT", "test");
    }
    CHECK(*s->CountAudit().value == audit_before);  // nothing was recorded, so nothing was granted
    PinCheck free = s->SignInWithPin("Ana", kPin, kRight + 42);
    CHECK(free.status == PinCheck::Status::Ok);
    CHECK(CountAction(*s, "sign-in") == 1);
}

TEST_CASE("two Store objects on one file counting wrong PINs at once lose no count") {
    test_support::TempDir dir;
    const std::string path = dir.File("clinic.db");
    test_support::AddAccount(*test_support::OpenStore({path}), "Ana", store::Role::Admin, kPin);
    std::vector<PinCheck> results[2];
    std::thread workers[2];
    for (int w = 0; w < 2; ++w) {
        workers[w] = std::thread([&, w] {
            auto s = test_support::OpenStore({path, 30000});
            for (int i = 0; i < 4; ++i) results[w].push_back(s->SignInWithPin("Ana", "11111" + std::to_string(w), kRight));
        });
    }
    for (std::thread& t : workers) t.join();
    // 8 attempts at one moment: exactly five are counted (1 to 5, each once), the fifth locks,
    // the other three find the lockout.
    std::multiset<int> counted;
    int locked = 0;
    for (const auto& list : results) {
        for (const PinCheck& c : list) {
            REQUIRE_MESSAGE(c.status != PinCheck::Status::StoreError, c.error->Describe());
            if (c.status == PinCheck::Status::Wrong) counted.insert(c.failures);
            if (c.status == PinCheck::Status::LockedOut) ++locked;
        }
    }
    CHECK(counted == std::multiset<int>{1, 2, 3, 4, 5});
    CHECK(locked == 3);
    auto s = test_support::OpenStore({path});
    auto accounts = s->ListStaff(true, kRight);
    REQUIRE(accounts.value->size() == 1);
    CHECK(accounts.value->front().failures == 5);
    CHECK(CountAction(*s, "sign-in failed") == 5);
    CHECK(CountAction(*s, "lockout") == 1);
}

TEST_CASE("PinStateAt: decay, and a lockout never longer than its own length") {
    using store::PinStateAt;
    CHECK(PinStateAt(5, 1030, 1000, 1010).seconds_locked == 20);
    CHECK_FALSE(PinStateAt(5, 1030, 1000, 1010).clamped);
    auto fast = PinStateAt(5, k2030 + 30, k2030, kRight);  // begun under a clock years ahead
    CHECK(fast.seconds_locked == 30);
    CHECK(fast.clamped);
    CHECK(PinStateAt(40, k2030 + 3600, k2030, kRight).seconds_locked == store::kMaxLockoutSeconds);
    CHECK(PinStateAt(5, 0, 1000, 1000 + 2 * store::kFailureDecaySeconds).failures == 3);
    CHECK(PinStateAt(5, 0, k2030, kRight).failures == 5);  // a clock gone back neither forgives nor adds
}
