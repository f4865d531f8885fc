// Typed database errors: what a staff screen shows when the clinic database cannot take a write.
#pragma once

#include <stdexcept>
#include <string>

namespace kiosk::store {

enum class DbErrorKind {
    Busy,      // locked by another process past the timeout
    ReadOnly,  // the file or its folder is read-only
    Full,      // the disk (or the database's size limit) is full
    Corrupt,   // not a database, or damaged
    TooNew,    // written by a newer version of the kiosk
    CannotOpen,
    Io,
    Constraint,
    Refused,   // the signed-in account's role may not do this (or the account is not active)
    Other,
};

const char* DbErrorKindName(DbErrorKind kind);

struct DbError {
    DbErrorKind kind = DbErrorKind::Other;
    int code = 0;           // SQLite extended result code (0 when not from SQLite)
    std::string message;    // SQLite's message, or ours
    std::string context;    // what we were doing: "opening /path", "saving a submission"

    // One line for logs and the staff screen: "saving a submission: database is locked (SQLITE_BUSY, 5)".
    std::string Describe() const;
};

class DbException : public std::runtime_error {
public:
    explicit DbException(DbError error) : std::runtime_error(error.Describe()), m_error(std::move(error)) {}
    const DbError& error() const { return m_error; }

private:
    DbError m_error;
};

}  // namespace kiosk::store
