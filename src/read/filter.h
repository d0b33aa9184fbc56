// A query's filter (PROTOCOL.md `query`; the command line's --filter KEY=VALUE): an object of
// path: value. A path names a member of a row, a nested one by names joined with '/' ("values/jobs"
// in an indicators row). A row passes when every path names a value in it whose text equals the
// filter value's text — a string as it is, null as "", anything else as its JSON — so
// {"year": 2025} and {"year": "2025"} are the same filter, and "" finds nulls.
//
// Value type; thread-compatible.
#ifndef HATCHERY_READ_FILTER_H_
#define HATCHERY_READ_FILTER_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hatchery/status.h"

namespace hatchery::read {

// The value at `path` in `row`, nullptr if there is none.
const boost::json::value* At(const boost::json::object& row, std::string_view path);

// A value as a filter compares it (see above).
std::string Plain(const boost::json::value& value);

class Filter {
 public:
  // Errors: kBadRequest naming `field` when `filter` has an empty path.
  static StatusOr<Filter> Of(const boost::json::object& filter, std::string_view field);

  bool Passes(const boost::json::object& row) const;
  // The text the filter wants at `path`, if it names that path.
  std::optional<std::string> Wants(std::string_view path) const;

 private:
  std::vector<std::pair<std::string, std::string>> terms_;  // path, text
};

}  // namespace hatchery::read

#endif  // HATCHERY_READ_FILTER_H_
