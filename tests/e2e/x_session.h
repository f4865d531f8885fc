// The real kiosk under a private X server: starts Xvfb and the kiosk as child processes, reads the
// screen and its touch targets from the kiosk's $KIOSK_TAPPABLES file, and taps with xdotool.
// Shared by the end-to-end test, the screenshot tool and the window benchmark. Failures throw
// std::runtime_error with a sentence that names the screen and what was missing.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace x_session {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

inline std::string ReadText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// The last `lines` lines of a log, for failure messages.
inline std::string Tail(const std::string& path, int lines = 15) {
    std::string text = ReadText(path);
    size_t at = text.size();
    for (int n = 0; n <= lines && at != std::string::npos && at > 0; ++n) at = text.rfind('\n', at - 1);
    return at == std::string::npos || at >= text.size() ? text : text.substr(at + 1);  // an empty log as it is
}

// A program found on $PATH (or a path as is), resolved before fork: after fork only
// async-signal-safe calls are allowed.
inline std::string FindProgram(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    const char* path = std::getenv("PATH");
    std::stringstream folders(path ? path : "/usr/bin:/bin");
    std::string folder;
    while (std::getline(folders, folder, ':'))
        if (!folder.empty() && access((folder + "/" + name).c_str(), X_OK) == 0) return folder + "/" + name;
    throw std::runtime_error("'" + name + "' is not installed (scripts/bootstrap installs it)");
}

// A fresh folder under /tmp named after `prefix`, removed with everything in it (the tools that
// are not doctest suites; those use test_support::TempDir).
class TempFolder {
public:
    explicit TempFolder(const std::string& prefix) {
        std::string pattern = "/tmp/" + prefix + "-XXXXXX";
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary folder");
        path = pattern;
    }
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;

    std::string path;
};

struct ChildSpec {
    std::vector<std::string> argv;
    std::vector<std::string> env;  // NAME=VALUE added to (or replacing in) this process's environment; "NAME=" alone removes NAME
    std::string output;            // stdout and stderr go to this file; empty: /dev/null
    std::string input;             // stdin from this file; empty: /dev/null
    int keep_fd = -1;              // a descriptor the child inherits (Xvfb's -displayfd)
};

// A child process that dies with this one (PR_SET_PDEATHSIG), so that a crashed test leaves no
// X server or kiosk behind; the destructor ends it (SIGTERM, then SIGKILL).
class Child {
public:
    explicit Child(const ChildSpec& spec) : m_output(spec.output) {
        std::string program = FindProgram(spec.argv.at(0));
        std::vector<std::string> env_strings;
        for (char** e = environ; *e; ++e) {
            std::string entry = *e;
            std::string name = entry.substr(0, entry.find('='));
            bool replaced = std::any_of(spec.env.begin(), spec.env.end(), [&](const std::string& o) { return o.substr(0, o.find('=')) == name; });
            if (!replaced) env_strings.push_back(entry);
        }
        for (const std::string& o : spec.env)
            if (o.back() != '=') env_strings.push_back(o);
        std::vector<char*> argv, envp;
        for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        for (std::string& e : env_strings) envp.push_back(e.data());
        envp.push_back(nullptr);
        int out = open(spec.output.empty() ? "/dev/null" : spec.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int in = open(spec.input.empty() ? "/dev/null" : spec.input.c_str(), O_RDONLY | O_CLOEXEC);
        if (out < 0 || in < 0) throw std::runtime_error("cannot open the files for " + spec.argv[0]);
        pid_t parent = getpid();
        m_pid = fork();
        if (m_pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(127);
            dup2(in, 0);
            dup2(out, 1);
            dup2(out, 2);
            if (spec.keep_fd >= 0) fcntl(spec.keep_fd, F_SETFD, 0);
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, nullptr);
            execve(program.c_str(), argv.data(), envp.data());
            _exit(127);
        }
        close(out);
        close(in);
        if (m_pid < 0) throw std::runtime_error("fork failed for " + spec.argv[0]);
        m_started = Clock::now();
    }
    ~Child() { Stop(); }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t Pid() const { return m_pid; }
    Clock::time_point Started() const { return m_started; }
    const std::string& Output() const { return m_output; }

    // The exit status once it has ended: the exit code, or 128 + the signal that ended it.
    std::optional<int> Poll() {
        if (m_status) return m_status;
        int status = 0;
        if (m_pid > 0 && waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            m_ended = Clock::now();
        }
        return m_status;
    }
    Clock::time_point Ended() const { return m_ended; }

