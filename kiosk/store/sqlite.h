// RAII over SQLite: connection, statement, transaction, and one check that keeps SQLite's message.
// Only kiosk/store/*.cpp includes sqlite3.h; this header forward-declares what it needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/db_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kiosk::store {

class Connection {
public:
    // Opens (and with `create`, creates) the database at `path`. Throws DbException.
    Connection(const std::string& path, bool create, bool read_only = false);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void Exec(std::string_view sql, const char* context);
    int64_t LastInsertRowId() const;
    int Changes() const;
    sqlite3* Raw() const { return m_db; }
    const std::string& Path() const { return m_path; }

    // Throws DbException for any result code that is not OK, ROW or DONE.
    void Check(int rc, const char* context) const;

    // Remembers which file `path` names now (device and inode); from then on every COMMIT first
    // checks that the path still names it. A file deleted or replaced under a running kiosk takes
    // writes that no one will ever read: they are refused before COMMIT instead (Io).
    void RememberFile();
    void CheckFileIsStillThere(const char* context) const;

    // Copies the WAL into the file and truncates it (PRAGMA wal_checkpoint(TRUNCATE)), then syncs
    // the truncated WAL through SQLite's own handle of it: SQLite does not, and a power cut would
    // bring the old frames back. Returns why the WAL is not empty when another connection's
    // reading kept the copy from finishing (not an error: the next checkpoint finishes it); throws
    // DbException when the checkpoint or the sync fails.
    std::optional<std::string> EmptyWal(const char* context);

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
    bool m_remembered = false;
    unsigned long long m_device = 0, m_inode = 0;
};

class Statement {
public:
    Statement(Connection& db, std::string_view sql, const char* context);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& Bind(int index, int64_t value);
    Statement& Bind(int index, std::string_view value);
    Statement& BindBlob(int index, std::string_view bytes);  // sealed bytes: a BLOB, never text
    Statement& BindNull(int index);
    Statement& BindOptional(int index, const std::optional<std::string>& value);  // NULL when empty

    bool Step();        // true: a row is ready; false: done
    void Run();         // steps to the end (for statements without rows)
    void Reset();

    int64_t Int(int column) const;
    std::string Text(int column) const;
    void TextInto(int column, std::string& out) const;  // reuses out's storage (rows read in a loop)
    std::string Blob(int column) const;                 // a BLOB's bytes (empty for NULL)
    bool IsNull(int column) const;

private:
    Connection& m_db;
    sqlite3_stmt* m_stmt = nullptr;
    const char* m_context;
};

// BEGIN ... ROLLBACK around reads: every row one call reads comes from one snapshot of the database,
// and nothing is written. Ending it cannot lose anything, so a failure to end it is ignored.
class ReadSnapshot {
public:
    ReadSnapshot(Connection& db, const char* context) : m_db(db) { m_db.Exec("BEGIN", context); }
    ~ReadSnapshot() {
        try {
            m_db.Exec("ROLLBACK", "ending a read");
        } catch (const DbException&) {
        }
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
    Connection& m_db;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless committed.
class Transaction {
public:
    Transaction(Connection& db, const char* context);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    // Checks the file is still the one opened (Connection::RememberFile), then COMMITs.
    void Commit();

private:
    Connection& m_db;
    const char* m_context;
    bool m_done = false;
};

}  // namespace kiosk::store
