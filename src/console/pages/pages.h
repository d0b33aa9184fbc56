// The console's pages, each a function of the page's reads (console/reads.h: the single read
// path) and where it is (console/location.h): its title and body, as of the point the location
// names. Errors: the reads' (a malformed point, an unknown id, a role that may not), which the
// console shows as an error page or, for the twin, as PROTOCOL.md's error object.
//
// Pure functions of the facts; thread-compatible (a Reads is one page's).
#ifndef HATCHERY_CONSOLE_PAGES_PAGES_H_
#define HATCHERY_CONSOLE_PAGES_PAGES_H_

#include <optional>
#include <string_view>

#include "console/location.h"
#include "console/page.h"
#include "console/reads.h"
#include "hatchery/note.h"

namespace hatchery::console {

// "/": totals per kind and county for the year of the point's today, what is due, the compliance
// flags, and the last signed checkpoint with whether it verifies.
// `key`: what the checkpoint is verified with (the server's own signing key's verifier key).
StatusOr<Page> DashboardPage(Reads& reads, const Location& at,
                             const std::optional<note::VerifierKey>& key);
// "/carriers", "/awards", "/payouts", "/compliance": one view's rows (carriers, entitlements,
// payouts, compliance), "/indicators" (the yearly indicators), searched by name or id, filtered by
// status, flag or year, a page at a time.
StatusOr<Page> ListPage(Reads& reads, const Location& at, std::string_view view);
// "/carriers/<id>": one carrier's profile, timeline (documents, authorities, who recorded each
// act), awards, payouts, flags and yearly indicators.
StatusOr<Page> CarrierPage(Reads& reads, const Location& at, std::string_view carrier_id);
// "/assessment": the yearly assessment of a year (`year`, by default the one before the point's
// today): each class's top ten as a chart, and the ranked rows (one class: `assessment_class`).
StatusOr<Page> AssessmentPage(Reads& reads, const Location& at);
// The year before the point's today: the last whole year, which the assessment and an export are
// of by default (a read of the counties view with no rows, for its `today`).
StatusOr<std::string> YearBeforeToday(Reads& reads, const Location& at);
// "/export": a signed bundle of a year (export/bundle.h) to download as of the point, for the
// exporter role and admins (`may_export`); the download itself is the server's
// (/export/bundle.tar).
StatusOr<Page> ExportPage(Reads& reads, const Location& at, bool may_export);
// "/diff": what changed from the page's point to the `to_` point (the head when none is given).
StatusOr<Page> DiffPage(Reads& reads, const Location& at);
// "/awards/<id>": why an award is what it is, or why nothing is owed (explain).
StatusOr<Page> AwardPage(Reads& reads, const Location& at, std::string_view entitlement_id);

}  // namespace hatchery::console

#endif  // HATCHERY_CONSOLE_PAGES_PAGES_H_
