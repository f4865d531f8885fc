// Staff accounts from the terminal as IT uses them (add, list, disable, set-pin, unlock), the
// enrolment race between two processes, and a review signed with the reviewer's own PIN.
#include <doctest/doctest.h>

#include "../support.h"
#include "run_kiosk.h"

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "store/store.h"

namespace store = kiosk::store;
using test_support::Kiosk;
using test_support::Run;
using test_support::kPaperAnswers;

namespace {

int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Two lines on standard input: the PIN and the same again, as a script types them.
std::string Twice(const std::string& pin) { return pin + "\n" + pin + "\n"; }

struct Clinic : test_support::TempDir {
    std::string db = File("clinic.db");
    Run Staff(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), "staff");
        args.push_back("--db");
        args.push_back(db);
        return Kiosk(args, input);
    }
    Run Add(const std::string& name, const std::string& role, const std::string& pin) {
        return Staff({"add", name, "--role", role}, Twice(pin));
    }
    // As the kiosk opens it: its key is the one the first administrator's `staff add` made.
    std::unique_ptr<store::Store> Open() {
        auto opened = store::Store::Open({db, 2000, 0, test_support::kTestPinCost});
        if (auto* error = std::get_if<store::DbError>(&opened)) FAIL(error->Describe());
        return std::move(std::get<std::unique_ptr<store::Store>>(opened));
    }
    store::AuditEntry LastAudit() {
        auto rows = Open()->RecentAudit(1);
        REQUIRE(rows.ok());
        REQUIRE(rows.value->size() == 1);
        return rows.value->front();
    }
    store::Store::SignIn::Status SignIn(const std::string& name, const std::string& pin) {
        return Open()->SignInWithPin(name, pin, Now()).status;
    }
    std::string Submit() {
        Run r = Kiosk({"submit", "--answers", Write("paper.json", kPaperAnswers), "--today", "2026-06-15", "--db", db});
        REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
        return r.out.substr(0, r.out.find('\n'));
    }
};

// The recovery code printed after "Recovery code for NAME: ".
std::string PrintedCode(const std::string& out, const std::string& name) {
    const std::string label = "Recovery code for " + name + ": ";
    size_t at = out.find(label);
    if (at == std::string::npos) return "";
    at += label.size();
    return out.substr(at, out.find('\n', at) - at);
}

}  // namespace

