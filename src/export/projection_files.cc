#include "export/projection_files.h"

#include <boost/json.hpp>

#include "export/csv.h"

namespace hatchery::exporting {

namespace bj = boost::json;

StatusOr<Files> ProjectionFiles(const domain::Projection& projection, std::optional<int> year) {
  Files files;
  for (std::string_view view : {"carriers", "entitlements", "payouts", "compliance"}) {
    ASSIGN_OR_RETURN(bj::array rows, domain::ViewRows(projection, view));
    files[std::string(view) + ".csv"] = RowsCsv(rows);
  }
  ASSIGN_OR_RETURN(bj::array indicators, domain::ViewRows(projection, "indicators"));
  std::map<std::int64_t, bj::array> by_year;
  if (year) by_year[*year];
  for (bj::value& row : indicators) {
    std::int64_t y = row.at("year").to_number<std::int64_t>();
    if (!year || y == *year) by_year[y].push_back(std::move(row));
  }
  for (const auto& [y, rows] : by_year) {
    files["indicators-" + std::to_string(y) + ".csv"] = RowsCsv(rows);
  }
  return files;
}

}  // namespace hatchery::exporting
