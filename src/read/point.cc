#include "read/point.h"

#include "hatchery/time.h"
#include "read/arguments.h"

namespace hatchery::read {

namespace bj = boost::json;

std::optional<std::int64_t> ParseInstant(const std::string& text) {
  if (auto exact = ParseTimestamp(text)) return exact;
  if (text.size() == 20 && text.back() == 'Z') {
    return ParseTimestamp(text.substr(0, 19) + ".000000Z");
  }
  return std::nullopt;
}

StatusOr<replay::Point> PointOf(const bj::object& args, std::string_view prefix) {
  const std::string as_of_field = std::string(prefix) + "as_of";
  const std::string as_of_form = "must be {\"seq\": n} or {\"recorded_at\": t}";
  replay::Point point;
  if (const bj::value* as_of = args.if_contains("as_of")) {
    if (!as_of->is_object()) return BadArgument(as_of_field, as_of_form);
    const bj::object& o = as_of->as_object();
    if (const bj::value* seq = o.if_contains("seq")) {
      point.seq = CountOf(*seq);
      if (!point.seq) return BadArgument(as_of_field + ".seq", "must be an integer ≥ 0");
    } else if (const bj::value* t = o.if_contains("recorded_at"); t && t->is_string()) {
      point.recorded_by_us = ParseInstant(std::string(t->as_string()));
      if (!point.recorded_by_us) {
        return BadArgument(as_of_field + ".recorded_at",
                           "must be an RFC 3339 UTC instant, e.g. 2026-01-10T00:00:00Z");
      }
    } else {
      return BadArgument(as_of_field, as_of_form);
    }
  }
  const std::string on_field = std::string(prefix) + "effective_on";
  const bj::value* on = args.if_contains("effective_on");
  if (on && !on->is_null()) {
    if (on->is_string()) point.effective_on = domain::ParseDate(std::string(on->as_string()));
    if (!point.effective_on) return BadArgument(on_field, "must be a date YYYY-MM-DD");
  }
  return point;
}

}  // namespace hatchery::read
