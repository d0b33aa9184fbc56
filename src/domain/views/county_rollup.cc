#include "domain/views/county_rollup.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <utility>

#include "domain/fold/counties.h"

namespace hatchery::domain {
namespace {

constexpr std::size_t kCity = kCounties.size();  // the whole city's position after the counties

std::size_t CountyPosition(const std::optional<std::string>& county) {
  for (std::size_t k = 0; k < kCounties.size(); ++k) {
    if (county && kCounties[k].id == *county) return k;
  }
  return kCity;  // none of them (the schema allows none): counted in the city only
}

// The highest level the carrier held at the end of `year_end`, by its timeline.
std::string_view LevelAt(const CarrierOutcome& c, Date year_end) {
  std::set<Level> held;
  for (const TimelineEntry& t : c.timeline) {
    if (t.date > year_end) continue;
    if (t.action == "granted") {
      held.insert(t.level);
    } else {
      held.erase(t.level);
    }
  }
  return held.empty() ? "unaccredited" : Name(*held.begin());  // national < regional < city
}

// The awards of `c` active at `year_end`, and what of them was not yet disbursed by then.
std::pair<std::int64_t, std::int64_t> OutstandingAt(const CarrierOutcome& c, Date year_end) {
  std::int64_t awards = 0, fen = 0;
  for (const Entitlement& e : c.entitlements) {
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

// The sums read from each carrier's indicator row: the view's name → the measures added up.
struct FromIndicators {
  const char* name;
  std::array<std::size_t, 3> measures;
  std::size_t count;
};
constexpr std::array<FromIndicators, 7> kFromIndicators{{
    {"accreditations",
     {M("accreditations_national"), M("accreditations_regional"), M("accreditations_city")},
     3},
    {"revocations", {M("revocations")}, 1},
    {"awards_created", {M("entitlements_created")}, 1},
    {"awards_created_fen", {M("entitlements_fen")}, 1},
    {"disbursed_fen", {M("disbursed_fen")}, 1},
    {"clawed_back_fen", {M("clawed_back_fen")}, 1},
    {"carriers_market_operated", {M("market_operated")}, 1},
}};

// The values every row has, 0 when nothing counts.
constexpr std::array<const char*, 13> kCounted{"carriers",
                                               "carriers_incubator",
                                               "carriers_maker_space",
                                               "carriers_star_space",
                                               "carriers_national",
                                               "carriers_regional",
                                               "carriers_city",
                                               "carriers_unaccredited",
                                               "awards_outstanding",
                                               "outstanding_fen",
                                               "awards_approved_in_full",
                                               "awards_paid_in_full",
                                               "flags"};

std::map<std::string, std::int64_t> Zeros() {
  std::map<std::string, std::int64_t> v;
  for (const char* name : kCounted) v[name] = 0;
  for (const FromIndicators& f : kFromIndicators) v[f.name] = 0;
  return v;
}

constexpr std::array<AssessmentClass, 4> kClasses{
    AssessmentClass::kIncubatorComprehensive, AssessmentClass::kIncubatorSpecialized,
    AssessmentClass::kSpaceSocial, AssessmentClass::kSpaceUniversity};

}  // namespace

std::vector<std::string> CountyValueNames() {
  std::vector<std::string> names(kCounted.begin(), kCounted.end());
  for (const FromIndicators& f : kFromIndicators) names.emplace_back(f.name);
  names.emplace_back("approval_days_median");
  names.emplace_back("disbursement_days_median");
  for (AssessmentClass c : kClasses) names.push_back("scored_" + std::string(Name(c)));
  for (AssessmentClass c : kClasses) names.push_back("mean_score_centi_" + std::string(Name(c)));
  return names;
}

std::vector<CountyRow> CountyRollup(const std::vector<CarrierOutcome>& carriers,
                                    const std::vector<IndicatorRow>& carrier_rows,
                                    const std::vector<Score>& scores, Date today) {
  int first = YearOf(today) + 1;
  for (const IndicatorRow& row : carrier_rows) first = std::min(first, row.year);
  const int years = YearOf(today) - first + 1;
  if (years <= 0) return {};
  std::vector<CountyRow> rows;  // [year offset × (kCity + 1) + county position]
  for (int year = first; year <= YearOf(today); ++year) {
    for (std::size_t k = 0; k <= kCity; ++k) {
      rows.push_back(CountyRow{year, k < kCity ? kCounties[k].id : std::string_view(), Zeros()});
    }
  }
  auto at = [&](int year, std::size_t county) -> std::map<std::string, std::int64_t>& {
    return rows[static_cast<std::size_t>(year - first) * (kCity + 1) + county].values;
  };
  // Added to the carrier's county and to the city.
  auto add = [&](int year, std::size_t county, const std::string& name, std::int64_t amount) {
    at(year, county)[name] += amount;
    if (county != kCity) at(year, kCity)[name] += amount;
  };
  std::array<std::vector<PaySpeed>, kCity + 1> speeds;
  std::uint32_t last_carrier = kClassTotal;
  for (const IndicatorRow& row : carrier_rows) {
    const CarrierOutcome& c = carriers[row.carrier];
    const std::size_t county = CountyPosition(c.profile.county);
    const Date year_end = row.year * 10000 + 1231;
    add(row.year, county, "carriers", 1);
    add(row.year, county, "carriers_" + std::string(Name(c.kind)), 1);
    add(row.year, county, "carriers_" + std::string(LevelAt(c, year_end)), 1);
    for (const FromIndicators& f : kFromIndicators) {
      for (std::size_t i = 0; i < f.count; ++i)
        add(row.year, county, f.name, row.values.get(f.measures[i]));
    }
    auto [awards, fen] = OutstandingAt(c, year_end);
    add(row.year, county, "awards_outstanding", awards);
    add(row.year, county, "outstanding_fen", fen);
    for (const Flag& flag : c.flags) {
      if (flag.year == row.year) add(row.year, county, "flags", 1);
    }
    if (std::exchange(last_carrier, row.carrier) != row.carrier) {  // the carrier's first row
      for (std::size_t k : {county, kCity}) {
        speeds[k].insert(speeds[k].end(), c.pay_speeds.begin(), c.pay_speeds.end());
        if (county == kCity) break;
      }
    }
  }
  // Mean scores: the sum, then divided (rounded down) by the carriers scored.
  for (const Score& s : scores) {
    const std::size_t county = CountyPosition(carriers[s.carrier].profile.county);
    if (s.year < first || s.year > YearOf(today)) continue;
    const std::string cls(Name(s.assessment_class));
    add(s.year, county, "scored_" + cls, 1);
    add(s.year, county, "mean_score_centi_" + cls, s.score_centi);
  }
  for (CountyRow& row : rows) {
    for (auto& [name, value] : row.values) {
      if (!name.starts_with("mean_score_centi_")) continue;
      value /= row.values.at("scored_" + name.substr(std::string("mean_score_centi_").size()));
    }
    const std::size_t k = row.county.empty() ? kCity : CountyPosition(std::string(row.county));
    Measures speed;
    SetPaySpeedMeasures(row.year, speeds[k], &speed);
    for (std::size_t i : {M("awards_approved_in_full"), M("awards_paid_in_full"),
                          M("approval_days_median"), M("disbursement_days_median")}) {
      if (speed.has(i)) row.values[std::string(kMeasureNames[i])] = speed.get(i);
    }
  }
  return rows;
}

}  // namespace hatchery::domain