TEST_CASE("staff add, list, disable, set-pin and unlock each do what they say, audited as the terminal") {
    Clinic c;
    using Status = store::Store::SignIn::Status;

    Run admin = c.Add("Ana", "admin", "48291564");
    REQUIRE_MESSAGE(admin.code == kiosk::kExitOk, admin.err);
    CHECK(admin.out.find("Account \"Ana\" added (administrator).") != std::string::npos);
    CHECK(admin.out.find("keep it away from the kiosk") != std::string::npos);
    CHECK(admin.out.find("once") != std::string::npos);
    CHECK(admin.out.find("not stored") != std::string::npos);
    const std::string code = PrintedCode(admin.out, "Ana");
    CHECK(code.size() == 24);  // 20 digits in groups of four
    CHECK(c.LastAudit().actor == "cli");
    CHECK(c.LastAudit().action == "staff added");
    CHECK(c.LastAudit().detail == "Ana (administrator), with a recovery code");
    CHECK(c.SignIn("Ana", "48291564") == Status::Ok);

    Run clinician = c.Add("Bo", "clinician", "73510264");
    REQUIRE_MESSAGE(clinician.code == kiosk::kExitOk, clinician.err);
    CHECK(clinician.out.find("Recovery code") == std::string::npos);  // only administrators have one
    // Added on the terminal, which holds no clinic key: an account that cannot open results yet.
    CHECK(c.LastAudit().detail == "Bo (clinician), cannot read results yet");
    CHECK(clinician.out.find("Bo cannot open results yet") != std::string::npos);

    Run list = c.Staff({"list"});
    REQUIRE(list.code == kiosk::kExitOk);
    CHECK(list.out.find("Ana   administrator  active, recovery code: in place, reads results\n") != std::string::npos);
    CHECK(list.out.find("Bo    clinician      active, cannot read results yet\n") != std::string::npos);
    CHECK(list.out.find("2 accounts") != std::string::npos);

    SUBCASE("unlock clears a lockout that list shows") {
        auto db = c.Open();
        for (int i = 0; i < store::kFreeAttempts; ++i) db->SignInWithPin("Bo", "11111111", Now());
        CHECK(c.SignIn("Bo", "73510264") == Status::LockedOut);
        CHECK(c.Staff({"list"}).out.find("Bo    clinician      active, locked for ") != std::string::npos);
        Run unlock = c.Staff({"unlock", "Bo"});
        REQUIRE_MESSAGE(unlock.code == kiosk::kExitOk, unlock.err);
        CHECK(c.LastAudit().actor == "cli");
        CHECK(c.LastAudit().action == "staff unlocked");
        CHECK(c.LastAudit().detail == "Bo");
        CHECK(c.Staff({"list"}).out.find("Bo    clinician      active, cannot read results yet\n") != std::string::npos);
        CHECK(c.SignIn("Bo", "73510264") == Status::Ok);
    }
    SUBCASE("set-pin replaces the PIN; an administrator whose recovery code was used gets a new one") {
        Run pin = c.Staff({"set-pin", "bo"}, Twice("90274164"));  // any case finds the account
        REQUIRE_MESSAGE(pin.code == kiosk::kExitOk, pin.err);
        CHECK(c.LastAudit().actor == "cli");
        CHECK(c.LastAudit().action == "staff PIN changed");
        CHECK(c.LastAudit().detail == "Bo, cannot read results until granted");
        CHECK(c.SignIn("Bo", "73510264") == Status::Wrong);
        CHECK(c.SignIn("Bo", "90274164") == Status::Ok);

        REQUIRE(c.Open()->SignInWithRecoveryCode("Ana", code, "PIN forgotten", Now()).status == Status::Ok);
        CHECK(c.Staff({"list"}).out.find("Ana   administrator  active, recovery code: used: replace it") != std::string::npos);
        Run renewed = c.Staff({"set-pin", "Ana"}, Twice("56193864"));
        REQUIRE_MESSAGE(renewed.code == kiosk::kExitOk, renewed.err);
        const std::string fresh = PrintedCode(renewed.out, "Ana");
        CHECK(fresh.size() == 24);
        CHECK(fresh != code);
        // The terminal holds no clinic key to wrap under the new PIN: Ana's reading waits for a grant.
        CHECK(c.LastAudit().detail == "Ana, new recovery code issued, cannot read results until granted");
        CHECK(c.Open()->SignInWithRecoveryCode("Ana", fresh, "testing the new code", Now()).status == Status::Ok);

        Run nobody = c.Staff({"set-pin", "Cy"}, Twice("56193864"));
        CHECK(nobody.code == kiosk::kExitInvalid);
        CHECK(nobody.err.find("no active account is named \"Cy\"") != std::string::npos);
    }
    SUBCASE("disable stops the sign-in; the last active administrator stays") {
        Run disable = c.Staff({"disable", "Bo"});
        REQUIRE_MESSAGE(disable.code == kiosk::kExitOk, disable.err);
        CHECK(c.LastAudit().actor == "cli");
        CHECK(c.LastAudit().action == "staff disabled");
        CHECK(c.LastAudit().detail == "Bo");
        CHECK(c.SignIn("Bo", "73510264") == Status::NoAccount);
        CHECK(c.Staff({"list"}).out.find("Bo    clinician      disabled\n") != std::string::npos);

        const int64_t rows = *c.Open()->CountAudit().value;
        Run last = c.Staff({"disable", "Ana"});
        CHECK(last.code == kiosk::kExitInvalid);
        CHECK(last.err.find("\"Ana\" is the last active administrator; add another first") != std::string::npos);
        CHECK(*c.Open()->CountAudit().value == rows);
        CHECK(c.SignIn("Ana", "48291564") == Status::Ok);
        // With a second administrator the first may go.
        REQUIRE(c.Add("Cy", "admin", "61524364").code == kiosk::kExitOk);
        CHECK(c.Staff({"disable", "Ana"}).code == kiosk::kExitOk);
        CHECK(c.SignIn("Ana", "48291564") == Status::NoAccount);
    }
}

