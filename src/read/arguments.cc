#include "read/arguments.h"

#include <boost/json/value.hpp>

#include "read/point.h"

namespace hatchery::read {

namespace bj = boost::json;

Status BadArgument(std::string_view field, const std::string& what) {
  return Status(Code::kBadRequest, std::string(field) + " " + what,
                bj::object{{"field", std::string(field)}});
}

std::optional<std::uint64_t> CountOf(const bj::value& value) {
  if (value.is_uint64()) return value.as_uint64();  // as built in this process
  if (value.is_int64() && value.as_int64() >= 0) return value.as_int64();  // as parsed
  return std::nullopt;
}

StatusOr<std::uint64_t> Count(const bj::object& args, std::string_view field,
                              std::optional<std::uint64_t> fallback) {
  const bj::value* v = args.if_contains(field);
  if (!v) {
    if (fallback) return *fallback;
    return BadArgument(field, "is required");
  }
  if (auto count = CountOf(*v)) return *count;
  return BadArgument(field, "must be an integer ≥ 0");
}

StatusOr<std::optional<std::uint64_t>> OptionalCount(const bj::object& args,
                                                     std::string_view field) {
  if (!args.contains(field)) return std::optional<std::uint64_t>();
  ASSIGN_OR_RETURN(std::uint64_t n, Count(args, field));
  return std::optional<std::uint64_t>(n);
}

StatusOr<std::string> Text(const bj::object& args, std::string_view field, bool required) {
  const bj::value* v = args.if_contains(field);
  if (!v) {
    if (required) return BadArgument(field, "is required");
    return std::string();
  }
  if (!v->is_string()) return BadArgument(field, "must be a string");
  return std::string(v->as_string());
}

StatusOr<bj::object> Object(const bj::object& args, std::string_view field,
                            const std::string& what) {
  const bj::value* v = args.if_contains(field);
  if (!v) return bj::object();
  if (!v->is_object()) return BadArgument(field, "must be " + what);
  return v->as_object();
}

StatusOr<std::optional<std::int64_t>> Instant(const bj::object& args, std::string_view field) {
  ASSIGN_OR_RETURN(std::string text, Text(args, field, false));
  if (text.empty()) return std::optional<std::int64_t>();
  std::optional<std::int64_t> us = ParseInstant(text);
  if (!us) return BadArgument(field, "must be an RFC 3339 UTC instant, e.g. 2026-01-10T00:00:00Z");
  return us;
}

}  // namespace hatchery::read
