// SHA-256 (OpenSSL) and the lowercase-hex form every hash takes in JSON.
// Thread-safe: each thread uses its own digest context.
#ifndef HATCHERY_SHA256_H_
#define HATCHERY_SHA256_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hatchery {

using Hash = std::array<std::uint8_t, 32>;

Hash Sha256(std::string_view bytes);

// SHA-256 of bytes given in pieces: Sha256Stream s; s.Update(a); s.Update(b); s.Final() equals
// Sha256(a + b). Thread-compatible; Final may be called once.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view bytes);
  Hash Final();

 private:
  struct Ctx;
  Ctx* ctx_;
};

// Lowercase hex of `bytes`; AppendHex appends it to `*out`.
std::string ToHex(std::string_view bytes);
void AppendHex(std::string_view bytes, std::string* out);
std::string ToHex(const Hash& hash);

// Parses lowercase hex (an even number of digits); nullopt otherwise.
std::optional<std::string> BytesFromHex(std::string_view hex);
// Parses exactly 64 lowercase hex digits; nullopt otherwise.
std::optional<Hash> HashFromHex(std::string_view hex);

inline std::string_view AsBytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace hatchery

#endif  // HATCHERY_SHA256_H_