TEST_CASE("staff add refuses PINs that differ, a PIN the store refuses, a bad name and a taken name, storing nothing") {
    Clinic c;
    struct Refused {
        std::vector<std::string> args;
        std::string input, message;
    };
    const Refused cases[] = {
        {{"add", "Ana", "--role", "admin"}, "48291564\n48291664\n", "the two PINs differ; nothing stored"},
        {{"add", "Ana", "--role", "admin"}, "48291\n48291\n", "a staff PIN has at least 8 digits; nothing stored"},
        {{"add", "Ana", "--role", "admin"}, "11111111\n11111111\n", "a staff PIN cannot be one digit repeated; nothing stored"},
        {{"add", "Ana", "--role", "admin"}, "48291564\n", "the PIN is typed twice"},
        {{"add", " Ana", "--role", "admin"}, Twice("48291564"), "a name has no spaces at either end"},
        {{"add", std::string(41, 'a'), "--role", "admin"}, Twice("48291564"), "a name has at most 40 characters"},
    };
    for (const Refused& r : cases) {
        CAPTURE(r.message);
        Run run = c.Staff(r.args, r.input);
        CHECK(run.code == kiosk::kExitInvalid);
        CHECK(run.err.find("kiosk staff: " + r.message) != std::string::npos);
    }
    CHECK(c.Staff({"list"}).out.find("0 accounts") != std::string::npos);
    CHECK(*c.Open()->CountAudit().value == 0);

    REQUIRE(c.Add("Ana", "admin", "48291564").code == kiosk::kExitOk);
    for (const char* taken : {"Ana", "ANA", "ana"}) {
        CAPTURE(taken);
        Run again = c.Add(taken, "clinician", "73510264");
        CHECK(again.code == kiosk::kExitInvalid);
        CHECK(again.err.find("an account named \"Ana\" already exists") != std::string::npos);
    }
    CHECK(c.SignIn("Ana", "48291564") == store::Store::SignIn::Status::Ok);
    CHECK(c.Staff({"list"}).out.find("Ana   administrator") != std::string::npos);

    // Wrong usage: no role, a role that is none, set-pin without a name (it used to need none).
    CHECK(c.Staff({"add", "Bo"}).code == kiosk::kExitUsage);
    Run role = c.Staff({"add", "Bo", "--role", "doctor"});
    CHECK(role.code == kiosk::kExitUsage);
    CHECK(role.err.find("--role is front_desk, clinician or admin, not 'doctor'") != std::string::npos);
    Run nameless = c.Staff({"set-pin"}, Twice("48291564"));
    CHECK(nameless.code == kiosk::kExitUsage);
    CHECK(nameless.err.find("kiosk staff: staff set-pin needs the account's NAME") != std::string::npos);
    CHECK(c.Staff({"list", "--role", "admin"}).code == kiosk::kExitUsage);
}

TEST_CASE("staff list --admins answers whether the kiosk is set up: exit 4 without an active administrator") {
    Clinic c;
    Run none = c.Staff({"list", "--admins"});
    CHECK(none.code == kiosk::kExitNotSetUp);
    CHECK(none.err.find("kiosk staff add NAME --role admin") != std::string::npos);
    REQUIRE(c.Add("Bo", "clinician", "73510264").code == kiosk::kExitOk);
    CHECK(c.Staff({"list", "--admins"}).code == kiosk::kExitNotSetUp);
    REQUIRE(c.Add("Ana", "admin", "48291564").code == kiosk::kExitOk);
    Run set_up = c.Staff({"list", "--admins"});
    CHECK(set_up.code == kiosk::kExitOk);
    CHECK(set_up.out.find("Ana") != std::string::npos);
    CHECK(set_up.out.find("Bo") == std::string::npos);
    CHECK(set_up.out.find("1 active administrator\n") != std::string::npos);
}

