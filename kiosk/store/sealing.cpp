// Sealed boxes, the wrapped private key, and the one derivation a PIN gives (see sealing.h).
#include "store/sealing.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <charconv>
#include <cstring>

#include <sodium.h>

namespace kiosk::store {
namespace {

static_assert(kPublicKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(crypto_kdf_KEYBYTES == 32 && crypto_secretbox_KEYBYTES == 32);

bool SodiumReady() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

constexpr std::string_view kSecretPrefix = "kiosk-secret-v1$";
constexpr size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr size_t kCheckBytes = 32;
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "kiosksec";  // 8 bytes
constexpr uint64_t kCheckSubkey = 1, kWrapSubkey = 2;

std::string Hex(const unsigned char* bytes, size_t size) {
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, size);
    out.pop_back();
    return out;
}

bool FromHex(std::string_view hex, unsigned char* out, size_t size) {
    size_t written = 0;
    return hex.size() == size * 2 &&
           sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &written, nullptr) == 0 && written == size;
}

template <class Number>
bool ParseNumber(std::string_view text, Number& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// The 32-byte master key Argon2id derives from a secret, in guarded memory.
struct Secret32 {
    Secret32() : bytes(static_cast<unsigned char*>(sodium_malloc(32))) {}
    ~Secret32() {
        if (bytes) sodium_free(bytes);
    }
    Secret32(const Secret32&) = delete;
    Secret32& operator=(const Secret32&) = delete;
    unsigned char* bytes;
};

// Argon2id over the secret, then two subkeys: the stored check and the wrap key.
bool Derive(std::string_view secret, const unsigned char* salt, SecretCost cost, unsigned char* check,
            std::array<unsigned char, 32>& wrap_key) {
    Secret32 master;
    if (!master.bytes) return false;
    if (crypto_pwhash(master.bytes, 32, secret.data(), secret.size(), salt, cost.opslimit, cost.memlimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return false;
    crypto_kdf_derive_from_key(check, kCheckBytes, kCheckSubkey, kKdfContext, master.bytes);
    crypto_kdf_derive_from_key(wrap_key.data(), wrap_key.size(), kWrapSubkey, kKdfContext, master.bytes);
    return true;
}

std::shared_ptr<std::array<unsigned char, 32>> NewWrapKey() {
    return std::shared_ptr<std::array<unsigned char, 32>>(new std::array<unsigned char, 32>{},
                                                          [](std::array<unsigned char, 32>* key) {
                                                              sodium_memzero(key->data(), key->size());
                                                              delete key;
                                                          });
}

}  // namespace

// Argon2id, libsodium's "moderate" cost: 3 passes over 256 MiB. bench_secret_cost measures one
// derivation and the core-years that trying every 8-digit PIN takes (at least 1).
const SecretCost kPinCost{crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
const SecretCost kRecoveryCost{crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};

ClinicKey::ClinicKey() : m_secret(SodiumReady() ? static_cast<unsigned char*>(sodium_malloc(crypto_box_SECRETKEYBYTES)) : nullptr) {}

ClinicKey::~ClinicKey() {
    if (m_secret) sodium_free(m_secret);  // zeroes the bytes first
}

std::unique_ptr<ClinicKey> ClinicKey::Generate() {
    std::unique_ptr<ClinicKey> key(new ClinicKey());
    if (!key->m_secret || crypto_box_keypair(key->m_public.data(), key->m_secret) != 0) return nullptr;
    return key;
}

std::optional<std::string> ClinicKey::Open(std::string_view sealed) const {
    if (sealed.size() < crypto_box_SEALBYTES) return std::nullopt;
    std::string plain(sealed.size() - crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), reinterpret_cast<const unsigned char*>(sealed.data()),
                             sealed.size(), m_public.data(), m_secret) != 0)
        return std::nullopt;
    return plain;
}

std::string KeyFingerprint(const PublicKey& key) {
    unsigned char hash[8];
    SodiumReady();
    crypto_generichash(hash, sizeof hash, key.data(), key.size(), nullptr, 0);
    return Hex(hash, sizeof hash);
}

void WipeSecret(std::string& secret) {
    if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
    secret.clear();
}

std::string Seal(const PublicKey& key, std::string_view plain) {
    std::string sealed(plain.size() + crypto_box_SEALBYTES, '\0');
    if (!SodiumReady() || crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), reinterpret_cast<const unsigned char*>(plain.data()),
                                          plain.size(), key.data()) != 0)
        return {};
    return sealed;
}

std::string JoinFields(const std::vector<std::string_view>& fields) {
    std::string out;
    for (std::string_view field : fields) {
        const uint64_t size = field.size();
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(size >> (56 - 8 * i)));
        out.append(field);
    }
    return out;
}

