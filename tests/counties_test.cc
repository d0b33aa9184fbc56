// The counties view (issue 24, §4.3) against a naive roll-up written from its contract
// (county_rollup.h, docs/domain.md "The counties view"), reading nothing but the other views' rows:
// for random demo histories at random cuts, each county's row of each year — and the city's — is
// what the carriers, entitlements, payouts, compliance, indicators and assessment rows of its
// carriers add up to.
#include <rapidcheck.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "demo/history.h"
#include "domain/fold/fact_base.h"
#include "domain/views/projections.h"
#include "property.h"

namespace hatchery {
namespace {

namespace bj = boost::json;
using Values = std::map<std::string, std::int64_t>;

bj::array Rows(const domain::Projection& p, std::string_view view) {
  auto rows = domain::ViewRows(p, view);
  REQUIRE(rows.ok());
  return std::move(*rows);
}

std::string Str(const bj::object& row, std::string_view key) {
  const bj::value& v = row.at(key);
  return v.is_string() ? std::string(v.as_string()) : "";
}
std::int64_t Int(const bj::object& row, std::string_view key) { return row.at(key).as_int64(); }
int YearOfText(const std::string& date) { return std::stoi(date.substr(0, 4)); }

long DayNumber(const std::string& date) {
  using namespace std::chrono;
  const year_month_day ymd{year(std::stoi(date.substr(0, 4))),
                           month(static_cast<unsigned>(std::stoi(date.substr(5, 2)))),
                           day(static_cast<unsigned>(std::stoi(date.substr(8, 2))))};
  return sys_days(ymd).time_since_epoch().count();
}

// The middle value, or the mean of the middle two rounded down.
std::int64_t Median(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

const std::vector<std::string> kCountyIds{
    "horqin", "huolinguole", "kailu", "horqin_left_middle", "horqin_left_rear",
    "hure",   "naiman",      "jarud", "tongliao_etdz"};

// The naive roll-up: year → county ("" for the city) → values.
std::map<int, std::map<std::string, Values>> NaiveRollup(const domain::Projection& p) {
  struct Carrier {
    std::string kind, registered_on;
    bj::array timeline, operators, county_history, funds, agreements, investors, support, stations;
    // The county at the end of year y: the last move by then, else where it registered.
    std::string CountyIn(int y) const {
      std::string county;
      for (const bj::value& spell : county_history) {
        const bj::object& s = spell.as_object();
        if (county.empty() || YearOfText(Str(s, "since")) <= y) county = Str(s, "county");
      }
      return county;
    }
  };
  std::map<std::string, Carrier> carriers;
  for (const bj::value& v : Rows(p, "carriers")) {
    const bj::object& row = v.as_object();
    if (row.at("registered_seq").is_null()) continue;  // its registration retracted: no years
    carriers[Str(row, "carrier_id")] = {Str(row, "kind"),
                                        Str(row, "registered_on"),
                                        row.at("timeline").as_array(),
                                        row.at("operators").as_array(),
                                        row.at("county_history").as_array(),
                                        row.at("funds").as_array(),
                                        row.at("agreements").as_array(),
                                        row.at("investors").as_array(),
                                        row.at("city_fund_support").as_array(),
                                        row.at("stations").as_array()};
  }
  const int last = YearOfText(domain::FormatDate(p.cut.today));
  int first = last + 1;
  for (const auto& [id, c] : carriers) first = std::min(first, YearOfText(c.registered_on));
  std::map<int, std::map<std::string, Values>> out;
  if (first > last) return out;
  const char* counted[] = {"carriers",
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
                           "awards_approved_in_full",
                           "awards_paid_in_full",
                           "awards_unpaid",
                           "unpaid_fen",
                           "disbursed_fen",
                           "clawed_back_fen",
                           "carriers_market_operated",
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
  for (int y = first; y <= last; ++y) {
    for (const std::string& county : kCountyIds) {
      for (const char* name : counted) out[y][county][name] = 0;
    }
    for (const char* name : counted) out[y][""][name] = 0;
  }
  auto add = [&](int y, const std::string& carrier, const std::string& name, std::int64_t n) {
    auto c = carriers.find(carrier);
    if (c == carriers.end() || y < first || y > last || y < YearOfText(c->second.registered_on)) {
      return;
    }
    out[y][c->second.CountyIn(y)][name] += n;
    out[y][""][name] += n;
  };
  // Resident on 31 December, and at an open workstation then: each once in a county.
  std::map<int, std::map<std::string, std::set<std::string>>> investors, brokers;
  for (const auto& [id, c] : carriers) {
    for (int y = YearOfText(c.registered_on); y <= last; ++y) {
      add(y, id, "carriers", 1);
      add(y, id, "carriers_" + c.kind, 1);
      std::set<std::string> held;  // at the end of y, by the timeline
      for (const bj::value& t : c.timeline) {
        const std::string date = Str(t.as_object(), "date");
        if (YearOfText(date) > y) continue;
        const std::string level = Str(t.as_object(), "level");
        if (Str(t.as_object(), "action") == "granted") {
          held.insert(level);
        } else {
          held.erase(level);
        }
      }
      std::string highest = "unaccredited";
      for (const char* level : {"city", "regional", "national"}) {
        if (held.count(level)) highest = level;
      }
      add(y, id, "carriers_" + highest, 1);
      std::string mode = "self";  // the operator on 31 December
      for (const bj::value& o : c.operators) {
        if (YearOfText(Str(o.as_object(), "since")) <= y) mode = Str(o.as_object(), "mode");
      }
      if (mode != "self") add(y, id, "carriers_market_operated", 1);
      // §3.3 ties holding on 31 December: begun by then, not ended by then.
      auto holds = [&](const bj::object& tie) {
        return YearOfText(Str(tie, "since")) <= y &&
               (tie.at("until").is_null() || YearOfText(Str(tie, "until")) > y);
      };
      for (const bj::value& a : c.agreements) {
        if (!holds(a.as_object())) continue;
        add(y, id, "agreements_in_force", 1);
        add(y, id, "credit_line_fen", Int(a.as_object(), "credit_line_fen"));
      }
      for (const bj::value& r : c.investors) {  // an institution once, at however many carriers
        if (holds(r.as_object()))
          investors[y][c.CountyIn(y)].insert(Str(r.as_object(), "investor_id"));
      }
      for (const bj::value& st : c.stations) {
        if (!holds(st.as_object())) continue;
        add(y, id, "workstations_open", 1);
        for (const bj::value& b : st.at("brokers").as_array()) {
          if (holds(b.as_object()))
            brokers[y][c.CountyIn(y)].insert(Str(b.as_object(), "broker_ref"));
        }
      }
    }
    for (const bj::value& st : c.stations) {
      for (const bj::value& d : st.at("deals").as_array()) {
        const int y = YearOfText(Str(d.as_object(), "date"));
        add(y, id, "deals", 1);
        add(y, id, "deal_fen", Int(d.as_object(), "amount_fen"));
      }
    }
    for (const bj::value& f : c.funds) {
      const bj::object& fund = f.as_object();
      const int y = YearOfText(Str(fund, "date"));
      add(y, id, "funds_established", 1);
      add(y, id, "funds_size_fen", Int(fund, "size_fen"));
      add(y, id, "funds_social_capital_fen", Int(fund, "social_capital_fen"));
    }
    for (const bj::value& g : c.support) {
      const int y = YearOfText(Str(g.as_object(), "date"));
      add(y, id, "city_fund_supports", 1);
      add(y, id, "city_fund_support_fen", Int(g.as_object(), "amount_fen"));
    }
    for (const bj::value& t : c.timeline) {
      const bj::object& entry = t.as_object();
      const int y = YearOfText(Str(entry, "date"));
      add(y, id, Str(entry, "action") == "granted" ? "accreditations" : "revocations", 1);
    }
  }
  for (const auto& [ids_of, name] :
       {std::pair{&investors, "investors_resident"}, std::pair{&brokers, "brokers"}}) {
    for (const auto& [y, counties] : *ids_of) {
      std::set<std::string> city;
      for (const auto& [county, ids] : counties) {
        out[y][county][name] = static_cast<std::int64_t>(ids.size());
        city.insert(ids.begin(), ids.end());
      }
      out[y][""][name] = static_cast<std::int64_t>(city.size());
    }
  }
  for (const bj::value& v : Rows(p, "indicators")) {
    const bj::object& row = v.as_object();
    if (row.at("carrier_id").is_null()) continue;
    const bj::object& values = row.at("values").as_object();
    auto value = [&](const char* name) {
      return values.contains(name) ? values.at(name).as_int64() : 0;
    };
    const int y = static_cast<int>(Int(row, "year"));
    const std::string carrier = Str(row, "carrier_id");
    add(y, carrier, "awards_created", value("entitlements_created"));
    add(y, carrier, "awards_created_fen", value("entitlements_fen"));
    add(y, carrier, "clawed_back_fen", value("clawed_back_fen"));
  }
  std::map<std::string, std::vector<bj::object>> payouts;  // by entitlement
  for (const bj::value& v : Rows(p, "payouts")) {
    const bj::object& row = v.as_object();
    payouts[Str(row, "entitlement_id")].push_back(row);
    if (!row.at("disbursed_on").is_null()) {
      add(YearOfText(Str(row, "disbursed_on")), Str(row, "carrier_id"), "disbursed_fen",
          Int(row, "amount_fen"));
    }
  }
  // Pay speeds, pooled per (year, county) and per year for the city.
  std::map<int,
           std::map<std::string, std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>>>
      days;
  for (const bj::value& v : Rows(p, "entitlements")) {
    const bj::object& row = v.as_object();
    const std::string carrier = Str(row, "carrier_id");
    const std::int64_t amount = Int(row, "amount_fen");
    const bj::array& history = row.at("history").as_array();
    // A row kept only for money or history (its trigger retracted, or no longer derived) was never
    // owed as such: neither outstanding nor timed.
    const std::string last_reason = Str(history.back().as_object(), "reason");
    if (last_reason.starts_with("retracted (event") || last_reason.starts_with("never derived") ||
        last_reason.starts_with("no longer derived")) {
      continue;
    }
    for (int y = first; y <= last; ++y) {  // outstanding at the end of y, by its history
      std::string status;
      for (const bj::value& h : history) {
        if (YearOfText(Str(h.as_object(), "date")) <= y) status = Str(h.as_object(), "status");
      }
      if (status != "active") continue;
      std::int64_t disbursed = 0;
      for (const bj::object& pay : payouts[Str(row, "entitlement_id")]) {
        if (!pay.at("disbursed_on").is_null() && YearOfText(Str(pay, "disbursed_on")) <= y) {
          disbursed += Int(pay, "amount_fen");
        }
      }
      if (disbursed >= amount) continue;
      add(y, carrier, "awards_unpaid", 1);
      add(y, carrier, "unpaid_fen", amount - disbursed);
    }
    if (amount <= 0) continue;
    std::string owed;
    for (const bj::value& h : history) {
      if (Str(h.as_object(), "status") == "active") owed = Str(h.as_object(), "date");
    }
    if (owed.empty() || !carriers.count(carrier)) continue;
    auto full = [&](const char* date_key) {
      std::vector<std::pair<std::string, std::int64_t>> steps;
      for (const bj::object& pay : payouts[Str(row, "entitlement_id")]) {
        if (!pay.at(date_key).is_null())
          steps.emplace_back(Str(pay, date_key), Int(pay, "amount_fen"));
      }
      std::sort(steps.begin(), steps.end());
      std::int64_t sum = 0;
      for (const auto& [date, fen] : steps) {
        if ((sum += fen) >= amount) return date;
      }
      return std::string();
    };
    for (const auto& [date, approval] :
         {std::pair{full("approved_on"), true}, std::pair{full("disbursed_on"), false}}) {
      if (date.empty()) continue;
      const int y = YearOfText(date);
      const std::int64_t took = std::max(0L, DayNumber(date) - DayNumber(owed));
      for (const std::string& where : {carriers[carrier].CountyIn(y), std::string()}) {
        auto& pool = days[y][where];
        (approval ? pool.first : pool.second).push_back(took);
      }
    }
  }
  for (auto& [y, counties] : days) {
    if (y < first || y > last) continue;
    for (auto& [where, pool] : counties) {
      Values& v = out[y][where];
      v["awards_approved_in_full"] = static_cast<std::int64_t>(pool.first.size());
      v["awards_paid_in_full"] = static_cast<std::int64_t>(pool.second.size());
      if (!pool.first.empty()) v["approval_days_median"] = Median(pool.first);
      if (!pool.second.empty()) v["disbursement_days_median"] = Median(pool.second);
    }
  }
  for (const bj::value& v : Rows(p, "compliance")) {
    const bj::object& row = v.as_object();
    add(static_cast<int>(Int(row, "year")), Str(row, "carrier_id"), "flags", 1);
  }
  std::map<std::pair<int, std::string>,
           std::map<std::string, std::pair<std::int64_t, std::int64_t>>>
      scores;  // (year, county) → class → (sum, carriers)
  for (const bj::value& v : Rows(p, "assessment")) {
    const bj::object& row = v.as_object();
    const std::string carrier = Str(row, "carrier_id");
    const int y = static_cast<int>(Int(row, "year"));
    if (!carriers.count(carrier) || y < first || y > last) continue;
    for (const std::string& where : {carriers[carrier].CountyIn(y), std::string()}) {
      auto& s = scores[{y, where}][Str(row, "assessment_class")];
      s.first += Int(row, "score_centi");
      ++s.second;
    }
  }
  for (const auto& [at, classes] : scores) {
    for (const auto& [cls, s] : classes) {
      out[at.first][at.second]["scored_" + cls] = s.second;
      out[at.first][at.second]["mean_score_centi_" + cls] = s.first / s.second;
    }
  }
  return out;
}

// The store's rows in the same shape.
std::map<int, std::map<std::string, Values>> Rollup(const domain::Projection& p) {
  std::map<int, std::map<std::string, Values>> out;
  for (const bj::value& v : Rows(p, "counties")) {
    const bj::object& row = v.as_object();
    Values& values = out[static_cast<int>(Int(row, "year"))][Str(row, "county")];
    for (const auto& [name, n] : row.at("values").as_object()) values[name] = n.as_int64();
  }
  return out;
}

std::string Differences(const std::map<int, std::map<std::string, Values>>& have,
                        const std::map<int, std::map<std::string, Values>>& want) {
  std::ostringstream out;
  std::set<int> years;
  for (const auto& [y, c] : have) years.insert(y);
  for (const auto& [y, c] : want) years.insert(y);
  for (int y : years) {
    std::set<std::string> counties;
    for (const auto* side : {&have, &want}) {
      if (auto it = side->find(y); it != side->end()) {
        for (const auto& [county, v] : it->second) counties.insert(county);
      }
    }
    for (const std::string& county : counties) {
      auto get = [&](const auto& side) {
        auto it = side.find(y);
        if (it == side.end() || !it->second.count(county)) return Values{};
        return it->second.at(county);
      };
      const Values h = get(have), w = get(want);
      std::set<std::string> names;
      for (const auto& [n, x] : h) names.insert(n);
      for (const auto& [n, x] : w) names.insert(n);
      for (const std::string& name : names) {
        auto text = [&](const Values& v) {
          return v.count(name) ? std::to_string(v.at(name)) : std::string("absent");
        };
        if (text(h) != text(w)) {
          out << "  " << y << " " << (county.empty() ? "city" : county) << " " << name << ": store "
              << text(h) << ", naive " << text(w) << "\n";
        }
      }
    }
  }
  return out.str();
}

TEST_CASE("counties: every county's year is what its carriers' rows of the other views add up to",
          "[property][counties]") {
  testing::Prop(
      "counties roll-up", 30,
      [] {
        const int carriers = *rc::gen::elementOf(std::vector<int>{2, 3, 5, 9, 17, 30});
        const auto seed = *rc::gen::arbitrary<std::uint32_t>();
        const auto events = demo::AsEvents(demo::GenerateHistory({carriers, seed}));
        domain::FactBase facts;
        for (const Event& e : events) RC_ASSERT(facts.Apply(e).ok());
        const std::uint64_t max_seq =
            events.size() * *rc::gen::elementOf(std::vector<std::uint64_t>{40, 70, 90, 100}) / 100;
        std::optional<domain::Date> effective_on;
        if (*rc::gen::arbitrary<bool>()) {
          effective_on = *rc::gen::elementOf(std::vector<domain::Date>{
              20231231, 20240615, 20241231, 20250331, 20251231, 20260630});
        }
        const domain::Projection p =
            domain::Project(facts, domain::MakeCut(facts, max_seq, effective_on));
        const auto have = Rollup(p);
        RC_ASSERT(!have.empty());
        const std::string differences = Differences(have, NaiveRollup(p));
        if (!differences.empty())
          RC_FAIL("counties differ from the naive roll-up:\n" + differences);
      },
      60);
}

}  // namespace
}  // namespace hatchery
