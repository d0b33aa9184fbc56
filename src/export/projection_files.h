// The files of a bundle that the policy derives from the events: the projections' CSVs as of the
// export point — carriers, entitlements, payouts, compliance, and indicators and assessment one
// file per year — and report.html, the yearly assessment report made from those CSVs. `export`
// writes them and `verify-export` recomputes them from events.jsonl with these functions, so the
// two cannot drift apart.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_EXPORT_PROJECTION_FILES_H_
#define HATCHERY_EXPORT_PROJECTION_FILES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/views/projections.h"
#include "hatchery/status.h"

namespace hatchery::exporting {

// File name → content.
using Files = std::map<std::string, std::string>;

// Where the export stands: what the manifest and proof.json say of it.
struct ExportPoint {
  std::string origin;
  std::uint64_t tree_size = 0;
  Hash root{};
  std::optional<domain::Date> effective_on;
  // The yearly assessment's export: only this year's indicators and assessment files (there even
  // when the year has no rows), and the report of this year. Without, a file per year that has
  // rows, and the report of the latest of them (none when there is none).
  std::optional<int> year;
  // Who issues the report ("" for none given): the manifest's `issuer`, shown in its header.
  std::string issuer;
};

struct Derived {
  Files files;  // the CSVs
  // The projection's state lines (domain::StateLines), from the same rows as the files: a
  // checkpoint's, when the projection has no business-date cut.
  std::vector<std::string> state_lines;
};

// The CSVs of `projection`, the projection at the export point under its cut. Each view's rows
// are made once, one at a time, for its CSV and its digest, each view on a thread of its own.
// Errors: the projection's (kInternal).
StatusOr<Derived> ProjectionFiles(const domain::Projection& projection, const ExportPoint& point);

// report.html of `csvs` (ProjectionFiles's), the projection of `facts`: of the point's year, or
// without one of the latest year with an indicators file (none: nullopt).
std::optional<std::string> ReportFile(const domain::FactBase& facts,
                                      const domain::Projection& projection,
                                      const ExportPoint& point, const Files& csvs);

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_PROJECTION_FILES_H_