std::optional<std::vector<std::string>> SplitFields(std::string_view bytes, size_t count) {
    std::vector<std::string> fields;
    while (!bytes.empty()) {
        if (bytes.size() < 8) return std::nullopt;
        uint64_t size = 0;
        for (int i = 0; i < 8; ++i) size = (size << 8) | static_cast<unsigned char>(bytes[i]);
        bytes.remove_prefix(8);
        if (size > bytes.size()) return std::nullopt;
        fields.emplace_back(bytes.substr(0, size));
        bytes.remove_prefix(size);
    }
    if (fields.size() != count) return std::nullopt;
    return fields;
}

std::optional<HashedSecret> HashSecret(std::string_view secret, SecretCost cost) {
    if (!SodiumReady()) return std::nullopt;
    unsigned char salt[kSaltBytes], check[kCheckBytes];
    randombytes_buf(salt, sizeof salt);
    auto wrap_key = NewWrapKey();
    if (!Derive(secret, salt, cost, check, *wrap_key)) return std::nullopt;
    return HashedSecret{std::string(kSecretPrefix) + std::to_string(cost.opslimit) + "$" + std::to_string(cost.memlimit) + "$" +
                            Hex(salt, sizeof salt) + "$" + Hex(check, sizeof check),
                        std::move(wrap_key)};
}

SecretCheck CheckSecret(const std::string& stored, std::string_view secret) {
    SecretCheck result;
    if (!SodiumReady()) return result;
    if (stored.rfind("$argon2", 0) == 0) {  // schema 4: libsodium's own string, no wrap key
        result.matches = crypto_pwhash_str_verify(stored.c_str(), secret.data(), secret.size()) == 0;
        result.legacy = true;
        return result;
    }
    std::string_view rest(stored);
    if (rest.substr(0, kSecretPrefix.size()) != kSecretPrefix) return result;
    rest.remove_prefix(kSecretPrefix.size());
    std::string_view parts[4];
    for (int i = 0; i < 4; ++i) {
        size_t dollar = i < 3 ? rest.find('$') : rest.size();
        if (dollar == std::string_view::npos) return result;
        parts[i] = rest.substr(0, dollar);
        rest.remove_prefix(std::min(rest.size(), dollar + 1));
    }
    SecretCost cost;
    unsigned char salt[kSaltBytes], expected[kCheckBytes], check[kCheckBytes];
    // Costs are bounded: a file edited to ask for terabytes of memory is refused, not attempted.
    if (!ParseNumber(parts[0], cost.opslimit) || !ParseNumber(parts[1], cost.memlimit) ||
        cost.opslimit < crypto_pwhash_OPSLIMIT_MIN || cost.opslimit > 32 || cost.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
        cost.memlimit > (size_t{2} << 30) || !FromHex(parts[2], salt, sizeof salt) || !FromHex(parts[3], expected, sizeof expected))
        return result;
    auto wrap_key = NewWrapKey();
    if (!Derive(secret, salt, cost, check, *wrap_key)) return result;
    result.matches = sodium_memcmp(check, expected, sizeof check) == 0;
    if (result.matches) result.wrap_key = std::move(wrap_key);
    return result;
}

std::string WrapClinicKey(const ClinicKey& key, const std::array<unsigned char, 32>& wrap_key) {
    std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES, '\0');
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(bytes, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(bytes + crypto_secretbox_NONCEBYTES, key.m_secret, crypto_box_SECRETKEYBYTES, bytes, wrap_key.data());
    return out;
}

std::unique_ptr<ClinicKey> UnwrapClinicKey(std::string_view wrapped, const std::array<unsigned char, 32>& wrap_key,
                                           const PublicKey& public_key) {
    if (wrapped.size() != crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES) return nullptr;
    std::unique_ptr<ClinicKey> key(new ClinicKey());
    if (!key->m_secret) return nullptr;
    const auto* bytes = reinterpret_cast<const unsigned char*>(wrapped.data());
    if (crypto_secretbox_open_easy(key->m_secret, bytes + crypto_secretbox_NONCEBYTES, wrapped.size() - crypto_secretbox_NONCEBYTES,
                                   bytes, wrap_key.data()) != 0)
        return nullptr;
    // The public key is the one the kiosk seals to: a wrap of some other key is no use here.
    PublicKey derived{};
    crypto_scalarmult_base(derived.data(), key->m_secret);
    if (sodium_memcmp(derived.data(), public_key.data(), derived.size()) != 0) return nullptr;
    key->m_public = public_key;
    return key;
}

void ForbidCoreDumps() {
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace kiosk::store
