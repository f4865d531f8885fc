// Test only: the power-cut VFS (power_cut_vfs.h has the model). A thin wrapper over the default
// VFS that forwards every call, remembers each file's bytes as of its last sync, and fails every
// call from the chosen sync on.
#include "store/testing/power_cut_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace kiosk::store::testing {

namespace {

struct FileImage {
    std::optional<std::string> durable;  // nullopt: absent after a cut
    bool main_db = false;                // its -shm is lost at a cut
};

}  // namespace

struct PowerCutVfs::Impl {
    sqlite3_vfs vfs{};
    sqlite3_vfs* real = nullptr;
    sqlite3_vfs* previous_default = nullptr;
    std::map<std::string, FileImage> files;  // by the path SQLite opens; nodes stay put
    int syncs = 0, cut_at = 0;
    std::vector<std::string> synced;
    bool cut = false;
};

namespace {

using Impl = PowerCutVfs::Impl;

// What SQLite allocates for a file of this VFS (szOsFile): this header, then the real VFS's file.
struct File {
    sqlite3_file base;   // first: SQLite sees a File as a sqlite3_file
    Impl* owner;
    FileImage* image;    // nullptr: a file without a name (temporary), passed through untouched
    const std::string* path;  // the key of `image` (nullptr with it)
    sqlite3_file* real;  // right after this header
};
// SQLite allocates files 8-byte aligned; the real file after the header must stay so.
static_assert(sizeof(File) % 8 == 0 && alignof(File) <= 8, "the real file after the header must stay aligned");

Impl& Owner(sqlite3_vfs* vfs) { return *static_cast<Impl*>(vfs->pAppData); }
File& Of(sqlite3_file* file) { return *reinterpret_cast<File*>(file); }

// The whole file through the real file's own handle: opening the path again and closing it would
// drop the process's POSIX locks on it, which SQLite's unix VFS relies on.
std::optional<std::string> ReadThrough(sqlite3_file* real) {
    sqlite3_int64 size = 0;
    if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return std::nullopt;
    std::string bytes(static_cast<size_t>(size), '\0');
    if (size > 0 && real->pMethods->xRead(real, bytes.data(), static_cast<int>(size), 0) != SQLITE_OK) return std::nullopt;
    return bytes;
}

// A file SQLite deletes that it never opened here: read before it goes (nothing holds it open).
std::optional<std::string> ReadPath(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// --- The file's methods --------------------------------------------------------------------

int Close(sqlite3_file* file) {
    File& f = Of(file);
    // Always closed, cut or not: a machine that lost power holds no file open either.
    return f.real->pMethods->xClose(f.real);
}

// Once the power is cut the call fails with `kError`; before, it goes to the real file. The
// methods written out below do more than this (Sync, FileControl, ShmLock, Fetch) or never fail.
template <auto kMethod, int kError, class... Args>
int CutOrReal(sqlite3_file* file, Args... args) {
    File& f = Of(file);
    if (f.owner->cut) return kError;
    return (f.real->pMethods->*kMethod)(f.real, args...);
}

int Sync(sqlite3_file* file, int flags) {
    File& f = Of(file);
    Impl& o = *f.owner;
    if (o.cut) return SQLITE_IOERR_FSYNC;
    ++o.syncs;
    o.synced.push_back(f.path ? std::filesystem::path(*f.path).filename().string() : std::string("(temporary)"));
    if (o.syncs == o.cut_at) {
        o.cut = true;  // this sync never reaches the disk
        return SQLITE_IOERR_FSYNC;
    }
    int rc = f.real->pMethods->xSync(f.real, flags);
    if (rc == SQLITE_OK && f.image) {
        std::optional<std::string> now = ReadThrough(f.real);
        if (!now) return SQLITE_IOERR_FSYNC;
        f.image->durable = std::move(now);
    }
    return rc;
}

int Unlock(sqlite3_file* file, int level) {
    File& f = Of(file);
    return f.real->pMethods->xUnlock(f.real, level);  // releasing writes nothing
}

int FileControl(sqlite3_file* file, int op, void* arg) {
    File& f = Of(file);
    // A size hint grows the file (it writes); the other controls only ask or set options.
    if (f.owner->cut && op == SQLITE_FCNTL_SIZE_HINT) return SQLITE_IOERR_WRITE;
    return f.real->pMethods->xFileControl(f.real, op, arg);
}

int SectorSize(sqlite3_file* file) {
    File& f = Of(file);
    return f.real->pMethods->xSectorSize(f.real);
}

int DeviceCharacteristics(sqlite3_file* file) {
    File& f = Of(file);
    // No promise that would let SQLite skip a sync: the model keeps only what was synced. Power-safe
    // overwrite stays: an unsynced write here never damages bytes around it.
    return f.real->pMethods->xDeviceCharacteristics(f.real) &
           ~(SQLITE_IOCAP_ATOMIC | SQLITE_IOCAP_ATOMIC512 | SQLITE_IOCAP_ATOMIC1K | SQLITE_IOCAP_ATOMIC2K |
             SQLITE_IOCAP_ATOMIC4K | SQLITE_IOCAP_ATOMIC8K | SQLITE_IOCAP_ATOMIC16K | SQLITE_IOCAP_ATOMIC32K |
             SQLITE_IOCAP_ATOMIC64K | SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_SEQUENTIAL | SQLITE_IOCAP_BATCH_ATOMIC);
}

int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
    File& f = Of(file);
    if (f.owner->cut && (flags & SQLITE_SHM_LOCK)) return SQLITE_IOERR_SHMLOCK;
    return f.real->pMethods->xShmLock(f.real, offset, n, flags);
}

void ShmBarrier(sqlite3_file* file) {
    File& f = Of(file);
    f.real->pMethods->xShmBarrier(f.real);
}

int ShmUnmap(sqlite3_file* file, int delete_flag) {
    File& f = Of(file);
    return f.real->pMethods->xShmUnmap(f.real, delete_flag);  // the -shm is lost at a cut anyway
}

int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    File& f = Of(file);
    if (f.owner->cut) {
        *out = nullptr;  // no mapping: SQLite reads with xRead, which fails
        return SQLITE_OK;
    }
    return f.real->pMethods->xFetch(f.real, offset, amount, out);
}

