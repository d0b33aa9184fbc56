// The arguments of a request (PROTOCOL.md "Messages"), read with the errors every op gives: a
// kBadRequest that names the field in its message and in details.field.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_READ_ARGUMENTS_H_
#define HATCHERY_READ_ARGUMENTS_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hatchery/status.h"

namespace hatchery::read {

// kBadRequest "<field> <what>" with details {"field": field}.
Status BadArgument(std::string_view field, const std::string& what);

// A non-negative integer, whether parsed (int64) or built in this process (uint64).
std::optional<std::uint64_t> CountOf(const boost::json::value& value);

// A non-negative integer argument; `fallback` when absent (required when there is none).
StatusOr<std::uint64_t> Count(const boost::json::object& args, std::string_view field,
                              std::optional<std::uint64_t> fallback = std::nullopt);

// A non-negative integer argument, nullopt when absent.
StatusOr<std::optional<std::uint64_t>> OptionalCount(const boost::json::object& args,
                                                     std::string_view field);

// A string argument; "" when absent and not required.
StatusOr<std::string> Text(const boost::json::object& args, std::string_view field, bool required);

// An object argument; empty when absent.
StatusOr<boost::json::object> Object(const boost::json::object& args, std::string_view field,
                                     const std::string& what);

// An instant argument (RFC 3339 UTC, read/point.h ParseInstant) as Unix microseconds; nullopt when
// absent.
StatusOr<std::optional<std::int64_t>> Instant(const boost::json::object& args,
                                              std::string_view field);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_ARGUMENTS_H_