TEST_CASE("at a terminal, staff add asks for the PIN twice and does not show it") {
    Clinic c;
    int terminal = -1;
    pid_t child = ::forkpty(&terminal, nullptr, nullptr, nullptr);
    REQUIRE(child >= 0);
    if (child == 0) {  // standard input is the pseudo-terminal: the command prompts with echo off
        int code = kiosk::RunCommandLine({"staff", "add", "Ana", "--role", "admin", "--db", c.db}, std::cout, std::cerr);
        std::cout.flush();
        ::_exit(code);
    }
    std::string seen;
    // Reads what the terminal shows until `text` appears (or 20 s pass, or the command ends).
    auto wait_for = [&](const std::string& text) {
        for (int waited = 0; seen.find(text) == std::string::npos && waited < 200; ++waited) {
            pollfd p{terminal, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char buffer[512];
            ssize_t n = ::read(terminal, buffer, sizeof buffer);
            if (n <= 0) break;
            seen.append(buffer, static_cast<size_t>(n));
        }
        return seen.find(text) != std::string::npos;
    };
    bool prompted = wait_for("New PIN for Ana (at least 8 digits): ");
    CHECK(prompted);
    REQUIRE(::write(terminal, "48291564\n", 9) == 9);
    prompted = wait_for("The same PIN again: ") && prompted;
    CHECK(prompted);
    REQUIRE(::write(terminal, "48291564\n", 9) == 9);
    const bool done = wait_for("it cannot be shown again.");
    CHECK(done);
    if (!done) ::kill(child, SIGKILL);  // a command still waiting for input fails the test, never hangs it
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    ::close(terminal);
    CAPTURE(seen);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == kiosk::kExitOk);
    CHECK(seen.find("48291564") == std::string::npos);  // typed twice, shown never
    CHECK(c.SignIn("Ana", "48291564") == store::Store::SignIn::Status::Ok);
}

TEST_CASE("the enrolment race: two processes add the same administrator at once, exactly one wins, the stored PIN is the winner's") {
    for (int round = 0; round < 4; ++round) {
        CAPTURE(round);
        Clinic c;
        const std::string pins[2] = {"48291564", "73510264"};
        int start[2];
        REQUIRE(::pipe(start) == 0);
        pid_t children[2];
        for (int i = 0; i < 2; ++i) {
            children[i] = ::fork();
            REQUIRE(children[i] >= 0);
            if (children[i] == 0) {
                ::close(start[1]);
                char go;
                [[maybe_unused]] ssize_t ignored = ::read(start[0], &go, 1);  // returns when the parent closes its end
                Run r = Kiosk({"staff", "add", "Ana", "--role", "admin", "--db", c.db}, Twice(pins[i]));
                std::ofstream(c.File("err" + std::to_string(i))) << r.err;
                ::_exit(r.code);
            }
        }
        ::close(start[0]);
        ::close(start[1]);  // both go
        int codes[2];
        for (int i = 0; i < 2; ++i) {
            int status = 0;
            REQUIRE(::waitpid(children[i], &status, 0) == children[i]);
            REQUIRE(WIFEXITED(status));
            codes[i] = WEXITSTATUS(status);
        }
        CHECK(((codes[0] == kiosk::kExitOk) != (codes[1] == kiosk::kExitOk)));
        const int winner = codes[0] == kiosk::kExitOk ? 0 : 1, loser = 1 - winner;
        CHECK(codes[loser] == kiosk::kExitInvalid);
        const std::string loser_said = test_support::ReadFile(c.File("err" + std::to_string(loser)));
        CAPTURE(loser_said);
        CHECK(loser_said.find("an account named \"Ana\" already exists") != std::string::npos);
        CHECK(c.SignIn("Ana", pins[winner]) == store::Store::SignIn::Status::Ok);
        CHECK(c.SignIn("Ana", pins[loser]) == store::Store::SignIn::Status::Wrong);
        CHECK(c.Staff({"list"}).out.find("1 account\n") != std::string::npos);
    }
}