    // Blocks until it ends, with no polling delay (for timing). Returns its exit status.
    int WaitBlocking() {
        if (!Poll()) {
            int status = 0;
            waitpid(m_pid, &status, 0);
            m_ended = Clock::now();
            m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        return *m_status;
    }

    // Waits for it to end by itself; throws after `seconds`.
    int Wait(double seconds) {
        Clock::time_point start = Clock::now();
        while (!Poll()) {
            if (SecondsSince(start) > seconds) throw std::runtime_error("'" + Name() + "' still runs after " + Seconds(seconds));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        return *m_status;
    }
    // Ends it: SIGTERM, and SIGKILL if it has not ended after `seconds`. Returns its exit status.
    int Stop(double seconds = 5) {
        if (m_pid <= 0) return -1;
        if (!Poll()) {
            kill(m_pid, SIGTERM);
            Clock::time_point start = Clock::now();
            while (!Poll() && SecondsSince(start) < seconds) std::this_thread::sleep_for(std::chrono::milliseconds(2));
            if (!Poll()) {
                kill(m_pid, SIGKILL);
                int status = 0;
                waitpid(m_pid, &status, 0);
                m_status = 128 + SIGKILL;
            }
        }
        return *m_status;
    }

    static std::string Seconds(double s) {
        std::ostringstream o;
        o << s << " s";
        return o.str();
    }

private:
    std::string Name() const { return "pid " + std::to_string(m_pid); }

    pid_t m_pid = -1;
    std::string m_output;
    std::optional<int> m_status;
    Clock::time_point m_started, m_ended;
};

// Runs a program to its end and returns its exit status; `output` receives what it printed.
inline int RunProgram(const ChildSpec& spec, double seconds = 20) {
    Child child(spec);
    return child.Wait(seconds);
}

// Enrols an administrator in the database at `db` as IT does on the terminal (`kiosk staff add NAME
// --role admin`, the PIN typed twice on standard input): without one the kiosk serves no patient.
// Throws with what the command printed when it fails.
inline void EnrolAdministrator(const std::string& kiosk, const std::string& db, const std::string& folder,
                               const std::string& name, const std::string& pin) {
    const std::string input = folder + "/staff-add-input.txt", output = folder + "/staff-add-output.txt";
    std::ofstream(input) << pin << "\n" << pin << "\n";
    if (RunProgram({{kiosk, "staff", "add", name, "--role", "admin", "--db", db}, {}, output, input, -1}) != 0) {
        std::ifstream printed(output);
        std::stringstream text;
        text << printed.rdbuf();
        throw std::runtime_error("kiosk staff add failed: " + text.str());
    }
}

// A private X server. Xvfb picks a free display itself (-displayfd) and writes its number once
// it accepts clients, so there is no guessing and no race with another server.
class Xvfb {
public:
    Xvfb(int width, int height, const std::string& log) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
        m_server = std::make_unique<Child>(ChildSpec{
            {"Xvfb", "-displayfd", std::to_string(fds[1]), "-screen", "0", screen, "-nolisten", "tcp", "-noreset"}, {}, log, "", fds[1]});
        close(fds[1]);
        std::string number;
        Clock::time_point start = Clock::now();
        for (;;) {
            pollfd p{fds[0], POLLIN, 0};
            if (poll(&p, 1, 100) > 0) {
                char c = 0;
                ssize_t n = read(fds[0], &c, 1);
                if (n <= 0 || c == '\n') break;
                number += c;
            }
            if (SecondsSince(start) > 10 || m_server->Poll()) break;
        }
        close(fds[0]);
        if (number.empty()) throw std::runtime_error("Xvfb did not start:\n" + Tail(log));
        m_display = ":" + number;
    }
    const std::string& Display() const { return m_display; }

private:
    std::unique_ptr<Child> m_server;
    std::string m_display;
};

struct Target {
    std::string key;
    float x = 0, y = 0, w = 0, h = 0;  // centre and size, in window coordinates
    bool visible = true, enabled = true;
};

// One state of the $KIOSK_TAPPABLES file.
struct Screen {
    std::string name;
    float width = 0, height = 0, left = 0, top = 0;
    int frame = 0, clicks = 0;
    bool settled = false;
    std::vector<Target> targets;

