// A real PostgreSQL 15 for the server tests: one cluster per test process, made with initdb in a
// temporary folder, started lazily on a private socket and a free loopback port, stopped and
// removed at exit. PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the
// `postgres` system user (Debian's package makes it). Each test case takes its own database.
#pragma once

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "server/pg.h"

namespace test_support {

// Debian's PostgreSQL 15 programs; $KIOSK_PG_BIN instead when set (the test that a missing
// PostgreSQL fails the suite points it at a folder without them).
inline std::string PgBin() {
    const char* bin = std::getenv("KIOSK_PG_BIN");
    return bin && *bin ? bin : "/usr/lib/postgresql/15/bin";
}

class PgCluster {
public:
    // The process's cluster, started on first use. A test that needs it calls RequirePgCluster().
    static PgCluster& Instance() {
        static PgCluster cluster;
        return cluster;
    }

    // Empty when the cluster runs; else why not ("PostgreSQL 15 is not installed: ...").
    const std::string& Problem() const { return m_problem; }

    int Port() const { return m_port; }
    const std::string& Passfile() const { return m_passfile; }

    // A libpq connection string for `user` on `database`, its password from the passfile.
    std::string Uri(const std::string& database, const std::string& user) const {
        return "host=127.0.0.1 port=" + std::to_string(m_port) + " dbname=" + database + " user=" + user + " passfile=" + m_passfile +
               " connect_timeout=5";
    }
    std::string SuperUri(const std::string& database = "postgres") const { return Uri(database, "postgres"); }
    // The clinic administrator: owns the test databases, has CREATEROLE, is no superuser.
    std::string AdminUri(const std::string& database) const { return Uri(database, kAdmin); }

    // A fresh database owned by the administrator, for one test case.
    std::string NewDatabase() {
        const std::string name = "case_" + std::to_string(++m_databases);
        kiosk::server::PgConnection super(SuperUri());
        super.Exec("CREATE DATABASE " + name + " OWNER " + kAdmin, "creating a test database");
        return name;
    }

    // Adds a ~/.pgpass-format line (a login made by add-kiosk) to the clients' passfile.
    void AddPassword(const std::string& pgpass_line) {
        std::ofstream(m_passfile, std::ios::app) << pgpass_line << "\n";
    }

    // The fault tests' switches: the server killed without a checkpoint, and started again on
    // the same port (after crash recovery: replaying the WAL since the last checkpoint, which
    // each CREATE DATABASE fills with its copy of the template). Both return "" on success, else
    // pg_ctl's output.
    std::string StopImmediately() { return PgCtl({"stop", "-m", "immediate", "-w"}); }
    std::string Start() {
        return PgCtl({"start", "-w", "-t", "120", "-l", (m_dir / "server.log").string(), "-o",
                      "-k " + (m_dir / "socket").string() + " -p " + std::to_string(m_port) + " -c listen_addresses=127.0.0.1 -c fsync=on"});
    }

    ~PgCluster() {
        if (m_dir.empty()) return;
        // Immediate: the folder goes next, so the shutdown checkpoint's writes would be wasted.
        if (m_started) PgCtl({"stop", "-m", "immediate", "-w"});
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
        if (m_watchdog > 0) {
            // Done: the watchdog leaves at once, with nothing to clean.
            (void)!::write(m_watchdog_pipe, "d", 1);
            ::close(m_watchdog_pipe);
            ::waitpid(m_watchdog, nullptr, 0);
        }
    }
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    static constexpr const char* kAdmin = "clinic_admin";

private:
    PgCluster() {
        if (::access((PgBin() + "/initdb").c_str(), X_OK) != 0) {
            m_problem = "PostgreSQL 15 is not installed: run scripts/bootstrap";
            return;
        }
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("postgres");
            if (!pw) {
                m_problem = "running as root, and there is no 'postgres' user to run PostgreSQL as: run scripts/bootstrap";
                return;
            }
            m_uid = pw->pw_uid;
            m_gid = pw->pw_gid;
            m_as_postgres = true;
        }
        // In memory when the machine has /dev/shm: every fsync there returns at once, and a killed
        // server loses nothing a disk would have kept (the page cache outlives the process), so
        // fsync=on still means what it means for the fault tests, at no cost to the suite's time.
        const std::filesystem::path base = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::filesystem::temp_directory_path();
        std::string pattern = (base / "kiosk-pg-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) {
            m_problem = "cannot make a temporary folder in " + base.string();
            return;
        }
        m_dir = pattern;
        std::filesystem::create_directories(m_dir / "socket");
        std::filesystem::create_directories(m_dir / "client");
        const std::string superuser_password = RandomText(), admin_password = RandomText();
        WriteSecret(m_dir / "pwfile", superuser_password + "\n");
        if (m_as_postgres) {
            // The server's user owns the folder; the clients' passfile stays ours (libpq wants 0600).
            for (const char* part : {"", "socket", "pwfile"}) {
                const std::string path = (m_dir / part).string();
                if (::chown(path.c_str(), m_uid, m_gid) != 0) { m_problem = "cannot give " + path + " to postgres"; return; }
            }
        }
        m_passfile = (m_dir / "client" / "pgpass").string();
        m_port = FreePort();
        WriteSecret(m_passfile, "127.0.0.1:" + std::to_string(m_port) + ":*:postgres:" + superuser_password + "\n" + "127.0.0.1:" +
                                    std::to_string(m_port) + ":*:" + kAdmin + ":" + admin_password + "\n");
        std::string out;
        // --no-sync: initdb's own files need not reach the disk (the tests cut no power); the
        // server itself runs with fsync on.
        if (Run({PgBin() + "/initdb", "-D", (m_dir / "data").string(), "-U", "postgres", "--auth=scram-sha-256",
                 "--pwfile=" + (m_dir / "pwfile").string(), "--no-sync", "-E", "UTF8", "--locale=C"},
                out) != 0) {
            m_problem = "initdb failed:\n" + out;
            return;
        }
        if (std::string why = Start(); !why.empty()) {
            m_problem = "pg_ctl start failed:\n" + why + "\n" + ReadLog();
            return;
        }
        m_started = true;
        StartWatchdog();
        try {
            kiosk::server::PgConnection super(SuperUri());
            super.Exec(std::string("CREATE ROLE ") + kAdmin + " LOGIN CREATEROLE PASSWORD " + super.QuoteLiteral(admin_password),
                       "creating the administrator");
        } catch (const kiosk::server::ServerException& e) {
            m_problem = std::string("cannot set up the cluster: ") + e.what();
        }
    }

