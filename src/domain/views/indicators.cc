#include "domain/views/indicators.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

namespace hatchery::domain {
namespace {

// Indicator arithmetic is exact integer arithmetic (deterministic on every machine); values up to
// 2^53 times 1000 times a target need more than 64 bits.
__extension__ typedef __int128 Wide;

// Adds to the row of a date's year, if that year has a row.
// The rows of one carrier: rows[from], rows[from + 1], … for consecutive years.
class YearRows {
 public:
  YearRows(std::vector<IndicatorRow>* rows, std::size_t from, int first_year)
      : rows_(rows), from_(from), first_(first_year) {}
  void Add(Date date, std::size_t measure, std::int64_t amount = 1) {
    AddToYear(YearOf(date), measure, amount);
  }
  // A tie's beginning to `began`'s year, its end (if it ended) to `ended`'s.
  void AddTenure(const Tenure& t, std::size_t began, std::size_t ended) {
    Add(t.since, began);
    if (t.until != 0) Add(t.until, ended);
  }
  void AddToYear(int year, std::size_t measure, std::int64_t amount) {
    if (year < first_ || year >= first_ + static_cast<int>(rows_->size() - from_)) return;
    (*rows_)[from_ + (year - first_)].values.Add(measure, amount);
  }

 private:
  std::vector<IndicatorRow>* rows_;
  std::size_t from_;
  int first_;
};

// The value an indicator reads, as a fraction numerator / denominator.
std::pair<Wide, Wide> ValueOf(const Indicator& ind, const Measures& values) {
  auto get = [&](std::size_t i) -> Wide { return values.get(i); };
  switch (ind.shape) {
    case Indicator::Shape::kMetric: return {get(ind.a), 1};
    case Indicator::Shape::kRatio: return {get(ind.a) * 100, get(ind.b)};
    case Indicator::Shape::kPer1000M2: return {get(ind.a) * 1000, get(M("area_m2"))};
  }
  return {0, 1};
}

// The measures SetPaySpeedMeasures sets: a class row's are its own, not its carriers' summed.
constexpr std::array<std::size_t, 4> kPaySpeedMeasures{
    M("awards_approved_in_full"), M("awards_paid_in_full"), M("approval_days_median"),
    M("disbursement_days_median")};

// The median of `values`, reordered (SetPaySpeedMeasures).
std::int64_t Median(std::vector<std::int64_t>& values) {
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const std::int64_t upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const std::int64_t lower = *std::max_element(values.begin(), values.begin() + mid);
  return lower + (upper - lower) / 2;
}

constexpr std::array<std::size_t, 3> kFundsByType{M("funds_seed"), M("funds_angel"),
                                                  M("funds_venture")};
constexpr std::array<std::size_t, 3> kAgreementsByPartner{
    M("agreements_bank"), M("agreements_guarantor"), M("agreements_investment")};

// Sets what holds on `date`: the §2.4 workstations open and the brokers at them, and the §3.3
// agreements in force by partner kind with their credit lines, and resident investors.
void SetInForce(const Activity& a, Date date, Measures* values) {
  for (std::size_t measure : kAgreementsByPartner) values->Set(measure, 0);
  for (std::size_t measure : {M("credit_line_fen"), M("investors_resident"),
                              M("workstations_total"), M("brokers_total")}) {
    values->Set(measure, 0);
  }
  for (const Station& station : a.stations) {
    if (!station.tenure.HoldsOn(date)) continue;
    values->Add(M("workstations_total"), 1);
    for (const BrokerSpell& broker : station.brokers) {
      if (broker.tenure.HoldsOn(date)) values->Add(M("brokers_total"), 1);
    }
  }
  for (const Agreement& agreement : a.agreements) {
    if (!agreement.tenure.HoldsOn(date)) continue;
    values->Add(kAgreementsByPartner[static_cast<std::size_t>(agreement.partner_kind)], 1);
    values->Add(M("credit_line_fen"), agreement.credit_line_fen);
  }
  for (const Residence& r : a.residences) {
    if (r.tenure.HoldsOn(date)) values->Add(M("investors_resident"), 1);
  }
}

constexpr std::array<std::size_t, 3> kAccreditations{
    M("accreditations_national"), M("accreditations_regional"), M("accreditations_city")};
constexpr std::array<std::size_t, 4> kGrades{M("evaluations_excellent"), M("evaluations_good"),
                                             M("evaluations_pass"), M("evaluations_fail")};

}  // namespace

void SetPaySpeedMeasures(int year, const std::vector<PaySpeed>& speeds, Measures* values) {
  std::vector<std::int64_t> approval, disbursement;
  for (const PaySpeed& s : speeds) {
    if (s.approved_in_full_on != 0 && YearOf(s.approved_in_full_on) == year) {
      approval.push_back(std::max<std::int64_t>(0, DaysBetween(s.owed_on, s.approved_in_full_on)));
    }
    if (s.paid_in_full_on != 0 && YearOf(s.paid_in_full_on) == year) {
      disbursement.push_back(std::max<std::int64_t>(0, DaysBetween(s.owed_on, s.paid_in_full_on)));
    }
  }
  if (!approval.empty()) {
    values->Set(M("awards_approved_in_full"), static_cast<std::int64_t>(approval.size()));
    values->Set(M("approval_days_median"), Median(approval));
  }
  if (!disbursement.empty()) {
    values->Set(M("awards_paid_in_full"), static_cast<std::int64_t>(disbursement.size()));
    values->Set(M("disbursement_days_median"), Median(disbursement));
  }
}

std::vector<int> CompletionYears(const PaySpeed& speed) {
  std::vector<int> years;
  for (Date done : {speed.approved_in_full_on, speed.paid_in_full_on}) {
    if (done != 0) years.push_back(YearOf(done));
  }
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  return years;
}

void AddCarrierIndicators(const CarrierOutcome& c, std::uint32_t carrier_index, Date today,
                          std::vector<IndicatorRow>* rows) {
  if (c.registered_seq == 0) return;  // its registration was retracted: no years to count
  std::size_t from = rows->size();
  int first = YearOf(c.registered_on);
  AssessmentClass assessment_class = c.assessment_class();
  for (int year = first; year <= YearOf(today); ++year) {
    rows->push_back(IndicatorRow{year, assessment_class, carrier_index, {}});
  }
  YearRows y(rows, from, first);
  for (const TimelineEntry& t : c.timeline) {
    if (t.action == "granted") y.Add(t.date, kAccreditations[static_cast<std::size_t>(t.level)]);
  }
  for (const auto& [date, reason] : c.activity.revocations) y.Add(date, M("revocations"));
  for (const Evaluation& e : c.evaluations) {
    y.AddToYear(e.year, kGrades[static_cast<std::size_t>(e.grade)], 1);
  }
  for (const Entitlement& e : c.entitlements) {
    // Created once it is active (an R5/R6 award on its first excellent evaluation), counted in
    // that year even if voided since; a pending award apart, in the year of its trigger; a row
    // kept only for money or history (its trigger retracted, or undone) never.
    if (!e.derived) continue;
    auto active = std::find_if(e.history.begin(), e.history.end(),
                               [](const StatusChange& h) { return h.status == "active"; });
    if (active != e.history.end()) {
      y.Add(active->date, M("entitlements_created"));
      y.Add(active->date, M("entitlements_fen"), e.amount_fen);
    } else if (e.status == "pending") {
      y.Add(e.triggered_on, M("entitlements_pending"));
      y.Add(e.triggered_on, M("entitlements_pending_fen"), e.amount_fen);
    }
  }
  for (const Payout& p : c.payouts) {
    if (p.disbursed_seq != 0) y.Add(p.disbursed_on, M("disbursed_fen"), p.amount_fen);
  }
  for (const auto& [date, amount] : c.activity.recoveries) {
    y.Add(date, M("clawed_back_fen"), amount);
  }
  for (const auto& [date, id] : c.activity.filings) y.Add(date, M("brand_output_filings"));
  for (Date d : c.activity.unfiled_starts) y.Add(d, M("brand_output_unfiled_starts"));
  for (const Station& station : c.activity.stations) {
    y.AddTenure(station.tenure, M("workstations_opened"), M("workstations_closed"));
    for (const BrokerSpell& broker : station.brokers) {
      y.AddTenure(broker.tenure, M("brokers_qualified"), M("brokers_left"));
    }
    for (const DealRecord& deal : station.deals) {
      y.Add(deal.date, M("deals"));
      y.Add(deal.date, M("deal_fen"), deal.amount_fen);
    }
  }
  const Activity& a = c.activity;
  for (const Fund& fund : a.funds) {
    y.Add(fund.date, M("funds_established"));
    y.Add(fund.date, kFundsByType[static_cast<std::size_t>(fund.type)]);
    y.Add(fund.date, M("funds_size_fen"), fund.size_fen);
    y.Add(fund.date, M("funds_social_capital_fen"), fund.social_capital_fen);
  }
  for (const Agreement& agreement : a.agreements) {
    y.AddTenure(agreement.tenure, M("agreements_signed"), M("agreements_ended"));
  }
  for (const Residence& r : a.residences) {
    y.AddTenure(r.tenure, M("investors_joined"), M("investors_left"));
  }
  for (const CitySupport& support : a.city_support) {
    y.Add(support.date, M("city_fund_supports"));
    y.Add(support.date, M("city_fund_support_fen"), support.amount_fen);
  }
  const std::vector<OperatorSpell>& operators = c.activity.operators;
  for (std::size_t k = 0; k < operators.size(); ++k) {
    // A change after the registration — but naming its own staff, having had no operator, is none.
    const bool first_self = k == 0 && operators[k].mode == "self";
    if (operators[k].seq != c.registered_seq && !first_self) {
      y.Add(operators[k].since, M("operator_changes"));
    }
  }
  for (std::size_t i = from; i < rows->size(); ++i) {
    IndicatorRow& row = (*rows)[i];
    if (c.profile.area_m2) row.values.Set(M("area_m2"), *c.profile.area_m2);
    // §2.1: run by a market team or a professional institution on 31 December.
    const OperatorSpell* op = SpellOn(c.activity.operators, YearEnd(row.year));
    row.values.Set(M("market_operated"), op && op->mode != "self" ? 1 : 0);
    SetInForce(a, YearEnd(row.year), &row.values);
    SetPaySpeedMeasures(row.year, c.pay_speeds, &row.values);
    auto report = c.activity.reports.find(row.year);
    if (report == c.activity.reports.end()) continue;
    row.values.Set(M("annual_report_seq"), static_cast<std::int64_t>(report->second.first));
    const ReportMetrics& metrics = *report->second.second;
    for (std::size_t i = 0; i < kReportMetricCount; ++i) {
      if (metrics.has(i)) row.values.Set(i, metrics.get(i));
    }
  }
}

std::vector<IndicatorRow> ClassTotals(const std::vector<IndicatorRow>& rows,
                                      const std::vector<CarrierOutcome>& carriers) {
  std::map<std::pair<int, AssessmentClass>, IndicatorRow> totals;
  // The awards of each class's carriers completed in each year.
  std::map<std::pair<int, AssessmentClass>, std::vector<PaySpeed>> speeds;
  std::uint32_t last_carrier = kClassTotal;
  for (const IndicatorRow& row : rows) {
    IndicatorRow& t = totals[{row.year, row.assessment_class}];
    t.year = row.year;
    t.assessment_class = row.assessment_class;
    t.values.Add(M("carriers"), 1);
    for (std::size_t i = 0; i < kMeasureCount; ++i) {
      if (!row.values.has(i) || i == M("annual_report_seq")) continue;
      if (std::find(kPaySpeedMeasures.begin(), kPaySpeedMeasures.end(), i) !=
          kPaySpeedMeasures.end()) {
        continue;
      }
      t.values.Add(i, row.values.get(i));
    }
    if (std::exchange(last_carrier, row.carrier) == row.carrier) continue;
    for (const PaySpeed& s : carriers[row.carrier].pay_speeds) {  // a carrier's first row
      for (int year : CompletionYears(s)) speeds[{year, row.assessment_class}].push_back(s);
    }
  }
  std::vector<IndicatorRow> out;
  out.reserve(totals.size());
  for (auto& [key, row] : totals) {
    if (auto pool = speeds.find(key); pool != speeds.end()) {
      SetPaySpeedMeasures(row.year, pool->second, &row.values);
    }
    out.push_back(row);
  }
  return out;
}

std::vector<Score> Assess(const std::vector<IndicatorRow>& carrier_rows, const Policy& policy,
                          std::vector<std::string>* indicator_ids) {
  // Each model's indicators by their ids' positions in *indicator_ids (a million contributions
  // name a few dozen indicators: a position takes 4 bytes, an id 32 and often an allocation).
  std::map<const AssessmentModel*, std::vector<std::uint32_t>> positions;
  auto positions_of = [&](const AssessmentModel& model) -> const std::vector<std::uint32_t>& {
    auto [it, added] = positions.try_emplace(&model);
    if (!added) return it->second;
    for (const Indicator& ind : model.indicators) {
      auto found = std::find(indicator_ids->begin(), indicator_ids->end(), ind.id);
      it->second.push_back(static_cast<std::uint32_t>(found - indicator_ids->begin()));
      if (found == indicator_ids->end()) indicator_ids->push_back(ind.id);
    }
    return it->second;
  };
  std::vector<Score> scores;
  for (const IndicatorRow& row : carrier_rows) {
    // A year is scored on its annual report; a carrier without one is not ranked (it is flagged
    // missing_annual_report instead).
    if (!row.values.has(M("annual_report_seq"))) continue;
    const Ruleset* rs = policy.InForce(YearEnd(row.year));
    if (!rs) continue;
    auto model = rs->classes.find(Name(row.assessment_class));
    if (model == rs->classes.end()) continue;
    Score s{row.year, row.assessment_class, row.carrier, rs->id, 0, 0, {}};
    const std::vector<std::uint32_t>& position = positions_of(model->second);
    s.contributions.reserve(position.size());
    for (std::size_t k = 0; k < position.size(); ++k) {
      const Indicator& ind = model->second.indicators[k];
      auto [num, den] = ValueOf(ind, row.values);
      Wide capped_den = den > 0 ? den * ind.target : 1;
      Wide capped_num = den > 0 ? std::min(num, capped_den) : 0;
      auto points = static_cast<std::int64_t>(Wide{ind.weight} * 100 * capped_num / capped_den);
      auto value = static_cast<std::int64_t>(den > 0 ? num / den : 0);
      s.contributions.push_back(Contribution{position[k], value, points});
      s.score_centi += points;
    }
    scores.push_back(std::move(s));
  }
  std::sort(scores.begin(), scores.end(), [](const Score& a, const Score& b) {
    return std::tie(a.year, a.assessment_class, b.score_centi, a.carrier) <
           std::tie(b.year, b.assessment_class, a.score_centi, b.carrier);
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
