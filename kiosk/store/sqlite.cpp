// RAII over SQLite, and the mapping of SQLite's result codes to the kinds a staff screen shows.
#include "store/sqlite.h"

#include <sqlite3.h>
#include <sys/stat.h>

namespace kiosk::store {

const char* DbErrorKindName(DbErrorKind kind) {
    switch (kind) {
        case DbErrorKind::Busy: return "busy";
        case DbErrorKind::ReadOnly: return "read-only";
        case DbErrorKind::Full: return "full";
        case DbErrorKind::Corrupt: return "corrupt";
        case DbErrorKind::TooNew: return "too new";
        case DbErrorKind::CannotOpen: return "cannot open";
        case DbErrorKind::Io: return "i/o";
        case DbErrorKind::Constraint: return "constraint";
        case DbErrorKind::Refused: return "refused";
        case DbErrorKind::Other: return "other";
    }
    return "other";
}

std::string DbError::Describe() const {
    std::string out = context.empty() ? message : context + ": " + message;
    if (code != 0) out += " (" + std::string(sqlite3_errstr(code)) + ", " + std::to_string(code) + ")";
    return out;
}

namespace {

DbErrorKind KindOf(int extended) {
    switch (extended & 0xFF) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return DbErrorKind::Busy;
        case SQLITE_READONLY: return DbErrorKind::ReadOnly;
        case SQLITE_FULL: return DbErrorKind::Full;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: return DbErrorKind::Corrupt;
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_AUTH: return DbErrorKind::CannotOpen;
        case SQLITE_IOERR: return DbErrorKind::Io;
        case SQLITE_CONSTRAINT: return DbErrorKind::Constraint;
        default: return DbErrorKind::Other;
    }
}

}  // namespace

Connection::Connection(const std::string& path, bool create, bool read_only) : m_path(path) {
    int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_FULLMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        DbError e{KindOf(rc), rc, m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc), "opening " + path};
        sqlite3_close(m_db);
        m_db = nullptr;
        throw DbException(std::move(e));
    }
    sqlite3_extended_result_codes(m_db, 1);
}

void Connection::RememberFile() {
    struct stat st{};
    if (::stat(m_path.c_str(), &st) != 0) return;
    m_remembered = true;
    m_device = st.st_dev;
    m_inode = st.st_ino;
}

void Connection::CheckFileIsStillThere(const char* context) const {
    if (!m_remembered) return;
    struct stat st{};
    if (::stat(m_path.c_str(), &st) != 0)
        throw DbException(DbError{DbErrorKind::Io, 0,
                                  "the database file " + m_path + " was deleted while the kiosk was running, so nothing was saved",
                                  context});
    if (st.st_dev != m_device || st.st_ino != m_inode)
        throw DbException(DbError{DbErrorKind::Io, 0,
                                  "the database file " + m_path + " was replaced by another file while the kiosk was running, so "
                                  "nothing was saved",
                                  context});
}

Connection::~Connection() {
    // Statements are finalized by their owners first; close_v2 defers if any remain.
    sqlite3_close_v2(m_db);
}

void Connection::Check(int rc, const char* context) const {
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
    int extended = m_db ? sqlite3_extended_errcode(m_db) : rc;
    if ((extended & 0xFF) != (rc & 0xFF)) extended = rc;
    throw DbException(DbError{KindOf(extended), extended, m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc), context});
}

void Connection::Exec(std::string_view sql, const char* context) {
    std::string text(sql);
    Check(sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr), context);
}

std::optional<std::string> Connection::EmptyWal(const char* context) {
    {
        // One row: busy (1 when a reader kept it from finishing), the WAL's frames, those copied.
        Statement checkpoint(*this, "PRAGMA wal_checkpoint(TRUNCATE)", context);
        if (checkpoint.Step() && checkpoint.Int(0) != 0)
            return std::string("another connection was reading the database, so its log could not be emptied");
    }
    // The WAL's handle, open as long as the connection is in WAL mode; without one there is
    // nothing to sync. Through SQLite's handle, so that a VFS under it sees the sync too.
    sqlite3_file* wal = nullptr;
    Check(sqlite3_file_control(m_db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal), context);
    if (wal && wal->pMethods) {
        const int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_FULL);
        // Not Check(): the connection's error message is not this call's.
        if (rc != SQLITE_OK) throw DbException(DbError{KindOf(rc), rc, std::string("syncing the emptied log: ") + sqlite3_errstr(rc), context});
    }
    return std::nullopt;
}

int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(m_db); }
int Connection::Changes() const { return sqlite3_changes(m_db); }

Statement::Statement(Connection& db, std::string_view sql, const char* context) : m_db(db), m_context(context) {
    db.Check(sqlite3_prepare_v2(db.Raw(), sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr), context);
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement& Statement::Bind(int index, int64_t value) {
    m_db.Check(sqlite3_bind_int64(m_stmt, index, value), m_context);
    return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
    m_db.Check(sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT), m_context);
    return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
    m_db.Check(sqlite3_bind_blob(m_stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT), m_context);
    return *this;
}

Statement& Statement::BindNull(int index) {
    m_db.Check(sqlite3_bind_null(m_stmt, index), m_context);
    return *this;
}

Statement& Statement::BindOptional(int index, const std::optional<std::string>& value) {
    return value ? Bind(index, std::string_view(*value)) : BindNull(index);
}

bool Statement::Step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    m_db.Check(rc, m_context);
    return false;
}

void Statement::Run() {
    while (Step()) {
    }
}

void Statement::Reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(m_stmt, column); }

std::string Statement::Text(int column) const {
    const unsigned char* text = sqlite3_column_text(m_stmt, column);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)))
                : std::string();
}

void Statement::TextInto(int column, std::string& out) const {
    const unsigned char* text = sqlite3_column_text(m_stmt, column);
    if (text) out.assign(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)));
    else out.clear();
}

std::string Statement::Blob(int column) const {
    const void* bytes = sqlite3_column_blob(m_stmt, column);
    return bytes ? std::string(static_cast<const char*>(bytes), static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)))
                 : std::string();
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

Transaction::Transaction(Connection& db, const char* context) : m_db(db), m_context(context) {
    m_db.Exec("BEGIN IMMEDIATE", context);
}

Transaction::~Transaction() {
    if (!m_done) sqlite3_exec(m_db.Raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::Commit() {
    m_db.CheckFileIsStillThere(m_context);
    m_db.Exec("COMMIT", m_context);
    m_done = true;
}

}  // namespace kiosk::store
