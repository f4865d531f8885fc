// Patients' data sealed at rest. A result's answers and decision, and an alert's rule and reason,
// are sealed to the clinic's public key (libsodium sealed boxes): the kiosk writes them with no one
// signed in and cannot read them back. The private key is never stored in clear: each account that
// may read results holds a copy wrapped under a key derived from its PIN (Argon2id), so a
// clinician's sign-in unlocks reading for that session only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::store {

constexpr size_t kPublicKeyBytes = 32;  // crypto_box_PUBLICKEYBYTES
using PublicKey = std::array<unsigned char, kPublicKeyBytes>;

// The clinic's private key in guarded memory (sodium_malloc: locked, fenced, zeroed when freed).
// Move-only; whoever holds one can read every sealed row, so hold it only while signed in.
class ClinicKey {
public:
    // A new key pair; null only when libsodium cannot start or guarded memory cannot be had.
    static std::unique_ptr<ClinicKey> Generate();
    ~ClinicKey();
    ClinicKey(const ClinicKey&) = delete;
    ClinicKey& operator=(const ClinicKey&) = delete;

    const PublicKey& Public() const { return m_public; }
    // The plain bytes of a box sealed to this key; nullopt when it was not, or was altered.
    std::optional<std::string> Open(std::string_view sealed) const;

private:
    friend std::string WrapClinicKey(const ClinicKey&, const std::array<unsigned char, 32>&);
    friend std::unique_ptr<ClinicKey> UnwrapClinicKey(std::string_view, const std::array<unsigned char, 32>&,
                                                      const PublicKey&);
    ClinicKey();
    unsigned char* m_secret = nullptr;  // crypto_box_SECRETKEYBYTES, sodium_malloc'd
    PublicKey m_public{};
};

// Sixteen hex digits that name a public key (BLAKE2b of it), for the audit log and `kiosk keys`.
std::string KeyFingerprint(const PublicKey& key);

// Overwrites a secret's bytes with zeros (sodium_memzero) and empties it, before it is freed.
void WipeSecret(std::string& secret);

// Seals `plain` to `key` (crypto_box_seal): 48 bytes longer than the plain text.
std::string Seal(const PublicKey& key, std::string_view plain);

// Several text fields in one sealed payload: each as 8 bytes of length (big-endian) and its bytes.
std::string JoinFields(const std::vector<std::string_view>& fields);
// Exactly `count` fields, or nullopt when the bytes are not that.
std::optional<std::vector<std::string>> SplitFields(std::string_view bytes, size_t count);

// The cost of deriving a key from a PIN or recovery code (Argon2id). Guessing every PIN of a
// stolen disk costs 10^kMinPinDigits derivations (README "Sealed at rest" has the arithmetic).
struct SecretCost {
    uint64_t opslimit = 0;
    size_t memlimit = 0;
};
extern const SecretCost kPinCost;       // a PIN: 8+ digits, so each guess must be slow
extern const SecretCost kRecoveryCost;  // a recovery code: 20 digits (66 bits), fast is enough

// What is stored of a secret (a PIN or a recovery code): "kiosk-secret-v1$OPS$MEM$SALT$CHECK",
// salt and check in hex. One Argon2id derivation gives both the check and the key that wraps the
// clinic's private key, so a sign-in that unlocks reading costs one derivation, and so does each
// of a thief's guesses, whichever of the two he attacks.
using WrapKey = std::shared_ptr<const std::array<unsigned char, 32>>;  // zeroed when freed
struct HashedSecret {
    std::string stored;
    WrapKey wrap_key;
};
std::optional<HashedSecret> HashSecret(std::string_view secret, SecretCost cost);
// Whether `secret` is the one `stored` was made from, and then its wrap key. Also accepts
// libsodium's "$argon2id$" strings of schema 4 (`legacy`: no wrap key; replace it while the
// secret is known).
struct SecretCheck {
    bool matches = false;
    bool legacy = false;
    WrapKey wrap_key;
};
SecretCheck CheckSecret(const std::string& stored, std::string_view secret);

// The private key wrapped under a secret's wrap key (crypto_secretbox: nonce || box).
std::string WrapClinicKey(const ClinicKey& key, const std::array<unsigned char, 32>& wrap_key);
// The private key again, when the wrap opens under `wrap_key` and matches `public_key`.
std::unique_ptr<ClinicKey> UnwrapClinicKey(std::string_view wrapped, const std::array<unsigned char, 32>& wrap_key,
                                           const PublicKey& public_key);

// Stops this process leaving its memory on disk: no core file, not dumpable (ptrace by the same
// user is refused too). The kiosk calls it first thing.
void ForbidCoreDumps();

}  // namespace kiosk::store