    const Target* Find(const std::string& key) const {
        for (const Target& t : targets)
            if (t.key == key) return &t;
        return nullptr;
    }
    bool Has(const std::string& key) const { return Find(key) != nullptr; }
    std::string Keys() const {
        std::string keys;
        for (const Target& t : targets) keys += (keys.empty() ? "" : " ") + t.key;
        return keys;
    }
    std::string Describe() const {
        return "'" + name + "' (frame " + std::to_string(frame) + (settled ? ", settled" : ", still drawing") + "; targets: " + Keys() + ")";
    }
};

inline std::optional<Screen> ParseScreen(const std::string& text) {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    Screen s;
    s.name = doc.value("screen", "");
    s.width = doc.value("width", 0.0f);
    s.height = doc.value("height", 0.0f);
    s.left = doc.value("left", 0.0f);
    s.top = doc.value("top", 0.0f);
    s.frame = doc.value("frame", 0);
    s.clicks = doc.value("clicks", 0);
    s.settled = doc.value("settled", false);
    for (const nlohmann::json& t : doc.value("targets", nlohmann::json::array()))
        s.targets.push_back({t.value("key", ""), t.value("x", 0.0f), t.value("y", 0.0f), t.value("w", 0.0f), t.value("h", 0.0f),
                             t.value("visible", true), t.value("enabled", true)});
    return s;
}

struct KioskSpec {
    std::string binary;             // the kiosk executable
    std::vector<std::string> args;  // after the program name: "run", "--windowed", ...
    std::string folder;             // for its tappables file and its log
    std::vector<std::string> env;   // more NAME=VALUE
};

// The kiosk running on `x`, and the hands that tap it.
class Kiosk {
public:
    static constexpr double kStepSeconds = 15;  // one tap's reaction, generous for ASan on a busy CI machine

    Kiosk(const Xvfb& x, const KioskSpec& spec) : m_x(x), m_tappables(spec.folder + "/tappables.json"), m_log(spec.folder + "/kiosk.log") {
        std::filesystem::remove(m_tappables);
        std::vector<std::string> argv{spec.binary};
        argv.insert(argv.end(), spec.args.begin(), spec.args.end());
        std::vector<std::string> env{"DISPLAY=" + x.Display(), "KIOSK_TAPPABLES=" + m_tappables};
        env.insert(env.end(), spec.env.begin(), spec.env.end());
        m_process = std::make_unique<Child>(ChildSpec{argv, env, m_log, "", -1});
    }

    Child& Process() { return *m_process; }
    const std::string& Log() const { return m_log; }

    // The newest state of the tappables file (re-read only when the file was replaced).
    std::optional<Screen> Read() {
        struct stat st {};
        if (stat(m_tappables.c_str(), &st) != 0) return std::nullopt;
        if (m_last && st.st_ino == m_inode && st.st_mtim.tv_nsec == m_mtime_ns && st.st_mtim.tv_sec == m_mtime_s) return m_last;
        auto parsed = ParseScreen(ReadText(m_tappables));
        if (!parsed) return m_last;
        m_inode = st.st_ino;
        m_mtime_s = st.st_mtim.tv_sec;
        m_mtime_ns = st.st_mtim.tv_nsec;
        m_last = parsed;
        return m_last;
    }

