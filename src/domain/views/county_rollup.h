// The county roll-up (§4.3 纳入年度科技创新工作考核): per year and per county of Tongliao — and for
// the whole city — what the city's yearly assessment of its counties reads: carriers by kind and
// by the highest level held at the end of the year, accreditations and revocations, awards created,
// paid and unpaid, how fast money was paid (§4.2), compliance flags, and the mean score of
// each assessment class. The `counties` view (docs/domain.md lists every value).
//
// Pure functions; thread-safe.
#ifndef HATCHERY_DOMAIN_VIEWS_COUNTY_ROLLUP_H_
#define HATCHERY_DOMAIN_VIEWS_COUNTY_ROLLUP_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/views/indicators.h"

namespace hatchery::domain {

struct CountyRow {
  int year = 0;
  std::string_view county;  // a slug of kCounties; empty for the whole city
  // Every value by name (counts, money in fen, days, hundredths of a point); a median or mean
  // over nothing is absent.
  std::map<std::string, std::int64_t> values;
};

// Every name a row's values may hold: those every row has, then the pay-speed medians, then each
// assessment class's carriers scored and mean score (present only when some carrier was scored).
std::vector<std::string> CountyValueNames();

// One row per year from the first carrier's registration to `today`'s year, for each county in
// kCounties order and then the whole city; none when no carrier is registered. Reads the carriers,
// their indicator rows (which name them by position, each carrier's consecutive) and the scores;
// a carrier counts in the county its county history puts it in on 31 December.
std::vector<CountyRow> CountyRollup(const std::vector<CarrierOutcome>& carriers,
                                    const std::vector<IndicatorRow>& carrier_rows,
                                    const std::vector<Score>& scores, Date today);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_COUNTY_ROLLUP_H_