int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    File& f = Of(file);
    return f.real->pMethods->xUnfetch(f.real, offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    Close,
    CutOrReal<&sqlite3_io_methods::xRead, SQLITE_IOERR_READ, void*, int, sqlite3_int64>,
    CutOrReal<&sqlite3_io_methods::xWrite, SQLITE_IOERR_WRITE, const void*, int, sqlite3_int64>,
    CutOrReal<&sqlite3_io_methods::xTruncate, SQLITE_IOERR_TRUNCATE, sqlite3_int64>,
    Sync,
    CutOrReal<&sqlite3_io_methods::xFileSize, SQLITE_IOERR_FSTAT, sqlite3_int64*>,
    CutOrReal<&sqlite3_io_methods::xLock, SQLITE_IOERR_LOCK, int>,
    Unlock,
    CutOrReal<&sqlite3_io_methods::xCheckReservedLock, SQLITE_IOERR_CHECKRESERVEDLOCK, int*>,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    CutOrReal<&sqlite3_io_methods::xShmMap, SQLITE_IOERR_SHMMAP, int, int, int, void volatile**>,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

// --- The VFS's methods ---------------------------------------------------------------------

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    Impl& o = Owner(vfs);
    File& f = Of(file);
    f.base.pMethods = nullptr;  // SQLite closes only a file whose open succeeded
    f.owner = &o;
    f.image = nullptr;
    f.path = nullptr;
    f.real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(&f) + sizeof(File));
    if (o.cut) return SQLITE_IOERR;
    bool first_seen = false, existed = false;
    std::map<std::string, FileImage>::iterator it;
    if (name) {
        std::tie(it, first_seen) = o.files.try_emplace(name);
        existed = ::access(name, F_OK) == 0;
    }
    int rc = o.real->xOpen(o.real, name, f.real, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (first_seen) o.files.erase(it);
        return rc;
    }
    if (name) {
        f.image = &it->second;
        f.path = &it->first;
        if (first_seen && existed) {
            f.image->durable = ReadThrough(f.real);
            if (!f.image->durable) {
                f.real->pMethods->xClose(f.real);
                o.files.erase(it);
                return SQLITE_IOERR_READ;
            }
        }
        if (flags & SQLITE_OPEN_MAIN_DB) f.image->main_db = true;
    }
    f.base.pMethods = &kMethods;
    return SQLITE_OK;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    Impl& o = Owner(vfs);
    if (o.cut) return SQLITE_IOERR_DELETE;
    // Never opened here: what the disk holds now is what a cut without dirSync brings back.
    auto [it, first_seen] = o.files.try_emplace(name);
    if (first_seen) it->second.durable = ReadPath(name);
    int rc = o.real->xDelete(o.real, name, sync_dir);
    if (rc == SQLITE_OK && sync_dir) it->second.durable.reset();
    return rc;
}

