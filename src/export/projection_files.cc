#include "export/projection_files.h"

#include <boost/json.hpp>
#include <functional>
#include <future>

#include "domain/views/cut.h"
#include "export/csv.h"
#include "export/report.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;

// One view's files — "<view>.csv", or for a yearly view "<view>-<year>.csv" per year (only
// `year`'s if given) — and its state line, from one pass over its rows.
struct ViewFiles {
  Files files;
  std::string state_line;
};
StatusOr<ViewFiles> RenderView(const domain::Projection& projection, std::string_view view,
                               std::optional<int> year) {
  const bool yearly = view == "indicators" || view == "assessment" || view == "counties";
  std::map<std::int64_t, CsvBuilder> csvs;  // by year; [0] for a view that is not yearly
  if (!yearly) csvs[0];
  if (yearly && year) csvs[*year];
  domain::ViewDigestStream digest;
  RETURN_IF_ERROR(domain::ForEachRow(projection, view, [&](bj::object&& row) {
    digest.Add(row);
    std::int64_t y = yearly ? row.at("year").to_number<std::int64_t>() : 0;
    if (!yearly || !year || y == *year) csvs[y].Add(row);
  }));
  ViewFiles out;
  out.state_line = "state " + std::string(view) + " " + ToHex(digest.Final());
  for (const auto& [y, csv] : csvs) {
    out.files[std::string(view) + (yearly ? "-" + std::to_string(y) : "") + ".csv"] = csv.Text();
  }
  return out;
}

// The class and indicator names of the rulesets in force (a later ruleset's win, and the basis's
// over all), and the basis: the ruleset `year` is assessed by.
Glossary NamesOf(const domain::FactBase& facts, const domain::Cut& cut, int year) {
  Glossary names;
  domain::Policy policy(facts.policy(), cut);
  const domain::Ruleset* basis = policy.InForce(domain::YearEnd(year));
  std::vector<const domain::Ruleset*> rulesets = policy.rulesets();
  if (basis) {
    names.basis = basis->title + " — ruleset " + basis->id + ", in force from " +
                  domain::FormatDate(basis->effective_from) + " (event " +
                  std::to_string(basis->seq) + ")";
    names.models = basis->classes;
    rulesets.push_back(basis);
  }
  for (const domain::Ruleset* ruleset : rulesets) {
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

StatusOr<Derived> ProjectionFiles(const domain::Projection& projection, const ExportPoint& point) {
  // Every view on a thread of its own: the machine's cores share the big ones.
  std::vector<std::future<StatusOr<ViewFiles>>> views;
  views.reserve(domain::kViews.size());
  for (std::string_view view : domain::kViews) {
    views.push_back(
        std::async(std::launch::async, RenderView, std::cref(projection), view, point.year));
  }
  Derived derived;
  derived.state_lines.push_back(domain::DerivationLine());
  for (auto& view : views) {
    ASSIGN_OR_RETURN(ViewFiles done, view.get());
    derived.files.merge(done.files);
    derived.state_lines.push_back(std::move(done.state_line));
  }
  return derived;
}

std::optional<std::string> ReportFile(const domain::FactBase& facts,
                                      const domain::Projection& projection,
                                      const ExportPoint& point, const Files& csvs) {
  std::optional<int> year = point.year;
  for (const auto& [name, content] : csvs) {
    if (!point.year && name.starts_with("indicators-")) {
      year = std::stoi(name.substr(std::string("indicators-").size(), 4));
    }
  }
  if (!year) return std::nullopt;
  ReportPoint report{*year,      point.origin,       point.tree_size,
                     point.root, point.effective_on, point.issuer};
  return ReportHtml(csvs, NamesOf(facts, projection.cut, *year), report);
}

}  // namespace hatchery::exporting
