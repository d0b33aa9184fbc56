// JSON as Hatchery accepts and hashes it.
//
// Input is parsed strictly (RFC 8259 and the subset of AUDIT.md §1): valid UTF-8, no duplicate
// keys, nesting at most kMaxJsonDepth, and numbers only as integers within ±2^53. Everything that
// is accepted can be rendered in the RFC 8785 (JCS) canonical form, which is what is hashed.
//
// All functions are pure and thread-safe.
#ifndef HATCHERY_JSON_H_
#define HATCHERY_JSON_H_

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "hatchery/status.h"

namespace hatchery::json {

inline constexpr std::size_t kMaxJsonDepth = 32;
inline constexpr std::int64_t kMaxJsonInteger = std::int64_t{1} << 53;  // AUDIT.md §1: ±2^53

// Parses one JSON text. Errors are kBadRequest and name the JSON pointer of the offending value
// (duplicate key, number out of range, fraction or exponent) or the byte offset of a syntax error.
StatusOr<boost::json::value> ParseStrict(std::string_view text);

// Appends the RFC 8785 canonical form of `value` to `*out`: object members sorted by the UTF-16
// code units of their keys, no white space, strings with the minimal JCS escapes, integers in
// decimal. Contract: `value` holds only what ParseStrict accepts (integers within ±2^53, no
// doubles); a double aborts, as it is a programming error, never an input error.
void AppendCanonical(const boost::json::value& value, std::string* out);
void AppendCanonical(const boost::json::object& object, std::string* out);
std::string Canonicalize(const boost::json::value& value);

// JCS member order: `a` sorts before `b` by their UTF-16 code units (byte order for ASCII).
bool KeyLess(std::string_view a, std::string_view b);

// Appends one string in JCS form, quotes included. `s` must be valid UTF-8.
void AppendCanonicalString(std::string_view s, std::string* out);

// Number of Unicode code points in valid UTF-8 `s` (how field lengths are limited).
std::size_t CodePointCount(std::string_view s);

}  // namespace hatchery::json

#endif  // HATCHERY_JSON_H_
