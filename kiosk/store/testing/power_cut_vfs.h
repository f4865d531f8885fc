// Test only: a SQLite VFS that cuts the power at a chosen sync, for the power-cut test
// (tests/store/test_power_cut.cpp). It lives under kiosk/store because only kiosk/store may include
// sqlite3.h (scripts/check-boundaries); it is built into the tests, never into the kiosk.
//
// The model, per file path, over the real "unix" VFS (every call still goes to the real file):
// - The volatile image is what the process sees: the real file. xWrite and xTruncate change it.
// - The durable image is what the disk would give back after a power cut: the file as of its last
//   successful xSync. A file first seen holds what was on disk then (or is absent); the test
//   starts each run from a copied folder, so "first seen" is "before the operation".
// - xSync makes the whole file durable, its existence too (SQLite's unix VFS fsyncs the folder
//   at a new journal's or WAL's first sync). A file created and never synced is lost.
// - xDelete is durable only with dirSync; without it the cut brings the file back as it was.
// - The -shm file is lost at a cut (SQLite rebuilds it from the WAL), so it is removed.
// - The cut: the K-th xSync after CutAtSync(K) fails, and so does every later I/O call
//   (SQLITE_IOERR), so the operation under test reports an error and is not acknowledged. Locks
//   are still released and files still closed, so the store can be destroyed.
// After the store is destroyed, RestoreDurableImages() writes each durable image back (or removes
// the file): the disk as the machine finds it when the power comes back. Writes that were never
// synced are dropped whole; nothing unsynced survives, not even in part.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace kiosk::store::testing {

class PowerCutVfs {
public:
    // Registers the VFS as SQLite's default, so Store::Open uses it with no change.
    PowerCutVfs();
    // Unregisters it: the default before is the default again. Every connection that used it
    // must be closed by now.
    ~PowerCutVfs();
    PowerCutVfs(const PowerCutVfs&) = delete;
    PowerCutVfs& operator=(const PowerCutVfs&) = delete;

    // Counts xSync calls from 0 again; the `k`-th (from 1) cuts the power. 0: no cut planned.
    void CutAtSync(int k);
    // xSync calls since CutAtSync, the failing one included.
    int Syncs() const;
    // Which file each of them synced (its name without the folder), in order: for the test's log.
    const std::vector<std::string>& SyncedFiles() const;
    bool IsCut() const;
    // The power fails now, between two calls: nothing more is written or synced.
    void CutNow();
    // Once every connection is closed: each file as the disk holds it after the cut. Cuts the
    // power first if it is still on.
    void RestoreDurableImages();

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace kiosk::store::testing
