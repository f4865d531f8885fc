// Sealing an export to a passphrase and opening it again: Argon2id for the key, libsodium's
// secretstream (XChaCha20-Poly1305) in 64 KiB chunks for the content. Format in encrypted_file.h.
#include "store/export/encrypted_file.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <new>
#include <stdexcept>

#include "store/export/safe_text.h"

namespace kiosk::store {
namespace {

constexpr size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr size_t kStreamHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kKeyBytes = crypto_secretstream_xchacha20poly1305_KEYBYTES;
constexpr size_t kChunkOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr size_t kHeaderBytes = kExportMagic.size() + 8 + 8 + kSaltBytes + kStreamHeaderBytes;
static_assert(kSaltBytes == 16 && kStreamHeaderBytes == 24, "the header's layout is fixed by the file format");

bool SodiumReady() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

void PutU64(std::string& out, uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

uint64_t GetU64(std::string_view bytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
    return value;
}

const unsigned char* Bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

// The key, wiped when it goes out of scope.
struct Key {
    std::array<unsigned char, kKeyBytes> bytes{};
    ~Key() { sodium_memzero(bytes.data(), bytes.size()); }
};

// Derives the key; false when libsodium could not (out of memory).
bool DeriveKey(Key& key, std::string_view passphrase, const unsigned char* salt, const ExportKdfCost& cost) {
    return crypto_pwhash(key.bytes.data(), key.bytes.size(), passphrase.data(), passphrase.size(), salt, cost.opslimit,
                         static_cast<size_t>(cost.memlimit), crypto_pwhash_ALG_ARGON2ID13) == 0;
}

Decrypted Fail(DecryptProblem problem, std::string message) {
    Decrypted out;
    out.problem = problem;
    out.message = std::move(message);
    return out;
}

std::string Mebibytes(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

std::optional<std::string> PassphraseProblem(std::string_view passphrase) {
    size_t chars = 0;
    for (unsigned char c : passphrase)
        if ((c & 0xC0) != 0x80) ++chars;
    if (chars < kMinPassphraseChars)
        return "a passphrase has at least " + std::to_string(kMinPassphraseChars) + " characters (this one has " +
               std::to_string(chars) + "); a few words with spaces between them are easy to type and to remember";
    if (passphrase.size() > kMaxPassphraseBytes) return "a passphrase has at most " + std::to_string(kMaxPassphraseBytes) + " bytes";
    if (passphrase.front() == ' ' || passphrase.back() == ' ') return std::string("a passphrase has no space at either end");
    if (std::any_of(passphrase.begin(), passphrase.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }) ||
        !IsSafeText(passphrase))
        return std::string("a passphrase has no control characters or broken characters");
    return std::nullopt;
}

std::string EncryptExport(std::string_view plain, std::string_view passphrase, const ExportKdfCost& cost) {
    assert(cost.opslimit >= kMinExportOps && cost.opslimit <= kMaxExportOps && cost.memlimit >= kMinExportMemory &&
           cost.memlimit <= kMaxExportMemory && "an export's cost must be one a reader accepts");
    if (!SodiumReady()) throw std::runtime_error("libsodium could not be initialised");
    std::string out;
    const size_t chunks = plain.empty() ? 1 : (plain.size() + kExportChunkBytes - 1) / kExportChunkBytes;
    out.reserve(kHeaderBytes + plain.size() + chunks * kChunkOverhead);
    out += kExportMagic;
    PutU64(out, cost.opslimit);
    PutU64(out, cost.memlimit);
    std::array<unsigned char, kSaltBytes> salt{};
    randombytes_buf(salt.data(), salt.size());
    out.append(reinterpret_cast<const char*>(salt.data()), salt.size());

    Key key;
    if (!DeriveKey(key, passphrase, salt.data(), cost)) throw std::bad_alloc();
    crypto_secretstream_xchacha20poly1305_state state;
    std::array<unsigned char, kStreamHeaderBytes> header{};
    crypto_secretstream_xchacha20poly1305_init_push(&state, header.data(), key.bytes.data());
    out.append(reinterpret_cast<const char*>(header.data()), header.size());

    for (size_t i = 0; i < chunks; ++i) {
        std::string_view part = plain.substr(std::min(plain.size(), i * kExportChunkBytes), kExportChunkBytes);
        const unsigned char tag = i + 1 == chunks ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                  : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
        const size_t at = out.size();
        out.resize(at + part.size() + kChunkOverhead);
        unsigned long long written = 0;
        crypto_secretstream_xchacha20poly1305_push(&state, reinterpret_cast<unsigned char*>(out.data() + at), &written, Bytes(part),
                                                   part.size(), nullptr, 0, tag);
        out.resize(at + written);
    }
    sodium_memzero(&state, sizeof state);
    return out;
}

Decrypted DecryptExport(std::string_view file, std::string_view passphrase) {
    if (!SodiumReady()) return Fail(DecryptProblem::OutOfMemory, "libsodium could not be initialised");
    if (file.empty()) return Fail(DecryptProblem::Truncated, "truncated: the file is empty");
    // A file cut inside the magic line is still a kiosk export, cut short.
    const std::string_view start = file.substr(0, kExportMagic.size());
    if (start != kExportMagic.substr(0, start.size()))
        return Fail(DecryptProblem::NotAnExport, "not a kiosk export: it does not begin with the line " +
                                                     std::string(kExportMagic.substr(0, kExportMagic.size() - 1)));
    if (file.size() < kHeaderBytes)
        return Fail(DecryptProblem::Truncated, "truncated: the file ends inside its header (" + std::to_string(file.size()) + " of " +
                                                   std::to_string(kHeaderBytes) + " bytes)");
    ExportKdfCost cost{GetU64(file.substr(kExportMagic.size(), 8)), GetU64(file.substr(kExportMagic.size() + 8, 8))};
    if (cost.opslimit < kMinExportOps || cost.opslimit > kMaxExportOps || cost.memlimit < kMinExportMemory ||
        cost.memlimit > kMaxExportMemory)
        return Fail(DecryptProblem::CostRefused,
                    "refused: the file's header asks for a key cost of " + std::to_string(cost.opslimit) + " passes over " +
                        (cost.memlimit >= (1ull << 20) ? Mebibytes(cost.memlimit) : std::to_string(cost.memlimit) + " bytes") +
                        ", outside what a kiosk export uses (" + std::to_string(kMinExportOps) + " to " + std::to_string(kMaxExportOps) +
                        " passes, " + Mebibytes(kMinExportMemory) + " to " + Mebibytes(kMaxExportMemory) +
                        "): the file is damaged or was not written by a kiosk");
    const unsigned char* salt = Bytes(file.substr(kExportMagic.size() + 16, kSaltBytes));
    const unsigned char* header = Bytes(file.substr(kExportMagic.size() + 16 + kSaltBytes, kStreamHeaderBytes));
    std::string_view body = file.substr(kHeaderBytes);
    if (body.empty()) return Fail(DecryptProblem::Truncated, "truncated: the file ends after its header, before any content");

    Key key;
    if (!DeriveKey(key, passphrase, salt, cost))
        return Fail(DecryptProblem::OutOfMemory, "the key could not be derived: this machine lacks the " + Mebibytes(cost.memlimit) +
                                                     " of memory the file asks for");
    crypto_secretstream_xchacha20poly1305_state state;
    if (crypto_secretstream_xchacha20poly1305_init_pull(&state, header, key.bytes.data()) != 0)
        return Fail(DecryptProblem::WrongPassphrase, "wrong passphrase or damaged file");
    std::string plain;
    plain.reserve(body.size());
    size_t chunk = 0;
    bool final_seen = false;
    Decrypted failed;
    while (!body.empty()) {
        if (final_seen) {
            failed = Fail(DecryptProblem::Damaged, "damaged file: bytes follow the end of its content");
            break;
        }
        std::string_view part = body.substr(0, kExportChunkBytes + kChunkOverhead);
        body.remove_prefix(part.size());
        const size_t at = plain.size();
        plain.resize(at + part.size());
        unsigned long long length = 0;
        unsigned char tag = 0;
        if (part.size() < kChunkOverhead ||
            crypto_secretstream_xchacha20poly1305_pull(&state, reinterpret_cast<unsigned char*>(plain.data() + at), &length, &tag,
                                                       Bytes(part), part.size(), nullptr, 0) != 0) {
            failed = chunk == 0 ? Fail(DecryptProblem::WrongPassphrase, "wrong passphrase or damaged file")
                                : Fail(DecryptProblem::Damaged, "damaged or truncated file: the passphrase is right, but part " +
                                                                    std::to_string(chunk + 1) + " of it does not check out");
            break;
        }
        plain.resize(at + length);
        final_seen = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
        ++chunk;
    }
    sodium_memzero(&state, sizeof state);
    if (!failed.message.empty() || !final_seen) {
        // Nothing partial leaves: the plain text of the chunks that did check out is wiped.
        sodium_memzero(plain.data(), plain.size());
        if (failed.message.empty())
            failed = Fail(DecryptProblem::Truncated, "truncated: the file ends before its last part (it was cut short after " +
                                                         std::to_string(chunk) + (chunk == 1 ? " part)" : " parts)"));
        return failed;
    }
    Decrypted out;
    out.plain = std::move(plain);
    return out;
}

}  // namespace kiosk::store