int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    Impl& o = Owner(vfs);
    return o.real->xAccess(o.real, name, flags, out);
}

int FullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
    Impl& o = Owner(vfs);
    return o.real->xFullPathname(o.real, name, size, out);
}

void* DlOpen(sqlite3_vfs* vfs, const char* name) { return Owner(vfs).real->xDlOpen(Owner(vfs).real, name); }
void DlError(sqlite3_vfs* vfs, int size, char* out) { Owner(vfs).real->xDlError(Owner(vfs).real, size, out); }
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
    return Owner(vfs).real->xDlSym(Owner(vfs).real, handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) { Owner(vfs).real->xDlClose(Owner(vfs).real, handle); }
int Randomness(sqlite3_vfs* vfs, int size, char* out) { return Owner(vfs).real->xRandomness(Owner(vfs).real, size, out); }
int Sleep(sqlite3_vfs* vfs, int microseconds) { return Owner(vfs).real->xSleep(Owner(vfs).real, microseconds); }
int CurrentTime(sqlite3_vfs* vfs, double* out) { return Owner(vfs).real->xCurrentTime(Owner(vfs).real, out); }
int GetLastError(sqlite3_vfs* vfs, int size, char* out) { return Owner(vfs).real->xGetLastError(Owner(vfs).real, size, out); }
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    return Owner(vfs).real->xCurrentTimeInt64(Owner(vfs).real, out);
}

void WriteFile(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw std::runtime_error("power-cut VFS: cannot restore " + path);
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            ::close(fd);
            throw std::runtime_error("power-cut VFS: cannot restore " + path);
        }
        done += static_cast<size_t>(n);
    }
    ::close(fd);
}

}  // namespace

PowerCutVfs::PowerCutVfs() : m_impl(std::make_unique<Impl>()) {
    Impl& o = *m_impl;
    o.previous_default = sqlite3_vfs_find(nullptr);
    o.real = o.previous_default;  // "unix" on Linux
    if (!o.real || o.real->iVersion < 2) throw std::runtime_error("power-cut VFS: no default VFS to wrap");
    sqlite3_vfs& v = o.vfs;
    v.iVersion = 2;  // up to xCurrentTimeInt64; the system-call hooks of version 3 are not needed
    v.szOsFile = static_cast<int>(sizeof(File)) + o.real->szOsFile;
    v.mxPathname = o.real->mxPathname;
    v.zName = "power-cut";
    v.pAppData = &o;
    v.xOpen = Open;
    v.xDelete = Delete;
    v.xAccess = Access;
    v.xFullPathname = FullPathname;
    v.xDlOpen = DlOpen;
    v.xDlError = DlError;
    v.xDlSym = DlSym;
    v.xDlClose = DlClose;
    v.xRandomness = Randomness;
    v.xSleep = Sleep;
    v.xCurrentTime = CurrentTime;
    v.xGetLastError = GetLastError;
    v.xCurrentTimeInt64 = CurrentTimeInt64;
    if (sqlite3_vfs_register(&v, 1) != SQLITE_OK) throw std::runtime_error("power-cut VFS: cannot register");
}

PowerCutVfs::~PowerCutVfs() {
    sqlite3_vfs_unregister(&m_impl->vfs);
    // Unregistering the default makes another one the default; put back the one there was.
    if (m_impl->previous_default) sqlite3_vfs_register(m_impl->previous_default, 1);
}

void PowerCutVfs::CutAtSync(int k) {
    m_impl->syncs = 0;
    m_impl->synced.clear();
    m_impl->cut_at = k;
}

int PowerCutVfs::Syncs() const { return m_impl->syncs; }
const std::vector<std::string>& PowerCutVfs::SyncedFiles() const { return m_impl->synced; }
bool PowerCutVfs::IsCut() const { return m_impl->cut; }
void PowerCutVfs::CutNow() { m_impl->cut = true; }

void PowerCutVfs::RestoreDurableImages() {
    m_impl->cut = true;
    for (const auto& [path, image] : m_impl->files) {
        std::error_code ignored;
        if (image.durable) WriteFile(path, *image.durable);
        else std::filesystem::remove(path, ignored);
        if (image.main_db) std::filesystem::remove(path + "-shm", ignored);
    }
}

}  // namespace kiosk::store::testing
