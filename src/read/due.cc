#include "read/due.h"

#include <algorithm>
#include <map>

#include "domain/fold/counties.h"
#include "hatchery/time.h"

namespace hatchery::read {
namespace {

namespace bj = boost::json;

// The date `e` last took `status` (its history's latest such step), or its trigger date.
domain::Date Since(const domain::Entitlement& e, std::string_view status) {
  for (auto it = e.history.rbegin(); it != e.history.rend(); ++it) {
    if (it->status == status) return it->date;
  }
  return e.triggered_on;
}

struct CountyTotals {
  std::int64_t payments = 0, payments_fen = 0, clawbacks = 0, clawbacks_fen = 0, awaiting = 0,
               reports = 0;
};

}  // namespace

bj::object Due(const domain::Projection& projection, const domain::Policy& policy,
               std::optional<std::size_t> limit) {
  const domain::Date today = projection.cut.today;
  bj::array payments, clawbacks, awaiting, reports;
  std::uint64_t listed[4] = {0, 0, 0, 0};  // every row of each list, answered or not
  // Adds the row `make` makes to `list` (the n-th list) while the limit allows.
  auto keep = [&](bj::array& list, int n, const auto& make) {
    ++listed[n];
    if (!limit || list.size() < *limit) list.push_back(make());
  };
  std::map<std::string, CountyTotals> counties;
  std::vector<const domain::CarrierOutcome*> carriers;
  for (const domain::CarrierOutcome& c : projection.carriers) carriers.push_back(&c);
  auto county_of = [](const domain::CarrierOutcome* c) { return c->profile.county.value_or(""); };
  std::stable_sort(carriers.begin(), carriers.end(),
                   [&](const auto* a, const auto* b) { return county_of(a) < county_of(b); });
  for (const domain::CarrierOutcome* c : carriers) {
    const std::string county = county_of(c);
    CountyTotals& totals = counties[county];
    bj::object who{{"carrier_id", c->carrier_id},
                   {"carrier_name", c->profile.name.value_or("")},
                   {"county", county},
                   {"county_name", std::string(domain::CountyName(county))}};
    auto row = [&](bj::object fields) {
      bj::object out = who;
      for (auto& [key, value] : fields) out[key] = std::move(value);
      return out;
    };
    for (const domain::Entitlement& e : c->entitlements) {
      std::int64_t unpaid = 0;  // approved, not disbursed, still payable
      if (e.status == "active") {
        for (const domain::Payout& p : c->payouts) {
          if (p.entitlement_id == e.id && p.status == "approved") unpaid += p.amount_fen;
        }
        if (e.outstanding_fen() + unpaid > 0) {
          domain::Date since = Since(e, "active");
          keep(payments, 0, [&] {
            return row({{"entitlement_id", e.id},
                        {"rule_id", e.rule_id},
                        {"since", domain::FormatDate(since)},
                        {"age_days", domain::DaysBetween(since, today)},
                        {"outstanding_fen", e.outstanding_fen()},
                        {"approved_unpaid_fen", unpaid},
                        {"due_fen", e.outstanding_fen() + unpaid}});
          });
          ++totals.payments;
          totals.payments_fen += e.outstanding_fen() + unpaid;
        }
      }
      if (e.clawback_due_fen() > 0) {
        domain::Date since = e.history.empty() ? e.triggered_on : e.history.back().date;
        keep(clawbacks, 1, [&] {
          return row({{"entitlement_id", e.id},
                      {"rule_id", e.rule_id},
                      {"status", e.status},
                      {"since", domain::FormatDate(since)},
                      {"age_days", domain::DaysBetween(since, today)},
                      {"disbursed_fen", e.disbursed_fen},
                      {"recovered_fen", e.recovered_fen},
                      {"clawback_due_fen", e.clawback_due_fen()}});
        });
        ++totals.clawbacks;
        totals.clawbacks_fen += e.clawback_due_fen();
      }
      if (e.status == "pending") {
        domain::Date since = Since(e, "pending");
        keep(awaiting, 2, [&] {
          return row({{"entitlement_id", e.id},
                      {"rule_id", e.rule_id},
                      {"since", domain::FormatDate(since)},
                      {"age_days", domain::DaysBetween(since, today)},
                      {"amount_fen", e.amount_fen}});
        });
        ++totals.awaiting;
      }
    }
    for (const domain::Flag& f : c->flags) {
      if (f.flag != "missing_annual_report") continue;
      domain::Date deadline = policy.ReportDeadline(f.year);
      keep(reports, 3, [&] {
        return row({{"year", f.year},
                    {"deadline", domain::FormatDate(deadline)},
                    {"days_overdue", domain::DaysBetween(deadline, today)}});
      });
      ++totals.reports;
    }
  }
  bj::object by_county;
  for (const auto& [county, t] : counties) {
    if (t.payments + t.clawbacks + t.awaiting + t.reports == 0) continue;
    by_county[county] = {{"county_name", std::string(domain::CountyName(county))},
                         {"payments", t.payments},
                         {"payments_due_fen", t.payments_fen},
                         {"clawbacks", t.clawbacks},
                         {"clawbacks_due_fen", t.clawbacks_fen},
                         {"awaiting_evaluation", t.awaiting},
                         {"reports_overdue", t.reports}};
  }
  bj::object out{{"as_of_seq", projection.cut.max_seq},
                 {"effective_on", projection.cut.effective_on
                                      ? bj::value(domain::FormatDate(*projection.cut.effective_on))
                                      : nullptr},
                 {"today", domain::FormatDate(today)},
                 {"payments", std::move(payments)},
                 {"clawbacks", std::move(clawbacks)},
                 {"awaiting_evaluation", std::move(awaiting)},
                 {"reports_overdue", std::move(reports)},
                 {"by_county", std::move(by_county)}};
  if (limit) {
    out["listed"] = {{"payments", listed[0]},
                     {"clawbacks", listed[1]},
                     {"awaiting_evaluation", listed[2]},
                     {"reports_overdue", listed[3]}};
  }
  return out;
}

}  // namespace hatchery::read
