#include "export/projection_files.h"

#include <boost/json.hpp>

#include "domain/cut.h"
#include "export/csv.h"
#include "export/report.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;

// `view`'s rows as one CSV per year ("<view>-<year>.csv"); only `year`'s if given.
Status AddYearly(const domain::Projection& projection, std::string_view view,
                 std::optional<int> year, Files* files) {
  ASSIGN_OR_RETURN(bj::array rows, domain::ViewRows(projection, view));
  std::map<std::int64_t, bj::array> by_year;
  if (year) by_year[*year];
  for (bj::value& row : rows) {
    std::int64_t y = row.at("year").to_number<std::int64_t>();
    if (!year || y == *year) by_year[y].push_back(std::move(row));
  }
  for (const auto& [y, of_year] : by_year) {
    (*files)[std::string(view) + "-" + std::to_string(y) + ".csv"] = RowsCsv(of_year);
  }
  return Status::Ok();
}

// The class and indicator names of the rulesets in force (a later ruleset's win).
Glossary NamesOf(const domain::FactBase& facts, const domain::Cut& cut) {
  Glossary names;
  domain::Policy policy(facts.policy(), cut);
  for (const domain::Ruleset* ruleset : policy.rulesets()) {
    for (const auto& [id, model] : ruleset->classes) {
      names.classes[id] = model.name;
      for (const domain::Indicator& indicator : model.indicators) {
        names.indicators[indicator.id] = indicator.name;
      }
    }
  }
  return names;
}

}  // namespace

StatusOr<Files> ProjectionFiles(const domain::FactBase& facts, const domain::Projection& projection,
                                const ExportPoint& point) {
  Files files;
  for (std::string_view view : {"carriers", "entitlements", "payouts", "compliance"}) {
    ASSIGN_OR_RETURN(bj::array rows, domain::ViewRows(projection, view));
    files[std::string(view) + ".csv"] = RowsCsv(rows);
  }
  RETURN_IF_ERROR(AddYearly(projection, "indicators", point.year, &files));
  RETURN_IF_ERROR(AddYearly(projection, "assessment", point.year, &files));
  std::optional<int> report_year = point.year;
  for (const auto& [name, content] : files) {
    if (!point.year && name.starts_with("indicators-")) {
      report_year = std::stoi(name.substr(std::string("indicators-").size(), 4));
    }
  }
  if (report_year) {
    ReportPoint report{*report_year, point.origin, point.tree_size, point.root, point.effective_on};
    files["report.html"] = ReportHtml(files, NamesOf(facts, projection.cut), report);
  }
  return files;
}

}  // namespace hatchery::exporting
