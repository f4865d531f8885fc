// Staff mode's state for one visit (from the corner press to the lock) and what it does with the
// store, shared by ui/staff.cpp (reads and actions) and ui/staff_sign_in.cpp (sign-in, break-glass,
// the recovery code, staff accounts). Everything here goes when staff mode locks: the whole State
// is replaced, so no patient data, PIN digit or recovery code outlives the visit.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/export_job.h"
#include "ui/staff.h"
#include "ui/staff/staff_screens.h"

namespace kiosk::ui {

// Reading sealed results unlocked in the store for one visit: locked again when the visit's
// state goes (sign-out, the auto-lock, closing), however it goes.
class ReadingUnlock {
public:
    ReadingUnlock() = default;
    ReadingUnlock(store::Store* store, std::shared_ptr<const store::ClinicKey> key) : m_store(store) {
        if (m_store) m_store->UnlockReading(std::move(key));
    }
    ~ReadingUnlock() { Release(); }
    ReadingUnlock(ReadingUnlock&& other) noexcept : m_store(std::exchange(other.m_store, nullptr)) {}
    ReadingUnlock& operator=(ReadingUnlock&& other) noexcept {
        if (this != &other) {
            Release();
            m_store = std::exchange(other.m_store, nullptr);
        }
        return *this;
    }

private:
    void Release() {
        if (m_store) m_store->LockReading();
        m_store = nullptr;
    }
    store::Store* m_store = nullptr;
};

struct StaffMode::State {
    staff::Screen screen = staff::Screen::Closed;
    bool signed_in = false;
    store::StaffAccount account;    // who signed in: the actor of everything done in this visit
    ReadingUnlock reading;          // the account's clinic key, when it reads results
    bool code_pending = false;      // signed in, but a spent recovery code must be replaced before anything else
    bool to_top = true;             // the screen was just opened: start it scrolled to the top
    SteadyTime last_touch{};        // Clock::Monotonic(): the auto-lock ignores steps of the wall clock
    std::string notice;             // what the last action did, on the menu

    staff::SignInView sign_in;
    staff::PinUi pin;
    std::string recovery_digits;    // the recovery code typed, until the reason is typed
    staff::NewCodeUi new_code;
    staff::StaffUi staff;
    staff::SessionUi session;
    staff::QueueUi queue;
    staff::NameUi name_ui;
    staff::ExportUi export_ui;
    staff::SettingsUi settings;

    // Read from the store when a screen opens or an action changed it, not every frame. Results
    // hold patient data: all of it goes when staff mode locks.
    staff::MenuView menu;
    std::vector<store::StoredSubmission> rows;
    std::vector<staff::ResultView> results;
    std::string queue_problem;
    staff::ResultView result;       // the open one, with its answers
    std::string result_notice;
    std::vector<staff::AlertView> alerts;
    std::string alerts_notice;

    // "staff:<name>" of the signed-in account; nobody's ("staff", refused by the store) before.
    std::string Actor() const { return signed_in ? store::StaffActor(account.name) : std::string("staff"); }
    // Signed in, the role allows it, and no recovery code is waiting to be replaced.
    bool May(store::Permission permission) const {
        return signed_in && !code_pending && store::Allows(account.role, permission);
    }

    void Go(staff::Screen to) {
        screen = to;
        to_top = true;
    }

    // ui/staff.cpp: reading for the screens, navigation, and the actions of the menu's screens.
    void LoadMenu(const StaffContext& c);
    void LoadQueue(Ui& ui, const StaffContext& c);
    bool OpenResult(Ui& ui, const StaffContext& c, const std::string& id);
    void LoadAlerts(const StaffContext& c);
    void LoadSettings(const StaffContext& c);
    void Open(staff::Screen to, Ui& ui, const StaffContext& c);
    void Back(Ui& ui, const StaffContext& c);
    void Review(Ui& ui, const StaffContext& c, const std::string& id);
    void Acknowledge(const StaffContext& c, const std::string& id);
    // An export as the export screen set it up: encrypted to the passphrase typed twice, or plain
    // for an administrator who chose it; refused on screen while the folder is no stick (when required).
    void Export(store::ExportFormat format, const StaffContext& c);
    // Reads whether the export folder is a removable stick now (store/export/removable.h).
    void CheckExportFolder(const StaffContext& c);
    // Wipes the typed passphrases: on leaving the export screen, and before staff mode locks.
    void ForgetPassphrases();
    bool SaveSettings(const StaffContext& c);

    // ui/staff_sign_in.cpp.
    void LoadSignIn(const StaffContext& c);
    void ChooseAccount(const std::string& name);
    void AskName(staff::NamePurpose purpose, staff::Screen back_to);
    void NameEntered(Ui& ui, const StaffContext& c);
    void EnterPin(Ui& ui, const StaffContext& c);
    void SignedIn(Ui& ui, const StaffContext& c, const store::StaffAccount& who, bool with_recovery_code);
    void MakeNewCode(const StaffContext& c);
    void CodeDone(Ui& ui, const StaffContext& c);
    void LoadStaff(const StaffContext& c);
    void StaffAction(const staff::Intent& intent, const StaffContext& c);
};

namespace staff_detail {

int64_t UnixSeconds(const Clock& clock);
// "a staff PIN has at least 8 digits" -> "A staff PIN has at least 8 digits."
std::string Sentence(std::string text);
std::string Trimmed(const std::string& text);
std::string Plural(size_t n, const char* one, const char* many);
// A store error in plain words: the store's own reason for refusals and checks (a role, the last
// administrator, a taken name, a short PIN), the full description for database failures.
std::string Plain(const store::DbError& error);

}  // namespace staff_detail

}  // namespace kiosk::ui
