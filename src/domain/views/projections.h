// The projections of EVENTS.md "Derived", as of a Cut: carriers, entitlements, payouts,
// compliance, indicators, assessment — and counties, the roll-up per county (county_rollup.h). Each
// view is a JSON array of rows in a fixed order, and its state digest is the SHA-256 of the view's
// RFC 8785 canonical form, so "rebuilt equals live" and "replay reproduces the signed state" are
// checkable facts.
//
// Pure functions of the fact base; thread-safe for concurrent readers.
#ifndef HATCHERY_DOMAIN_VIEWS_PROJECTIONS_H_
#define HATCHERY_DOMAIN_VIEWS_PROJECTIONS_H_

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/views/county_rollup.h"
#include "domain/views/derive.h"
#include "domain/views/indicators.h"
#include "hatchery/sha256.h"

namespace hatchery::domain {

inline constexpr std::array<std::string_view, 7> kViews{
    "carriers", "entitlements", "payouts", "compliance", "indicators", "assessment", "counties"};

struct Projection {
  Cut cut;
  std::vector<CarrierOutcome> carriers;    // by carrier id
  std::vector<IndicatorRow> indicators;    // per carrier, by (carrier, year)
  std::vector<IndicatorRow> class_totals;  // by (year, class)
  std::vector<Score> scores;               // by (year, class, rank)
  std::vector<std::string> indicator_ids;  // named by the scores' contributions
  std::vector<CountyRow> counties;         // by (year, county), the city last

  const CarrierOutcome* FindCarrier(std::string_view carrier_id) const;
};

// Every carrier's outcome, indicators, class totals and scores under `cut`. Carriers are derived
// in slices of at least `carriers_per_slice`, one per core, at once (tests make it small).
inline constexpr std::size_t kCarriersPerSlice = 4096;
Projection Project(const FactBase& facts, const Cut& cut,
                   std::size_t carriers_per_slice = kCarriersPerSlice);

// The projection of one carrier alone: its carriers, entitlements, payouts and compliance rows and
// its own indicator rows are exactly those of Project; class totals, scores and counties (which
// need every carrier) are left empty. What a per-carrier query derives: microseconds, not a
// whole derivation. Empty if the carrier is unknown or not registered under the cut.
Projection ProjectCarrier(const FactBase& facts, const Cut& cut, std::string_view carrier_id);

// The rows of `view` (money in integer fen). Errors: kNotFound naming the known views.
StatusOr<boost::json::array> ViewRows(const Projection& projection, std::string_view view);
// The same, one row at a time, in order.
Status ForEachRow(const Projection& projection, std::string_view view,
                  const std::function<void(boost::json::object&&)>& visit);

// One row of the entitlements view and of the payouts view.
boost::json::object EntitlementRow(const Entitlement& entitlement);
boost::json::object PayoutRow(const Payout& payout);

// SHA-256 of the canonical JSON of `rows`.
Hash ViewDigest(const boost::json::array& rows);

// The same digest with the rows given one at a time, in order, so that no view is held whole: the
// canonical form of an array is "[", the rows' canonical forms joined by ",", and "]".
class ViewDigestStream {
 public:
  ViewDigestStream() { sha_.Update("["); }
  // A row as its canonical text, or as a value.
  void AddCanonical(std::string_view row);
  void Add(const boost::json::object& row);
  std::size_t rows() const { return rows_; }
  Hash Final();  // once

 private:
  Sha256Stream sha_;
  std::size_t rows_ = 0;
  std::string text_;
};

// One view's size and state digest.
struct ViewState {
  std::string view;
  std::size_t rows = 0;
  Hash digest{};
  bool operator==(const ViewState&) const = default;
};
// Every view's state, in kViews order (each view made and hashed on a thread of its own).
std::vector<ViewState> ViewStates(const Projection& projection);

// The derivation's version: what the views are for the same events. Bumped with every change of
// this software that changes some history's rows (a new flag, measure or view: docs/replay.md,
// "Derivation versions"). A state is only ever compared with one derived the same way.
inline constexpr int kDerivation = 6;
// "state derivation <kDerivation>": the first state line of a checkpoint.
std::string DerivationLine();
// The derivation a checkpoint's extension lines name: 1 when none does (checkpoints signed before
// the version was written); 0 — no derivation that exists — when the line is malformed, names one
// beyond kDerivation, or comes twice: such a state is a mismatch, never "not compared".
int DerivationOf(const std::vector<std::string>& extension_lines);

// A checkpoint's extension lines (checkpoint.h) for the state it covers: DerivationLine(), then
// "state <view> <hex digest>" for every view, in kViews order.
std::vector<std::string> StateLines(const Projection& projection);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_PROJECTIONS_H_
