// Standard base64 (RFC 4648 §4, with padding), as signed notes and checkpoints use it.
// Pure functions; thread-safe.
#ifndef HATCHERY_BASE64_H_
#define HATCHERY_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace hatchery {

std::string Base64Encode(std::string_view bytes);
// Strict: the standard alphabet, padded to a multiple of 4, no white space, and the unused bits of
// the last character zero (so every byte string has exactly one encoding). nullopt otherwise.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace hatchery

#endif  // HATCHERY_BASE64_H_
