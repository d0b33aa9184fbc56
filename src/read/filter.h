// A query's filter and search (PROTOCOL.md `query`; the command line's --filter KEY=VALUE and
// --search TEXT).
//
// The filter is an object of key: value, or key: [values] for any of them. A key is one of the
// view's keys (cells.h: a table's headings, and its rows' other fields), or the row path a key
// reads ("amount_fen", "values/jobs"); any other key is refused with the list of the view's keys.
// A row passes when, for every key, its value equals one of the wanted values:
//   - text as it is: a string as it is, null as "" (so "" finds nulls), anything else as its JSON
//     ({"year": 2025} and {"year": "2025"} are the same filter);
//   - a money key ("amount") in yuan — "500000", "500,000.00" — and its path ("amount_fen") in fen;
//     a score ("score") in points, its path ("score_centi") in hundredths;
//   - a county by its slug or its Chinese name ("kailu" or "开鲁县"; any other is refused with the
//     list of counties);
//   - levels by one level held ("national").
// The search passes rows that hold its text in an id or a name (letters in any case).
//
// Value type; thread-compatible.
#ifndef HATCHERY_READ_FILTER_H_
#define HATCHERY_READ_FILTER_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hatchery/status.h"
#include "read/cells.h"

namespace hatchery::read {

// The value at `path` in `row`, nullptr if there is none.
const boost::json::value* At(const boost::json::object& row, std::string_view path);

// A value as a filter compares it (see above).
std::string Plain(const boost::json::value& value);

class Filter {
 public:
  // The filter `filter` (the request's `field`) and the search `search` ("" for none) over rows of
  // `view`. Errors: kBadRequest naming `field` (and the key) when a key is unknown, a list is
  // empty or holds an object or list, or a money value is not an amount in yuan.
  static StatusOr<Filter> Of(const boost::json::object& filter, std::string_view field,
                             std::string_view view, std::string_view search = "");

  // Whether `row` passes; `derived` gives the fields a row does not hold but a key may name (a
  // carrier's name beside its id), asked only when a key or the search needs a field the row
  // has not.
  bool Passes(const boost::json::object& row,
              const std::function<const boost::json::object&()>& derived) const;
  // The text the filter wants at row path `path`, if it names that path with one value (not the
  // empty one, which finds nulls).
  std::optional<std::string> Wants(std::string_view path) const;

 private:
  struct Term {
    Column column;  // shown kText when the filter named a path, not a key
    std::vector<std::string> texts;
    std::vector<std::int64_t> hundredths;  // a money or points key's values: fen, centipoints
  };
  static bool Matches(const Term& term, const boost::json::value& have);

  std::vector<Term> terms_;
  std::string search_;            // lower-cased
  std::vector<Column> searched_;  // the view's keys a search looks in
};

}  // namespace hatchery::read

#endif  // HATCHERY_READ_FILTER_H_