TEST_CASE("review --as signs in with the reviewer's PIN: a front desk account is refused, a clinician reviews, a wrong PIN counts") {
    Clinic c;
    REQUIRE(c.Add("Ana", "admin", "48291564").code == kiosk::kExitOk);
    REQUIRE(c.Add("Flo", "front_desk", "60481764").code == kiosk::kExitOk);
    REQUIRE(c.Add("Dr Ruiz", "clinician", "73510264").code == kiosk::kExitOk);
    const std::string id = c.Submit();
    auto status_of = [&] {
        auto rows = c.Open()->Submissions(std::nullopt);
        REQUIRE(rows.ok());
        REQUIRE(rows.value->size() == 1);
        return rows.value->front();
    };

    SUBCASE("front desk: refused, audited, still pending") {
        Run r = Kiosk({"review", id, "--as", "Flo", "--db", c.db}, "60481764\n");
        CHECK(r.code == kiosk::kExitInvalid);
        CHECK(r.err.find("refused: a front desk may not mark a result reviewed") != std::string::npos);
        store::AuditEntry last = c.LastAudit();
        CHECK(last.actor == "staff:Flo");
        CHECK(last.action == "refused");
        CHECK(status_of().status == store::SubmissionStatus::Pending);
        CHECK(status_of().reviewed_by.empty());
    }
    SUBCASE("clinician: reviewed under the account's own name, and the CSV export says who") {
        Run r = Kiosk({"review", id, "--as", "dr ruiz", "--db", c.db}, "73510264\n");
        REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
        CHECK(r.out == id + " reviewed by Dr Ruiz\n");
        CHECK(status_of().status == store::SubmissionStatus::Reviewed);
        CHECK(status_of().reviewed_by == "Dr Ruiz");
        auto recent = c.Open()->RecentAudit(2);
        CHECK((*recent.value)[0].actor == "staff:Dr Ruiz");
        CHECK((*recent.value)[0].action == "review");
        CHECK((*recent.value)[1].action == "sign-in");

        const std::string csv = c.File("out.csv");
        // Ana, the first administrator, made the clinic key: her PIN unlocks the export.
        REQUIRE(Kiosk({"export", "--format", "csv", "--out", csv, "--as", "Ana", "--config", test_support::AnyFolderConfig(c), "--db", c.db},
                      std::string("48291564\n") + test_support::kPassphraseTwice)
                    .code == kiosk::kExitOk);
        Run opened = Kiosk({"decrypt-export", csv + ".kxp", "--out", "-"}, std::string(test_support::kPassphrase) + "\n");
        REQUIRE_MESSAGE(opened.code == kiosk::kExitOk, opened.err);
        const std::string text = opened.out;
        const std::string header = text.substr(0, text.find("\r\n"));
        CHECK(header.find(",status,reviewed_by,reviewed_at,") != std::string::npos);
        CHECK(text.find(",reviewed,Dr Ruiz," + status_of().reviewed_at + ",") != std::string::npos);
        CHECK(status_of().reviewed_at.size() == 24);

        Run again = Kiosk({"review", id, "--as", "Dr Ruiz", "--db", c.db}, "73510264\n");
        CHECK(again.code == kiosk::kExitInvalid);
        CHECK(again.err.find("no unreviewed result") != std::string::npos);
    }
    SUBCASE("wrong PIN: not reviewed, the failure counted on that account") {
        Run r = Kiosk({"review", id, "--as", "Dr Ruiz", "--db", c.db}, "11122264\n");
        CHECK(r.code == kiosk::kExitInvalid);
        CHECK(r.err.find("wrong PIN for Dr Ruiz (1 in a row)") != std::string::npos);
        CHECK(c.LastAudit().action == "sign-in failed");
        CHECK(status_of().status == store::SubmissionStatus::Pending);
        auto accounts = c.Open()->ListStaff(false, Now());
        for (const store::StaffAccount& a : *accounts.value) CHECK(a.failures == (a.name == "Dr Ruiz" ? 1 : 0));
        // No PIN at all, or no such account: nothing reviewed either.
        CHECK(Kiosk({"review", id, "--as", "Dr Ruiz", "--db", c.db}, "").code == kiosk::kExitInvalid);
        Run nobody = Kiosk({"review", id, "--as", "Dr Nobody", "--db", c.db}, "73510264\n");
        CHECK(nobody.code == kiosk::kExitInvalid);
        CHECK(nobody.err.find("no active account is named \"Dr Nobody\"") != std::string::npos);
        CHECK(status_of().status == store::SubmissionStatus::Pending);
    }
    // A typed name alone no longer reviews.
    Run by = Kiosk({"review", id, "--by", "Dr Ruiz", "--db", c.db});
    CHECK(by.code == kiosk::kExitUsage);
    CHECK(by.err.find("unknown argument '--by'") != std::string::npos);
}
