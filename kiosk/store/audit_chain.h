// The audit log's hash chain, inside the store: the canonical encoding of an audit row and of a
// submission, appending a chained row, chaining the rows of an older database at migration, and
// verifying the whole chain, the submissions it covers and the triggers that guard both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace kiosk::store {

class Connection;

// What an audit row says, before the chain gives it an id and a hash.
struct AuditRow {
    std::string at, actor, action, detail;
    std::optional<std::string> submission_id;    // the submission this row recorded, if any
    std::optional<std::string> submission_hash;  // SubmissionHash of it, written in the same transaction
};

// Canonical encoding (docs in README "The clinic database"): every field is a presence byte
// (0 = NULL, 1 = text) and, for text, its length as 8 bytes big-endian and its UTF-8 bytes; the
// first field is a domain tag, so an audit row's bytes can never read as a submission's. Hashes
// are SHA-256, written as 64 lowercase hex digits.
//
// Submission: tag "kiosk.submission.v1", id, kiosk_id, screening_id, screening_version,
// screening_hash, language, started_at, submitted_at, answers, decision, outcome (may be NULL),
// source. The status columns (reviewed, exported) change by design and are not covered.
std::string SubmissionHash(const std::string& id, const SubmissionRecord& record);
// A sealed submission (schema 5): tag "kiosk.submission.v2", the same fields with the sealed box
// (one field) in place of answers and decision (whatever `record` holds there is not read).
std::string SealedSubmissionHash(const std::string& id, const SubmissionRecord& record, std::string_view sealed);
// Audit row: SHA-256 over the previous row's hash (32 bytes; 32 zero bytes before the first row)
// followed by: tag "kiosk.audit.v1", id (decimal), at, actor, action, detail, submission_id,
// submission_hash (both may be NULL).
std::string AuditRowHash(const std::string& previous_hex, int64_t id, const AuditRow& row);

// A purge's audit row names the results it deleted only by this hash: SHA-256 (64 lowercase hex
// digits) of their ids, sorted, joined by "\n" (no id, no data). The purged table lists the ids by
// the row's id, and `kiosk db check` recomputes it.
std::string PurgedIdsHash(std::vector<std::string> ids);
// The hash a purge row's detail ends with ("..., ids sha256 HEX"); empty when it has none.
std::string PurgeDetailHash(std::string_view detail);
inline constexpr std::string_view kPurgeHashLabel = "ids sha256 ";

// Appends `row` after the chain's head. The caller holds a write transaction (BEGIN IMMEDIATE), so
// no other writer can append between reading the head and inserting. Returns the new row's id.
int64_t AppendAudit(Connection& db, const AuditRow& row);

// Migration 3: links each stored submission to the audit row that recorded it (or appends one),
// hashes every existing row in id order and creates the guarding triggers. Runs in the
// migration's transaction, after its SQL dropped the old triggers and added the columns.
void ChainExistingRows(Connection& db);

// Creates the guarding trigger `name` from the kiosk's own text (after a migration or sealing
// dropped it, in the same transaction): the text of schema `schema` (a migration creates what its
// version had; nothing when the guard came later).
void CreateGuard(Connection& db, std::string_view name, const char* context, int schema = Store::kSchemaVersion);
// The text guard `name` had at schema `schema` (empty for a name that is not a guard's).
std::string GuardSqlAt(std::string_view name, int schema);

// Verifies triggers, then every row in id order, then submissions no row covers. `expected`: a head
// written down earlier, which must still be in the chain.
ChainReport VerifyAuditChain(Connection& db, const std::optional<ChainHead>& expected);

}  // namespace kiosk::store
