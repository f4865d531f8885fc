// Staff mode: a PIN pad, then reset the session, the queue, urgent alerts, export, settings, lock.
// Owned by the App; draws over the patient screen while open. Never shows the interrupted
// patient's answers unless staff ask for them.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/session.h"
#include "rules/screening.h"
#include "store/store.h"
#include "ui/widgets.h"

namespace kiosk::ui {

// The settings staff change at the kiosk, saved with Store::SetSetting under these keys (the
// same names as in kiosk.toml). A value saved at the kiosk wins over kiosk.toml: it is the later,
// deliberate change. The App reads them at start and after StaffAction::settings_changed.
inline constexpr const char* kSettingIdleWarning = "idle_warning_seconds";   // integer seconds
inline constexpr const char* kSettingIdleReset = "idle_reset_seconds";       // integer seconds
inline constexpr const char* kSettingDefaultLanguage = "default_language";   // a language code of the screening

// What staff may choose at the kiosk (kiosk.toml allows wider values for IT).
inline constexpr int kIdleMinSeconds = 30;
inline constexpr int kIdleMaxSeconds = 600;
inline constexpr int kIdleMinCountdown = 10;  // the reset comes at least this long after the warning

struct KioskSettings {
    std::chrono::seconds idle_warning{90};
    std::chrono::seconds idle_reset{120};
    std::string default_language;  // empty: the screening's first language
};

// Why staff may not save `settings`, one sentence; nullopt when they may. `screening` (may be
// null) names the languages a default may be.
std::optional<std::string> SettingsProblem(const KioskSettings& settings, const rules::Screening* screening);

// `base` (the configuration's values) with what staff saved in `store` applied. A saved value that
// is not a number, a language the screening lacks, or a warning not before the reset is ignored
// (all saved values then, so the two times stay a pair) and described in `problem` when given.
KioskSettings ReadKioskSettings(store::Store& store, const rules::Screening* screening, KioskSettings base,
                                std::string* problem = nullptr);

// What staff mode needs from the app. Pointers may be null when the kiosk is out of order
// (no screening or no database): staff then see the fault and can still lock.
struct StaffContext {
    store::Store* store = nullptr;
    const rules::Screening* screening = nullptr;
    const Clock* clock = nullptr;
    std::string kiosk_id;
    std::string export_folder;     // from the configuration; empty: export explains how to set it
    std::string fault;             // why the kiosk is out of order, shown to staff only
    std::string store_problem;     // the last database error the patient side met
    const Session* session = nullptr;  // the interrupted patient session (its state, not its answers)
    KioskSettings settings;        // in force now; the settings screen starts from these (and the store's)
};

// What the app must do after a staff frame.
struct StaffAction {
    bool reset_session = false;    // staff confirmed "reset the current session" (staff mode has locked)
    bool quit = false;             // staff asked to close the kiosk
    bool settings_changed = false; // idle times or default language were saved: re-read them
};

class StaffMode {
public:
    StaffMode();
    ~StaffMode();
    StaffMode(const StaffMode&) = delete;
    StaffMode& operator=(const StaffMode&) = delete;

    bool IsOpen() const;
    // The PIN was accepted in this visit. Without a database no PIN can be checked: staff mode
    // then opens on the fault alone (it holds no patient data) and is never authenticated, so
    // nothing that needs a PIN (reset, export, quit) is offered.
    bool Authenticated() const;
    // Opens the PIN pad (or the first-run "choose a PIN" screen when the database has none).
    void Enter(const StaffContext& context);
    // Draws the open staff screen (fullscreen, over the patient screen) and returns what the app must do.
    StaffAction Draw(Ui& ui, const StaffContext& context);
    // Locks after a minute without a touch; call every frame.
    void Tick(const StaffContext& context);
    // Seconds until Tick() must run again (the auto-lock); negative when closed.
    double SecondsUntilWake(const StaffContext& context) const;
    std::string CurrentScreen() const;  // "staff:pin", "staff:menu", "staff:queue", ...

    static constexpr std::chrono::seconds kAutoLock{60};

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace kiosk::ui
