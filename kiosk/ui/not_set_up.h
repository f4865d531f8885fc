// What a kiosk with no administrator says, on the patient side and to staff alike: it serves no
// patient, and the first administrator is added on the machine's terminal, never on the glass.
#pragma once

namespace kiosk::ui {

inline constexpr const char* kNotSetUpTitle = "This kiosk is not set up yet.";
inline constexpr const char* kNotSetUpTitleEs = "Este quiosco a\xC3\xBAn no est\xC3\xA1 configurado.";
inline constexpr const char* kNotSetUpHow =
    "See the installation guide: an administrator is added on this machine's terminal with kiosk staff add NAME --role admin "
    "(a database from an older kiosk: an administrator runs kiosk keys init --as NAME).";

}  // namespace kiosk::ui
