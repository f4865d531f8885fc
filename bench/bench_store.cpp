// Clinic database benchmark: submit latency with synchronous=FULL (median, p99), database size per
// 10,000 submissions, and export throughput for 100,000 submissions to CSV and FHIR, using realistic rows (the default screening's cases, decided and encoded
// as the kiosk stores them).
//
//   build/release/bench/bench_store [--submissions N] [--dir FOLDER]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

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

}  // namespace

int main(int argc, char** argv) {
    int count = 10000;
    fs::path dir = fs::temp_directory_path();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--submissions" && i + 1 < argc) count = std::atoi(argv[++i]);
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

    // Export: read every stored row back, then 100,000 submissions (the rows repeated) to each format.
    auto reopened = kiosk::store::Store::Open({path.string()});
    auto& reader = std::get<std::unique_ptr<kiosk::store::Store>>(reopened);
    auto read_start = Clock::now();
    auto rows = reader->Submissions(std::nullopt);
    double read_s = std::chrono::duration<double>(Clock::now() - read_start).count();
    std::vector<kiosk::store::StoredSubmission> many;
    many.reserve(100000);
    for (size_t i = 0; i < 100000; ++i) many.push_back((*rows.value)[i % rows.value->size()]);
    std::printf("read back: %zu rows in %.2f s\n", rows.value->size(), read_s);
    auto csv_start = Clock::now();
    std::string csv = kiosk::store::ExportCsv(s, many, 0);
    double csv_s = std::chrono::duration<double>(Clock::now() - csv_start).count();
    std::printf("export CSV: 100,000 submissions in %.2f s (%.0f per second, %.0f MiB)\n", csv_s, 100000 / csv_s,
                static_cast<double>(csv.size()) / 1048576.0);
    csv.clear();
    csv.shrink_to_fit();
    auto fhir_start = Clock::now();
    std::string fhir = kiosk::store::ExportFhirBundleText(s, many);
    double fhir_s = std::chrono::duration<double>(Clock::now() - fhir_start).count();
    std::printf("export FHIR Bundle: 100,000 submissions in %.2f s (%.0f per second, %.0f MiB)\n", fhir_s, 100000 / fhir_s,
                static_cast<double>(fhir.size()) / 1048576.0);
    reader.reset();
    fs::remove(path);
    fs::remove(path.string() + "-wal");
    fs::remove(path.string() + "-shm");
    return 0;
}