    // Waits until the kiosk has settled on a screen for which `done` holds; `what` names it in the failure.
    Screen WaitFor(const std::function<bool(const Screen&)>& done, const std::string& what, double seconds = kStepSeconds) {
        Clock::time_point start = Clock::now();
        for (;;) {
            std::optional<Screen> s = Read();
            if (s && s->settled && done(*s)) return *s;
            if (auto status = m_process->Poll())
                throw std::runtime_error("the kiosk ended (status " + std::to_string(*status) + ") while waiting for " + what + "; its log:\n" + Tail(m_log));
            if (SecondsSince(start) > seconds)
                throw std::runtime_error("timed out after " + Child::Seconds(seconds) + " waiting for " + what + "; on screen: " +
                                         (s ? s->Describe() : std::string("nothing yet (no tappables file)")) + "\nkiosk log:\n" + Tail(m_log));
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    Screen WaitForScreen(const std::string& name, double seconds = kStepSeconds) {
        return WaitFor([&](const Screen& s) { return s.name == name; }, "the screen '" + name + "'", seconds);
    }
    Screen Current() { return WaitFor([](const Screen&) { return true; }, "any settled screen"); }

    // Taps the target `key` at its centre (a click of the left button, as a touch screen sends
    // one) and waits until the kiosk has seen the release and settled again.
    Screen Tap(const std::string& key) {
        auto [s, clicks] = Press(key);
        return WaitFor([&](const Screen& now) { return now.clicks > clicks; }, "the kiosk to react to a tap on '" + key + "' (on '" + s.name + "')");
    }

    // Taps `key` without waiting for the kiosk to react (the last tap, that closes it). Returns the
    // screen it was tapped on and the number of taps the kiosk had seen before.
    std::pair<Screen, int> Press(const std::string& key) {
        Screen s = Current();
        const Target* t = s.Find(key);
        if (!t) throw std::runtime_error("no '" + key + "' to tap on the screen " + s.Describe());
        for (int drag = 0; drag < 8 && !t->visible; ++drag) {
            float distance = std::clamp(t->y - s.height * 0.5f, -s.height * 0.3f, s.height * 0.3f);
            s = Drag(s.width * 0.5f, s.height * 0.5f, -distance);
            t = s.Find(key);
            if (!t) throw std::runtime_error("'" + key + "' went away while scrolling on the screen " + s.Describe());
        }
        if (!t->visible) throw std::runtime_error("'" + key + "' cannot be scrolled into view on the screen " + s.Describe());
        if (!t->enabled) throw std::runtime_error("'" + key + "' is disabled on the screen " + s.Describe());
        Xdotool({"mousemove", Coordinate(s.left + t->x), Coordinate(s.top + t->y), "click", "1"});
        return {s, s.clicks};
    }

    // A finger put down at (x, y), moved `dy` pixels vertically in steps, and lifted.
    Screen Drag(float x, float y, float dy) {
        Screen s = Current();
        int clicks = s.clicks;
        std::vector<std::string> args{"mousemove", Coordinate(s.left + x), Coordinate(s.top + y), "mousedown", "1"};
        for (int step = 1; step <= 6; ++step)
            args.insert(args.end(), {"sleep", "0.03", "mousemove", Coordinate(s.left + x), Coordinate(s.top + y + dy * static_cast<float>(step) / 6.0f)});
        args.insert(args.end(), {"mouseup", "1"});
        Xdotool(args);
        return WaitFor([&](const Screen& now) { return now.clicks > clicks; }, "the kiosk to react to a drag on '" + s.name + "'");
    }

    // Presses a key chord ("ctrl+alt+s") on the kiosk window.
    void Key(const std::string& chord) { Xdotool({"key", chord}); }

    void Xdotool(const std::vector<std::string>& args) {
        std::vector<std::string> argv{"xdotool"};
        argv.insert(argv.end(), args.begin(), args.end());
        int status = RunProgram({argv, {"DISPLAY=" + m_x.Display()}, "", "", -1}, 10);
        if (status != 0) throw std::runtime_error("xdotool " + args.at(0) + " failed (status " + std::to_string(status) + ")");
    }

private:
    static std::string Coordinate(float v) { return std::to_string(static_cast<int>(v + 0.5f)); }

    const Xvfb& m_x;
    std::string m_tappables, m_log;
    std::unique_ptr<Child> m_process;
    std::optional<Screen> m_last;
    ino_t m_inode = 0;
    long m_mtime_s = 0, m_mtime_ns = 0;
};

// Taps through the patient screens from the welcome screen to the review screen: `answer` is
// asked first for each question screen and taps an answer (returning true), else the question is
// skipped. Returns the question screens met, in order.
inline std::vector<std::string> TapThroughScreening(Kiosk& k, const std::function<bool(Kiosk&, const Screen&)>& answer,
                                                    const std::string& language = "en") {
    std::vector<std::string> met;
    k.WaitForScreen("welcome");
    Screen s = k.Tap("lang:" + language);
    for (int guard = 0; guard < 120; ++guard) {
        if (s.name == "review") return met;
        std::string before = s.name;
        if (s.name == "urgent") {
            s = k.Tap("nav:continue");
        } else if (s.name.rfind("question:", 0) == 0) {
            met.push_back(s.name);
            if (s.name == "question:consent_data") s = k.Tap("option:yes");
            else if (answer(k, s)) s = k.Current();
            else if (s.Has("nav:skip")) s = k.Tap("nav:skip");
            else throw std::runtime_error("no answer and no 'nav:skip' on the screen " + s.Describe());
        } else {
            throw std::runtime_error("an unexpected screen on the way to review: " + s.Describe());
        }
        if (s.name == before) throw std::runtime_error("still on '" + before + "' after answering it: " + s.Describe());
    }
    throw std::runtime_error("no review screen after 120 screens");
}

// Opens staff mode with the keyboard chord, taps `name` on the sign-in list and enters `pin` on the
// PIN pad; returns the staff menu.
inline Screen EnterStaff(Kiosk& k, const std::string& name, const std::string& pin) {
    k.Key("ctrl+alt+s");
    k.WaitForScreen("staff:sign_in");
    k.Tap("staff:sign_in:" + name);
    k.WaitForScreen("staff:pin");
    for (char c : pin) k.Tap(std::string("pad:") + c);
    k.Tap("pin:enter");
    return k.WaitForScreen("staff:menu");
}

// Types a date on a date question: month, day, year fields with the number pad, then Next.
inline void TypeDate(Kiosk& k, int year, int month, int day) {
    auto field = [&](const std::string& key, const std::string& digits) {
        k.Tap(key);
        if (k.Current().Has("pad:clear")) k.Tap("pad:clear");
        for (char c : digits) k.Tap(std::string("pad:") + c);
    };
    char text[8];
    std::snprintf(text, sizeof text, "%02d", month);
    field("date:month", text);
    if (k.Current().Has("date:day")) {
        std::snprintf(text, sizeof text, "%02d", day);
        field("date:day", text);
    }
    field("date:year", std::to_string(year));
    k.Tap("nav:next");
}

}  // namespace x_session
