#include "hatchery/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace hatchery {
namespace {

// The algorithm is fetched once: OpenSSL 3's one-shot SHA256() fetches it on every call.
const EVP_MD* Algorithm() {
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) {
      std::fputs("hatchery: OpenSSL has no SHA256\n", stderr);
      std::abort();
    }
    return fetched;
  }();
  return md;
}

struct CtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

[[noreturn]] void Fail() {
  std::fputs("hatchery: SHA-256 failed\n", stderr);
  std::abort();
}

}  // namespace

struct Sha256Stream::Ctx {
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> md{EVP_MD_CTX_new()};
};

Sha256Stream::Sha256Stream() : ctx_(new Ctx) {
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md.get(), Algorithm(), nullptr) != 1) Fail();
}

Sha256Stream::~Sha256Stream() { delete ctx_; }

void Sha256Stream::Update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_->md.get(), bytes.data(), bytes.size()) != 1) Fail();
}

Hash Sha256Stream::Final() {
  Hash out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->md.get(), out.data(), &len) != 1 || len != out.size()) Fail();
  return out;
}

Hash Sha256(std::string_view bytes) {
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  Hash out{};
  unsigned int len = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), Algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    Fail();
  }
  return out;
}

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::size_t at = out->size();
  out->resize(at + bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    (*out)[at++] = kDigits[b >> 4];
    (*out)[at++] = kDigits[b & 0xF];
  }
}

std::string ToHex(std::string_view bytes) {
  std::string out;
  AppendHex(bytes, &out);
  return out;
}

std::string ToHex(const Hash& hash) { return ToHex(AsBytes(hash)); }

namespace {

// Lowercase hex of an even number of digits into `out` (hex.size() / 2 bytes); false otherwise.
bool DecodeHex(std::string_view hex, std::uint8_t* out) {
  // The value of each lowercase hex digit; 0xFF for every other byte.
  static constexpr std::array<std::uint8_t, 256> kNibble = [] {
    std::array<std::uint8_t, 256> table{};
    table.fill(0xFF);
    for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
    return table;
  }();
  if (hex.size() % 2 != 0) return false;
  std::uint8_t bad = 0;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    std::uint8_t high = kNibble[static_cast<unsigned char>(hex[i])];
    std::uint8_t low = kNibble[static_cast<unsigned char>(hex[i + 1])];
    bad |= high | low;
    out[i / 2] = static_cast<std::uint8_t>(high << 4 | (low & 0x0F));
  }
  return (bad & 0xF0) == 0;
}

}  // namespace

std::optional<std::string> BytesFromHex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  if (!DecodeHex(hex, reinterpret_cast<std::uint8_t*>(out.data()))) return std::nullopt;
  return out;
}

std::optional<Hash> HashFromHex(std::string_view hex) {
  Hash out{};
  if (hex.size() != 64 || !DecodeHex(hex, out.data())) return std::nullopt;
  return out;
}

}  // namespace hatchery
