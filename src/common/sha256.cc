#include "hatchery/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
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

}  // namespace

Hash Sha256(std::string_view bytes) {
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  Hash out{};
  unsigned int len = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), Algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    std::fputs("hatchery: SHA-256 failed\n", stderr);
    std::abort();
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

std::optional<std::string> BytesFromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < hex.size(); ++i) {
    char c = hex[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    out[i / 2] = static_cast<char>(i % 2 == 0 ? v << 4 : out[i / 2] | v);
  }
  return out;
}

std::optional<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto bytes = BytesFromHex(hex);
  if (!bytes) return std::nullopt;
  Hash out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace hatchery
