// RFC 8785 (JSON Canonicalization Scheme) for the integer-only subset of AUDIT.md §1.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <vector>

#include "hatchery/json.h"

namespace hatchery::json {
namespace {

// Decodes valid UTF-8 into UTF-16 code units (the order JCS sorts keys by).
std::u16string ToUtf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    char32_t cp;
    int len;
    if (b < 0x80) {
      cp = b;
      len = 1;
    } else if (b < 0xE0) {
      cp = b & 0x1F;
      len = 2;
    } else if (b < 0xF0) {
      cp = b & 0x0F;
      len = 3;
    } else {
      cp = b & 0x07;
      len = 4;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

template <typename Integer>
void AppendInteger(Integer v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, end);
}

}  // namespace

// For ASCII keys (the common case) byte order is UTF-16 code-unit order.
bool KeyLess(std::string_view a, std::string_view b) {
  if (IsAscii(a) && IsAscii(b)) return a < b;
  return ToUtf16(a) < ToUtf16(b);
}

void AppendCanonicalString(std::string_view s, std::string* out) {
  out->push_back('"');
  std::size_t run = 0;  // start of the current run of bytes that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        *out += buf;
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendCanonical(const boost::json::object& object, std::string* out) {
  // Members in key order; objects built in that order (every parsed canonical input) skip the sort.
  constexpr std::size_t kInline = 48;
  std::array<const boost::json::key_value_pair*, kInline> inline_members{};
  std::vector<const boost::json::key_value_pair*> heap_members;
  const boost::json::key_value_pair** members = inline_members.data();
  if (object.size() > kInline) {
    heap_members.resize(object.size());
    members = heap_members.data();
  }
  std::size_t n = 0;
  for (const auto& kv : object) members[n++] = &kv;
  auto less = [](const auto* a, const auto* b) { return KeyLess(a->key(), b->key()); };
  if (!std::is_sorted(members, members + n, less)) std::sort(members, members + n, less);
  out->push_back('{');
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out->push_back(',');
    AppendCanonicalString(members[i]->key(), out);
    out->push_back(':');
    AppendCanonical(members[i]->value(), out);
  }
  out->push_back('}');
}

void AppendCanonical(const boost::json::value& value, std::string* out) {
  switch (value.kind()) {
    case boost::json::kind::null: *out += "null"; return;
    case boost::json::kind::bool_: *out += value.get_bool() ? "true" : "false"; return;
    case boost::json::kind::int64: AppendInteger(value.get_int64(), out); return;
    case boost::json::kind::uint64: AppendInteger(value.get_uint64(), out); return;
    case boost::json::kind::double_:
      std::fputs("hatchery: AppendCanonical called with a double (contract violation)\n", stderr);
      std::abort();
    case boost::json::kind::string: AppendCanonicalString(value.get_string(), out); return;
    case boost::json::kind::array: {
      out->push_back('[');
      bool first = true;
      for (const auto& item : value.get_array()) {
        if (!first) out->push_back(',');
        first = false;
        AppendCanonical(item, out);
      }
      out->push_back(']');
      return;
    }
    case boost::json::kind::object: AppendCanonical(value.get_object(), out); return;
  }
}

std::string Canonicalize(const boost::json::value& value) {
  std::string out;
  AppendCanonical(value, &out);
  return out;
}

std::size_t CodePointCount(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace hatchery::json
