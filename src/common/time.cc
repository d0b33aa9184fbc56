#include "hatchery/time.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace hatchery {
namespace {

namespace chr = std::chrono;

// Parses exactly `width` decimal digits at `pos`.
std::optional<int> Digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Parses "YYYY-MM-DD" at the start of `text` into a calendar date.
std::optional<chr::year_month_day> ParseDate(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (!y || !m || !d || *y == 0) return std::nullopt;
  chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                          chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

}  // namespace

std::int64_t NowMicros() {
  return chr::duration_cast<chr::microseconds>(chr::system_clock::now().time_since_epoch()).count();
}

std::string FormatTimestamp(std::int64_t micros) {
  chr::sys_time<chr::microseconds> tp{chr::microseconds{micros}};
  auto day = chr::floor<chr::days>(tp);
  chr::year_month_day ymd{day};
  chr::hh_mm_ss<chr::microseconds> tod{tp - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                static_cast<long long>(tod.subseconds().count()));
  return buf;
}

std::optional<std::int64_t> ParseTimestamp(std::string_view text) {
  // 2026-11-27T10:00:01.000000Z
  if (text.size() != 27 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.' || text[26] != 'Z') {
    return std::nullopt;
  }
  auto ymd = ParseDate(text);
  auto h = Digits(text, 11, 2), mi = Digits(text, 14, 2), s = Digits(text, 17, 2);
  auto us = Digits(text, 20, 6);
  if (!ymd || !h || !mi || !s || !us || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  auto tp = chr::sys_days{*ymd} + chr::hours{*h} + chr::minutes{*mi} + chr::seconds{*s} +
            chr::microseconds{*us};
  return chr::duration_cast<chr::microseconds>(tp.time_since_epoch()).count();
}

bool IsValidDate(std::string_view text) { return text.size() == 10 && ParseDate(text).has_value(); }

}  // namespace hatchery
