// Clinic database benchmark: submit latency with synchronous=FULL (median, p99), database size per
// 10,000 submissions, and export throughput for a table of 100,000 submissions (the submitted rows
// copied) to CSV and FHIR, using realistic rows (the default screening's cases, decided and
// encoded as the kiosk stores them). The CSV export streams from the database into memory,
// and measured in the same run against its limit: `sqlite3 -csv` printing the same rows (the
// store's columns and order) to /dev/null. The aim is half that limit or better. Both rates are
// rows per second of CPU time (user + system, the sqlite3 child's own), which other work on the
// machine disturbs far less than wall time; the wall times are printed beside them.
//
//   build/release/bench/bench_store [--submissions N] [--export-rows N] [--no-fhir] [--dir FOLDER]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "core/answers_json.h"
#include "core/decision_json.h"
#include "rules/decision.h"
#include "rules/loader.h"
#include "store/export.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double Percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// Copies the stored rows (new ids, UUID-shaped) until the table holds `rows`.
void FillTo(const std::string& path, int64_t rows) {
    kiosk::store::Connection db(path, false);
    kiosk::store::Transaction t(db, "filling");
    for (;;) {
        kiosk::store::Statement count(db, "SELECT count(*) FROM submissions", "filling");
        count.Step();
        int64_t have = count.Int(0);
        if (have >= rows) break;
        kiosk::store::Statement copy(db,
            "INSERT INTO submissions (id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, "
            "submitted_at, answers, decision, outcome, source, sealed) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' "
            "|| substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), kiosk_id, "
            "screening_id, screening_version, screening_hash, language, started_at, submitted_at, answers, decision, outcome, source, "
            "sealed FROM submissions LIMIT ?1", "filling");
        copy.Bind(1, rows - have);
        copy.Run();
    }
    t.Commit();
}

// CPU seconds (user + system) used so far by this process, or by its finished children.
double CpuSeconds(int who) {
    rusage usage{};
    getrusage(who, &usage);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Timing {
    double wall = 0, cpu = 0;
};

// What `sqlite3 -csv` takes to print `select` to /dev/null; nullopt without the sqlite3 command.
std::optional<Timing> Sqlite3Csv(const std::string& path, const std::string& select) {
    const std::string command = "sqlite3 -readonly -csv '" + path + "' \"" + select + "\" > /dev/null";
    auto start = Clock::now();
    double cpu = CpuSeconds(RUSAGE_CHILDREN);
    if (std::system(command.c_str()) != 0) return std::nullopt;
    return Timing{Seconds(start), CpuSeconds(RUSAGE_CHILDREN) - cpu};
}

// The rows Store::Submissions reads, in its order.
constexpr const char* kSameRows =
    "SELECT id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, submitted_at, sealed, "
    "outcome, source, status FROM submissions ORDER BY submitted_at, id";

}  // namespace

