// Time and date text as EVENTS.md fixes it. Pure functions, thread-safe.
#ifndef HATCHERY_TIME_H_
#define HATCHERY_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hatchery {

// Microseconds since the Unix epoch, from the system clock.
std::int64_t NowMicros();

// RFC 3339 UTC with exactly six fractional digits: "2026-11-27T10:00:01.000000Z".
std::string FormatTimestamp(std::int64_t micros);
// Inverse of FormatTimestamp; nullopt unless `text` is exactly in that form and a real instant.
std::optional<std::int64_t> ParseTimestamp(std::string_view text);

// True for "YYYY-MM-DD" naming a real calendar date (years 0001-9999).
bool IsValidDate(std::string_view text);

}  // namespace hatchery

#endif  // HATCHERY_TIME_H_