    // A test process that dies without its destructors (a crash, CTest's timeout) would leave a
    // server running: a child process waits on a pipe from this one, and when the pipe closes
    // without "done" it stops the server and removes the folder.
    void StartWatchdog() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return;
        const pid_t pid = ::fork();
        if (pid < 0) {
            ::close(fds[0]);
            ::close(fds[1]);
            return;
        }
        if (pid == 0) {
            ::close(fds[1]);
            // Not CTest's output pipe: CTest waits for every holder of it to close it.
            const int null = ::open("/dev/null", O_RDWR);
            for (int fd : {0, 1, 2}) ::dup2(null, fd);
            char done = 0;
            while (::read(fds[0], &done, 1) < 0) {
            }
            if (done != 'd') {
                std::string ignored;
                Run({PgBin() + "/pg_ctl", "-D", (m_dir / "data").string(), "stop", "-m", "immediate", "-w"}, ignored);
                std::error_code error;
                std::filesystem::remove_all(m_dir, error);
            }
            ::_exit(0);  // never the parent's exit handlers (this cluster's destructor among them)
        }
        ::close(fds[0]);
        m_watchdog = pid;
        m_watchdog_pipe = fds[1];
    }

    static std::string RandomText() {
        std::ifstream urandom("/dev/urandom", std::ios::binary);
        std::string out;
        for (int i = 0; i < 24; ++i) out += "abcdefghijklmnopqrstuvwxyz0123456789"[static_cast<unsigned char>(urandom.get()) % 36];
        return out;
    }

    static void WriteSecret(const std::filesystem::path& path, const std::string& text) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE_MESSAGE(fd >= 0, "cannot write " << path);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
    }

    // A loopback port no one listens on now: the kernel's pick for port 0.
    static int FreePort() {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t length = sizeof addr;
        int port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0)
            port = ntohs(addr.sin_port);
        ::close(fd);
        return port;
    }

    std::string PgCtl(std::vector<std::string> args) {
        args.insert(args.begin(), {PgBin() + "/pg_ctl", "-D", (m_dir / "data").string()});
        std::string out;
        return Run(args, out) == 0 ? "" : out.empty() ? "pg_ctl failed" : out;
    }

    std::string ReadLog() const {
        std::ifstream in(m_dir / "server.log");
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    // Runs `args` (as postgres when we are root), its output into `out`; returns its exit status.
    int Run(const std::vector<std::string>& args, std::string& out) const {
        const std::string log = (m_dir / "command.log").string();
        const pid_t pid = ::fork();
        if (pid < 0) return -1;
        if (pid == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
            if (m_as_postgres) {
                if (fd >= 0 && ::fchown(fd, m_uid, m_gid) != 0) ::_exit(126);
                if (::setgid(m_gid) != 0 || ::initgroups("postgres", m_gid) != 0 || ::setuid(m_uid) != 0) ::_exit(126);
            }
            if (::chdir(m_dir.c_str()) != 0) ::_exit(126);
            std::vector<char*> argv;
            for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0) {
        }
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        out = text.str();
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    std::filesystem::path m_dir;
    std::string m_problem, m_passfile;
    int m_port = 0, m_databases = 0;
    bool m_as_postgres = false, m_started = false;
    pid_t m_watchdog = 0;
    int m_watchdog_pipe = -1;
    uid_t m_uid = 0;
    gid_t m_gid = 0;
};

// The cluster, or the test fails (never passes silently) with why it cannot run.
inline PgCluster& RequirePgCluster() {
    PgCluster& cluster = PgCluster::Instance();
    REQUIRE_MESSAGE(cluster.Problem().empty(), cluster.Problem());
    return cluster;
}

// A ServerException's kind from running `body`, or nullopt when it threw nothing.
template <class F>
std::optional<kiosk::server::ServerError> ServerErrorOf(F&& body) {
    try {
        body();
    } catch (const kiosk::server::ServerException& e) {
        return e.error();
    }
    return std::nullopt;
}

}  // namespace test_support