int main(int argc, char** argv) {
    int count = 10000;
    int64_t export_rows = 100000;
    bool fhir = true;
    fs::path dir = fs::temp_directory_path();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--submissions" && i + 1 < argc) count = std::atoi(argv[++i]);
        else if (a == "--export-rows" && i + 1 < argc) export_rows = std::atoll(argv[++i]);
        else if (a == "--no-fhir") fhir = false;
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    }
    rules::LoadResult loaded = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
    if (!loaded.screening) return 1;
    const rules::Screening& s = *loaded.screening;

    std::vector<kiosk::store::SubmissionRecord> records;
    rules::Decision d;
    for (const rules::TestCase& c : s.cases) {
        std::vector<rules::ParamValue> params = s.ParameterValues();
        for (const auto& [p, v] : c.parameters) params[p] = v;
        rules::Decide(s, s.case_answers[c.answers], c.today, params, d);
        if (!d.store) continue;
        kiosk::store::SubmissionRecord r;
        r.kiosk_id = "kiosk-1";
        r.screening_id = s.id;
        r.screening_version = s.version;
        r.screening_hash = s.content_hash;
        r.language = "en";
        r.started_at = r.submitted_at = kiosk::store::UtcNowIso();
        r.answers_json = kiosk::AnswersToJson(s, s.case_answers[c.answers]).dump();
        r.decision_json = kiosk::DecisionToJson(s, d, c.today, 0).dump();
        if (d.outcome >= 0) r.outcome = s.outcomes[d.outcome].id;
        records.push_back(std::move(r));
    }

    fs::path path = dir / ("bench-store-" + std::to_string(::getpid()) + ".db");
    auto opened = kiosk::store::Store::Open({path.string()});
    if (!std::holds_alternative<std::unique_ptr<kiosk::store::Store>>(opened)) {
        std::fprintf(stderr, "%s\n", std::get<kiosk::store::DbError>(opened).Describe().c_str());
        return 1;
    }
    auto& store = std::get<std::unique_ptr<kiosk::store::Store>>(opened);
    // Results are sealed to the clinic's key (a set-up clinic has one); the export below reads
    // them with it, as a signed-in administrator would.
    std::shared_ptr<const kiosk::store::ClinicKey> key = kiosk::store::ClinicKey::Generate();
    if (!key || !store->AdoptClinicPublicKey(key->Public(), "bench").ok()) {
        std::fprintf(stderr, "bench_store: no clinic key\n");
        return 1;
    }
    std::vector<double> ms;
    ms.reserve(static_cast<size_t>(count));
    size_t payload = 0;
    auto all_start = Clock::now();
    for (int i = 0; i < count; ++i) {
        const auto& r = records[static_cast<size_t>(i) % records.size()];
        payload += r.answers_json.size() + r.decision_json.size();
        auto start = Clock::now();
        auto saved = store->Submit(r, "bench");
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        if (!saved.ok()) {
            std::fprintf(stderr, "%s\n", saved.error->Describe().c_str());
            return 1;
        }
    }
    double total_s = std::chrono::duration<double>(Clock::now() - all_start).count();
    store.reset();
    {
        kiosk::store::Connection db(path.string(), false);
        db.Exec("PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint");
    }
    double bytes = static_cast<double>(fs::file_size(path));
    std::printf("submissions: %d realistic rows (answers + decision JSON: %.1f KiB each on average) in %s\n", count,
                static_cast<double>(payload) / count / 1024.0, dir.c_str());
    std::printf("submit latency (synchronous=FULL, WAL, own transaction + audit row): median %.2f ms, p99 %.2f ms, %.0f per second\n",
                Percentile(ms, 0.5), Percentile(ms, 0.99), count / total_s);
    std::printf("database size: %.1f MiB for %d submissions = %.1f MiB per 10,000\n", bytes / 1048576.0, count,
                bytes / 1048576.0 * 10000.0 / count);

    // Export: a table of `export_rows` submissions (the stored rows copied), read back and written
    // as CSV, beside sqlite3 printing the same rows; then as a FHIR Bundle.
    FillTo(path.string(), export_rows);
    auto reopened = kiosk::store::Store::Open({path.string()});
    auto& reader = std::get<std::unique_ptr<kiosk::store::Store>>(reopened);
    reader->UnlockReading(key);
    std::optional<Timing> limit = Sqlite3Csv(path.string(), kSameRows);
    std::optional<Timing> unordered = Sqlite3Csv(path.string(), "SELECT * FROM submissions");
    // Reading alone (every row visited, nothing written), then the export as `kiosk export` makes
    // it: rows streamed from the store into the CSV writer.
    auto read_start = Clock::now();
    double read_cpu = CpuSeconds(RUSAGE_SELF);
    size_t bytes_seen = 0;
    auto visited = reader->ForEachSubmission(std::nullopt, [&](const kiosk::store::StoredSubmission& row) {
        bytes_seen += row.record.answers_json.size() + row.record.decision_json.size();
    });
    Timing read_time{Seconds(read_start), CpuSeconds(RUSAGE_SELF) - read_cpu};
    auto csv_start = Clock::now();
    double csv_cpu = CpuSeconds(RUSAGE_SELF);
    std::string csv;
    size_t exported = 0;
    {
        kiosk::store::CsvWriter writer(s, 0, csv);
        exported = *reader->ForEachSubmission(std::nullopt, [&](const kiosk::store::StoredSubmission& row) { writer.Add(row); }).value;
    }
    Timing export_time{Seconds(csv_start), CpuSeconds(RUSAGE_SELF) - csv_cpu};
    const double n = static_cast<double>(exported);
    std::printf("export CSV: %zu submissions read and written in %.2f s (%.0f MiB); %.2f s of CPU, of which reading the rows "
                "alone %.2f s (%zu rows, %.0f MiB of JSON)\n",
                exported, export_time.wall, static_cast<double>(csv.size()) / 1048576.0, export_time.cpu, read_time.cpu,
                *visited.value, static_cast<double>(bytes_seen) / 1048576.0);
    std::printf("csv export: %.0f rows/s\n", n / export_time.cpu);
    if (limit && unordered) {
        std::printf("csv limit: %.0f rows/s (sqlite3 -csv printing the same rows in the same order to /dev/null: %.2f s of CPU, "
                    "%.2f s wall); aim: half of it, %.0f rows/s\n", n / limit->cpu, limit->cpu, limit->wall, n / limit->cpu / 2);
        std::printf("sqlite3 -csv \"SELECT * FROM submissions\" (table order): %.0f rows/s (%.2f s of CPU, %.2f s wall)\n",
                    n / unordered->cpu, unordered->cpu, unordered->wall);
    } else {
        std::printf("csv limit: unknown (no sqlite3 command)\n");
    }
    csv.clear();
    csv.shrink_to_fit();
    if (fhir) {
        auto fhir_start = Clock::now();
        auto rows = reader->Submissions(std::nullopt);
        std::string bundle = kiosk::store::ExportFhirBundleText(s, *rows.value);
        double fhir_s = Seconds(fhir_start);
        std::printf("export FHIR Bundle: %zu submissions in %.2f s (%.0f per second, %.0f MiB)\n", rows.value->size(), fhir_s, n / fhir_s,
                    static_cast<double>(bundle.size()) / 1048576.0);
    }
    reader.reset();
    fs::remove(path);
    fs::remove(path.string() + "-wal");
    fs::remove(path.string() + "-shm");
    return 0;
}
