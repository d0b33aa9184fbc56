#include "domain/indicators.h"

#include <algorithm>
#include <tuple>

namespace hatchery::domain {
namespace {

// Indicator arithmetic is exact integer arithmetic (deterministic on every machine); values up to
// 2^53 times 1000 times a target need more than 64 bits.
__extension__ typedef __int128 Wide;

// Adds `amount` to `key` of the row of `date`'s year, if that year has a row.
class YearRows {
 public:
  YearRows(std::vector<IndicatorRow>* rows, int first_year) : rows_(rows), first_(first_year) {}
  void Add(Date date, const std::string& key, std::int64_t amount = 1) {
    AddToYear(YearOf(date), key, amount);
  }
  void AddToYear(int year, const std::string& key, std::int64_t amount) {
    if (year < first_ || year >= first_ + static_cast<int>(rows_->size())) return;
    (*rows_)[year - first_].values[key] += amount;
  }
  // `key` = how many dates fall in the year or before (a running total).
  void Cumulative(const std::vector<Date>& dates, const std::string& key) {
    for (auto& row : *rows_) {
      row.values[key] =
          std::count_if(dates.begin(), dates.end(), [&](Date d) { return YearOf(d) <= row.year; });
    }
  }

 private:
  std::vector<IndicatorRow>* rows_;
  int first_;
};

// The value an indicator reads, as a fraction numerator / denominator.
std::pair<Wide, Wide> ValueOf(const Indicator& ind,
                              const std::map<std::string, std::int64_t>& values) {
  auto get = [&](const std::string& key) -> Wide {
    auto it = values.find(key);
    return it == values.end() ? 0 : it->second;
  };
  switch (ind.shape) {
    case Indicator::Shape::kMetric: return {get(ind.a), 1};
    case Indicator::Shape::kRatio: return {get(ind.a) * 100, get(ind.b)};
    case Indicator::Shape::kPer1000M2: return {get(ind.a) * 1000, get("area_m2")};
  }
  return {0, 1};
}

}  // namespace

std::vector<IndicatorRow> CarrierIndicators(const CarrierOutcome& c, Date today) {
  std::vector<IndicatorRow> rows;
  int first = YearOf(c.registered_on);
  for (int year = first; year <= YearOf(today); ++year) {
    rows.push_back(IndicatorRow{year, c.assessment_class(), c.carrier_id, {}});
  }
  YearRows y(&rows, first);
  for (const TimelineEntry& t : c.timeline) {
    if (t.action == "granted") y.Add(t.date, "accreditations_" + std::string(Name(t.level)));
  }
  for (const auto& [date, reason] : c.activity.revocations) y.Add(date, "revocations");
  for (const Evaluation& e : c.evaluations) {
    y.AddToYear(e.year, "evaluations_" + std::string(Name(e.grade)), 1);
  }
  for (const Entitlement& e : c.entitlements) {
    y.Add(e.triggered_on, "entitlements_created");
    y.Add(e.triggered_on, "entitlements_fen", e.amount_fen);
  }
  for (const Payout& p : c.payouts) {
    if (p.disbursed_seq != 0) y.Add(p.disbursed_on, "disbursed_fen", p.amount_fen);
  }
  for (const auto& [date, amount] : c.activity.recoveries) y.Add(date, "clawed_back_fen", amount);
  for (const auto& [date, id] : c.activity.filings) y.Add(date, "brand_output_filings");
  for (Date d : c.activity.unfiled_starts) y.Add(d, "brand_output_unfiled_starts");
  for (Date d : c.activity.stations) y.Add(d, "workstations_opened");
  for (Date d : c.activity.brokers) y.Add(d, "brokers_qualified");
  y.Cumulative(c.activity.stations, "workstations_total");
  y.Cumulative(c.activity.brokers, "brokers_total");
  for (const auto& [date, size] : c.activity.funds) {
    y.Add(date, "funds_established");
    y.Add(date, "funds_size_fen", size);
  }
  for (IndicatorRow& row : rows) {
    if (c.profile.area_m2) row.values["area_m2"] = *c.profile.area_m2;
    auto report = c.activity.reports.find(row.year);
    if (report == c.activity.reports.end()) continue;
    row.values["annual_report_seq"] = static_cast<std::int64_t>(report->second.first);
    for (const auto& [metric, value] : report->second.second) row.values[metric] = value;
  }
  return rows;
}

std::vector<IndicatorRow> ClassTotals(const std::vector<IndicatorRow>& rows) {
  std::map<std::pair<int, std::string>, IndicatorRow> totals;
  for (const IndicatorRow& row : rows) {
    IndicatorRow& t = totals[{row.year, row.assessment_class}];
    t.year = row.year;
    t.assessment_class = row.assessment_class;
    t.values["carriers"] += 1;
    for (const auto& [key, value] : row.values) {
      if (key != "annual_report_seq") t.values[key] += value;
    }
  }
  std::vector<IndicatorRow> out;
  for (auto& [key, row] : totals) out.push_back(std::move(row));
  return out;
}

std::vector<Score> Assess(const std::vector<IndicatorRow>& carrier_rows, const Policy& policy) {
  std::vector<Score> scores;
  for (const IndicatorRow& row : carrier_rows) {
    // A year is scored on its annual report; a carrier without one is not ranked (it is flagged
    // missing_annual_report instead).
    if (!row.values.contains("annual_report_seq")) continue;
    const Ruleset* rs = policy.InForce(row.year * 10000 + 1231);
    if (!rs) continue;
    auto model = rs->classes.find(row.assessment_class);
    if (model == rs->classes.end()) continue;
    Score s{row.year, row.assessment_class, row.carrier_id, rs->id, 0, 0, {}};
    for (const Indicator& ind : model->second.indicators) {
      auto [num, den] = ValueOf(ind, row.values);
      Wide capped_den = den > 0 ? den * ind.target : 1;
      Wide capped_num = den > 0 ? std::min(num, capped_den) : 0;
      auto points = static_cast<std::int64_t>(ind.weight * 100 * capped_num / capped_den);
      auto value = static_cast<std::int64_t>(den > 0 ? num / den : 0);
      s.contributions.push_back(Contribution{ind.id, value, points});
      s.score_centi += points;
    }
    scores.push_back(std::move(s));
  }
  std::sort(scores.begin(), scores.end(), [](const Score& a, const Score& b) {
    return std::tie(a.year, a.assessment_class, b.score_centi, a.carrier_id) <
           std::tie(b.year, b.assessment_class, a.score_centi, b.carrier_id);
  });
  std::size_t group_start = 0;  // competition ranking within (year, class): 1, 2, 2, 4
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (i == 0 || scores[i].year != scores[i - 1].year ||
        scores[i].assessment_class != scores[i - 1].assessment_class) {
      group_start = i;
    }
    bool tie = i > group_start && scores[i].score_centi == scores[i - 1].score_centi;
    scores[i].rank = tie ? scores[i - 1].rank : static_cast<int>(i - group_start) + 1;
  }
  return scores;
}

}  // namespace hatchery::domain
