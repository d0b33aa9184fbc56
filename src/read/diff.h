// Diff: what changed between two points (each on both time axes) — which rows of every view were
// added, removed or changed, each changed field with its old and new value (and the difference,
// for numbers: money in fen), and the events responsible. A carrier's rows are a function of its
// own facts, the rulesets and the date deadlines are judged on, so the events responsible for a
// change to its rows of a view are its and the policy stream's events that count at one point and
// not at the other (recorded between them, or effective between their business dates) and whose
// type can shape that view (an annual report is not responsible for an entitlement; a retraction
// is as its target); a change with none moved only with that date (a report deadline passed).
//
// Pure function of a fact base folded at least to the later point; thread-safe for readers.
#ifndef HATCHERY_READ_DIFF_H_
#define HATCHERY_READ_DIFF_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/fold/fact_base.h"
#include "domain/views/cut.h"

namespace hatchery::read {

struct FieldChange {
  std::string field;  // a path into the row, e.g. "status" or "values.jobs"
  boost::json::value from, to;
  std::optional<std::int64_t> delta;  // to − from, when both are integers
};

struct RowChange {
  std::string key;         // the row's identity within its view, e.g. "R1:tl-inc-001"
  std::string change;      // added | removed | changed
  std::string carrier_id;  // "" for class rows
  // Changed only; for an added or removed row every field, from or to null.
  std::vector<FieldChange> fields;
  // The carrier's and the policy's events counting at one point only that can shape the view.
  std::vector<std::uint64_t> responsible;
};

struct ViewDiff {
  std::string view;
  std::vector<RowChange> rows;  // by key
};

struct Diff {
  domain::Cut from, to;
  std::vector<ViewDiff> views;  // kViews order, every view (an empty one is unchanged)
  // Every event counting at one point only, with its type.
  std::vector<std::pair<std::uint64_t, std::string>> events;
};

// `facts` must hold every event of both cuts.
Diff Compare(const domain::FactBase& facts, const domain::Cut& from, const domain::Cut& to);

// As JSON: both points, every event counting at one point only (the first 1,000, with
// events_total and events_by_type counting them all), and each view's changed rows — with
// `rows_per_view`, at most that many of each view, and `rows_changed` counting them all.
boost::json::object ToJson(const Diff& diff,
                           std::optional<std::size_t> rows_per_view = std::nullopt);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_DIFF_H_
