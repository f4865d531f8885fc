// Test helper: the real kiosk App in an ImGui context with no window (ImGui 1.86's example_null
// recipe), touched at the positions its widgets were drawn at, and read back from its draw lists.
#pragma once

#include <doctest/doctest.h>

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../support.h"
#include "core/clock.h"
#include "frontend_driver.h"
#include "ui/app.h"

namespace ui_driver {

using namespace std::chrono_literals;

inline std::string DefaultScreening() { return std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml"; }
inline const rules::Date kDay{2026, 6, 15};

// The administrator a kiosk of the tests is set up with (a kiosk serves no patient without one).
inline constexpr const char* kAdmin = "Ada Admin";
inline constexpr const char* kAdminPin = "24681364";
// The machine's actor the tests add accounts as (not limited by a role, like the terminal's).
inline constexpr const char* kTestActor = "test";

enum class Provision : uint8_t {
    Admin,  // the database starts with kAdmin, as after "kiosk staff add ... --role admin"
    None,   // a new database: the kiosk is not set up
};

// A database holding kAdmin, made once per test process (Argon2id hashing is slow on purpose) and
// copied for each kiosk; `recovery` is kAdmin's one-time code, as AddStaff returned it.
struct SetUpDatabase {
    SetUpDatabase() {
        auto store = test_support::OpenStore(kiosk::store::StoreOptions{path});
        auto added = store->AddStaff({kAdmin, kiosk::store::Role::Admin, kAdminPin}, kTestActor);
        REQUIRE_MESSAGE(added.ok(), added.error->Describe());
        recovery = *added.value;
    }  // the store closes here, so the file is complete without its -wal
    test_support::TempDir dir{"kiosk-ui-template"};
    std::string path = dir.File("clinic.db");
    std::string recovery;
};
inline const SetUpDatabase& Template() {
    static const SetUpDatabase made;
    return made;
}

// One kiosk: a temporary clinic database, a hand-set clock at 09:00 UTC on the screening day, and
// a window-less ImGui context of `width` x `height` pixels. Each Frame() is 1/30 s of ImGui time;
// the kiosk's own clock moves only when a test moves it.
class Headless final : public FrontendDriver {
public:
    explicit Headless(float width = 1920, float height = 1080, kiosk::ui::AppOptions options = {},
                      Provision provision = Provision::Admin)
        : FrontendDriver(ImVec2(width, height)), clock(kiosk::UtcTime(kDay, 9h)) {
        if (options.screening_path.empty()) options.screening_path = DefaultScreening();
        if (options.database_path.empty()) options.database_path = dir.File("clinic.db");
        // A database file a test made itself (a shared, broken or earlier one) is used as it is.
        if (provision == Provision::Admin && !std::filesystem::exists(options.database_path))
            std::filesystem::copy_file(Template().path, options.database_path);
        if (options.kiosk_id == "kiosk") options.kiosk_id = "kiosk-ui";
        db_path = options.database_path;
        options.clock = &clock;
        if (!options.clock_not_before) {
            // The tests' day is before the build date, and the store stamps audit rows with the
            // machine's real time: the clock checks are off unless a test sets them up itself.
            options.clock_not_before = kiosk::UtcTime(kDay) - 24h * 365;
            options.clock_after_stored_rows = false;
        }
        app = std::make_unique<kiosk::ui::App>(std::move(options));
        Frame();
    }
    ~Headless() override {
        ImGui::SetCurrentContext(m_context);
        app.reset();
    }
    Headless(const Headless&) = delete;
    Headless& operator=(const Headless&) = delete;

    // Moves the kiosk clock (idle timers) and draws a frame.
    void Wait(std::chrono::seconds seconds) {
        clock.Advance(seconds);
        Frame();
    }

    // A second connection to the kiosk's database with reading unlocked (test_support::OpenStore),
    // for what a test checks there: the kiosk's own store reads sealed rows only while a staff
    // account that reads results is signed in, as in the clinic.
    std::unique_ptr<kiosk::store::Store> Reader() const { return test_support::OpenStore(kiosk::store::StoreOptions{db_path}); }

    test_support::TempDir dir{"kiosk-ui"};
    std::string db_path;
    kiosk::ManualClock clock;
    std::unique_ptr<kiosk::ui::App> app;

protected:
    kiosk::ui::Frontend& Front() const override { return *app; }
};

// Checks the touch targets of the last frame: each at least 64 px tall at 1080p (scaled with the
// short side), inside the window across, and every visible one at least 8 px from every other and
// on screen. Targets a list scrolls out of view count for their size only.
inline void CheckTouchTargets(const Headless& k, float width, float height) {
    const float scale = std::min(width, height) / 1080.0f;
    const auto& targets = k.app->Tappables();
    REQUIRE_FALSE(targets.empty());
    for (size_t i = 0; i < targets.size(); ++i) {
        const kiosk::ui::Tappable& a = targets[i];
        CAPTURE(a.key);
        CHECK(a.full_max.y - a.full_min.y >= std::floor(64 * scale) - 0.5f);
        CHECK(a.full_min.x >= -0.5f);
        CHECK(a.full_max.x <= width + 0.5f);
        if (!a.visible) continue;
        CHECK(a.min.y >= -0.5f);
        CHECK(a.max.y <= height + 0.5f);
        for (size_t j = i + 1; j < targets.size(); ++j) {
            const kiosk::ui::Tappable& b = targets[j];
            if (!b.visible) continue;
            float dx = std::max({0.0f, a.min.x - b.max.x, b.min.x - a.max.x});
            float dy = std::max({0.0f, a.min.y - b.max.y, b.min.y - a.max.y});
            CAPTURE(b.key);
            CHECK(std::max(dx, dy) >= std::floor(8 * scale) - 0.5f);
        }
    }
}

}  // namespace ui_driver
