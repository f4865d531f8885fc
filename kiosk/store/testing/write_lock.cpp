// Holding the clinic database's write lock from outside the kiosk (write_lock.h).
#include "store/testing/write_lock.h"

#include <sqlite3.h>

#include <stdexcept>

namespace kiosk::store::testing {

struct WriteLock::Connection {
    sqlite3* db = nullptr;
};

WriteLock::WriteLock(const std::string& path) : m_db(new Connection) {
    if (sqlite3_open_v2(path.c_str(), &m_db->db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
        sqlite3_exec(m_db->db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK)
        return;
    std::string why = m_db->db ? sqlite3_errmsg(m_db->db) : "out of memory";
    sqlite3_close(m_db->db);
    delete m_db;
    throw std::runtime_error("cannot hold the write lock of " + path + ": " + why);
}

WriteLock::~WriteLock() {
    sqlite3_exec(m_db->db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(m_db->db);
    delete m_db;
}

}  // namespace kiosk::store::testing
