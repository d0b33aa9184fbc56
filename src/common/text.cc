#include "hatchery/text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace hatchery::text {
namespace {

// The code point at `s[i]` and its length in bytes; length 0 for bytes that are not well-formed
// UTF-8 there.
std::pair<char32_t, std::size_t> Decode(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > s.size()) return {0, 0};
  std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return {0, 0};
    cp = cp << 6 | (cc & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {static_cast<char32_t>(cp), n};
}

std::string Hex(std::uint32_t v) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%x", v);
  return buffer;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto [cp, n] = Decode(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool IsForbidden(char32_t cp, bool allow_newline) {
  if (cp == U'\n') return !allow_newline;
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

std::optional<char32_t> FirstForbidden(std::string_view utf8, bool allow_newline) {
  for (std::size_t i = 0; i < utf8.size();) {
    auto [cp, n] = Decode(utf8, i);
    if (n == 0) return std::nullopt;  // not UTF-8: for the caller's other checks
    if (IsForbidden(cp, allow_newline)) return cp;
    i += n;
  }
  return std::nullopt;
}

std::string CodePointName(char32_t cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
  return buffer;
}

std::string Printable(std::string_view utf8, bool keep_newlines) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    auto [cp, n] = Decode(utf8, i);
    if (n == 0) {
      out += "\\x{" + Hex(static_cast<unsigned char>(utf8[i])) + "}";
      ++i;
      continue;
    }
    if (IsForbidden(cp, keep_newlines)) {
      out += "\\u{" + Hex(cp) + "}";
    } else {
      out.append(utf8.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace hatchery::text
