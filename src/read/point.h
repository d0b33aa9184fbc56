// The point a read is as of (docs/replay.md): on the recorded-time axis a seq or an instant, on the
// business-time axis a date. In a request (PROTOCOL.md) it is `as_of` — {"seq": n} or
// {"recorded_at": t} — and `effective_on` ("YYYY-MM-DD"), each optional.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_READ_POINT_H_
#define HATCHERY_READ_POINT_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "replay/replay.h"

namespace hatchery::read {

// An instant as RFC 3339 UTC, to the microsecond as events record it
// ("2026-01-10T08:00:00.000000Z") or to the second ("2026-01-10T08:00:00Z"): Unix microseconds.
std::optional<std::int64_t> ParseInstant(const std::string& text);

// The point `args` names. Errors: kBadRequest naming the malformed member, prefixed with `prefix`
// (e.g. "from." for a diff's first point).
StatusOr<replay::Point> PointOf(const boost::json::object& args, std::string_view prefix = "");

}  // namespace hatchery::read

#endif  // HATCHERY_READ_POINT_H_
