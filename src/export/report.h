// report.html: the yearly assessment report of an export bundle (issue 7) — per class, the
// carriers' indicator points, scores and ranks; the entitlements created, the money disbursed and
// clawed back in the year; the evaluation grades; compliance flags; and charts of the money
// disbursed per month and per county.
//
// It is made from the bundle's own CSV files alone (plus the names the rulesets give classes and
// indicators), and every number in it names the CSV row it is read or summed from, so a reader
// can trace it — and verify-export, which recomputes the CSVs, recomputes the report too. One
// self-contained page: no script, no network, inline SVG charts, an A4 print stylesheet. The same
// files give the same bytes.
//
// Pure; thread-safe.
#ifndef HATCHERY_EXPORT_REPORT_H_
#define HATCHERY_EXPORT_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "domain/fold/facts.h"
#include "domain/fold/ruleset.h"
#include "hatchery/sha256.h"

namespace hatchery::exporting {

// What the report says about the export it belongs to.
struct ReportPoint {
  int year = 0;  // the assessment year reported on
  std::string origin;
  std::uint64_t tree_size = 0;
  Hash root{};
  std::optional<domain::Date> effective_on;
  std::string issuer;  // who issues the report ("" for none given)
};

// Display names by id, from the rulesets in force (the basis's win), and the assessment model
// the year is scored by.
struct Glossary {
  std::map<std::string, std::string, std::less<>> classes, indicators;
  // What the assessment rests on: the ruleset in force at the end of the year — its title (the
  // policy and its document number), id, the date it took effect and the event that activated it
  // — and its model by class id (targets in the indicator's own unit: fen for a *_fen one).
  std::string basis;
  std::map<std::string, domain::AssessmentModel, std::less<>> models;
};

// `csvs`: file name → content, as projection_files.h makes them (carriers.csv, entitlements.csv,
// payouts.csv, compliance.csv, indicators-<year>.csv, assessment-<year>.csv).
std::string ReportHtml(const std::map<std::string, std::string>& csvs, const Glossary& names,
                       const ReportPoint& point);

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_REPORT_H_
