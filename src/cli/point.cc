#include "cli/point.h"

#include "read/point.h"

namespace hatchery::cli {

void AddPointOptions(CLI::App* cmd, PointArgs* args, const std::string& seq_flag,
                     const std::string& instant_flag) {
  auto* seq = cmd->add_option(seq_flag, args->seq, "as known after event N");
  cmd->add_option(instant_flag, args->instant,
                  "as known at an instant (RFC 3339 UTC, e.g. 2026-01-10T00:00:00Z)")
      ->excludes(seq);
  cmd->add_option("--effective-on", args->effective_on,
                  "only facts effective on or before this date (YYYY-MM-DD)");
}

namespace {

// Fills the instant and the business date of `point` from their texts ("" for none).
Status ParseAxes(const std::string& instant, const std::string& instant_flag,
                 const std::string& effective_on, const std::string& effective_flag,
                 replay::Point* point) {
  if (!instant.empty()) {
    point->recorded_by_us = read::ParseInstant(instant);
    if (!point->recorded_by_us) {
      return Status(Code::kBadRequest,
                    instant_flag + " wants an RFC 3339 UTC instant, e.g. 2026-01-10T00:00:00Z",
                    boost::json::object{{"field", instant_flag}});
    }
  }
  if (!effective_on.empty()) {
    point->effective_on = domain::ParseDate(effective_on);
    if (!point->effective_on) {
      return Status(Code::kBadRequest, effective_flag + " wants a date YYYY-MM-DD",
                    boost::json::object{{"field", effective_flag}});
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<replay::Point> ParsePoint(const std::string& text, const std::string& flag,
                                   const std::string& effective_on,
                                   const std::string& effective_flag) {
  replay::Point point;
  bool digits = !text.empty() && text.size() <= 19 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) point.seq = std::stoull(text);
  RETURN_IF_ERROR(ParseAxes(digits ? "" : text, flag + " (a seq or an instant)", effective_on,
                            effective_flag, &point));
  return point;
}

StatusOr<replay::Point> ToPoint(const PointArgs& args, const std::string& instant_flag) {
  replay::Point point;
  point.seq = args.seq;
  RETURN_IF_ERROR(
      ParseAxes(args.instant, instant_flag, args.effective_on, "--effective-on", &point));
  return point;
}

StatusOr<boost::json::object> PointRequest(const PointArgs& args, const std::string& instant_flag) {
  RETURN_IF_ERROR(ToPoint(args, instant_flag).status());
  boost::json::object request;
  if (args.seq) request["as_of"] = {{"seq", *args.seq}};
  if (!args.instant.empty()) request["as_of"] = {{"recorded_at", args.instant}};
  if (!args.effective_on.empty()) request["effective_on"] = args.effective_on;
  return request;
}

std::string DemoStoreLine(const boost::json::object& answer) {
  const boost::json::value* clock = answer.if_contains("clock");
  if (!clock || *clock != "simulated") return "";
  return "demo store: its recorded times are simulated (declared by event 1), not a real clock\n";
}

}  // namespace hatchery::cli
