// Inside the store: the clinic's public key, the wrapped copies of its private key, and sealing
// the rows an older kiosk stored in clear. Callers hold the write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/sealing.h"

namespace kiosk::store {

class Connection;

// Which secret a wrap opens with: the account's PIN, or an administrator's recovery code.
constexpr std::string_view kPinWrap = "pin", kRecoveryWrap = "recovery";

std::optional<PublicKey> ReadClinicPublicKey(Connection& db, const char* context);
// Makes `key` the clinic's (none may exist yet), audits it, and seals every row still in clear.
// Returns how many rows it sealed: the caller runs CompactAfterSealing after COMMIT when any were.
int64_t InstallClinicPublicKey(Connection& db, const PublicKey& key, const std::string& actor, const char* context);
// VACUUM and a WAL checkpoint: the clear copies of sealed rows leave the file's free pages and the WAL.
void CompactAfterSealing(Connection& db);

void PutWrap(Connection& db, int64_t staff_id, std::string_view secret, std::string_view wrapped, const char* context);
void DropWraps(Connection& db, int64_t staff_id, std::optional<std::string_view> secret, const char* context);
std::optional<std::string> ReadWrap(Connection& db, int64_t staff_id, std::string_view secret, const char* context);

// A result's answers and decision, sealed together.
std::string SealSubmission(const PublicKey& key, std::string_view answers_json, std::string_view decision_json);
// An alert's rule id and reason code, sealed together.
std::string SealAlert(const PublicKey& key, std::string_view rule_id, std::string_view reason);
// Either of the two above opened: false when the box is not sealed to `key` or was altered.
bool OpenSealedPair(const ClinicKey& key, std::string_view sealed, std::string& first, std::string& second);

}  // namespace kiosk::store
