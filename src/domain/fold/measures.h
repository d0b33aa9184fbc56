// Measures: every named number a yearly indicator row can hold, each with a fixed index — first
// the annual-report metrics of EVENTS.md (AnnualReportSubmitted.metrics), then the counts and sums
// derived from events. Rows are fixed-size arrays, not maps: a million events make hundreds of
// thousands of rows, and the fold must stay fast and small.
#ifndef HATCHERY_DOMAIN_FOLD_MEASURES_H_
#define HATCHERY_DOMAIN_FOLD_MEASURES_H_

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/fold/sums.h"

namespace hatchery::domain {

inline constexpr std::array<std::string_view, 77> kMeasureNames{
    // Annual-report metrics (EVENTS.md), in the contract's order, then those of v2.
    "incubated_firms", "new_incubated_firms", "graduated_firms", "high_tech_firms",
    "tech_sme_firms", "rd_spend_fen", "ip_granted", "invention_patents", "firms_financed",
    "financing_fen", "jobs", "mentors", "service_staff", "service_revenue_fen", "events_held",
    "area_m2", "incubation_fund_fen", "seats", "resident_teams", "new_companies",
    "total_income_fen", "non_rent_income_fen", "public_platforms",
    // Added by AnnualReportSubmitted v2 (成果转化, docs/domain.md).
    "university_results", "results_transferred", "results_transfer_income_fen", "tech_contracts",
    "tech_contract_fen",
    // Derived from the year's events.
    "accreditations_national", "accreditations_regional", "accreditations_city", "revocations",
    "evaluations_excellent", "evaluations_good", "evaluations_pass", "evaluations_fail",
    "entitlements_created", "entitlements_fen", "entitlements_pending", "entitlements_pending_fen",
    "disbursed_fen", "clawed_back_fen", "brand_output_filings", "brand_output_unfiled_starts",
    "workstations_opened", "workstations_total", "brokers_qualified", "brokers_total",
    "funds_established", "funds_size_fen", "awards_approved_in_full", "awards_paid_in_full",
    "approval_days_median", "disbursement_days_median", "market_operated", "operator_changes",
    "funds_seed", "funds_angel", "funds_venture", "funds_social_capital_fen", "agreements_signed",
    "agreements_ended", "agreements_bank", "agreements_guarantor", "agreements_investment",
    "credit_line_fen", "investors_joined", "investors_left", "investors_resident",
    "city_fund_supports", "city_fund_support_fen", "workstations_closed", "brokers_left", "deals",
    "deal_fen",
    // Bookkeeping: the seq of the report the row's metrics come from; carriers in a class row.
    "annual_report_seq", "carriers"};
inline constexpr std::size_t kMeasureCount = kMeasureNames.size();
inline constexpr std::size_t kReportMetricCount = 28;  // the first names above
static_assert(kMeasureNames[kReportMetricCount - 1] == "tech_contract_fen" &&
              kMeasureNames[kReportMetricCount] == "accreditations_national");

// The index of `name`, or nullopt.
std::optional<std::size_t> MeasureIndex(std::string_view name);

// A set of the first N measures, each present or not.
template <std::size_t N>
class MeasureArray {
 public:
  void Set(std::size_t i, std::int64_t v) {
    value_[i] = v;
    present_.set(i);
  }
  void Add(std::size_t i, std::int64_t v) {
    value_[i] = CheckedAdd(value_[i], v, kMeasureNames[i]);
    present_.set(i);
  }
  bool has(std::size_t i) const { return present_.test(i); }
  std::int64_t get(std::size_t i) const { return value_[i]; }  // 0 if absent
  bool any() const { return present_.any(); }

  template <class Archive>
  void serialize(Archive& archive) {  // cereal (fact_archive.cc)
    archive(value_, present_);
  }

 private:
  std::array<std::int64_t, N> value_{};
  std::bitset<N> present_;
};

using Measures = MeasureArray<kMeasureCount>;
// What an annual report holds: only the report metrics, so it takes half the room.
using ReportMetrics = MeasureArray<kReportMetricCount>;

// The fixed index of a measure named in code, checked at compile time.
consteval std::size_t M(std::string_view name) {
  for (std::size_t i = 0; i < kMeasureCount; ++i) {
    if (kMeasureNames[i] == name) return i;
  }
  throw "unknown measure";
}

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_FOLD_MEASURES_H_
