// Urgent alerts kept outside the database: the preallocated, framed, fsynced file beside it.
#include "store/alert_fallback.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sealing.h"

namespace kiosk::store {
namespace {

constexpr std::string_view kHeader = "kiosk-alerts-v1\n";
static_assert(kHeader.size() == AlertFallback::kHeaderBytes);
constexpr std::string_view kMagic = "KALR";
constexpr size_t kHashBytes = 32;
constexpr size_t kFrameBytes = 4 + 4 + kHashBytes;  // magic, length, hash
constexpr size_t kFields = 5;
// Waiting for another process's append or move: each holds the lock for one fdatasync.
constexpr std::chrono::milliseconds kLockWait{2000};

DbError FileError(int err, const std::string& what, const char* context) {
    DbErrorKind kind = DbErrorKind::Io;
    if (err == ENOSPC || err == EDQUOT) kind = DbErrorKind::Full;
    else if (err == EROFS || err == EACCES || err == EPERM) kind = DbErrorKind::ReadOnly;
    return DbError{kind, 0, what + ": " + std::strerror(err), context};
}

// The hash that makes a torn or altered record recognisable: over the length bytes and the payload.
void RecordHash(const unsigned char length[4], std::string_view payload, unsigned char out[kHashBytes]) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, kHashBytes);
    crypto_generichash_update(&state, length, 4);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
    crypto_generichash_final(&state, out, kHashBytes);
}

std::string Frame(const KeptAlert& alert) {
    const std::string payload = JoinFields({alert.alert_id, alert.session_id, alert.raised_at, alert.kiosk_id, alert.sealed});
    unsigned char length[4];
    for (int i = 0; i < 4; ++i) length[i] = static_cast<unsigned char>(payload.size() >> (8 * i));
    unsigned char hash[kHashBytes];
    RecordHash(length, payload, hash);
    std::string out(kMagic);
    out.append(reinterpret_cast<const char*>(length), 4);
    out.append(reinterpret_cast<const char*>(hash), kHashBytes);
    out += payload;
    return out;
}

std::optional<DbError> WriteAll(int fd, std::string_view bytes, size_t at, const char* context) {
    while (!bytes.empty()) {
        ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(at));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return FileError(n < 0 ? errno : EIO, "writing the kept-alerts file", context);
        bytes.remove_prefix(static_cast<size_t>(n));
        at += static_cast<size_t>(n);
    }
    return std::nullopt;
}

std::optional<DbError> ReadAll(int fd, std::string& out, size_t size, const char* context) {
    out.assign(size, '\0');
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return FileError(errno, "reading the kept-alerts file", context);
        if (n == 0) break;  // shorter than fstat said: another process is not allowed to shrink it, but be safe
        done += static_cast<size_t>(n);
    }
    out.resize(done);
    return std::nullopt;
}

std::optional<DbError> Grow(int fd, size_t from, size_t bytes, const char* context) {
    int err = ::posix_fallocate(fd, static_cast<off_t>(from), static_cast<off_t>(bytes));
    if (err != 0) return FileError(err, "reserving space for kept alerts", context);
    return std::nullopt;
}

// A new file's name is durable only when its folder is synced.
std::optional<DbError> SyncFolder(const std::string& path, const char* context) {
    std::string folder = std::filesystem::path(path).parent_path().string();
    if (folder.empty()) folder = ".";
    int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return FileError(errno, "opening the folder of the kept-alerts file", context);
    int rc = ::fsync(dir);
    int err = errno;
    ::close(dir);
    if (rc != 0) return FileError(err, "syncing the folder of the kept-alerts file", context);
    return std::nullopt;
}

}  // namespace

std::string AlertFallback::PathFor(const std::string& database_path) { return database_path + "-alerts"; }

AlertFallback::AlertFallback(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}

AlertFallback::~AlertFallback() {
    if (m_fd >= 0) ::close(m_fd);
}

std::variant<std::unique_ptr<AlertFallback>, DbError> AlertFallback::Open(const std::string& path) {
    const std::string context = "opening " + path;
    const char* ctx = context.c_str();
    static const bool sodium_ready = sodium_init() >= 0;
    if (!sodium_ready) return DbError{DbErrorKind::Other, 0, "libsodium did not start", context};
    bool created = false;
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        // Health data beside health data: owner-only, like the database.
        fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
        created = fd >= 0;
        if (fd < 0 && errno == EEXIST) fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);  // another process made it
    }
    if (fd < 0) return FileError(errno, "opening the kept-alerts file", ctx);
    std::unique_ptr<AlertFallback> file(new AlertFallback(path, fd));
    if (auto error = file->Lock(true, ctx)) return *error;
    auto fail = [&](DbError error) -> std::variant<std::unique_ptr<AlertFallback>, DbError> {
        file->Unlock();
        return error;
    };
    struct stat st{};
    if (::fstat(fd, &st) != 0) return fail(FileError(errno, "reading the kept-alerts file's size", ctx));
    const size_t size = static_cast<size_t>(st.st_size);
    // Space first: on a full disk the header could not be written either, and a file that holds
    // no room is no fallback (the error says so at start-up rather than when an alert needs it).
    if (size < kPreallocate) {
        if (auto error = Grow(fd, 0, kPreallocate, ctx)) return fail(*error);
    }
    std::string header;
    if (auto error = ReadAll(fd, header, kHeaderBytes, ctx)) return fail(*error);
    if (header != kHeader) {
        if (header.find_first_not_of('\0') != std::string::npos)
            return fail(DbError{DbErrorKind::Corrupt, 0, "the file is not a kiosk kept-alerts file (its first bytes are not \"kiosk-alerts-v1\")",
                                context});
        // New, or made by a process that stopped before writing the header.
        if (auto error = WriteAll(fd, kHeader, 0, ctx)) return fail(*error);
    }
    // A record torn by a power cut (or zeroing cut short) leaves bytes after the last whole one.
    auto scanned = file->ScanRecords(ctx);
    if (auto* error = std::get_if<DbError>(&scanned)) return fail(*error);
    const Scan& scan = std::get<Scan>(scanned);
    if (scan.dirty_end > scan.end) {
        if (auto error = file->ZeroFrom(scan.end, scan.dirty_end, ctx)) return fail(*error);
    }
    if (::fsync(fd) != 0) return fail(FileError(errno, "syncing the kept-alerts file", ctx));
    if (created) {
        if (auto error = SyncFolder(path, ctx)) return fail(*error);
    }
    file->Unlock();
    return file;
}

