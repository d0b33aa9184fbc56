// The yearly assessment indicators (EVENTS.md "Derived", POLICY.md "Classified assessment"):
// per year × carrier, counted from the events of that year and the year's latest annual report,
// summed per class; and each carrier's score and rank within its class.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_DOMAIN_VIEWS_INDICATORS_H_
#define HATCHERY_DOMAIN_VIEWS_INDICATORS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "domain/views/derive.h"

namespace hatchery::domain {

// A class total's `carrier`.
inline constexpr std::uint32_t kClassTotal = UINT32_MAX;

// Rows are many (carriers × years): they name their carrier by its position in the projection's
// carriers, and their class by the enum.
struct IndicatorRow {
  int year = 0;
  AssessmentClass assessment_class = AssessmentClass::kIncubatorComprehensive;
  std::uint32_t carrier = kClassTotal;
  Measures values;
};

// Appends to `rows` one row per year from the carrier's registration to the cut's `today` (none
// for a carrier whose registration was retracted);
// `carrier_index` is the carrier's position among the projection's carriers.
void AddCarrierIndicators(const CarrierOutcome& carrier, std::uint32_t carrier_index, Date today,
                          std::vector<IndicatorRow>* rows);

// Sets in `values` the pay-speed measures (§4.2) of `year` over `speeds`: awards_approved_in_full
// and awards_paid_in_full — the awards whose approvals, or disbursements, reached their amount in
// the year — and, when there are any, approval_days_median and disbursement_days_median: the
// median of the days each took from the award becoming owed (0 for money that came before it; of
// an even count, the mean of the middle two rounded down).
void SetPaySpeedMeasures(int year, const std::vector<PaySpeed>& speeds, Measures* values);
// The years in which `speed` was approved, or paid, in full — the years whose pay-speed measures
// it counts in: none, one, or two ascending.
std::vector<int> CompletionYears(const PaySpeed& speed);

// Sums of `rows` (carrier rows, each carrier's consecutive, as AddCarrierIndicators appends them)
// per year × class, ordered by (year, class); the pay-speed measures are not sums but those of
// the awards of the class's `carriers` (the rows name them by position) completed in the year.
std::vector<IndicatorRow> ClassTotals(const std::vector<IndicatorRow>& rows,
                                      const std::vector<CarrierOutcome>& carriers);

struct Contribution {
  std::uint32_t indicator = 0;    // the indicator's id: its position in the ids Assess names
  std::int64_t value = 0;         // the indicator's value (a percentage for ratios)
  std::int64_t points_centi = 0;  // weight × min(value / target, 1), in hundredths of a point
};

struct Score {
  int year = 0;
  AssessmentClass assessment_class = AssessmentClass::kIncubatorComprehensive;
  std::uint32_t carrier = 0;  // position among the projection's carriers
  std::string ruleset_id;
  std::int64_t score_centi = 0;  // 0 … 10000 (100.00 points)
  int rank = 0;                  // 1 = best in its class and year; ties share a rank
  std::vector<Contribution> contributions;
};

// Scores of every carrier row with an annual report under the assessment model of the ruleset in
// force at the end of its year, ranked within (year, class); ordered by (year, class, rank,
// carrier), carriers being in id order.
// `*indicator_ids` gets the id of every indicator the contributions name (each once), in the order
// met.
std::vector<Score> Assess(const std::vector<IndicatorRow>& carrier_rows, const Policy& policy,
                          std::vector<std::string>* indicator_ids);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_INDICATORS_H_
