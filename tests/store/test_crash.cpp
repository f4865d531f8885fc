// Durable before thanked, proven: a child process submits in a loop and is killed with SIGKILL at
// random moments, hundreds of times. Every submission it reported as committed must be present and
// intact, no row may be partial, and the integrity check must pass.
// KIOSK_CRASH_ROUNDS sets the number of kills (default 200; CI runs the default).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace fs = std::filesystem;

namespace {

// A payload that checks itself: any torn or mixed row fails the check.
std::string Payload(uint64_t seq, std::mt19937_64& rng) {
    std::string pad(64 + rng() % 2048, ' ');
    for (char& c : pad) c = static_cast<char>('a' + rng() % 26);
    uint64_t sum = 1469598103934665603ull;
    for (char c : pad) sum = (sum ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return nlohmann::json{{"seq", seq}, {"pad", pad}, {"sum", std::to_string(sum)}}.dump();
}

bool PayloadIntact(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("pad") || !j.contains("sum")) return false;
    uint64_t sum = 1469598103934665603ull;
    for (char c : j["pad"].get<std::string>()) sum = (sum ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return j["sum"] == std::to_string(sum);
}

[[noreturn]] void WriterChild(const std::string& path, int report_fd, uint64_t seed) {
    auto opened = kiosk::store::Store::Open({path, 5000});
    if (!std::holds_alternative<std::unique_ptr<kiosk::store::Store>>(opened)) _exit(3);
    auto& store = std::get<std::unique_ptr<kiosk::store::Store>>(opened);
    std::mt19937_64 rng(seed);
    for (uint64_t seq = 0;; ++seq) {
        kiosk::store::SubmissionRecord r;
        r.kiosk_id = "crash";
        r.screening_id = "s";
        r.screening_version = "1";
        r.screening_hash = "h";
        r.language = "en";
        r.started_at = r.submitted_at = kiosk::store::UtcNowIso();
        r.answers_json = Payload(seq, rng);
        r.decision_json = r.answers_json;
        r.outcome = "CLINICIAN_REVIEW";
        auto saved = store->Submit(r, "crash-test");
        if (!saved.ok()) _exit(4);
        // Reported only after Submit returned, i.e. after COMMIT: what a patient would be thanked for.
        std::string line = *saved.value + "\n";  // 37 bytes < PIPE_BUF: the write is atomic
        if (write(report_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(5);
    }
}

}  // namespace

TEST_CASE("SIGKILL at random moments loses no committed submission and leaves no partial row") {
    int rounds = 200;
    if (const char* env = std::getenv("KIOSK_CRASH_ROUNDS")) rounds = std::max(1, std::atoi(env));
    fs::path dir = fs::temp_directory_path() / ("kiosk-crash-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string path = (dir / "clinic.db").string();
    std::mt19937 rng(12345);
    std::set<std::string> reported;
    int killed_mid_run = 0;

    for (int round = 0; round < rounds; ++round) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            close(fds[0]);
            WriterChild(path, fds[1], static_cast<uint64_t>(round) * 7919u + 1u);
        }
        close(fds[1]);
        usleep(static_cast<useconds_t>(1000 + rng() % 25000));  // 1 to 26 ms into its work
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++killed_mid_run;
        std::string data;
        char buffer[4096];
        for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) data.append(buffer, static_cast<size_t>(n));
        close(fds[0]);
        for (size_t start = 0, end; (end = data.find('\n', start)) != std::string::npos; start = end + 1)
            reported.insert(data.substr(start, end - start));
    }

    auto opened = kiosk::store::Store::Open({path});
    REQUIRE(std::holds_alternative<std::unique_ptr<kiosk::store::Store>>(opened));
    auto& store = std::get<std::unique_ptr<kiosk::store::Store>>(opened);
    CHECK(*store->IntegrityCheck().value == "ok");
    auto rows = store->Submissions(std::nullopt);
    REQUIRE(rows.ok());
    std::map<std::string, const kiosk::store::StoredSubmission*> by_id;
    for (const auto& row : *rows.value) {
        by_id[row.id] = &row;
        CHECK_MESSAGE(PayloadIntact(row.record.answers_json), "a partial or torn row: " << row.id);
        CHECK(row.record.answers_json == row.record.decision_json);
    }
    int missing = 0;
    for (const std::string& id : reported)
        if (!by_id.count(id)) ++missing;
    MESSAGE(rounds << " kills (" << killed_mid_run << " mid-run), " << reported.size() << " submissions reported committed, "
                   << rows.value->size() << " rows found");
    CHECK(missing == 0);
    CHECK(rows.value->size() >= reported.size());  // a commit may finish just before the kill, unreported
    CHECK(reported.size() > static_cast<size_t>(rounds));  // the writer got real work done between kills
    CHECK(killed_mid_run == rounds);
    fs::remove_all(dir);
}
