// C2SP signed notes with Ed25519 keys (https://c2sp.org/signed-note), in the key and signature
// encodings of Go's golang.org/x/mod/sumdb/note, so that any note tool checks Hatchery's
// checkpoints:
//
//   private key   PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 ‖ 32-byte seed)>
//   verifier key  <name>+<key id, 8 hex>+<base64(0x01 ‖ 32-byte public key)>
//   key id        first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), big-endian
//   signed note   text (ending in a newline) ‖ "\n" ‖ one line per signature:
//                 "— <name> <base64(key id ‖ 64-byte Ed25519 signature of the text)>\n"
//
// Value types and pure functions (OpenSSL underneath); thread-safe.
#ifndef HATCHERY_NOTE_H_
#define HATCHERY_NOTE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hatchery/status.h"

namespace hatchery::note {

using PublicKey = std::array<std::uint8_t, 32>;

struct VerifierKey {
  std::string name;
  std::uint32_t id = 0;
  PublicKey key{};
};

struct SigningKey {
  std::string name;
  std::uint32_t id = 0;
  std::array<std::uint8_t, 32> seed{};  // the Ed25519 private key
  PublicKey key{};
};

// Key names: non-empty UTF-8 without white space or '+'.
bool IsValidKeyName(std::string_view name);
std::uint32_t KeyId(std::string_view name, const PublicKey& key);
// "<name>+<key id, 8 hex>": how a key is named where its bytes are not needed.
std::string KeyLabel(std::string_view name, std::uint32_t id);

// A fresh key from OpenSSL's random generator. Errors: kBadRequest (name), kInternal.
StatusOr<SigningKey> GenerateKey(std::string_view name);
VerifierKey VerifierOf(const SigningKey& key);

std::string FormatSigningKey(const SigningKey& key);
std::string FormatVerifierKey(const VerifierKey& key);
// Errors: kBadRequest saying what is malformed (a key id that does not match the key included).
StatusOr<SigningKey> ParseSigningKey(std::string_view text);
StatusOr<VerifierKey> ParseVerifierKey(std::string_view text);

struct Signature {
  std::string name;
  std::uint32_t id = 0;
  std::string bytes;  // the 64-byte Ed25519 signature
};

struct Note {
  std::string text;  // what the signatures cover: every line up to the blank one, with newlines
  std::vector<Signature> signatures;
};

// Signs `text` (which must end in a newline, hold no blank line and no control character but
// newlines): the signed note with one signature. Errors: kBadRequest, kInternal.
StatusOr<std::string> Sign(std::string_view text, const SigningKey& key);

// Splits a signed note into its text and signatures, checking the form (not the signatures).
// Errors: kBadRequest saying what is malformed.
StatusOr<Note> Parse(std::string_view signed_note);

// OK if `note` carries a signature by `key` (same name and id) that verifies over its text.
// Errors: kNotFound (no signature by this key), kCorruption (there is one and it is wrong).
Status Verify(const Note& note, const VerifierKey& key);

// Cosignatures (C2SP tlog-cosignature, the Ed25519 "cosignature/v1" kind): a witness's statement
// that, as of a time, a checkpoint's tree is the largest consistent one it has seen of that log.
// A witness's key pair is an ordinary SigningKey; only the id and the verifier key differ:
//
//   cosigner key id   first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)
//   cosigner key      <name>+<cosigner key id, 8 hex>+<base64(0x04 ‖ 32-byte public key)>
//   signature line    "— <name> <base64(key id ‖ u64 timestamp, big-endian ‖ signature)>"
//   signed message    "cosignature/v1\n" "time <decimal timestamp>\n" ‖ the checkpoint's text
std::uint32_t CosignerKeyId(std::string_view name, const PublicKey& key);
// The verifier key of `key` as a cosigner (id = CosignerKeyId).
VerifierKey CosignerOf(const SigningKey& key);
std::string FormatCosignerKey(const VerifierKey& key);
// Errors: kBadRequest saying what is malformed.
StatusOr<VerifierKey> ParseCosignerKey(std::string_view text);

// `signed_note` with a cosignature by `key` at `timestamp` (POSIX seconds) added as its last
// signature line. Errors: Parse's (a malformed note), kInternal.
StatusOr<std::string> Cosign(std::string_view signed_note, const SigningKey& key,
                             std::int64_t timestamp);
// The timestamp of `note`'s cosignature by `key` (a VerifierKey from CosignerOf or
// ParseCosignerKey), if it verifies. Errors: kNotFound (none by this key), kCorruption (one that
// does not verify).
StatusOr<std::int64_t> VerifyCosignature(const Note& note, const VerifierKey& key);

}  // namespace hatchery::note

#endif  // HATCHERY_NOTE_H_
