// Property test of the yearly assessment score (docs/domain.md, "Indicators and assessment" — "A
// carrier's score for a year is …" and "Exactly: …" — and "The assessment model and its sources"):
// random histories of a few carriers (annual reports, superseding reports, retracted reports,
// evaluations, brokers' workstations and deals, finance links, brand-output filings, amendments of
// the carrier's area) are recorded
// in a real store (PolicyFixture: RocksDB, genesis TCB-2023-2), sometimes with the activation of
// the revised ruleset TCB-2023-2-2025 recorded somewhere among them, and the `assessment` view at
// a few cuts is compared with a reference model written from that contract alone.
//
// The model reads only the carrier rows of the `indicators` view at the same cut (the measures a
// score reads) and the raw JSON of the two shipped rulesets (their `assessment`): it picks the
// ruleset in force on 31 December of each year among those recorded within the cut, computes
// every indicator's value and points in hundredths, each floored on its own, the score, and the
// competition rank within (year, class). What it can know of the indicator rows on its own — which
// report is a year's latest (annual_report_seq), that the row carries exactly that report's
// metrics, and its area_m2 (the report's, else the profile's at the cut) — is checked too, so a row
// that kept a superseded or retracted report cannot agree with the model by accident.
//
// Where the contract is silent the model says so: a reported year with no ruleset in force on its
// 31 December (2022: the genesis TCB-2023-2 takes effect on 2023-03-27) has no model, so no score.
//
// Every history needs a store of its own (ranks are over every carrier of the store), so few are
// checked by default; more, or a fixed seed:
//   RC_PARAMS="max_success=40" ./hatchery_tests "[assessment]"   (capped at 40)
//   RC_PARAMS="seed=1234" ./hatchery_tests "[assessment]"
// A failure prints the minimal history, every event recorded for it (with its seq, which the cuts
// name) and, per cut, each (carrier, year) where the store and the model differ.
#include <rapidcheck/catch.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/fold/ruleset.h"
#include "domain/views/projections.h"
#include "policy_fixture.h"
#include "property.h"

