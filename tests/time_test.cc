#include "hatchery/time.h"

#include <catch2/catch.hpp>

namespace hatchery {
namespace {

TEST_CASE("timestamps round-trip with microseconds", "[time]") {
  CHECK(FormatTimestamp(0) == "1970-01-01T00:00:00.000000Z");
  std::int64_t t = 1795773601000000 + 123456;  // 2026-11-27T10:00:01.123456Z
  CHECK(FormatTimestamp(t) == "2026-11-27T10:00:01.123456Z");
  CHECK(ParseTimestamp("2026-11-27T10:00:01.123456Z") == t);
  CHECK(ParseTimestamp(FormatTimestamp(NowMicros())).has_value());
}

TEST_CASE("timestamps must be exactly RFC 3339 UTC with six digits", "[time]") {
  CHECK_FALSE(ParseTimestamp("2026-11-27T10:00:01Z"));
  CHECK_FALSE(ParseTimestamp("2026-11-27T10:00:01.123456+08:00"));
  CHECK_FALSE(ParseTimestamp("2026-11-27 10:00:01.123456Z"));
  CHECK_FALSE(ParseTimestamp("2026-02-30T10:00:01.123456Z"));
  CHECK_FALSE(ParseTimestamp("2026-11-27T24:00:00.000000Z"));
}

TEST_CASE("business dates are real calendar dates", "[time]") {
  CHECK(IsValidDate("2023-03-27"));
  CHECK(IsValidDate("2024-02-29"));
  CHECK_FALSE(IsValidDate("2023-02-29"));
  CHECK_FALSE(IsValidDate("2023-13-01"));
  CHECK_FALSE(IsValidDate("2023-3-27"));
  CHECK_FALSE(IsValidDate("0000-01-01"));
  CHECK_FALSE(IsValidDate("2023-03-27T00:00"));
  CHECK_FALSE(IsValidDate("２０２３-03-27"));
}

}  // namespace
}  // namespace hatchery
