// Staff mode: sign-in by name then PIN (per-person accounts), then what the account's role may do:
// reset the session, urgent alerts, the queue, results, export, settings, staff accounts, lock.
// Owned by the App; draws over the patient screen while open. Never shows the interrupted
// patient's answers unless staff ask for them. A kiosk with no administrator offers no sign-in.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/session.h"
#include "core/settings.h"
#include "rules/screening.h"
#include "store/store.h"
#include "ui/widgets.h"

namespace kiosk::ui {

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
    KioskSettings settings;        // in force now, language resolved to a code of the screening; the
                                   // settings screen starts from these with the store's applied
    bool not_set_up = false;       // no active administrator: nobody can sign in, nothing is chosen here
    bool export_requires_removable = true;  // the export folder must be a removable stick (kiosk.toml)
    // Urgent alerts kept outside the database (Store::KeptAlerts), shown in a red banner on every
    // staff screen until they are moved in; the problem when the file cannot be read.
    std::vector<store::Alert> kept_alerts{};
    std::string kept_alerts_problem{};
    // The clinic server's line for the menu (AppOptions::clinic_server_status); empty: no server.
    std::function<std::string()> clinic_server_status{};
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
    // An account signed in during this visit. Without a database no PIN can be checked: staff mode
    // then opens on the fault alone (it holds no patient data) and is never authenticated, so
    // nothing that needs an account (reset, export, quit) is offered.
    bool Authenticated() const;
    // The signed-in account's role may do this now (and no spent recovery code waits to be replaced).
    bool May(store::Permission permission) const;
    // Opens the sign-in list; the fault alone without a database; "not set up" without an administrator.
    void Enter(const StaffContext& context);
    // Draws the open staff screen (fullscreen, over the patient screen) and returns what the app must do.
    StaffAction Draw(Ui& ui, const StaffContext& context);
    // Locks after a minute without a touch; call every frame.
    void Tick(const StaffContext& context);
    // Seconds until Tick() must run again (the auto-lock); negative when closed.
    double SecondsUntilWake(const StaffContext& context) const;
    std::string CurrentScreen() const;  // "staff:sign_in", "staff:pin", "staff:menu", "staff:queue", ...

    static constexpr std::chrono::seconds kAutoLock{60};

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace kiosk::ui