std::optional<DbError> AlertFallback::Lock(bool exclusive, const char* context) {
    const auto deadline = std::chrono::steady_clock::now() + kLockWait;
    for (;;) {
        if (::flock(m_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) return std::nullopt;
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) return FileError(errno, "locking the kept-alerts file", context);
        if (std::chrono::steady_clock::now() >= deadline)
            return DbError{DbErrorKind::Busy, 0, "the kept-alerts file stayed locked by another process", context};
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void AlertFallback::Unlock() { ::flock(m_fd, LOCK_UN); }

std::variant<AlertFallback::Scan, DbError> AlertFallback::ScanRecords(const char* context) {
    Scan scan;
    struct stat st{};
    if (::fstat(m_fd, &st) != 0) return FileError(errno, "reading the kept-alerts file's size", context);
    scan.size = static_cast<size_t>(st.st_size);
    std::string bytes;
    if (auto error = ReadAll(m_fd, bytes, scan.size, context)) return *error;
    scan.size = bytes.size();
    size_t at = kHeaderBytes;
    while (at + kFrameBytes <= bytes.size()) {
        std::string_view frame(bytes.data() + at, bytes.size() - at);
        if (frame.substr(0, 4) != kMagic) break;  // zeros (the end) or a torn record
        unsigned char length[4];
        std::memcpy(length, frame.data() + 4, 4);
        const size_t payload_size = static_cast<size_t>(length[0]) | static_cast<size_t>(length[1]) << 8 |
                                    static_cast<size_t>(length[2]) << 16 | static_cast<size_t>(length[3]) << 24;
        if (payload_size == 0 || payload_size > frame.size() - kFrameBytes) break;
        const std::string_view payload = frame.substr(kFrameBytes, payload_size);
        unsigned char hash[kHashBytes];
        RecordHash(length, payload, hash);
        if (sodium_memcmp(hash, frame.data() + 8, kHashBytes) != 0) break;
        std::optional<std::vector<std::string>> fields = SplitFields(payload, kFields);
        if (!fields) break;
        std::vector<std::string>& f = *fields;
        scan.alerts.push_back(KeptAlert{std::move(f[0]), std::move(f[1]), std::move(f[2]), std::move(f[3]), std::move(f[4])});
        at += kFrameBytes + payload_size;
    }
    scan.end = std::min(at, bytes.size());
    const size_t last = bytes.find_last_not_of('\0');
    scan.dirty_end = last == std::string::npos ? 0 : std::max(scan.end, last + 1);
    return scan;
}

std::optional<DbError> AlertFallback::ZeroFrom(size_t from, size_t to, const char* context) {
    if (to <= from) return std::nullopt;
    if (auto error = WriteAll(m_fd, std::string(to - from, '\0'), from, context)) return error;
    if (::fdatasync(m_fd) != 0) return FileError(errno, "syncing the kept-alerts file", context);
    return std::nullopt;
}

std::optional<DbError> AlertFallback::Append(const KeptAlert& alert) {
    const char* context = "keeping an urgent alert outside the database";
    if (auto error = Lock(true, context)) return error;
    std::optional<DbError> out = [&]() -> std::optional<DbError> {
        auto scanned = ScanRecords(context);
        if (auto* error = std::get_if<DbError>(&scanned)) return *error;
        const Scan& scan = std::get<Scan>(scanned);
        std::string record = Frame(alert);
        // Bytes after the last whole record (another process's torn write): cleared with the same
        // write, so that nothing old follows the new record.
        if (scan.dirty_end > scan.end + record.size()) record.append(scan.dirty_end - scan.end - record.size(), '\0');
        if (scan.end + record.size() > scan.size) {
            // The preallocated space is used up: grow by as much again. On a full disk this fails,
            // and the caller keeps the alert in memory.
            if (auto error = Grow(m_fd, scan.size, std::max(kPreallocate, scan.end + record.size() - scan.size), context)) return error;
        }
        if (auto error = WriteAll(m_fd, record, scan.end, context)) return error;
        // Durable before the caller counts on it; fdatasync also writes the size when it grew.
        if (::fdatasync(m_fd) != 0) return FileError(errno, "syncing the kept-alerts file", context);
        return std::nullopt;
    }();
    Unlock();
    return out;
}

std::variant<std::vector<KeptAlert>, DbError> AlertFallback::Read() {
    const char* context = "reading the kept-alerts file";
    if (auto error = Lock(false, context)) return *error;
    auto scanned = ScanRecords(context);
    Unlock();
    if (auto* error = std::get_if<DbError>(&scanned)) return *error;
    return std::move(std::get<Scan>(scanned).alerts);
}

}  // namespace kiosk::store
