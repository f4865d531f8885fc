// A staff account signed in at the terminal, for commands that act as a person (kiosk export --plain).
#include "cli/terminal_sign_in.h"

#include <chrono>
#include <ostream>

#include "cli/pin_entry.h"
#include "store/export/encrypted_file.h"

namespace kiosk {

std::optional<store::StaffAccount> SignInAtTerminal(store::Store& db, const std::string& name, std::istream& in, std::ostream& out,
                                                    std::ostream& err, const std::string& prefix, const std::string& not_done) {
    std::optional<std::string> pin = ReadSecretLine(in, out, "PIN for " + name + ": ");
    if (!pin) {
        err << prefix << "no PIN was given for " << name << "; " << not_done << "\n";
        return std::nullopt;
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    store::Store::SignIn signed_in = db.SignInWithPin(name, *pin, now);
    store::WipeSecret(*pin);
    using Status = store::Store::SignIn::Status;
    switch (signed_in.status) {
        case Status::Ok: return signed_in.account;
        case Status::Wrong:
            err << prefix << "wrong PIN for " << name << " (" << signed_in.failures << " in a row"
                << (signed_in.seconds_locked > 0 ? ", now locked for " + std::to_string(signed_in.seconds_locked) + " s" : std::string())
                << "); " << not_done << "\n";
            break;
        case Status::LockedOut: err << prefix << name << " is locked out for " << signed_in.seconds_locked << " s more; " << not_done << "\n"; break;
        case Status::NoAccount: err << prefix << "no active account is named \"" << name << "\"; " << not_done << "\n"; break;
        case Status::StoreError:
            err << prefix << "the sign-in could not be recorded, so it is refused: "
                << (signed_in.error ? signed_in.error->Describe() : std::string("unknown error")) << "\n";
            break;
    }
    return std::nullopt;
}

}  // namespace kiosk
