// Urgent alerts the database could not take, kept in a second place that survives a restart: a
// small append-only file beside the database ("<db path>-alerts", mode 0600), until the database
// takes writes again and they are moved into it (Store::MoveKeptAlerts).
//
// A truly full disk refuses to grow any file, so the file's space is taken when the store opens
// (posix_fallocate, kPreallocate bytes of zeros, enough for dozens of alerts) and records are
// written into it in order, never rewritten. Each record is framed so that one torn by a power cut
// is recognised and ignored:
//
//   file:    "kiosk-alerts-v1\n" (16 bytes), then records, then zeros
//   record:  "KALR" | payload length (4 bytes, little-endian) | BLAKE2b-256 of length and payload | payload
//   payload: JoinFields(alert id, session id, raised at, kiosk id, sealed rule id and reason)
//
// The rule and reason are sealed to the clinic's public key exactly as in the alerts table
// (SealAlert), so the kiosk cannot read back which red flag fired; what routes the alert (its id,
// session, time and kiosk) is in clear, as in the table's clear columns. A record is durable when
// Append returns: fdatasync after the write. Several processes may open the same file (the kiosk
// and the terminal's commands): every read and write holds an flock on it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/db_error.h"

namespace kiosk::store {

// One alert as the file keeps it.
struct KeptAlert {
    std::string alert_id;    // unique (a UUID): moving it into the database twice inserts it once
    std::string session_id;  // "<kiosk id>@<session start>"
    std::string raised_at;   // ISO 8601 UTC
    std::string kiosk_id;
    std::string sealed;      // SealAlert(clinic key, rule id, reason)
};

class AlertFallback {
public:
    static constexpr size_t kPreallocate = 64 * 1024;
    static constexpr size_t kHeaderBytes = 16;

    // The file beside the database at `database_path`.
    static std::string PathFor(const std::string& database_path);

    // Opens the file, creating and preallocating it (then fsyncs it and its folder) when absent or
    // smaller than kPreallocate. A torn record at the end is zeroed. Errors are typed like the
    // database's: Full (no space for the preallocation), ReadOnly, Corrupt (not this format), Io.
    static std::variant<std::unique_ptr<AlertFallback>, DbError> Open(const std::string& path);
    ~AlertFallback();
    AlertFallback(const AlertFallback&) = delete;
    AlertFallback& operator=(const AlertFallback&) = delete;

    const std::string& Path() const { return m_path; }

    // Writes one record after the last and fdatasyncs it: durable when this returns nullopt. When
    // the preallocated space is used up the file is grown; when it cannot be (a full disk), the
    // error is returned and nothing was kept.
    std::optional<DbError> Append(const KeptAlert& alert);

    // Every whole record, oldest first; a torn or damaged record ends the list (records are only
    // ever written after the last whole one).
    std::variant<std::vector<KeptAlert>, DbError> Read();

    // Takes the records out for `move` to store elsewhere, under the file's lock (no other
    // process appends or moves meanwhile): when `move` returns nullopt the records are zeroed and
    // the file fsynced; otherwise they stay and its error is returned. Nothing to move: `move` is
    // not called.
    template <class Move>
    std::optional<DbError> Drain(Move&& move);

private:
    AlertFallback(std::string path, int fd);
    struct Scan;
    std::optional<DbError> Lock(bool exclusive, const char* context);
    void Unlock();
    std::variant<Scan, DbError> ScanRecords(const char* context);
    std::optional<DbError> ZeroFrom(size_t from, size_t to, const char* context);

    std::string m_path;
    int m_fd = -1;
};

// What AlertFallback::Drain needs without the template's body in every includer.
struct AlertFallback::Scan {
    std::vector<KeptAlert> alerts;
    size_t end = kHeaderBytes;  // just past the last whole record
    size_t size = 0;            // the file's size
    size_t dirty_end = 0;       // just past the last byte that is not zero (> end: a torn record)
};

template <class Move>
std::optional<DbError> AlertFallback::Drain(Move&& move) {
    const char* context = "moving kept alerts";
    if (auto error = Lock(true, context)) return error;
    std::optional<DbError> out;
    auto scanned = ScanRecords(context);
    if (auto* error = std::get_if<DbError>(&scanned)) {
        out = *error;
    } else {
        Scan& scan = std::get<Scan>(scanned);
        if (!scan.alerts.empty()) {
            const std::vector<KeptAlert>& alerts = scan.alerts;
            out = move(alerts);
            // Only after the records are stored elsewhere; a crash before this moves them again
            // (idempotent by their ids).
            if (!out) out = ZeroFrom(kHeaderBytes, scan.end, context);
        }
    }
    Unlock();
    return out;
}

}  // namespace kiosk::store
