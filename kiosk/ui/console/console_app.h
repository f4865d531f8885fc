// The front-desk console (`kiosk console`): the clinic server's results of every kiosk of the site
// on a board, urgent alerts that ring the moment the server notifies them, the kiosks' health, and
// exports, for staff signed in by name and PIN with accounts kept on the server. A desktop window,
// drawn headless like the kiosk's App; tests drive it the same way.
//
// One thread: each frame polls the server's notifications without blocking (a few microseconds
// when none came) and the window wakes at least every kPollEvery, so an alert is on screen within a
// second of the kiosk's commit. Lists are read again after a notification, after an action, and
// every kRefreshEvery.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "rules/screening.h"
#include "server/console_client.h"
#include "ui/console/console_screens.h"
#include "ui/fonts.h"
#include "ui/frontend.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace kiosk::ui {

struct ConsoleOptions {
    std::string conninfo;          // the console's login: a postgresql:// URI (kiosk console --server)
    std::string screening_path;    // the screening the kiosks run: outcome labels and reason texts
    std::string export_folder;     // where exports are written; empty: export is not offered
    std::chrono::seconds lock_after{300};      // signed in and untouched this long: locked
    std::chrono::seconds escalate_after{120};  // an alert unacknowledged this long: escalated
    // Run (by /bin/sh -c) when an alert escalates, with ALERT_ID, ALERT_KIOSK and ALERT_SITE in its
    // environment: a pager, a message. Empty: the louder sound only.
    std::string escalation_command;
    const Clock* clock = nullptr;  // nullptr: the system clock
    // The alarm sound: called when it must change (Off, Ring, Loud). Empty: no sound device code at all.
    std::function<void(console::AlarmLevel)> alarm;
    // Why there is no sound ("no sound device: ..."), shown on every screen; empty: the alarm sounds.
    std::string sound_problem;
};

class ConsoleApp final : public Frontend {
public:
    explicit ConsoleApp(ConsoleOptions options);
    ~ConsoleApp() override;
    ConsoleApp(const ConsoleApp&) = delete;
    ConsoleApp& operator=(const ConsoleApp&) = delete;

    void BuildFonts(ImFontAtlas& atlas, ImVec2 display_size) override;
    bool PrepareFrame(ImVec2 display_size) override;
    void DrawFrame() override;
    double SecondsUntilWake() const override;
    void RequestClose() override { m_quit = true; }
    bool QuitRequested() const override { return m_quit; }
    void OpenStaff() override {}
    const std::vector<Tappable>& Tappables() const override { return m_tappables; }
    // "console:offline", "console:sign_in", "console:pin", "console:board", "console:result",
    // "console:kiosks", "console:export", "console:audit".
    std::string CurrentScreen() const override;

    // How often the window wakes to look for notifications, and reads the lists again.
    static constexpr std::chrono::milliseconds kPollEvery{250};
    static constexpr std::chrono::seconds kRefreshEvery{5};
    static constexpr std::chrono::seconds kReconnectEvery{5};

    // For tests: the open alerts as last read, the signed-in account ("" when locked), and the
    // alarm's level now.
    const std::vector<server::ServerAlert>& OpenAlerts() const { return m_alerts; }
    const std::string& SignedIn() const { return m_account; }
    console::AlarmLevel Alarm() const { return m_alarm; }
    const std::string& LinkProblem() const { return m_link_problem; }

private:
    SteadyTime Now() const { return m_clock->Monotonic(); }
    void Connect();
    void LinkLost(const server::ServerError& error);
    // Notifications first (an alert read at once), then the periodic reads.
    void Service();
    void ReadAlerts();
    void ReadBoard();
    void ReadKiosks();
    void Escalate();
    void ReapCommands();
    void SetAlarm();
    void NoteInput();
    void Lock(const std::string& why);
    void Apply(const console::ConsoleIntent& intent);
    void SignIn(const std::string& pin);
    void Export(int format);
    std::string Actor() const { return "staff:" + m_account; }
    bool Allows(store::Permission permission) const;

    ConsoleOptions m_options;
    SystemClock m_system_clock;
    const Clock* m_clock;
    std::unique_ptr<rules::Screening> m_screening;
    std::string m_screening_problem;

    std::unique_ptr<server::ConsoleClient> m_client;
    std::string m_link_problem;       // why the server is not reached now; empty: connected
    SteadyTime m_next_connect{}, m_next_refresh{};

    // Signed in: the account, its role and the clinic keys it unlocked; all wiped by Lock().
    std::string m_account;
    store::Role m_role = store::Role::FrontDesk;
    server::KeyRing m_keys;
    SteadyTime m_last_input{};

    console::Screen m_screen = console::Screen::SignIn;
    bool m_to_top = true;
    console::ConsoleState m_state;    // what the screens show and their UI state

    std::vector<server::ServerAlert> m_alerts;
    std::map<std::string, SteadyTime> m_first_seen;   // open alerts: when this console first showed them
    std::set<std::string> m_escalated;                // escalated here (or found escalated on the server)
    std::vector<int> m_commands;                       // escalation commands running (pids)
    console::AlarmLevel m_alarm = console::AlarmLevel::Off;

    std::vector<Tappable> m_tappables;
    Metrics m_metrics;
    Theme m_theme = Theme::Normal();
    Fonts m_fonts;
    bool m_quit = false;
};

}  // namespace kiosk::ui