namespace hatchery::testing {
// Named, not anonymous: the tests are compiled in unity batches, where anonymous namespaces meet.
namespace assessment_property {

namespace bj = boost::json;
namespace gen = rc::gen;

constexpr int kHistories = 25;
constexpr int kMaxHistories = 40;
constexpr int kRandomCuts = 2;  // besides the full cut

// =============================================================================================
// Dates

using Days = std::chrono::sys_days;

Days Day(int year, unsigned month, unsigned day) {
  return std::chrono::year_month_day{std::chrono::year{year}, std::chrono::month{month},
                                     std::chrono::day{day}};
}

std::string Iso(Days days) {
  const std::chrono::year_month_day ymd{days};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

// Nothing is dated after this (the store refuses effective dates after the day it records them).
const Days kLastDay = Day(2026, 12, 1);
// Every carrier is registered in 2021; what it is accredited at is granted on the last day of 2021,
// so every act after it finds the carrier and its levels on the timeline.
const Days kGrantDay = Day(2021, 12, 31);

Days Capped(Days d) { return std::min(d, kLastDay); }

// =============================================================================================
// What is generated

struct CarrierSpec {
  std::string kind, category, host_type;
  int registered_day = 0;               // day of 2021, 0–363
  std::optional<std::int64_t> area_m2;  // registered (a row's when its report gives none)
};

enum class ActKind { kReport, kEvaluate, kBrokers, kFinance, kFiling, kRetractReport, kAmendArea };

using Metrics = std::map<std::string, std::int64_t>;

struct Act {
  ActKind kind = ActKind::kReport;
  int carrier = 0;           // index into History::carriers, modulo their number
  int year = 2024;           // of the report / evaluation; the year the other acts happen in
  int day = 0;               // where in its window the act is dated
  Metrics metrics;           // kReport
  std::string level, grade;  // kEvaluate
  // kBrokers: a workstation opened, `brokers` qualified at it, `deals` signed through it, and
  // closed the next year when `close`.
  int brokers = 0, deals = 0;
  bool close = false;
  // kBrokers: a deal's amount; kFinance: a city fund support's amount; kAmendArea: the new area.
  std::int64_t fen = 0;
  // kFinance: investors joining, city fund supports, and a bank agreement with that credit line
  // (-1: none).
  int investors = 0, supports = 0;
  std::int64_t credit_line = -1;
  int pick = 0;  // kRetractReport: which of the carrier's standing reports, from the latest
};

struct History {
  std::vector<CarrierSpec> carriers;
  std::vector<Act> acts;
  // The activation of TCB-2023-2-2025 is recorded before acts[revision_at] (after them all when
  // beyond), or not at all.
  std::optional<int> revision_at;
  std::vector<int> cut_picks;  // each names a seq of the history (modulo its length)
};

struct MetricSpec {
  const char* name;
  bool fen;
};
// Every metric of AnnualReportSubmitted v2 (EVENTS.md and schemas/events).
constexpr MetricSpec kReportMetrics[] = {
    {"incubated_firms", false},
    {"new_incubated_firms", false},
    {"graduated_firms", false},
    {"high_tech_firms", false},
    {"tech_sme_firms", false},
    {"rd_spend_fen", true},
    {"ip_granted", false},
    {"invention_patents", false},
    {"firms_financed", false},
    {"financing_fen", true},
    {"jobs", false},
    {"mentors", false},
    {"service_staff", false},
    {"service_revenue_fen", true},
    {"events_held", false},
    {"area_m2", false},
    {"incubation_fund_fen", true},
    {"seats", false},
    {"resident_teams", false},
    {"new_companies", false},
    {"total_income_fen", true},
    {"non_rent_income_fen", true},
    {"public_platforms", false},
    {"university_results", false},
    {"results_transferred", false},
    {"results_transfer_income_fen", true},
    {"tech_contracts", false},
    {"tech_contract_fen", true},
};

const char* Name(ActKind kind) {
  switch (kind) {
    case ActKind::kReport: return "Report";
    case ActKind::kEvaluate: return "Evaluate";
    case ActKind::kBrokers: return "Brokers";
    case ActKind::kFinance: return "Finance";
    case ActKind::kFiling: return "Filing";
    case ActKind::kRetractReport: return "RetractReport";
    case ActKind::kAmendArea: return "AmendArea";
  }
  return "?";
}

// An act of a history of `carriers` carriers (its carrier resolved).
void ShowAct(const Act& a, std::size_t carriers, std::ostream& os) {
  os << "c" << a.carrier % carriers << " " << Name(a.kind) << " " << a.year << " day+" << a.day;
  switch (a.kind) {
    case ActKind::kReport:
      for (const auto& [name, v] : a.metrics) os << " " << name << "=" << v;
      break;
    case ActKind::kEvaluate: os << " " << a.level << " " << a.grade; break;
    case ActKind::kBrokers:
      os << " brokers=" << a.brokers << " deals=" << a.deals << "x" << a.fen
         << (a.close ? " closed next year" : "");
      break;
    case ActKind::kFinance:
      os << " investors=" << a.investors << " supports=" << a.supports << "x" << a.fen;
      if (a.credit_line >= 0) os << " credit_line=" << a.credit_line;
      break;
    case ActKind::kFiling: break;
    case ActKind::kRetractReport: os << " report#" << a.pick; break;
    case ActKind::kAmendArea: os << " area_m2=" << a.fen; break;
  }
}

void showValue(const History& h, std::ostream& os) {
  os << "carriers:\n";
  for (std::size_t i = 0; i < h.carriers.size(); ++i) {
    const CarrierSpec& c = h.carriers[i];
    os << "  c" << i << " " << c.kind << "/" << c.category << " host=" << c.host_type
       << " registered " << Iso(Day(2021, 1, 1) + std::chrono::days{c.registered_day});
    if (c.area_m2) os << " area_m2=" << *c.area_m2;
    os << "\n";
  }
  os << "acts (in recorded order):\n";
  for (std::size_t i = 0; i <= h.acts.size(); ++i) {
    if (h.revision_at && static_cast<std::size_t>(
                             std::min<int>(*h.revision_at, static_cast<int>(h.acts.size()))) == i) {
      os << "  activate TCB-2023-2-2025\n";
    }
    if (i == h.acts.size()) break;
    os << "  ";
    ShowAct(h.acts[i], h.carriers.size(), os);
    os << "\n";
  }
  os << "cut picks:";
  for (int p : h.cut_picks) os << " " << p;
  os << "\n";
}

// ---- generators ----------------------------------------------------------------------------

// An integer in [min, max), drawn over the whole range whatever the size rapidcheck has reached
// (gen::inRange scales the range with the size), shrinking towards min.
template <typename T>
rc::Gen<T> Uniform(T min, T max) {
  return gen::resize(100, gen::inRange<T>(min, max));
}

rc::Gen<std::int64_t> GenMetricValue(const MetricSpec& spec) {
  if (spec.fen) {
    // Targets in fen are 1e8–1e9: below, around and far beyond them; the schema's maximum.
    return gen::weightedOneOf<std::int64_t>({
        {2, gen::just<std::int64_t>(0)},
        {2, Uniform<std::int64_t>(0, 1000)},
        {5, Uniform<std::int64_t>(0, 2'000'000'001)},
        {2, Uniform<std::int64_t>(0, 10'000'000'000'001)},
        {1, gen::just<std::int64_t>(10'000'000'000'000)},
    });
  }
  return gen::weightedOneOf<std::int64_t>({
      {2, gen::just<std::int64_t>(0)},
      {5, Uniform<std::int64_t>(0, 13)},
      {4, Uniform<std::int64_t>(0, 400)},
      {1, Uniform<std::int64_t>(0, 1'000'000'001)},
      {1, gen::just<std::int64_t>(1'000'000'000)},
  });
}

// A report's metrics: mostly random, sometimes every indicator met in full or nothing at all (so
// that carriers of a class tie, and ties sit above other scores: competition ranks skip).
rc::Gen<Metrics> GenMetrics() {
  return gen::exec([] {
    Metrics metrics;
    switch (*gen::weightedElement<int>({{7, 0}, {2, 1}, {2, 2}})) {
      case 1:  // every target met
        for (const MetricSpec& spec : kReportMetrics) {
          metrics[spec.name] = spec.fen ? 10'000'000'000'000 : 1'000'000'000;
        }
        metrics["area_m2"] = 1;
        return metrics;
      case 2:  // nothing
        metrics["incubated_firms"] = 0;
        return metrics;
      default: break;
    }
    for (const MetricSpec& spec : kReportMetrics) {
      const bool required = std::string_view(spec.name) == "incubated_firms";
      if (!required && *Uniform(0, 10) < 4) continue;  // absent
      metrics[spec.name] = *GenMetricValue(spec);
    }
    // Seats and area of a similar size now and then, so that seats per 1,000 m² lands near its
    // target of 40 rather than always at 0 or far beyond.
    if (metrics.contains("seats") && *Uniform(0, 3) == 0) {
      metrics["area_m2"] = *Uniform<std::int64_t>(1, 5000);
      metrics["seats"] = *Uniform<std::int64_t>(0, 400);
    }
    // An income split near 50 %, now and then.
    if (*Uniform(0, 4) == 0) {
      const std::int64_t total = *Uniform<std::int64_t>(0, 1'000'000);
      metrics["total_income_fen"] = total;
      metrics["non_rent_income_fen"] = *Uniform<std::int64_t>(0, total + 1);
    }
    return metrics;
  });
}

rc::Gen<CarrierSpec> GenCarrier() {
  return gen::exec([] {
    CarrierSpec c;
    c.kind = *gen::element<std::string>("incubator", "maker_space", "star_space");
    c.category = c.kind == "incubator" ? *gen::element<std::string>("comprehensive", "specialized")
                                       : *gen::element<std::string>("social", "university");
    // A university space is built by a university or institute (category_fits_host).
    c.host_type = c.category == "university"
                      ? std::string("university_institute")
                      : *gen::element<std::string>("university_institute", "leading_enterprise",
                                                   "county", "introduced_institution", "other");
    c.registered_day = *Uniform(0, 364);
    if (*Uniform(0, 2) == 0) c.area_m2 = *Uniform<std::int64_t>(0, 20000);
    return c;
  });
}

rc::Gen<Act> GenAct() {
  return gen::exec([] {
    Act a;
    a.kind = *gen::weightedElement<ActKind>({{10, ActKind::kReport},
                                             {4, ActKind::kEvaluate},
                                             {2, ActKind::kBrokers},
                                             {2, ActKind::kFinance},
                                             {1, ActKind::kFiling},
                                             {1, ActKind::kRetractReport},
                                             {1, ActKind::kAmendArea}});
    a.carrier = *Uniform(0, 5);
    a.year = *Uniform(2022, 2027);
    a.day = *Uniform(0, 200);
    switch (a.kind) {
      case ActKind::kReport: a.metrics = *GenMetrics(); break;
      case ActKind::kEvaluate:
        a.level = *gen::element<std::string>("national", "regional", "city");
        // The regional scale (优秀/合格/不合格) has no good (docs/domain.md, grade_on_scale).
        a.grade = a.level == "regional"
                      ? *gen::element<std::string>("excellent", "pass", "fail")
                      : *gen::element<std::string>("excellent", "good", "pass", "fail");
        break;
      case ActKind::kBrokers:
        a.brokers = *Uniform(0, 4);
        a.deals = *Uniform(0, 4);
        a.close = *Uniform(0, 3) == 0;
        a.fen = *Uniform<std::int64_t>(0, 200'000'000);
        break;
      case ActKind::kFinance:
        a.investors = *Uniform(0, 3);
        a.supports = *Uniform(0, 3);
        a.fen = *Uniform<std::int64_t>(1, 50'000'000);
        if (*Uniform(0, 2) == 0) {
          a.credit_line = *Uniform<std::int64_t>(0, 2'000'000'001);
        }
        break;
      case ActKind::kFiling: break;
      case ActKind::kRetractReport: a.pick = *Uniform(0, 3); break;
      case ActKind::kAmendArea: a.fen = *Uniform<std::int64_t>(0, 20000); break;
    }
    return a;
  });
}

rc::Gen<History> GenHistory() {
  return gen::exec([] {
    History h;
    // Most carriers share a class, and most acts a year, so that a (year, class) ranks several.
    const CarrierSpec common = *GenCarrier();
    const int carriers = *gen::weightedElement<int>({{1, 1}, {1, 2}, {2, 3}, {3, 4}, {3, 5}});
    for (int i = 0; i < carriers; ++i) {
      CarrierSpec c = *GenCarrier();
      if (*Uniform(0, 10) < 7) {
        c.kind = common.kind;
        c.category = common.category;
        c.host_type = common.host_type;
      }
      h.carriers.push_back(std::move(c));
    }
    const int focus_year = *Uniform(2022, 2027);
    h.acts = *gen::container<std::vector<Act>>(*Uniform(0, 31), GenAct());
    // A report now and then repeats the one before it, for the next carrier and the same year:
    // equal scores.
    const Act* last_report = nullptr;
    for (Act& a : h.acts) {
      if (*Uniform(0, 10) < 6) a.year = focus_year;
      if (a.kind != ActKind::kReport) continue;
      if (last_report != nullptr && *Uniform(0, 2) == 0) {
        a.metrics = last_report->metrics;
        a.year = last_report->year;
        a.carrier = last_report->carrier + 1;
      }
      last_report = &a;
    }
    // Now and then a podium: two carriers of a class tie above a third in a scored year, recorded
    // among the other acts (competition ranks 1, 1, 3 — not the dense 1, 1, 2).
    if (carriers >= 3 && *Uniform(0, 3) == 0) {
      for (int i = 0; i < 3; ++i) {
        h.carriers[i].kind = common.kind;
        h.carriers[i].category = common.category;
        h.carriers[i].host_type = common.host_type;
      }
      const int year = *Uniform(2023, 2027);
      const Metrics top = *GenMetrics();
      for (int i = 0; i < 3; ++i) {
        Act a;
        a.carrier = i;
        a.year = year;
        a.day = *Uniform(0, 200);
        a.metrics = i < 2 ? top : Metrics{{"incubated_firms", 0}};
        const auto at = *Uniform<std::size_t>(0, h.acts.size() + 1);
        h.acts.insert(h.acts.begin() + static_cast<std::ptrdiff_t>(at), std::move(a));
      }
    }
    if (*Uniform(0, 2) == 0) h.revision_at = *Uniform(0, 32);
    h.cut_picks = *gen::container<std::vector<int>>(kRandomCuts, Uniform(0, 1000));
    return h;
  });
}

// =============================================================================================
// Recording a history

struct RecordedReport {
  std::uint64_t seq = 0;
  std::string date;
  Metrics metrics;
  std::optional<std::uint64_t> retracted_at;  // the seq of its retraction
};

class Recording {
 public:
  explicit Recording(const History& h) : h_(h) {
    for (std::size_t i = 0; i < h.carriers.size(); ++i) ids_.push_back("ap-c" + std::to_string(i));
  }

  // Records the history; an act the store refuses fails the property (every act is made valid on
  // the timeline by construction).
  void Record() {
    for (std::size_t i = 0; i < h_.carriers.size(); ++i) Register(i);
    const int n = static_cast<int>(h_.acts.size());
    for (int i = 0; i <= n; ++i) {
      if (h_.revision_at && std::min(*h_.revision_at, n) == i) ActivateRevision();
      if (i < n) RecordAct(i, h_.acts[i]);
    }
  }

  PolicyFixture& fixture() { return f_; }
  const std::string& trace() const { return trace_; }
  std::uint64_t head() const { return head_; }
  std::optional<std::uint64_t> revision_seq() const { return revision_seq_; }
  const std::vector<std::string>& ids() const { return ids_; }
  const CarrierSpec& spec(const std::string& id) const {
    return h_.carriers[std::find(ids_.begin(), ids_.end(), id) - ids_.begin()];
  }
  bool Mine(const std::string& id) const {
    return std::find(ids_.begin(), ids_.end(), id) != ids_.end();
  }
  // Every report recorded, by (carrier, year), in recorded order.
  const std::map<std::pair<std::string, int>, std::vector<RecordedReport>>& reports() const {
    return reports_;
  }

  // The area of the carrier's profile, as of the cut `cut_seq`: its last amendment within the cut
  // on the timeline, else its registration's (none: the profile has none).
  std::optional<std::int64_t> ProfileArea(const std::string& carrier, std::uint64_t cut_seq) const {
    std::optional<std::int64_t> area = spec(carrier).area_m2;
    const auto it = areas_.find(carrier);
    if (it == areas_.end()) return area;
    std::pair<std::string, std::uint64_t> last{"", 0};
    for (const auto& [seq, date, value] : it->second) {
      if (seq <= cut_seq && std::make_pair(date, seq) > last) {
        last = {date, seq};
        area = value;
      }
    }
    return area;
  }

 private:
  std::uint64_t Append(const std::string& carrier, const std::string& type, const bj::object& data,
                       Days date) {
    const std::string json = bj::serialize(data);
    auto result = f_.Try(type, "carrier/" + carrier, json, Iso(date));
    if (!result.ok()) {
      RC_FAIL("the store refused an act the history meant to be valid: " + type + " " + json +
              " on " + Iso(date) + ": " + result.status().ToString() + "\nrecorded so far:\n" +
              trace_);
    }
    head_ = result->seq;
    trace_ +=
        "  seq " + std::to_string(result->seq) + " " + Iso(date) + " " + type + " " + json + "\n";
    return result->seq;
  }

  void Register(std::size_t i) {
    const CarrierSpec& c = h_.carriers[i];
    bj::object data{{"carrier_id", ids_[i]},  {"name", "载体" + ids_[i]}, {"kind", c.kind},
                    {"category", c.category}, {"host_type", c.host_type}, {"county", "horqin"}};
    if (c.area_m2) data["area_m2"] = *c.area_m2;
    Append(ids_[i], "CarrierRegistered", data,
           Day(2021, 1, 1) + std::chrono::days{c.registered_day});
  }

  void ActivateRevision() {
    auto results = f_.ledger->Append(
        kAdmin,
        {domain::RulesetCommand(domain::ShippedRulesetData("tcb-2023-2-2025.json").value())});
    if (!results[0].ok()) {
      RC_FAIL("the store refused TCB-2023-2-2025: " + results[0].status().ToString());
    }
    revision_seq_ = head_ = results[0]->seq;
    trace_ +=
        "  seq " + std::to_string(head_) + " 2025-01-01 PolicyRulesetActivated TCB-2023-2-2025\n";
  }

  // Grants `level` on kGrantDay unless the carrier holds it already.
  void Hold(const std::string& carrier, const std::string& level) {
    if (!held_[carrier].insert(level).second) return;
    Append(carrier, "AccreditationGranted",
           bj::object{{"carrier_id", carrier},
                      {"level", level},
                      {"mode", "accredited"},
                      {"authority", "科学技术部"}},
           kGrantDay);
  }

  void RecordAct(int index, const Act& a) {
    const std::string& carrier = ids_[a.carrier % ids_.size()];
    const std::string tag = std::to_string(index);
    // Acts of a year happen in it; a report or an evaluation of a year comes in the next one (a
    // report for 2026 within 2026, as nothing may be dated in the future).
    const Days in_year = Capped(Day(a.year, 1, 1) + std::chrono::days{a.day});
    const Days after_year = a.year < 2026 ? Capped(Day(a.year + 1, 1, 1) + std::chrono::days{a.day})
                                          : Capped(Day(2026, 6, 1) + std::chrono::days{a.day});
    switch (a.kind) {
      case ActKind::kReport: {
        auto& list = reports_[{carrier, a.year}];
        // A second report for the year is dated no earlier than the first: "later" is then the
        // same on the timeline and in recorded order.
        Days date = after_year;
        for (const RecordedReport& r : list) date = std::max(date, Days{ParseDay(r.date)});
        bj::object metrics;
        for (const auto& [name, v] : a.metrics) metrics[name] = v;
        const std::uint64_t seq = Append(
            carrier, "AnnualReportSubmitted",
            bj::object{{"carrier_id", carrier}, {"year", a.year}, {"metrics", metrics}}, date);
        list.push_back(RecordedReport{seq, Iso(date), a.metrics, std::nullopt});
        break;
      }
      case ActKind::kEvaluate: {
        if (!graded_[carrier].insert({a.level, a.year}).second) {
          trace_ += "  (act " + tag + " skipped: " + carrier + " has a " + a.level + " grade for " +
                    std::to_string(a.year) + ")\n";
          return;
        }
        Hold(carrier, a.level);
        Append(
            carrier, "EvaluationRecorded",
            bj::object{
                {"carrier_id", carrier}, {"level", a.level}, {"year", a.year}, {"grade", a.grade}},
            after_year);
        break;
      }
      case ActKind::kBrokers: {
        const Days opened = std::min(in_year, kLastDay - std::chrono::days{10});
        const std::string station = "st-" + tag;
        Append(carrier, "BrokerWorkstationOpened",
               bj::object{{"station_id", station}, {"carrier_id", carrier}}, opened);
        for (int b = 0; b < a.brokers; ++b) {
          Append(carrier, "BrokerQualified",
                 bj::object{{"station_id", station},
                            {"broker_ref", "bk-" + tag + "-" + std::to_string(b)},
                            {"certificate_no", "TJ-" + tag + "-" + std::to_string(b)}},
                 opened);
        }
        for (int d = 0; d < a.deals; ++d) {
          bj::object deal{{"deal_id", "deal-" + tag + "-" + std::to_string(d)},
                          {"carrier_id", carrier},
                          {"station_id", station},
                          {"seller", bj::object{{"name", "通辽农科院"}}},
                          {"buyer", bj::object{{"name", "某公司"}}},
                          {"contract_kind", "transfer"},
                          {"amount_fen", a.fen + d}};
          if (a.brokers > 0 && d % 2 == 1) {
            deal["broker_ref"] = "bk-" + tag + "-" + std::to_string(d % a.brokers);
          }
          Append(carrier, "TechTransferDealRecorded", deal, opened + std::chrono::days{1 + d});
        }
        if (a.close && a.year < 2026) {
          Append(
              carrier, "BrokerWorkstationClosed",
              bj::object{{"station_id", station}, {"carrier_id", carrier}, {"reason", "inactive"}},
              Capped(Day(a.year + 1, 6, 30)));
        }
        break;
      }
      case ActKind::kFinance: {
        for (int i = 0; i < a.investors; ++i) {
          Append(carrier, "ResidentInvestorJoined",
                 bj::object{{"investor_id", "inv-" + tag + "-" + std::to_string(i)},
                            {"carrier_id", carrier},
                            {"name", "天使投资" + tag},
                            {"investor_type", "angel"}},
                 in_year);
        }
        for (int i = 0; i < a.supports; ++i) {
          Append(carrier, "CityFundSupportGranted",
                 bj::object{{"support_id", "cfs-" + tag + "-" + std::to_string(i)},
                            {"carrier_id", carrier},
                            {"city_fund", "seed"},
                            {"recipient", bj::object{{"name", "团队" + tag}, {"kind", "team"}}},
                            {"amount_fen", a.fen}},
                 in_year);
        }
        if (a.credit_line >= 0) {
          Append(carrier, "CooperationAgreementSigned",
                 bj::object{{"agreement_id", "agr-" + tag},
                            {"carrier_id", carrier},
                            {"partner", bj::object{{"name", "通辽银行"}, {"kind", "bank"}}},
                            {"credit_line_fen", a.credit_line}},
                 in_year);
        }
        break;
      }
      case ActKind::kFiling: {
        // A provider needs a national or regional accreditation (provider_accredited).
        if (!held_[carrier].contains("national")) Hold(carrier, "regional");
        Append(carrier, "BrandOutputFiled",
               bj::object{{"filing_id", "fil-" + tag},
                          {"provider_id", carrier},
                          {"recipient", bj::object{{"name", "受援载体" + tag}}},
                          {"service", "brand_output"},
                          {"planned_start", Iso(in_year)}},
               in_year);
        break;
      }
      case ActKind::kRetractReport: {
        std::vector<RecordedReport*> standing;
        for (auto& [key, list] : reports_) {
          if (key.first != carrier) continue;
          for (RecordedReport& r : list) {
            if (!r.retracted_at) standing.push_back(&r);
          }
        }
        if (standing.empty()) {
          trace_ += "  (act " + tag + " skipped: " + carrier + " has no standing report)\n";
          return;
        }
        std::sort(standing.begin(), standing.end(),
                  [](const RecordedReport* x, const RecordedReport* y) { return x->seq > y->seq; });
        RecordedReport* target = standing[a.pick % standing.size()];
        target->retracted_at =
            Append(carrier, "EventRetracted",
                   bj::object{{"retracted_seq", target->seq}, {"reason", "录入错误"}},
                   Days{ParseDay(target->date)});
        break;
      }
      case ActKind::kAmendArea: {
        // Dated no earlier than the carrier's last amendment: "last" is then the same on the
        // timeline and in recorded order.
        auto& list = areas_[carrier];
        Days date = in_year;
        for (const auto& amendment : list) date = std::max(date, ParseDay(std::get<1>(amendment)));
        const std::uint64_t seq = Append(
            carrier, "CarrierProfileAmended",
            bj::object{{"carrier_id", carrier}, {"changes", bj::object{{"area_m2", a.fen}}}}, date);
        list.emplace_back(seq, Iso(date), a.fen);
        break;
      }
    }
  }

  static Days ParseDay(const std::string& iso) {
    return Day(std::stoi(iso.substr(0, 4)), static_cast<unsigned>(std::stoi(iso.substr(5, 2))),
               static_cast<unsigned>(std::stoi(iso.substr(8, 2))));
  }

  const History& h_;
  PolicyFixture f_;
  std::vector<std::string> ids_;
  std::string trace_;
  std::uint64_t head_ = 1;
  std::optional<std::uint64_t> revision_seq_;
  std::map<std::string, std::set<std::string>> held_;
  std::map<std::string, std::set<std::pair<std::string, int>>> graded_;
  std::map<std::pair<std::string, int>, std::vector<RecordedReport>> reports_;
  // Per carrier, its area amendments: (seq, date, area).
  std::map<std::string, std::vector<std::tuple<std::uint64_t, std::string, std::int64_t>>> areas_;
};

// =============================================================================================
// The reference model (docs/domain.md, "Exactly: …"), from the rulesets' raw JSON

__extension__ typedef __int128 Wide;  // products of two measures overflow 64 bits

struct ModelIndicator {
  enum class Shape { kMetric, kRatio, kPer1000M2 };
  std::string id;
  Shape shape = Shape::kMetric;
  std::string a, b;  // the measures read (b: a ratio's denominator)
  std::int64_t target = 1, weight = 0;
};

struct ModelRuleset {
  std::string id, effective_from;
  std::uint64_t seq = 0;  // of its activation
  std::map<std::string, std::vector<ModelIndicator>> classes;
};

ModelRuleset ReadRuleset(const bj::object& data, std::uint64_t seq) {
  ModelRuleset rs;
  rs.id = std::string(data.at("ruleset_id").as_string());
  rs.effective_from = std::string(data.at("effective_from").as_string());
  rs.seq = seq;
  for (const auto& [cls, model] : data.at("assessment").as_object()) {
    auto& list = rs.classes[std::string(cls)];
    for (const auto& v : model.at("indicators").as_array()) {
      const bj::object& o = v.as_object();
      ModelIndicator ind;
      ind.id = std::string(o.at("id").as_string());
      if (const auto* m = o.if_contains("metric")) {
        ind.shape = ModelIndicator::Shape::kMetric;
        ind.a = std::string(m->as_string());
      } else if (const auto* r = o.if_contains("ratio")) {
        ind.shape = ModelIndicator::Shape::kRatio;
        ind.a = std::string(r->as_array().at(0).as_string());
        ind.b = std::string(r->as_array().at(1).as_string());
      } else {
        ind.shape = ModelIndicator::Shape::kPer1000M2;
        ind.a = std::string(o.at("per_1000_m2").as_string());
      }
      ind.target = o.at("target").to_number<std::int64_t>();
      ind.weight = o.at("weight").to_number<std::int64_t>();
      list.push_back(std::move(ind));
    }
  }
  return rs;
}

// The assessment class of a carrier (docs/domain.md, "The ruleset as data").
std::string ClassOf(const CarrierSpec& c) {
  if (c.kind == "incubator") return "incubator_" + c.category;
  return "space_" + c.category;
}

// A measure of a row's values; one the row does not have counts as 0.
Wide Measure(const bj::object& values, const std::string& name) {
  const bj::value* v = values.if_contains(name);
  if (v == nullptr || v->is_null()) return 0;
  return v->to_number<std::int64_t>();
}

struct Contribution {
  std::string indicator;
  std::int64_t value = 0, points_centi = 0;
  bool operator==(const Contribution&) const = default;
};

struct Score {
  std::string carrier, cls, ruleset_id;
  int year = 0;
  std::int64_t score_centi = 0, rank = 0;
  std::vector<Contribution> contributions;
};

// The ruleset governing `year` at a cut holding `rulesets` (those recorded within it): the one
// with the latest effective_from on or before 31 December of the year; null when none is.
const ModelRuleset* Governing(const std::vector<const ModelRuleset*>& rulesets, int year) {
  const std::string year_end = std::to_string(year) + "-12-31";
  const ModelRuleset* best = nullptr;
  for (const ModelRuleset* rs : rulesets) {
    if (rs->effective_from <= year_end &&
        (best == nullptr || rs->effective_from > best->effective_from)) {
      best = rs;
    }
  }
  return best;
}

Score ScoreRow(const ModelRuleset& rs, const std::string& carrier, const std::string& cls, int year,
               const bj::object& values) {
  Score s{carrier, cls, rs.id, year, 0, 0, {}};
  for (const ModelIndicator& ind : rs.classes.at(cls)) {
    Wide n = 0, d = 1;
    switch (ind.shape) {
      case ModelIndicator::Shape::kMetric: n = Measure(values, ind.a); break;
      case ModelIndicator::Shape::kRatio:
        n = 100 * Measure(values, ind.a);
        d = Measure(values, ind.b);
        break;
      case ModelIndicator::Shape::kPer1000M2:
        n = 1000 * Measure(values, ind.a);
        d = Measure(values, "area_m2");
        break;
    }
    Contribution c{ind.id, 0, 0};
    if (d != 0) {
      c.value = static_cast<std::int64_t>(n / d);
      const Wide cap = d * ind.target;
      c.points_centi = static_cast<std::int64_t>(Wide{ind.weight} * 100 * std::min(n, cap) / cap);
    }
    s.score_centi += c.points_centi;
    s.contributions.push_back(std::move(c));
  }
  return s;
}

// Competition ranking within (year, class): 1 + the number scoring more. Returns how many ranks
// skip (differ from dense ones: 1, 2, 2, 4 rather than 1, 2, 2, 3).
std::size_t Rank(std::vector<Score>& scores) {
  std::size_t skipped = 0;
  for (Score& s : scores) {
    s.rank = 1;
    std::set<std::int64_t> higher;
    for (const Score& other : scores) {
      if (other.year == s.year && other.cls == s.cls && other.score_centi > s.score_centi) {
        ++s.rank;
        higher.insert(other.score_centi);
      }
    }
    if (static_cast<std::size_t>(s.rank) != higher.size() + 1) ++skipped;
  }
  return skipped;
}

std::string Show(const Score& s) {
  std::ostringstream os;
  os << "ruleset=" << s.ruleset_id << " class=" << s.cls << " score_centi=" << s.score_centi
     << " rank=" << s.rank << " [";
  for (std::size_t i = 0; i < s.contributions.size(); ++i) {
    const Contribution& c = s.contributions[i];
    os << (i ? " " : "") << c.indicator << "=" << c.value << "/" << c.points_centi;
  }
  os << "]";
  return os.str();
}

std::int64_t IntOf(const bj::value& v) { return v.to_number<std::int64_t>(); }

// A measure of a row's values, -1 when the row does not have it (every measure read is >= 0).
std::int64_t MeasureOrAbsent(const bj::object& values, std::string_view name) {
  const bj::value* v = values.if_contains(name);
  return v != nullptr && !v->is_null() ? IntOf(*v) : -1;
}

std::string AbsentOr(std::int64_t x) { return x < 0 ? std::string("absent") : std::to_string(x); }

// The assessment row as a Score (its fields by the names docs/domain.md gives them).
Score FromRow(const bj::object& row) {
  Score s;
  s.carrier = std::string(row.at("carrier_id").as_string());
  s.year = static_cast<int>(IntOf(row.at("year")));
  if (const auto* c = row.if_contains("assessment_class"); c && c->is_string()) {
    s.cls = std::string(c->as_string());
  }
  s.ruleset_id = std::string(row.at("ruleset_id").as_string());
  s.score_centi = IntOf(row.at("score_centi"));
  s.rank = IntOf(row.at("rank"));
  for (const auto& v : row.at("contributions").as_array()) {
    const bj::object& o = v.as_object();
    s.contributions.push_back(Contribution{std::string(o.at("indicator").as_string()),
                                           IntOf(o.at("value")), IntOf(o.at("points_centi"))});
  }
  return s;
}

bj::array View(const domain::Projection& p, std::string_view view) {
  auto rows = domain::ViewRows(p, view);
  RC_ASSERT(rows.ok());
  return std::move(rows).value();
}

struct CutOutcome {
  std::string problems;
  std::size_t scored = 0, by_revision = 0, unscored_without_ruleset = 0, area_from_profile = 0,
              skipped_ranks = 0, superseded = 0, retracted = 0;
};

// Compares the store's assessment at the cut `cut_seq` (`p`) with the model's.
CutOutcome CheckCut(const Recording& run, const std::vector<ModelRuleset>& shipped,
                    const domain::Projection& p, std::uint64_t cut_seq) {
  CutOutcome out;
  std::ostringstream problems;
  // The rulesets within the cut: the genesis always; the revision once its activation is.
  std::vector<const ModelRuleset*> in_cut{&shipped[0]};
  if (run.revision_seq() && *run.revision_seq() <= cut_seq) in_cut.push_back(&shipped[1]);

  // What the model knows of the reports within the cut: each (carrier, year)'s latest standing.
  std::map<std::pair<std::string, int>, const RecordedReport*> latest;
  for (const auto& [key, list] : run.reports()) {
    const RecordedReport* best = nullptr;
    std::size_t standing = 0;
    for (const RecordedReport& r : list) {
      if (r.seq > cut_seq) continue;
      if (r.retracted_at && *r.retracted_at <= cut_seq) {
        ++out.retracted;
        continue;
      }
      ++standing;
      if (best == nullptr || std::tie(r.date, r.seq) > std::tie(best->date, best->seq)) best = &r;
    }
    if (best != nullptr) latest[key] = best;
    if (standing > 1) ++out.superseded;
  }

  std::vector<Score> want;
  std::set<std::pair<std::string, int>> rows_seen;
  for (const auto& value : View(p, "indicators")) {
    const bj::object& row = value.as_object();
    if (!row.at("carrier_id").is_string()) continue;  // a class row
    const std::string carrier(row.at("carrier_id").as_string());
    if (!run.Mine(carrier)) {
      problems << "  an indicator row of an unknown carrier " << carrier << "\n";
      continue;
    }
    const int year = static_cast<int>(IntOf(row.at("year")));
    rows_seen.insert({carrier, year});
    const bj::object& values = row.at("values").as_object();
    const std::string cls = ClassOf(run.spec(carrier));
    if (const bj::value* c = row.if_contains("assessment_class");
        c == nullptr || !c->is_string() || c->as_string() != cls) {
      problems << "  " << carrier << " " << year << ": indicator row's assessment_class "
               << (c ? bj::serialize(*c) : std::string("absent")) << ", model " << cls << "\n";
    }

    // The row's report is the year's latest within the cut, and it carries that report's metrics.
    const auto it = latest.find({carrier, year});
    const bj::value* seq = values.if_contains("annual_report_seq");
    const bool has_report = seq != nullptr && !seq->is_null();
    if (it == latest.end()) {
      if (has_report) {
        problems << "  " << carrier << " " << year << ": the row names annual_report_seq "
                 << IntOf(*seq) << " but no report of the year stands within the cut\n";
      }
    } else if (!has_report || static_cast<std::uint64_t>(IntOf(*seq)) != it->second->seq) {
      problems << "  " << carrier << " " << year << ": annual_report_seq store "
               << (has_report ? std::to_string(IntOf(*seq)) : std::string("none")) << ", model "
               << it->second->seq << "\n";
    } else {
      for (const MetricSpec& spec : kReportMetrics) {
        if (spec.name == std::string_view("area_m2")) continue;  // below
        // -1: absent (every metric is a non-negative integer).
        const auto m = it->second->metrics.find(spec.name);
        const std::int64_t should = m != it->second->metrics.end() ? m->second : -1;
        const std::int64_t have = MeasureOrAbsent(values, spec.name);
        if (have == should) continue;
        problems << "  " << carrier << " " << year << ": metric " << spec.name << " store "
                 << AbsentOr(have) << ", report seq " << it->second->seq << " " << AbsentOr(should)
                 << "\n";
      }
    }
    // Every row's area_m2 is the year's report's if it gives one, else the carrier's profile area
    // at the cut (docs/domain.md, "Indicators and assessment").
    {
      std::int64_t should = -1;
      std::string from = "the profile";
      if (it != latest.end() && it->second->metrics.contains("area_m2")) {
        should = it->second->metrics.at("area_m2");
        from = "report seq " + std::to_string(it->second->seq);
      } else if (const auto area = run.ProfileArea(carrier, cut_seq)) {
        should = *area;
        if (has_report) ++out.area_from_profile;
      }
      const std::int64_t have = MeasureOrAbsent(values, "area_m2");
      if (have != should) {
        problems << "  " << carrier << " " << year << ": area_m2 store " << AbsentOr(have) << ", "
                 << from << " " << AbsentOr(should) << "\n";
      }
    }

    // Scored: every year with an annual report, under the model in force at the year's end.
    if (!has_report) continue;
    const ModelRuleset* rs = Governing(in_cut, year);
    if (rs == nullptr) {
      ++out.unscored_without_ruleset;
      continue;
    }
    want.push_back(ScoreRow(*rs, carrier, cls, year, values));
    if (rs != &shipped[0]) ++out.by_revision;
  }
  for (const auto& [key, report] : latest) {
    if (!rows_seen.contains(key)) {
      problems << "  " << key.first << " " << key.second << ": no indicator row, though report seq "
               << report->seq << " stands within the cut\n";
    }
  }
  out.skipped_ranks = Rank(want);
  out.scored = want.size();

  std::map<std::pair<std::string, int>, Score> have;
  for (const auto& value : View(p, "assessment")) {
    const bj::object& row = value.as_object();
    if (!row.contains("carrier_id") || !row.at("carrier_id").is_string()) {
      problems << "  an assessment row without a carrier: " << bj::serialize(row) << "\n";
      continue;
    }
    Score s = FromRow(row);
    const auto key = std::make_pair(s.carrier, s.year);
    if (!have.emplace(key, std::move(s)).second) {
      problems << "  " << key.first << " " << key.second << ": two assessment rows\n";
    }
  }
  for (const Score& w : want) {
    const auto it = have.find({w.carrier, w.year});
    if (it == have.end()) {
      problems << "  " << w.carrier << " " << w.year << ": no assessment row; model " << Show(w)
               << "\n";
      continue;
    }
    const Score& h = it->second;
    if (h.ruleset_id != w.ruleset_id || h.cls != w.cls || h.score_centi != w.score_centi ||
        h.rank != w.rank || h.contributions != w.contributions) {
      problems << "  " << w.carrier << " " << w.year << ":\n    store " << Show(h) << "\n    model "
               << Show(w) << "\n";
    }
    have.erase(it);
  }
  for (const auto& [key, h] : have) {
    problems << "  " << key.first << " " << key.second
             << ": an assessment row the model has none for: " << Show(h) << "\n";
  }
  out.problems = problems.str();
  return out;
}

TEST_CASE(
    "assessment: every carrier-year's score, contributions and rank are the reference model's",
    "[property][assessment]") {
  const std::vector<ModelRuleset> shipped{
      ReadRuleset(domain::ShippedRulesetData("tcb-2023-2.json").value(), 1),
      ReadRuleset(domain::ShippedRulesetData("tcb-2023-2-2025.json").value(), 0)};
  Prop(
      "assessment scores", kHistories,
      [&shipped] {
        const History history = *GenHistory();
        Recording run(history);
        run.Record();
        std::vector<std::uint64_t> cuts{run.head()};  // the full cut first
        for (int pick : history.cut_picks)
          cuts.push_back(1 + static_cast<std::uint64_t>(pick) % run.head());
        std::size_t scored = 0, by_revision = 0, without_ruleset = 0, area_from_profile = 0,
                    skipped_ranks = 0, superseded = 0, retracted = 0;
        bool revision_cut_off = false;
        for (std::size_t i = 0; i < cuts.size(); ++i) {
          const std::uint64_t cut = cuts[i];
          const domain::Projection p = i == 0 ? run.fixture().Now() : run.fixture().At(cut);
          const CutOutcome o = CheckCut(run, shipped, p, cut);
          scored += o.scored;
          by_revision += o.by_revision;
          without_ruleset += o.unscored_without_ruleset;
          area_from_profile += o.area_from_profile;
          skipped_ranks += o.skipped_ranks;
          superseded += o.superseded;
          retracted += o.retracted;
          if (run.revision_seq() && *run.revision_seq() > cut) revision_cut_off = true;
          if (!o.problems.empty()) {
            const std::string where =
                i == 0 ? std::string("the full cut") : "seq " + std::to_string(cut);
            const std::string message =
                "assessment at " + where + " (head " + std::to_string(run.head()) +
                ") differs from the model's:\n" + o.problems + "events:\n" + run.trace();
            RC_FAIL(message);
          }
        }
        const std::string revision = !run.revision_seq() ? "no revision"
                                     : revision_cut_off  ? "revision cut off by a cut"
                                                         : "revision within every cut";
        const std::string scores = scored == 0   ? "nothing scored"
                                   : scored < 10 ? "1-9 scores"
                                                 : "10+ scores";
        const std::string revised =
            by_revision > 0 ? "some scored by TCB-2023-2-2025" : "none scored by TCB-2023-2-2025";
        const std::string early = without_ruleset > 0 ? "a reported year before any ruleset"
                                                      : "no reported year before any ruleset";
        RC_TAG(revision);
        RC_TAG(scores);
        RC_TAG(revised);
        RC_TAG(early);
        if (skipped_ranks > 0) RC_TAG("ties above a lower score (a rank skipped)");
        if (superseded > 0) RC_TAG("a report superseded");
        if (retracted > 0) RC_TAG("a report retracted");
        if (area_from_profile > 0) RC_TAG("a reported year's area_m2 from the profile");
      },
      kMaxHistories);
}

}  // namespace assessment_property
}  // namespace hatchery::testing
