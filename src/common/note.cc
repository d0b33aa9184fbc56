#include "hatchery/note.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "hatchery/base64.h"
#include "hatchery/sha256.h"
#include "hatchery/text.h"

namespace hatchery::note {
namespace {

constexpr std::uint8_t kEd25519 = 0x01;        // the signed-note signature type
constexpr std::uint8_t kCosignatureV1 = 0x04;  // C2SP tlog-cosignature/v1, Ed25519
constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr std::size_t kSignatureBytes = 64;
constexpr std::size_t kMaxSignatures = 100;

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

Status Malformed(std::string what) { return Status(Code::kBadRequest, std::move(what)); }

std::string_view Bytes(const std::array<std::uint8_t, 32>& a) {
  return {reinterpret_cast<const char*>(a.data()), a.size()};
}

std::string IdHex(std::uint32_t id) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", id);
  return hex;
}

std::string BigEndian(std::uint32_t id) {
  return {static_cast<char>(id >> 24), static_cast<char>(id >> 16 & 0xFF),
          static_cast<char>(id >> 8 & 0xFF), static_cast<char>(id & 0xFF)};
}

std::uint32_t ReadBigEndian(std::string_view four) {
  std::uint32_t v = 0;
  for (char c : four.substr(0, 4)) v = v << 8 | static_cast<unsigned char>(c);
  return v;
}

bool HasControlOtherThanNewline(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') return true;
  }
  return false;
}

// "<name>+<8 hex>+<base64(type ‖ 32 bytes)>" → its parts; the caller checks what they mean.
struct KeyParts {
  std::string name;
  std::uint32_t id = 0;
  std::array<std::uint8_t, 32> bytes{};
};
StatusOr<KeyParts> SplitKey(std::string_view text, std::string_view what,
                            std::uint8_t type = kEd25519) {
  auto plus1 = text.find('+');
  auto plus2 = plus1 == std::string_view::npos ? plus1 : text.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) {
    return Malformed(std::string(what) + " is not of the form <name>+<key id>+<base64 key>");
  }
  KeyParts parts;
  parts.name = std::string(text.substr(0, plus1));
  std::string_view hex = text.substr(plus1 + 1, plus2 - plus1 - 1);
  if (!IsValidKeyName(parts.name)) return Malformed(std::string(what) + " has an invalid name");
  if (hex.size() != 8 || hex.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return Malformed(std::string(what) + ": the key id must be 8 lowercase hex digits");
  }
  parts.id = static_cast<std::uint32_t>(std::stoul(std::string(hex), nullptr, 16));
  auto raw = Base64Decode(text.substr(plus2 + 1));
  if (!raw || raw->size() != 33 || static_cast<std::uint8_t>((*raw)[0]) != type) {
    return Malformed(std::string(what) + ": the key is not base64 of an Ed25519 key (0x0" +
                     std::to_string(type) + " ‖ 32 bytes)");
  }
  std::memcpy(parts.bytes.data(), raw->data() + 1, 32);
  return parts;
}

std::string JoinKey(std::string_view name, std::uint32_t id, std::string_view bytes,
                    std::uint8_t type = kEd25519) {
  std::string raw(1, static_cast<char>(type));
  raw.append(bytes);
  return KeyLabel(name, id) + "+" + Base64Encode(raw);
}

StatusOr<PublicKey> PublicOf(const std::array<std::uint8_t, 32>& seed) {
  Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  PublicKey key{};
  std::size_t len = key.size();
  if (!pkey || EVP_PKEY_get_raw_public_key(pkey.get(), key.data(), &len) != 1 || len != 32) {
    return Status(Code::kInternal, "OpenSSL cannot derive an Ed25519 public key");
  }
  return key;
}

// The Ed25519 signature of `message` by the key of `seed`. Errors: kInternal.
StatusOr<std::string> SignBytes(const std::array<std::uint8_t, 32>& seed,
                                std::string_view message) {
  Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), 32));
  MdCtx ctx(EVP_MD_CTX_new());
  unsigned char signature[kSignatureBytes];
  std::size_t len = sizeof signature;
  if (!pkey || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      len != kSignatureBytes) {
    return Status(Code::kInternal, "OpenSSL failed to sign with Ed25519");
  }
  return std::string(reinterpret_cast<const char*>(signature), len);
}

