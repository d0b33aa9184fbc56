// A view's rows as a person reads them (the command line's tables, and any page that shows a
// view): the columns each view shows, in order, and each row's cells as text — money in yuan with
// thousands separators, scores in points, levels as "level (mode)". JSON keeps every field in fen.
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

// "1,234,567.89" from 123456789 fen.
std::string Yuan(std::int64_t fen);

struct Column {
  enum class Shown { kText, kYuan, kLevels, kPoints };
  std::string header;
  std::string path;  // in the row, as a filter names it (filter.h): "values/jobs"
  Shown shown = Shown::kText;
};

// The columns of `view` (one of domain::kViews); empty for another name.
const std::vector<Column>& Columns(std::string_view view);

// The text of `row`'s cell in `column` ("" for null or missing).
std::string Cell(const boost::json::object& row, const Column& column);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_CELLS_H_
