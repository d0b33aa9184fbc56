// The point on both time axes (docs/replay.md) as the command line names it: a seq or an instant
// on the recorded-time axis, a date on the business-time axis. One set of options and one parser
// for every command that reads "as of".
#ifndef HATCHERY_CLI_POINT_H_
#define HATCHERY_CLI_POINT_H_

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "replay/replay.h"

namespace hatchery::cli {

struct PointArgs {
  std::optional<std::uint64_t> seq;
  std::string instant, effective_on;
};

// Adds `seq_flag` (e.g. --as-of-seq), `instant_flag` (e.g. --as-of; excludes the first) and
// --effective-on to `cmd`.
void AddPointOptions(CLI::App* cmd, PointArgs* args, const std::string& seq_flag,
                     const std::string& instant_flag);

// A point on the recorded-time axis written as one word: a seq ("455") or an instant
// ("2026-01-10T00:00:00Z"), and a business date (YYYY-MM-DD, "" for none). Errors: kBadRequest
// naming `flag` or `effective_flag`.
StatusOr<replay::Point> ParsePoint(const std::string& text, const std::string& flag,
                                   const std::string& effective_on,
                                   const std::string& effective_flag);

// Errors: kBadRequest naming the option that is malformed.
StatusOr<replay::Point> ToPoint(const PointArgs& args, const std::string& instant_flag);

// The same point as a request's arguments (PROTOCOL.md): `as_of` ({"seq": n} or
// {"recorded_at": t}) and `effective_on`, each only when given. Errors: ToPoint's.
StatusOr<boost::json::object> PointRequest(const PointArgs& args, const std::string& instant_flag);

// The line a view's text starts with when `answer` is a demo store's ("clock": "simulated", whose
// recorded-time axis is invented), else "".
std::string DemoStoreLine(const boost::json::object& answer);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_POINT_H_
