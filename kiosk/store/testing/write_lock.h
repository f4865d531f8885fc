// Test and screenshot support, never built into the kiosk: another process's hold on the clinic
// database's write lock, as a stuck backup or a second writer would take it. While it is held every
// write of the kiosk waits out its busy timeout and fails as `busy`, so the faults that follow a
// database that cannot take a write (the out-of-order switch, an urgent alert kept beside the
// database) can be shown on the real kiosk without a full disk.
#pragma once

#include <string>

namespace kiosk::store::testing {

class WriteLock {
public:
    // Takes the lock (BEGIN IMMEDIATE) on the database at `path`; throws std::runtime_error when it
    // cannot be taken.
    explicit WriteLock(const std::string& path);
    ~WriteLock();  // gives it back (ROLLBACK: nothing was written)
    WriteLock(const WriteLock&) = delete;
    WriteLock& operator=(const WriteLock&) = delete;

private:
    struct Connection;
    Connection* m_db = nullptr;
};

}  // namespace kiosk::store::testing
