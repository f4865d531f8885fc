// RAII over libpq: connection, result, transaction, and one mapping of libpq's failures to the
// kinds of ServerError that keeps libpq's own message. Only kiosk/server includes libpq-fe.h; this
// header forward-declares what it needs.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/server_error.h"

struct pg_conn;
struct pg_result;

namespace kiosk::server {

// The parameters of one statement, $1, $2, ... in order. Text is sent as text; Bytes (sealed
// boxes) in binary format, so no byte is escaped or taken for the end of a string.
class PgParams {
public:
    PgParams& Text(std::string value);
    PgParams& Bytes(std::string bytes);
    PgParams& Int(long long value) { return Text(std::to_string(value)); }
    PgParams& Null();
    PgParams& Optional(const std::optional<std::string>& value) { return value ? Text(*value) : Null(); }

    struct Param {
        std::optional<std::string> value;  // nullopt: SQL NULL
        bool binary = false;
    };
    const std::vector<Param>& All() const { return m_params; }

private:
    std::vector<Param> m_params;
};

// One result; rows and columns from 0. Values are read as libpq's text format.
class PgResult {
public:
    explicit PgResult(pg_result* result) : m_result(result) {}
    ~PgResult();
    PgResult(PgResult&& other) noexcept : m_result(other.m_result) { other.m_result = nullptr; }
    PgResult& operator=(PgResult&& other) noexcept;
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;

    int Rows() const;
    bool IsNull(int row, int column) const;
    std::string Text(int row, int column) const;  // "" for NULL
    long long Int(int row, int column) const;     // throws ServerException (Other) when not an integer
    std::string Bytes(int row, int column) const; // a bytea column's bytes (its text form decoded)
    std::string CommandTag() const;               // "INSERT 0 1", "COMMIT", "ROLLBACK"
    long long AffectedRows() const;               // rows an INSERT/UPDATE/DELETE touched (0 when none)

private:
    pg_result* m_result = nullptr;
};

// A LISTEN channel's notification.
struct PgNotification {
    std::string channel, payload;
    int backend_pid = 0;
};

class PgConnection {
public:
    // Connects with a postgresql:// URI or a "key=value ..." string, as libpq reads them (password
    // from ~/.pgpass or passfile=). Throws ServerException: Unreachable, Auth or Other.
    explicit PgConnection(const std::string& conninfo);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // One statement with parameters (PQexecParams). Throws ServerException for anything but a
    // command or rows returned.
    PgResult Exec(std::string_view sql, const PgParams& params, const char* context);
    PgResult Exec(std::string_view sql, const char* context) { return Exec(sql, PgParams{}, context); }
    // Several statements, no parameters (PQexec): a migration's script.
    void ExecScript(std::string_view sql, const char* context);

    // The next notification of a channel this connection LISTENs to, waiting up to `timeout`;
    // nullopt when none came. Throws ServerException (Unreachable) when the connection is lost.
    std::optional<PgNotification> WaitForNotification(std::chrono::milliseconds timeout);

    // `name` quoted as an identifier ("kiosk.a.b" with its quotes), escaped by libpq.
    std::string QuoteIdentifier(std::string_view name) const;
    // `text` quoted as a string literal, for the statements that take no parameters (CREATE ROLE).
    std::string QuoteLiteral(std::string_view text) const;
    // Where this connection went: the host name, address or socket folder, and the port.
    std::string Host() const;
    std::string Port() const;
    // The SCRAM-SHA-256 verifier of `password` for role `user`, made here (PQencryptPasswordConn)
    // so that CREATE ROLE ... PASSWORD never carries the password itself to the server or its log.
    std::string EncryptPassword(const std::string& password, const std::string& user) const;

    pg_conn* Raw() const { return m_conn; }

private:
    [[noreturn]] void Throw(pg_result* result, const char* context) const;
    pg_conn* m_conn = nullptr;
};

// BEGIN ... COMMIT; rolls back in the destructor unless committed.
class PgTransaction {
public:
    PgTransaction(PgConnection& conn, const char* context);
    ~PgTransaction();
    PgTransaction(const PgTransaction&) = delete;
    PgTransaction& operator=(const PgTransaction&) = delete;
    // Throws ServerException when the COMMIT fails, or the server rolled the transaction back.
    void Commit();

private:
    PgConnection& m_conn;
    const char* m_context;
    bool m_done = false;
};

// Why `uri` may not be a kiosk.toml's clinic_server, or nullopt when it may: it must parse (libpq's
// own parser), hold no password (those go in ~/.pgpass or passfile=), and reach any host that is
// not this machine (localhost, 127.0.0.1, ::1, a socket folder) with sslmode=verify-full.
std::optional<std::string> CheckServerUri(const std::string& uri);

// The parts of a connection string the administrator's commands print for a kiosk: host, port,
// database, user, sslmode, sslrootcert ("" when not given). Throws ServerException (BadInput).
struct ConnInfoParts {
    std::string host, port, dbname, user, sslmode, sslrootcert;
};
ConnInfoParts ParseConnInfo(const std::string& conninfo);

}  // namespace kiosk::server
