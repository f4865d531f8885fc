// Test helper: staff accounts added through the store as the tests' machine actor, and signing in
// on the glass as staff do: the name tapped on the list, then the PIN on the pad.
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "ui_driver.h"

namespace ui_driver {

// Adds an account as the tests' machine actor; an administrator's recovery code is returned.
inline std::string AddAccount(Headless& k, const std::string& name, kiosk::store::Role role, const std::string& pin) {
    // As an administrator signed in on the staff screen adds one: with the clinic key at hand, so
    // an account that reads results gets its wrapped copy.
    auto added = k.Reader()->AddStaff({name, role, pin}, kTestActor);
    REQUIRE_MESSAGE(added.ok(), added.error->Describe());
    return *added.value;
}

inline void TypePin(FrontendDriver& k, const std::string& pin) {
    for (char c : pin) k.Tap("pad:" + std::string(1, c));
}

// Types `text` on the on-screen keyboard (letters, digits and spaces).
inline void TypeText(Headless& k, const std::string& text) {
    for (char c : text) k.Tap(c == ' ' ? std::string("key:space") : "key:" + std::string(1, c));
}

// Staff open sign-in (Ctrl+Alt+S), tap `name` and type `pin`.
inline void OpenAndType(Headless& k, const std::string& name, const std::string& pin) {
    k.app->OpenStaff();
    k.Frame();
    REQUIRE(k.Screen() == "staff:sign_in");
    k.Tap("staff:sign_in:" + name);
    REQUIRE(k.Screen() == "staff:pin");
    TypePin(k, pin);
    k.Tap("pin:enter");
}

inline void SignIn(Headless& k, const std::string& name = kAdmin, const std::string& pin = kAdminPin) {
    OpenAndType(k, name, pin);
    REQUIRE_MESSAGE(k.Screen() == "staff:menu", "signing in as " << name << ": " << k.DrawnText());
}

inline std::vector<kiosk::store::AuditEntry> Audit(Headless& k) {
    auto recent = k.app->Store()->RecentAudit(500);
    REQUIRE(recent.ok());
    return *recent.value;
}

// The newest audit row with this action, if any.
inline std::optional<kiosk::store::AuditEntry> Audited(Headless& k, const std::string& action) {
    for (const kiosk::store::AuditEntry& row : Audit(k))
        if (row.action == action) return row;
    return std::nullopt;
}

// The keys of the last frame that start with `prefix`.
inline std::vector<std::string> KeysStarting(const Headless& k, const std::string& prefix) {
    std::vector<std::string> keys;
    for (const kiosk::ui::Tappable& t : k.app->Tappables())
        if (t.key.rfind(prefix, 0) == 0) keys.push_back(t.key);
    return keys;
}

}  // namespace ui_driver
