// Staff sign-in and accounts: the name (tapped or typed), then the PIN; an administrator's
// break-glass recovery code with a reason; the forced replacement of a spent recovery code before
// anything else; and the administrator's staff screen (new PIN, unlock, disable, add). The store
// decides and audits each step; this file only carries what was typed to it and its answer back.
#include <algorithm>
#include <cctype>

#include "ui/staff_state.h"

namespace kiosk::ui {

using staff::Intent;
using staff::NamePurpose;
using staff::PinPurpose;
using staff::Screen;
using namespace staff_detail;

namespace {

// A secret typed on the pad, wiped (sodium_memzero) when the function that used it returns.
struct WipedOnReturn {
    std::string& secret;
    ~WipedOnReturn() { store::WipeSecret(secret); }
};

// Names compare as the store's column does: ASCII letters without case.
bool SameName(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

const store::StaffAccount* Find(const std::vector<store::StaffAccount>& accounts, const std::string& name) {
    for (const store::StaffAccount& a : accounts)
        if (SameName(a.name, name)) return &a;
    return nullptr;
}

const char* kNoAccount = "No active account has that name.";

}  // namespace

void StaffMode::State::LoadSignIn(const StaffContext& c) {
    sign_in = staff::SignInView{};
    if (!c.store) return;
    auto read = c.store->ListStaff(false, UnixSeconds(*c.clock));
    if (read.ok()) sign_in.accounts = std::move(*read.value);
    else sign_in.problem = "The staff accounts cannot be read: " + read.error->Describe();
}

void StaffMode::State::ChooseAccount(const std::string& name) {
    const store::StaffAccount* chosen = Find(sign_in.accounts, name);
    if (!chosen) return;
    pin = staff::PinUi{};
    pin.purpose = PinPurpose::SignIn;
    pin.account = chosen->name;
    pin.admin = chosen->role == store::Role::Admin;
    Go(Screen::Pin);
}

void StaffMode::State::AskName(NamePurpose purpose, Screen back_to) {
    name_ui = staff::NameUi{};
    name_ui.purpose = purpose;
    name_ui.back_to = back_to;
    Go(Screen::Name);
}

void StaffMode::State::NameEntered(Ui& ui, const StaffContext& c) {
    const std::string typed = Trimmed(name_ui.text);
    if (!c.store) return;
    switch (name_ui.purpose) {
        case NamePurpose::SignIn: {
            if (typed.empty()) {
                name_ui.message = "Type your name first.";
                return;
            }
            // The list already shows every active name: saying that this one is not there tells nothing more.
            LoadSignIn(c);
            if (!Find(sign_in.accounts, typed)) {
                name_ui.message = sign_in.problem.empty() ? kNoAccount : sign_in.problem;
                return;
            }
            ChooseAccount(typed);
            return;
        }
        case NamePurpose::Reason: {
            if (typed.empty()) {
                name_ui.message = "Type why the recovery code is used: it is required, and kept in the audit log.";
                return;
            }
            std::string code = std::move(recovery_digits);
            WipedOnReturn wipe_code{code};
            store::WipeSecret(recovery_digits);
            store::Store::SignIn check = c.store->SignInWithRecoveryCode(pin.account, code, typed, UnixSeconds(*c.clock));
            using Status = store::Store::SignIn::Status;
            pin.digits.clear();
            switch (check.status) {
                case Status::Ok:
                    reading = ReadingUnlock(check.key ? c.store : nullptr, check.key);
                    SignedIn(ui, c, check.account, true);
                    return;
                case Status::Wrong:
                case Status::LockedOut: pin.message = "Wrong recovery code. Check it against the paper and type it again."; break;
                case Status::NoAccount: pin.message = kNoAccount; break;
                case Status::StoreError:
                    pin.message = "Not signed in: " + (check.error ? Plain(*check.error) : std::string("database error"));
                    break;
            }
            Go(Screen::Pin);
            return;
        }
        case NamePurpose::NewAccount: {
            if (std::optional<std::string> problem = store::NameProblem(typed)) {
                name_ui.message = Sentence(*problem);
                return;
            }
            if (Find(staff.accounts, typed)) {
                name_ui.message = "An account named \"" + typed + "\" already exists (disabled accounts keep their names).";
                return;
            }
            staff.new_name = typed;
            Go(Screen::NewRole);
            return;
        }
    }
}

void StaffMode::State::EnterPin(Ui& ui, const StaffContext& c) {
    if (!c.store) return;
    // The typed digits are wiped whichever way this returns (a PIN unwraps the clinic key).
    std::string digits = std::move(pin.digits);
    WipedOnReturn wipe_digits{digits};
    store::WipeSecret(pin.digits);
    using Status = store::Store::SignIn::Status;
    switch (pin.purpose) {
        case PinPurpose::SignIn: {
            store::Store::SignIn check = c.store->SignInWithPin(pin.account, digits, UnixSeconds(*c.clock));
            switch (check.status) {
                case Status::Ok:
                    reading = ReadingUnlock(check.key ? c.store : nullptr, check.key);
                    SignedIn(ui, c, check.account, false);
                    return;
                case Status::Wrong: {
                    int left = store::kFreeAttempts - check.failures;
                    if (check.seconds_locked > 0)
                        pin.message = "Wrong PIN. Too many wrong PINs: try again in " + std::to_string(check.seconds_locked) + " s.";
                    else if (left > 0)
                        pin.message = "Wrong PIN. " +
                                      Plural(static_cast<size_t>(left), "more wrong PIN locks", "more wrong PINs lock") +
                                      " this account for a while.";
                    else
                        pin.message = "Wrong PIN.";
                    return;
                }
                case Status::LockedOut:
                    pin.message = "Too many wrong PINs: try again in " + std::to_string(check.seconds_locked) + " s.";
                    return;
                case Status::NoAccount: pin.message = kNoAccount; return;
                case Status::StoreError:
                    // Refused, the right PIN too: an attempt that cannot be counted and audited does not count.
                    pin.message = "The PIN was not checked: the attempt cannot be recorded (" +
                                  (check.error ? check.error->Describe() : std::string("database error")) +
                                  "). Nobody can sign in until the database can be written.";
                    return;
            }
            return;
        }
        case PinPurpose::Recovery:
            if (digits.size() != static_cast<size_t>(store::kRecoveryDigits)) {
                pin.message = "A recovery code has " + std::to_string(store::kRecoveryDigits) + " digits.";
                return;
            }
            recovery_digits = digits;
            pin.message.clear();
            AskName(NamePurpose::Reason, Screen::Pin);
            return;
        case PinPurpose::OwnPin:
        case PinPurpose::AccountPin:
        case PinPurpose::NewAccount: break;
    }

    // A new PIN: typed twice, checked as the store will.
    if (std::optional<std::string> problem = store::PinProblem(digits)) {
        pin.message = Sentence(*problem);
        return;
    }
    if (pin.first.empty()) {
        pin.first = digits;
        pin.message.clear();
        return;
    }
    if (pin.first != digits) {
        store::WipeSecret(pin.first);
        pin.message = "The two PINs differ. Choose one again.";
        return;
    }
    store::WipeSecret(pin.first);
    const std::string who = pin.account;
    store::Result<std::string> done;
    if (pin.purpose == PinPurpose::NewAccount)
        done = c.store->AddStaff(store::Store::NewStaff{who, staff.new_role, digits}, Actor());
    else
        done = c.store->SetStaffPin(who, digits, Actor());
    if (!done.ok()) {
        pin.message = (pin.purpose == PinPurpose::NewAccount ? "Not added: " : "The PIN was not saved: ") + Plain(*done.error);
        return;
    }
    const PinPurpose purpose = pin.purpose;
    pin = staff::PinUi{};
    if (purpose == PinPurpose::OwnPin) {
        // Signed in with the recovery code: the new PIN came with a new code, which must be seen once.
        new_code = staff::NewCodeUi{account.name, *done.value, "", Screen::Menu};
        if (new_code.digits.empty()) MakeNewCode(c);
        else Go(Screen::NewCode);
        return;
    }
    LoadStaff(c);
    staff.message = purpose == PinPurpose::NewAccount
                        ? "Added " + who + " (" + store::RoleLabel(staff.new_role) + "). They can sign in now."
                        : "New PIN set for " + who + ".";
    if (!done.value->empty()) {
        new_code = staff::NewCodeUi{who, *done.value, "", Screen::Staff};
        Go(Screen::NewCode);
        return;
    }
    Go(Screen::Staff);
}

void StaffMode::State::SignedIn(Ui& ui, const StaffContext& c, const store::StaffAccount& who, bool with_recovery_code) {
    signed_in = true;
    account = who;
    recovery_digits.clear();
    pin = staff::PinUi{};
    if (!who.recovery_used) {
        Open(Screen::Menu, ui, c);
        return;
    }
    // A spent recovery code is replaced before anything else: a new PIN first when it was the way in.
    code_pending = true;
    if (with_recovery_code) {
        pin.purpose = PinPurpose::OwnPin;
        pin.account = who.name;
        Go(Screen::Pin);
    } else {
        MakeNewCode(c);
    }
}

void StaffMode::State::MakeNewCode(const StaffContext& c) {
    new_code = staff::NewCodeUi{account.name, "", "", Screen::Menu};
    if (c.store) {
        store::Result<std::string> made = c.store->ReplaceRecoveryCode(account.name, Actor());
        if (made.ok()) new_code.digits = *made.value;
        else new_code.message = "No new code was made: " + Plain(*made.error);
    }
    Go(Screen::NewCode);
}

void StaffMode::State::CodeDone(Ui& ui, const StaffContext& c) {
    if (new_code.digits.empty()) return;
    const Screen after = new_code.after;
    new_code = staff::NewCodeUi{};  // shown once: not kept after this
    code_pending = false;
    if (after == Screen::Staff) {
        Go(Screen::Staff);
        return;
    }
    Open(Screen::Menu, ui, c);
    notice = "The new recovery code is in place; the old one no longer works.";
}

void StaffMode::State::LoadStaff(const StaffContext& c) {
    staff.accounts.clear();
    if (!c.store) return;
    auto read = c.store->ListStaff(true, UnixSeconds(*c.clock));
    if (read.ok()) {
        staff.accounts = std::move(*read.value);
    } else {
        staff.message = "The staff accounts cannot be read: " + read.error->Describe();
        staff.failed = true;
    }
}

void StaffMode::State::StaffAction(const Intent& intent, const StaffContext& c) {
    if (!c.store || !May(store::Permission::ManageStaff)) return;
    using Kind = Intent::Kind;
    auto report = [&](const store::Result<bool>& done, const std::string& ok) {
        LoadStaff(c);
        staff.failed = !done.ok() || !*done.value;
        staff.message = !done.ok() ? "Not done: " + Plain(*done.error) : *done.value ? ok : kNoAccount;
    };
    switch (intent.kind) {
        case Kind::AccountPin:
            pin = staff::PinUi{};
            pin.purpose = PinPurpose::AccountPin;
            pin.account = intent.id;
            Go(Screen::Pin);
            break;
        case Kind::Unlock: report(c.store->UnlockStaff(intent.id, Actor()), intent.id + " is unlocked."); break;
        case Kind::Disable:
            staff.target = intent.id;
            Go(Screen::ConfirmDisable);
            break;
        case Kind::ConfirmDisable: {
            const std::string target = staff.target;
            report(c.store->DisableStaff(target, Actor()), target + " is disabled and can no longer sign in.");
            staff.target.clear();
            if (SameName(target, account.name) && !staff.failed) {
                // Disabled oneself: nothing more can be done as this account.
                c.store->Audit(Actor(), "lock", "the account was disabled");
                *this = State{};
                return;
            }
            Go(Screen::Staff);
            break;
        }
        case Kind::AddAccount:
            staff.new_name.clear();
            AskName(NamePurpose::NewAccount, Screen::Staff);
            break;
        case Kind::ChooseRole:
            staff.new_role = static_cast<store::Role>(intent.value);
            pin = staff::PinUi{};
            pin.purpose = PinPurpose::NewAccount;
            pin.account = staff.new_name;
            Go(Screen::Pin);
            break;
        default: break;
    }
}

}  // namespace kiosk::ui
