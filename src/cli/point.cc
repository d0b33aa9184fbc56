#include "cli/point.h"

#include "hatchery/time.h"

namespace hatchery::cli {
namespace {

// RFC 3339 UTC as events record it (2026-01-10T08:00:00.000000Z) or to the second
// (2026-01-10T08:00:00Z); Unix microseconds.
std::optional<std::int64_t> ParseInstant(const std::string& text) {
  if (auto exact = ParseTimestamp(text)) return exact;
  if (text.size() == 20 && text.back() == 'Z') {
    return ParseTimestamp(text.substr(0, 19) + ".000000Z");
  }
  return std::nullopt;
}

}  // namespace

void AddPointOptions(CLI::App* cmd, PointArgs* args, const std::string& seq_flag,
                     const std::string& instant_flag) {
  auto* seq = cmd->add_option(seq_flag, args->seq, "as known after event N");
  cmd->add_option(instant_flag, args->instant,
                  "as known at an instant (RFC 3339 UTC, e.g. 2026-01-10T00:00:00Z)")
      ->excludes(seq);
  cmd->add_option("--effective-on", args->effective_on,
                  "only facts effective on or before this date (YYYY-MM-DD)");
}

StatusOr<replay::Point> ToPoint(const PointArgs& args, const std::string& instant_flag) {
  replay::Point point;
  point.seq = args.seq;
  if (!args.instant.empty()) {
    point.recorded_by_us = ParseInstant(args.instant);
    if (!point.recorded_by_us) {
      return Status(Code::kBadRequest,
                    instant_flag + " wants an RFC 3339 UTC instant, e.g. 2026-01-10T00:00:00Z",
                    boost::json::object{{"field", instant_flag}});
    }
  }
  if (!args.effective_on.empty()) {
    point.effective_on = domain::ParseDate(args.effective_on);
    if (!point.effective_on) {
      return Status(Code::kBadRequest, "--effective-on wants a date YYYY-MM-DD",
                    boost::json::object{{"field", "--effective-on"}});
    }
  }
  return point;
}

}  // namespace hatchery::cli