bool VerifyBytes(const PublicKey& key, std::string_view message, std::string_view signature) {
  Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), 32));
  MdCtx ctx(EVP_MD_CTX_new());
  return pkey && ctx && signature.size() == kSignatureBytes &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::uint32_t TypedKeyId(std::string_view name, std::uint8_t type, const PublicKey& key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(type));
  input.append(Bytes(key));
  Hash digest = Sha256(input);
  return ReadBigEndian(AsBytes(digest));
}

// "cosignature/v1\ntime <t>\n" ‖ the checkpoint's text: what a cosignature signs.
std::string CosignedMessage(std::string_view text, std::int64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(text);
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty() || !text::IsValidUtf8(name)) return false;
  for (char c : name) {
    if (c == '+' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  // Unicode white space beyond ASCII: U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
  // U+202F, U+205F, U+3000.
  for (std::string_view space : {"\xC2\x85", "\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80\xA8",
                                 "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80"}) {
    if (name.find(space) != std::string_view::npos) return false;
  }
  for (unsigned char last = 0x80; last <= 0x8A; ++last) {
    if (name.find(std::string("\xE2\x80") + static_cast<char>(last)) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::uint32_t KeyId(std::string_view name, const PublicKey& key) {
  return TypedKeyId(name, kEd25519, key);
}

StatusOr<SigningKey> GenerateKey(std::string_view name) {
  if (!IsValidKeyName(name)) {
    return Malformed("a key name must be non-empty UTF-8 without white space or '+'");
  }
  SigningKey key;
  key.name = std::string(name);
  if (RAND_bytes(key.seed.data(), static_cast<int>(key.seed.size())) != 1) {
    return Status(Code::kInternal, "OpenSSL's random generator failed");
  }
  ASSIGN_OR_RETURN(key.key, PublicOf(key.seed));
  key.id = KeyId(key.name, key.key);
  return key;
}

std::string KeyLabel(std::string_view name, std::uint32_t id) {
  return std::string(name) + "+" + IdHex(id);
}

VerifierKey VerifierOf(const SigningKey& key) { return {key.name, key.id, key.key}; }

std::string FormatSigningKey(const SigningKey& key) {
  return std::string(kPrivatePrefix) + JoinKey(key.name, key.id, Bytes(key.seed));
}

std::string FormatVerifierKey(const VerifierKey& key) {
  return JoinKey(key.name, key.id, Bytes(key.key));
}

StatusOr<SigningKey> ParseSigningKey(std::string_view text) {
  if (!text.starts_with(kPrivatePrefix)) {
    return Malformed("not a private key (it must start with PRIVATE+KEY+)");
  }
  ASSIGN_OR_RETURN(KeyParts parts, SplitKey(text.substr(kPrivatePrefix.size()), "the private key"));
  SigningKey key{parts.name, parts.id, parts.bytes, {}};
  ASSIGN_OR_RETURN(key.key, PublicOf(key.seed));
  if (KeyId(key.name, key.key) != key.id) {
    return Malformed("the private key's id does not match its name and key");
  }
  return key;
}

StatusOr<VerifierKey> ParseVerifierKey(std::string_view text) {
  ASSIGN_OR_RETURN(KeyParts parts, SplitKey(text, "the verifier key"));
  VerifierKey key{parts.name, parts.id, parts.bytes};
  if (KeyId(key.name, key.key) != key.id) {
    return Malformed("the verifier key's id does not match its name and key");
  }
  return key;
}

StatusOr<std::string> Sign(std::string_view text, const SigningKey& key) {
  if (text.empty() || text.back() != '\n' || text.find("\n\n") != std::string_view::npos ||
      HasControlOtherThanNewline(text) || !text::IsValidUtf8(text)) {
    return Malformed(
        "a note's text must be UTF-8 ending in a newline, without blank lines or control "
        "characters");
  }
  ASSIGN_OR_RETURN(std::string signature, SignBytes(key.seed, text));
  std::string blob = BigEndian(key.id) + signature;
  std::string out(text);
  out += "\n";
  out += kSignaturePrefix;
  out += key.name + " " + Base64Encode(blob) + "\n";
  return out;
}

StatusOr<Note> Parse(std::string_view signed_note) {
  if (!text::IsValidUtf8(signed_note) || HasControlOtherThanNewline(signed_note)) {
    return Malformed("a signed note must be UTF-8 without control characters but newlines");
  }
  auto split = signed_note.rfind("\n\n");
  if (split == std::string_view::npos) return Malformed("the note has no signature block");
  Note note;
  note.text = std::string(signed_note.substr(0, split + 1));
  std::string_view rest = signed_note.substr(split + 2);
  if (rest.empty() || rest.back() != '\n') return Malformed("the note's signature block is empty");
  while (!rest.empty()) {
    std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(line.size() + 1);
    if (!line.starts_with(kSignaturePrefix)) {
      return Malformed("a signature line must start with an em dash and a space");
    }
    line.remove_prefix(kSignaturePrefix.size());
    auto space = line.find(' ');
    if (space == std::string_view::npos) return Malformed("a signature line has no signature");
    Signature sig;
    sig.name = std::string(line.substr(0, space));
    auto blob = Base64Decode(line.substr(space + 1));
    if (!IsValidKeyName(sig.name) || !blob || blob->size() < 5) {
      return Malformed("a signature line is not \"— <name> <base64(key id ‖ signature)>\"");
    }
    sig.id = ReadBigEndian(*blob);
    sig.bytes = blob->substr(4);
    note.signatures.push_back(std::move(sig));
    if (note.signatures.size() > kMaxSignatures)
      return Malformed("the note has too many signatures");
  }
  return note;
}

Status Verify(const Note& note, const VerifierKey& key) {
  for (const Signature& sig : note.signatures) {
    if (sig.name != key.name || sig.id != key.id) continue;
    if (!VerifyBytes(key.key, note.text, sig.bytes)) {
      return Status(Code::kCorruption, "the signature by " + KeyLabel(key.name, key.id) +
                                           " does not verify: the note was altered or forged");
    }
    return Status::Ok();
  }
  return Status(Code::kNotFound, "the note carries no signature by " + KeyLabel(key.name, key.id));
}

std::uint32_t CosignerKeyId(std::string_view name, const PublicKey& key) {
  return TypedKeyId(name, kCosignatureV1, key);
}

VerifierKey CosignerOf(const SigningKey& key) {
  return {key.name, CosignerKeyId(key.name, key.key), key.key};
}

std::string FormatCosignerKey(const VerifierKey& key) {
  return JoinKey(key.name, key.id, Bytes(key.key), kCosignatureV1);
}

StatusOr<VerifierKey> ParseCosignerKey(std::string_view text) {
  ASSIGN_OR_RETURN(KeyParts parts, SplitKey(text, "the cosigner key", kCosignatureV1));
  VerifierKey key{parts.name, parts.id, parts.bytes};
  if (CosignerKeyId(key.name, key.key) != key.id) {
    return Malformed("the cosigner key's id does not match its name and key");
  }
  return key;
}

StatusOr<std::string> Cosign(std::string_view signed_note, const SigningKey& key,
                             std::int64_t timestamp) {
  ASSIGN_OR_RETURN(Note note, Parse(signed_note));
  if (timestamp < 0) return Malformed("a cosignature's time must not be negative");
  ASSIGN_OR_RETURN(std::string signature,
                   SignBytes(key.seed, CosignedMessage(note.text, timestamp)));
  std::string blob = BigEndian(CosignerKeyId(key.name, key.key));
  for (int shift = 56; shift >= 0; shift -= 8) {
    blob.push_back(static_cast<char>(static_cast<std::uint64_t>(timestamp) >> shift & 0xFF));
  }
  blob += signature;
  std::string out(signed_note);
  out += kSignaturePrefix;
  out += key.name + " " + Base64Encode(blob) + "\n";
  return out;
}

StatusOr<std::int64_t> VerifyCosignature(const Note& note, const VerifierKey& key) {
  for (const Signature& sig : note.signatures) {
    if (sig.name != key.name || sig.id != key.id) continue;
    std::uint64_t timestamp = 0;
    for (std::size_t i = 0; i < 8 && i < sig.bytes.size(); ++i) {
      timestamp = timestamp << 8 | static_cast<unsigned char>(sig.bytes[i]);
    }
    if (sig.bytes.size() != 8 + kSignatureBytes || timestamp > INT64_MAX ||
        !VerifyBytes(key.key, CosignedMessage(note.text, static_cast<std::int64_t>(timestamp)),
                     std::string_view(sig.bytes).substr(8))) {
      return Status(Code::kCorruption,
                    "the cosignature by " + KeyLabel(key.name, key.id) +
                        " does not verify: the checkpoint was altered or forged");
    }
    return static_cast<std::int64_t>(timestamp);
  }
  return Status(Code::kNotFound,
                "the checkpoint carries no cosignature by " + KeyLabel(key.name, key.id));
}

}  // namespace hatchery::note
