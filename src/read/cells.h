// A view's rows as a person reads and picks them (the command line's tables, a query's filter and
// search, any page that shows a view): each view's keys — the columns a table shows, in order, and
// the other fields of its rows — and each row's cells as text: money in yuan or 万元 with
// thousands separators, scores in points, levels as "level (mode)", counties by their Chinese name.
// A table's headings are its keys, so what a table shows is what a filter names. JSON keeps every
// field as the view has it, money in fen.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_READ_CELLS_H_
#define HATCHERY_READ_CELLS_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hatchery::read {

// How money is shown: yuan to the fen, or 万元 (10,000 yuan) to the hundredth.
enum class Unit { kYuan, kWan };

// "1,234,567.89" from 123456789 fen.
std::string Yuan(std::int64_t fen);
// `fen` in `unit`: Yuan(fen), or "12.35" 万元 (rounded half away from zero) from 123456789.
std::string Money(std::int64_t fen, Unit unit);

struct Column {
  enum class Shown {
    kText,
    kMoney,   // fen, shown in the table's unit; a filter names it in yuan
    kLevels,  // [{level, mode}, …]; a filter names one level
    kPoints,  // hundredths of a point, shown (and filtered) in points
    kCounty,  // a county's slug, shown by its name; a filter takes either
  };
  std::string key;   // the table's heading and a filter's name for the field
  std::string path;  // in the row: "values/jobs"
  Shown shown = Shown::kText;
  bool searched = false;  // a search looks in it (ids and names)
  bool right_aligned() const { return shown == Shown::kMoney || shown == Shown::kPoints; }
};

// The columns a table of `view` (one of domain::kViews, or "carrier") shows; empty for another
// name.
const std::vector<Column>& Columns(std::string_view view);
// Every key of `view`: its columns, then its rows' other scalar fields and, for indicators, every
// measure as "values/<measure>". A filter may name only these.
const std::vector<Column>& Keys(std::string_view view);

// Levels held ([{level, mode}, …]) as "regional (accredited), city (filed)"; "" for none.
std::string LevelsText(const boost::json::array& levels);

// The text of `row`'s cell in `column` ("" for null or missing).
std::string Cell(const boost::json::object& row, const Column& column, Unit unit = Unit::kYuan);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_CELLS_H_
