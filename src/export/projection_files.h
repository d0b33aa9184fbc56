// The files of a bundle that the policy derives from the events: the projections' CSVs as of the
// export point — carriers, entitlements, payouts, compliance, and indicators one file per year.
// `export` writes them and `verify-export` recomputes them from events.jsonl with this one
// function, so the two cannot drift apart.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_EXPORT_PROJECTION_FILES_H_
#define HATCHERY_EXPORT_PROJECTION_FILES_H_

#include <map>
#include <optional>
#include <string>

#include "domain/projections.h"
#include "hatchery/status.h"

namespace hatchery::exporting {

// File name → content.
using Files = std::map<std::string, std::string>;

// The CSVs of `projection`. With `year`, only that year's indicators file (there even when the
// year has no rows: the yearly assessment's export); without, one per year that has rows.
// Errors: the projection's (kInternal).
StatusOr<Files> ProjectionFiles(const domain::Projection& projection, std::optional<int> year);

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_PROJECTION_FILES_H_
