// Typed errors of the clinic server: what an administrator's command, and later the kiosk's staff
// screen, say when PostgreSQL cannot be reached or refuses something.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace kiosk::server {

enum class ServerErrorKind {
    Unreachable,  // connection refused or closed, the server down or shutting down
    Auth,         // a wrong password, no such role, no password found (~/.pgpass, passfile=)
    Refused,      // SQLSTATE 42501: insufficient privilege, or a row-level security policy
    TooNew,       // the server's schema is newer than this kiosk's code
    Constraint,   // SQLSTATE class 23: a unique, check, foreign key or not-null violation
    BadInput,     // the caller's own input (a server URI, a site or kiosk id) cannot be used
    Other,
};

const char* ServerErrorKindName(ServerErrorKind kind);

struct ServerError {
    ServerErrorKind kind = ServerErrorKind::Other;
    std::string sqlstate;  // five characters from the server, empty when it did not answer
    std::string message;   // libpq's or the server's message, kept as it is (trailing newline cut)
    std::string context;   // what we were doing: "connecting", "applying migration 1"

    // One line: "applying migration 1: permission denied for table results (42501)".
    std::string Describe() const;
};

// Thrown inside kiosk/server only; its public functions return a ServerResult.
class ServerException : public std::runtime_error {
public:
    explicit ServerException(ServerError error) : std::runtime_error(error.Describe()), m_error(std::move(error)) {}
    const ServerError& error() const { return m_error; }

private:
    ServerError m_error;
};

// A value or the error, as the store's Result. Nothing in kiosk/server throws past its API.
template <class T>
struct ServerResult {
    std::optional<T> value;
    std::optional<ServerError> error;
    bool ok() const { return !error.has_value(); }
};

}  // namespace kiosk::server
