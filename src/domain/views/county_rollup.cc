#include "domain/views/county_rollup.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <utility>

#include "domain/fold/counties.h"
#include "domain/fold/sums.h"

namespace hatchery::domain {
namespace {

constexpr std::size_t kCity = kCounties.size();  // the whole city's position after the counties

std::size_t CountyPosition(std::string_view county) {
  for (std::size_t k = 0; k < kCounties.size(); ++k) {
    if (kCounties[k].id == county) return k;
  }
  return kCity;  // none of them (the schema allows none other): counted in the city only
}

// The position of the county the carrier was in on `date` by its county history (the one it
// registered in for an earlier date; its profile's when it has no history, its registration
// retracted).
std::size_t CountyOn(const CarrierOutcome& c, Date date) {
  const std::vector<CountySpell>& spells = c.activity.counties;
  if (spells.empty()) return CountyPosition(c.profile.county.value_or(""));
  const CountySpell* on = SpellOn(spells, date);
  return CountyPosition((on ? *on : spells.front()).county);
}

// The values every row has, 0 when nothing counts, by their positions in a CountyYear.
enum Counted : std::size_t {
  kCarriers,
  kIncubator,                  // then maker space and star space, in Kind order
  kNational = kIncubator + 3,  // then regional, city (Level order), then unaccredited
  kUnaccredited = kNational + 3,
  kAccreditations,
  kRevocations,
  kAwardsCreated,
  kAwardsCreatedFen,
  kDisbursedFen,
  kClawedBackFen,
  kMarketOperated,
  kAwardsUnpaid,
  kUnpaidFen,
  kAwardsApproved,
  kAwardsPaid,
  kFlags,
  kFunds,
  kFundsSizeFen,
  kSocialCapitalFen,
  kAgreements,
  kCreditLineFen,
  kInvestorsResident,
  kCityFundSupports,
  kCityFundSupportFen,
  kWorkstations,
  kBrokers,
  kDeals,
  kDealFen,
  kCountedSize
};
constexpr std::array<const char*, kCountedSize> kCountedNames{"carriers",
                                                              "carriers_incubator",
                                                              "carriers_maker_space",
                                                              "carriers_star_space",
                                                              "carriers_national",
                                                              "carriers_regional",
                                                              "carriers_city",
                                                              "carriers_unaccredited",
                                                              "accreditations",
                                                              "revocations",
                                                              "awards_created",
                                                              "awards_created_fen",
                                                              "disbursed_fen",
                                                              "clawed_back_fen",
                                                              "carriers_market_operated",
                                                              "awards_unpaid",
                                                              "unpaid_fen",
                                                              "awards_approved_in_full",
                                                              "awards_paid_in_full",
                                                              "flags",
                                                              "funds_established",
                                                              "funds_size_fen",
                                                              "funds_social_capital_fen",
                                                              "agreements_in_force",
                                                              "credit_line_fen",
                                                              "investors_resident",
                                                              "city_fund_supports",
                                                              "city_fund_support_fen",
                                                              "workstations_open",
                                                              "brokers",
                                                              "deals",
                                                              "deal_fen"};

// The indicator measures each value sums.
constexpr std::array<std::pair<Counted, std::size_t>, 21> kFromIndicators{{
    {kAccreditations, M("accreditations_national")},
    {kAccreditations, M("accreditations_regional")},
    {kAccreditations, M("accreditations_city")},
    {kRevocations, M("revocations")},
    {kAwardsCreated, M("entitlements_created")},
    {kAwardsCreatedFen, M("entitlements_fen")},
    {kDisbursedFen, M("disbursed_fen")},
    {kClawedBackFen, M("clawed_back_fen")},
    {kMarketOperated, M("market_operated")},
    {kFunds, M("funds_established")},
    {kFundsSizeFen, M("funds_size_fen")},
    {kSocialCapitalFen, M("funds_social_capital_fen")},
    {kAgreements, M("agreements_bank")},
    {kAgreements, M("agreements_guarantor")},
    {kAgreements, M("agreements_investment")},
    {kCreditLineFen, M("credit_line_fen")},
    {kCityFundSupports, M("city_fund_supports")},
    {kCityFundSupportFen, M("city_fund_support_fen")},
    {kWorkstations, M("workstations_total")},
    {kDeals, M("deals")},
    {kDealFen, M("deal_fen")},
}};

constexpr std::array<AssessmentClass, 4> kClasses{
    AssessmentClass::kIncubatorComprehensive, AssessmentClass::kIncubatorSpecialized,
    AssessmentClass::kSpaceSocial, AssessmentClass::kSpaceUniversity};

// One county's year while it is counted.
struct CountyYear {
  std::array<std::int64_t, kCountedSize> counted{};
  std::array<std::int64_t, kClasses.size()> scored{}, score_sum{};
  std::vector<PaySpeed> speeds;  // of the awards completed (approved or paid in full) in its year
  // The investment institutions resident, and the brokers at an open workstation, on 31
  // December: one at two carriers is one.
  std::set<std::string_view> investors, brokers;
};

// The position of the highest level the carrier held at `year_end` (by its timeline), or
// kUnaccredited.
std::size_t LevelAt(const CarrierOutcome& c, Date year_end) {
  std::array<bool, 3> held{};
  for (const TimelineEntry& t : c.timeline) {
    if (t.date <= year_end) held[static_cast<std::size_t>(t.level)] = t.action == "granted";
  }
  for (std::size_t level = 0; level < held.size(); ++level) {
    if (held[level]) return kNational + level;  // national < regional < city
  }
  return kUnaccredited;
}

// The awards of `c` active at `year_end`, and what of them was not yet disbursed by then.
std::pair<std::int64_t, std::int64_t> UnpaidAt(const CarrierOutcome& c, Date year_end) {
  std::int64_t awards = 0, fen = 0;
  for (const Entitlement& e : c.entitlements) {
    if (!e.derived) continue;  // kept only for its money: its trigger never counted as such
    std::string_view status;
    for (const StatusChange& h : e.history) {
      if (h.date <= year_end) status = h.status;
    }
    if (status != "active") continue;
    std::int64_t disbursed = 0;
    for (const Payout& p : c.payouts) {
      if (p.entitlement_id == e.id && p.disbursed_seq != 0 && p.disbursed_on <= year_end) {
        disbursed += p.amount_fen;
      }
    }
    if (disbursed >= e.amount_fen) continue;
    ++awards;
    fen += e.amount_fen - disbursed;
  }
  return {awards, fen};
}

}  // namespace

std::vector<std::string> CountyValueNames() {
  std::vector<std::string> names(kCountedNames.begin(), kCountedNames.end());
  names.emplace_back("approval_days_median");
  names.emplace_back("disbursement_days_median");
  for (AssessmentClass c : kClasses) names.push_back("scored_" + std::string(Name(c)));
  for (AssessmentClass c : kClasses) names.push_back("mean_score_centi_" + std::string(Name(c)));
  return names;
}

std::vector<CountyRow> CountyRollup(const std::vector<CarrierOutcome>& carriers,
                                    const std::vector<IndicatorRow>& carrier_rows,
                                    const std::vector<Score>& scores, Date today) {
  const int last = YearOf(today);
  int first = last + 1;
  for (const IndicatorRow& row : carrier_rows) first = std::min(first, row.year);
  if (first > last) return {};
  // [year offset × (kCity + 1) + county position]
  std::vector<CountyYear> tallies(static_cast<std::size_t>(last - first + 1) * (kCity + 1));
  // Each count goes to the carrier's county and to the city.
  auto places = [&](int year, std::size_t county) {
    const std::size_t base = static_cast<std::size_t>(year - first) * (kCity + 1);
    return std::array<CountyYear*, 2>{&tallies[base + county],
                                      county == kCity ? nullptr : &tallies[base + kCity]};
  };
  std::uint32_t last_carrier = kClassTotal;
  for (const IndicatorRow& row : carrier_rows) {
    const CarrierOutcome& c = carriers[row.carrier];
    const Date year_end = YearEnd(row.year);
    const std::size_t county = CountyOn(c, year_end);
    const std::size_t level = LevelAt(c, year_end);
    const auto [awards, fen] = UnpaidAt(c, year_end);
    std::int64_t flags = 0;
    for (const Flag& flag : c.flags) flags += flag.year == row.year ? 1 : 0;
    for (CountyYear* t : places(row.year, county)) {
      if (!t) continue;
      auto& v = t->counted;
      ++v[kCarriers];
      ++v[kIncubator + static_cast<std::size_t>(c.kind)];
      ++v[level];
      for (const auto& [value, measure] : kFromIndicators) {
        v[value] = CheckedAdd(v[value], row.values.get(measure), kCountedNames[value]);
      }
      for (const Residence& r : c.activity.residences) {
        if (r.tenure.HoldsOn(year_end)) t->investors.insert(r.investor_id);
      }
      for (const Station& station : c.activity.stations) {
        for (const BrokerSpell& b : station.brokers) {
          if (b.tenure.HoldsOn(year_end)) t->brokers.insert(b.broker_ref);
        }
      }
      v[kAwardsUnpaid] += awards;
      v[kUnpaidFen] = CheckedAdd(v[kUnpaidFen], fen, "unpaid_fen");
      v[kFlags] += flags;
    }
    if (std::exchange(last_carrier, row.carrier) == row.carrier) continue;
    // The carrier's awards, once: each to the year it was approved in full and the year it was
    // paid in full, in the county the carrier was in at the end of that year.
    for (const PaySpeed& s : c.pay_speeds) {
      for (int year : CompletionYears(s)) {
        if (year < first || year > last) continue;
        for (CountyYear* t : places(year, CountyOn(c, YearEnd(year)))) {
          if (t) t->speeds.push_back(s);
        }
      }
    }
  }
  for (const Score& s : scores) {
    if (s.year < first || s.year > last) continue;
    for (CountyYear* t : places(s.year, CountyOn(carriers[s.carrier], YearEnd(s.year)))) {
      if (!t) continue;
      ++t->scored[static_cast<std::size_t>(s.assessment_class)];
      t->score_sum[static_cast<std::size_t>(s.assessment_class)] += s.score_centi;
    }
  }
  std::vector<CountyRow> rows;
  rows.reserve(tallies.size());
  for (std::size_t i = 0; i < tallies.size(); ++i) {
    CountyYear& t = tallies[i];
    const std::size_t k = i % (kCity + 1);
    CountyRow row{first + static_cast<int>(i / (kCity + 1)),
                  k < kCity ? kCounties[k].id : std::string_view(),
                  {}};
    Measures speed;
    SetPaySpeedMeasures(row.year, t.speeds, &speed);
    t.counted[kAwardsApproved] = speed.get(M("awards_approved_in_full"));
    t.counted[kAwardsPaid] = speed.get(M("awards_paid_in_full"));
    t.counted[kInvestorsResident] = static_cast<std::int64_t>(t.investors.size());
    t.counted[kBrokers] = static_cast<std::int64_t>(t.brokers.size());
    for (std::size_t v = 0; v < kCountedSize; ++v) row.values[kCountedNames[v]] = t.counted[v];
    for (std::size_t m : {M("approval_days_median"), M("disbursement_days_median")}) {
      if (speed.has(m)) row.values[std::string(kMeasureNames[m])] = speed.get(m);
    }
    for (std::size_t c = 0; c < kClasses.size(); ++c) {
      if (t.scored[c] == 0) continue;
      const std::string cls(Name(kClasses[c]));
      row.values["scored_" + cls] = t.scored[c];
      row.values["mean_score_centi_" + cls] = t.score_sum[c] / t.scored[c];  // rounded down
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace hatchery::domain
