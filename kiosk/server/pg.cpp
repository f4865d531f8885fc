// RAII over libpq, the mapping of its failures to ServerErrorKind, and the server URI check.
#include "server/pg.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <memory>

namespace kiosk::server {

const char* ServerErrorKindName(ServerErrorKind kind) {
    switch (kind) {
        case ServerErrorKind::Unreachable: return "unreachable";
        case ServerErrorKind::Auth: return "authentication";
        case ServerErrorKind::Refused: return "refused";
        case ServerErrorKind::TooNew: return "too new";
        case ServerErrorKind::Constraint: return "constraint";
        case ServerErrorKind::BadInput: return "bad input";
        case ServerErrorKind::Other: return "other";
    }
    return "other";
}

std::string ServerError::Describe() const {
    std::string out = context.empty() ? message : context + ": " + message;
    if (!sqlstate.empty()) out += " (" + sqlstate + ")";
    return out;
}

namespace {

// libpq's messages end with a newline, and a connection's may hold several lines (one a host).
std::string Trimmed(const char* text) {
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A failed connection has no SQLSTATE that libpq hands out: its message tells the kinds apart.
ServerErrorKind KindOfConnectFailure(const std::string& message) {
    if (Contains(message, "password authentication failed") || Contains(message, "no password supplied") ||
        Contains(message, "authentication failed") || Contains(message, "no pg_hba.conf entry") ||
        (Contains(message, "role \"") && Contains(message, "does not exist")) || Contains(message, "SCRAM"))
        return ServerErrorKind::Auth;
    if (Contains(message, "database \"") && Contains(message, "does not exist")) return ServerErrorKind::Other;
    if (Contains(message, "invalid") && (Contains(message, "URI") || Contains(message, "connection option")))
        return ServerErrorKind::BadInput;
    // Refused, reset, timed out, no such socket, the server starting up or shutting down.
    return ServerErrorKind::Unreachable;
}

ServerErrorKind KindOfSqlState(const std::string& state) {
    if (state == "42501") return ServerErrorKind::Refused;
    if (state.rfind("23", 0) == 0) return ServerErrorKind::Constraint;
    if (state.rfind("28", 0) == 0) return ServerErrorKind::Auth;
    // 08: connection exceptions; 57P01..57P03: admin shutdown, crash shutdown, cannot connect now.
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03") return ServerErrorKind::Unreachable;
    return ServerErrorKind::Other;
}

struct ConninfoOptionsFree {
    void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ConninfoOptions = std::unique_ptr<PQconninfoOption, ConninfoOptionsFree>;

// libpq's parse of `conninfo`; throws ServerException (BadInput) with libpq's message.
ConninfoOptions Parse(const std::string& conninfo) {
    char* error = nullptr;
    ConninfoOptions options(PQconninfoParse(conninfo.c_str(), &error));
    if (!options) {
        std::string message = error ? Trimmed(error) : "out of memory";
        PQfreemem(error);
        throw ServerException(ServerError{ServerErrorKind::BadInput, "", message, "reading the server's address"});
    }
    return options;
}

std::string OptionValue(const PQconninfoOption* options, std::string_view keyword) {
    for (const PQconninfoOption* o = options; o->keyword; ++o)
        if (keyword == o->keyword) return o->val ? o->val : "";
    return "";
}

}  // namespace

// [SECTION] PgParams, PgResult

PgParams& PgParams::Text(std::string value) {
    m_params.push_back({std::move(value), false});
    return *this;
}

PgParams& PgParams::Bytes(std::string bytes) {
    m_params.push_back({std::move(bytes), true});
    return *this;
}

PgParams& PgParams::Null() {
    m_params.push_back({std::nullopt, false});
    return *this;
}

PgResult::~PgResult() { PQclear(m_result); }

PgResult& PgResult::operator=(PgResult&& other) noexcept {
    if (this != &other) {
        PQclear(m_result);
        m_result = other.m_result;
        other.m_result = nullptr;
    }
    return *this;
}

int PgResult::Rows() const { return PQntuples(m_result); }
bool PgResult::IsNull(int row, int column) const { return PQgetisnull(m_result, row, column) != 0; }

std::string PgResult::Text(int row, int column) const {
    if (IsNull(row, column)) return "";
    return std::string(PQgetvalue(m_result, row, column), static_cast<size_t>(PQgetlength(m_result, row, column)));
}

long long PgResult::Int(int row, int column) const {
    const std::string text = Text(row, column);
    try {
        size_t used = 0;
        long long value = std::stoll(text, &used);
        if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
    throw ServerException(ServerError{ServerErrorKind::Other, "", "'" + text + "' is not an integer", "reading a result"});
}

std::string PgResult::Bytes(int row, int column) const {
    if (IsNull(row, column)) return "";
    size_t length = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(m_result, row, column)), &length);
    if (!bytes) throw ServerException(ServerError{ServerErrorKind::Other, "", "out of memory", "reading a bytea column"});
    std::string out(reinterpret_cast<const char*>(bytes), length);
    PQfreemem(bytes);
    return out;
}

std::string PgResult::CommandTag() const { return PQcmdStatus(m_result); }

long long PgResult::AffectedRows() const {
    const char* count = PQcmdTuples(m_result);
    return count && *count ? std::stoll(count) : 0;
}

// [SECTION] PgConnection

PgConnection::PgConnection(const std::string& conninfo) {
    m_conn = PQconnectdb(conninfo.c_str());
    if (!m_conn) throw ServerException(ServerError{ServerErrorKind::Other, "", "out of memory", "connecting to the clinic server"});
    if (PQstatus(m_conn) != CONNECTION_OK) {
        std::string message = Trimmed(PQerrorMessage(m_conn));
        PQfinish(m_conn);
        m_conn = nullptr;
        throw ServerException(ServerError{KindOfConnectFailure(message), "", message, "connecting to the clinic server"});
    }
    // libpq prints the server's notices and warnings on stderr by default; the kiosk's errors
    // arrive as ServerErrors instead, and a server shutting down says so through them.
    PQsetNoticeProcessor(m_conn, [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() { PQfinish(m_conn); }

void PgConnection::Throw(pg_result* result, const char* context) const {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    std::string message = Trimmed(result && *PQresultErrorMessage(result) ? PQresultErrorMessage(result) : PQerrorMessage(m_conn));
    // "ERROR:  permission denied ..." : the severity is the kind's business, not the message's.
    if (message.rfind("ERROR:", 0) == 0) message.erase(0, message.find_first_not_of(' ', 6));
    ServerErrorKind kind = KindOfSqlState(sqlstate);
    if (sqlstate.empty() && PQstatus(m_conn) == CONNECTION_BAD) kind = ServerErrorKind::Unreachable;
    PQclear(result);
    throw ServerException(ServerError{kind, std::move(sqlstate), std::move(message), context});
}

PgResult PgConnection::Exec(std::string_view sql, const PgParams& params, const char* context) {
    const std::string text(sql);
    const auto& all = params.All();
    std::vector<const char*> values(all.size());
    std::vector<int> lengths(all.size()), formats(all.size());
    for (size_t i = 0; i < all.size(); ++i) {
        values[i] = all[i].value ? all[i].value->data() : nullptr;
        lengths[i] = all[i].value ? static_cast<int>(all[i].value->size()) : 0;
        formats[i] = all[i].binary ? 1 : 0;
    }
    pg_result* result = PQexecParams(m_conn, text.c_str(), static_cast<int>(all.size()), nullptr, values.data(), lengths.data(),
                                     formats.data(), 0);
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Throw(result, context);
    return PgResult(result);
}

void PgConnection::ExecScript(std::string_view sql, const char* context) {
    const std::string text(sql);
    pg_result* result = PQexec(m_conn, text.c_str());
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Throw(result, context);
    PQclear(result);
}

std::optional<PgNotification> PgConnection::WaitForNotification(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (PQconsumeInput(m_conn) == 0)
            throw ServerException(ServerError{ServerErrorKind::Unreachable, "", Trimmed(PQerrorMessage(m_conn)), "waiting for a notification"});
        if (PGnotify* notify = PQnotifies(m_conn)) {
            PgNotification out{notify->relname, notify->extra ? notify->extra : "", notify->be_pid};
            PQfreemem(notify);
            return out;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd fd{PQsocket(m_conn), POLLIN, 0};
        if (fd.fd < 0) throw ServerException(ServerError{ServerErrorKind::Unreachable, "", "the connection is closed", "waiting for a notification"});
        ::poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    }
}

std::string PgConnection::QuoteIdentifier(std::string_view name) const {
    char* quoted = PQescapeIdentifier(m_conn, name.data(), name.size());
    if (!quoted) throw ServerException(ServerError{ServerErrorKind::BadInput, "", Trimmed(PQerrorMessage(m_conn)), "quoting a name"});
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

std::string PgConnection::QuoteLiteral(std::string_view text) const {
    char* quoted = PQescapeLiteral(m_conn, text.data(), text.size());
    if (!quoted) throw ServerException(ServerError{ServerErrorKind::BadInput, "", Trimmed(PQerrorMessage(m_conn)), "quoting a value"});
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

std::string PgConnection::Host() const { return PQhost(m_conn) ? PQhost(m_conn) : ""; }
std::string PgConnection::Port() const { return PQport(m_conn) ? PQport(m_conn) : ""; }

std::string PgConnection::EncryptPassword(const std::string& password, const std::string& user) const {
    char* verifier = PQencryptPasswordConn(m_conn, password.c_str(), user.c_str(), "scram-sha-256");
    if (!verifier) throw ServerException(ServerError{ServerErrorKind::Other, "", Trimmed(PQerrorMessage(m_conn)), "hashing a password"});
    std::string out(verifier);
    PQfreemem(verifier);
    return out;
}

// [SECTION] PgTransaction

PgTransaction::PgTransaction(PgConnection& conn, const char* context) : m_conn(conn), m_context(context) {
    m_conn.Exec("BEGIN", m_context);
}

PgTransaction::~PgTransaction() {
    if (m_done) return;
    // Best effort: on a lost connection the server has rolled back already.
    PQclear(PQexec(m_conn.Raw(), "ROLLBACK"));
}

void PgTransaction::Commit() {
    m_done = true;
    PgResult result = m_conn.Exec("COMMIT", m_context);
    // COMMIT of a transaction that failed earlier succeeds as a command and says ROLLBACK.
    if (result.CommandTag() == "ROLLBACK")
        throw ServerException(ServerError{ServerErrorKind::Other, "", "the server rolled the transaction back", m_context});
}

// [SECTION] The server's address

ConnInfoParts ParseConnInfo(const std::string& conninfo) {
    ConninfoOptions options = Parse(conninfo);
    return ConnInfoParts{OptionValue(options.get(), "host"),    OptionValue(options.get(), "port"),
                         OptionValue(options.get(), "dbname"),  OptionValue(options.get(), "user"),
                         OptionValue(options.get(), "sslmode"), OptionValue(options.get(), "sslrootcert")};
}

std::optional<std::string> CheckServerUri(const std::string& uri) {
    ConninfoOptions options;
    try {
        options = Parse(uri);
    } catch (const ServerException& e) {
        return "the clinic server's address cannot be read: " + e.error().message;
    }
    if (!OptionValue(options.get(), "password").empty())
        return "the clinic server's address holds a password: put it in ~/.pgpass or passfile=, not in kiosk.toml";
    // host and hostaddr may each be a comma-separated list; every entry must be this machine.
    std::vector<std::string> remote;
    for (std::string_view keyword : {"host", "hostaddr"}) {
        const std::string list = OptionValue(options.get(), keyword);
        size_t start = 0;
        while (start <= list.size() && !list.empty()) {
            size_t end = list.find(',', start);
            if (end == std::string::npos) end = list.size();
            const std::string host = list.substr(start, end - start);
            const bool local = host.empty() || host == "localhost" || host == "127.0.0.1" || host == "::1" || host[0] == '/' ||
                               host[0] == '@';
            if (!local) remote.push_back(host);
            start = end + 1;
        }
    }
    if (!remote.empty() && OptionValue(options.get(), "sslmode") != "verify-full")
        return "the clinic server " + remote.front() +
               " is not on this machine: its address needs sslmode=verify-full and sslrootcert= the clinic's CA certificate, so "
               "that the kiosk checks it talks to the clinic's server";
    return std::nullopt;
}

}  // namespace kiosk::server
