// The console's screens: each draws what ConsoleApp read from the server, keeps only UI state,
// and returns an intent that ConsoleApp acts on. Sign-in, the PIN pad and a result's detail are the
// kiosk's staff screens (ui/staff), shared; the board, the kiosks, export, the audit log and the
// alert banner are the console's own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/console_client.h"
#include "ui/staff/staff_screens.h"
#include "ui/widgets.h"

namespace kiosk::ui::console {

enum class AlarmLevel : uint8_t { Off, Ring, Loud };

enum class Screen : uint8_t { Offline, SignIn, Pin, Board, Result, Kiosks, Export, Audit };
const char* ScreenName(Screen screen);  // "console:board", ...

struct ConsoleIntent {
    enum class Kind : uint8_t {
        None,
        Open,          // go to `screen` (the tabs)
        Back,          // from a result to the board
        Lock,
        ChooseAccount, // id: the account's name
        NotYou,
        EnterPin,
        Acknowledge,   // id: an alert
        SignInFirst,   // the banner's button while no one is signed in
        OpenResult,    // id: a result
        Review,        // id: a result
        Day,           // value: -1 the day before, +1 the day after, 0 today
        Status,        // value: 0 to review, 1 all
        Kiosk,         // id: a kiosk id, "" every kiosk
        Export,        // value: store::ExportFormat
        Retry,         // offline: connect now
    };
    Kind kind = Kind::None;
    Screen screen = Screen::Board;
    std::string id;
    int value = 0;
};

// An open alert as the banner shows it.
struct BannerAlert {
    std::string id;
    std::string text;        // "Kiosk lobby-1: urgent, raised 10:42 (3 min ago)" and the red flag when unsealed
    bool escalated = false;
};

// A result's row on the board.
struct BoardRow {
    staff::ResultView result;
    std::string kiosk;
    std::string waiting;     // "waiting 12 min" until reviewed; "reviewed by Ana at 10:50" after
};

// A kiosk as the Kiosks screen shows it.
struct KioskRow {
    std::string kiosk;
    bool online = false;
    std::string state;       // "online, seen 12 s ago" / "OFFLINE since 10:02 (14 min)" / "never connected"
    std::string queue;       // "0 waiting" / "3 waiting, oldest 5 min"
    std::string screening;   // "default 1.2"
    bool older_screening = false;  // runs another screening (version or content) than this console's file
    std::string out_of_order;
};

struct BoardUi {
    int day_offset = 0;      // 0 today, -1 yesterday, ...
    bool all = false;        // false: to review only
    std::string kiosk;       // "" every kiosk
};

// What the screens show and their UI state; ConsoleApp fills it, Lock() wipes it.
struct ConsoleState {
    staff::SignInView sign_in;
    staff::PinUi pin;
    std::string who;                         // "Ana Ruiz, clinician"
    std::string site, console;
    std::vector<BannerAlert> banner;
    bool may_acknowledge = false;
    std::string sound_problem;
    std::string link_problem;
    std::string day;                         // the board's day, "2026-12-02"
    std::vector<BoardRow> board;
    std::vector<std::string> kiosk_ids;      // for the filter
    BoardUi board_ui;
    std::string board_problem;
    staff::ResultView result;                // the open one
    std::string result_kiosk;
    std::vector<KioskRow> kiosks;
    std::string kiosks_problem;
    std::vector<server::ConsoleAuditEntry> audit;
    std::string audit_problem;
    std::string export_folder;
    std::string export_result;
    bool export_failed = false;
    bool may_export = false, may_open = false, may_review = false;
    std::string notice;                      // what the last action did, or why it failed
    bool notice_failed = false;
};

// The red band above every screen while an alert is open; its Acknowledge buttons ("alert:ack:ID")
// or, with no one signed in, "Sign in to acknowledge" ("alert:sign_in").
ConsoleIntent DrawBanner(Ui& ui, const ConsoleState& state);
// The line under the banner when there is no sound device or the server is not reached.
void DrawStatusLines(Ui& ui, const ConsoleState& state);
ConsoleIntent DrawOffline(Ui& ui, bool to_top);
// Board, Kiosks, Export and Audit share a row of tabs ("console:tab:board", ...) and Lock.
ConsoleIntent DrawBoard(Ui& ui, const ConsoleState& state, bool to_top);
ConsoleIntent DrawKiosks(Ui& ui, const ConsoleState& state, bool to_top);
ConsoleIntent DrawExport(Ui& ui, const ConsoleState& state, bool to_top);
ConsoleIntent DrawAudit(Ui& ui, const ConsoleState& state, bool to_top);
// A staff screen's intent in the console's terms.
ConsoleIntent FromStaff(const staff::Intent& intent);

}  // namespace kiosk::ui::console
