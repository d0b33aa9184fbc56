// Property tests of the one-timeline rules (EVENTS.md "One timeline: when an event is valid") and
// of the money: random histories, back-dated out of recorded order, are appended to a real store
// (PolicyFixture: RocksDB, the shipped ruleset TCB-2023-2) and compared with the reference model
// of timeline_model.h, which was written from the contract alone.
//
// Each property checks a default number of histories (kHistories*, below) chosen to keep this
// file well under a minute in a RelWithDebInfo build on 2 cores. More, or a fixed seed:
//   RC_PARAMS="max_success=20000" ./hatchery_tests "[property]"
//   RC_PARAMS="seed=1234" ./hatchery_tests "[property]"
// (max_success then applies to each property.) A failure prints the minimal history rapidcheck
// shrank it to, and the run of that history: each event as resolved, the model's verdict and the
// store's answer.
#include <rapidcheck/catch.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "domain/views/projections.h"
#include "policy_fixture.h"
#include "property.h"
#include "read/explain.h"
#include "timeline_model.h"

namespace hatchery::testing {
namespace {

namespace bj = boost::json;
namespace gen = rc::gen;
using model::Fact;
using model::Model;
using model::Verdict;

constexpr int kHistoriesDecisions = 1000;
constexpr int kHistoriesBooks = 300;
constexpr int kHistoriesMoney = 300;
constexpr int kHistoriesWhyNot = 200;
constexpr int kMaxCommands = 35;
// Opening a store costs ~1/4 s and an append under 1 ms, so one store serves this many histories
// in turn (each with carrier, payout and filing ids of its own: they never meet) before the next.
constexpr int kHistoriesPerStore = 100;

// =============================================================================================
// What is generated: a few carriers and a list of commands that name their targets relatively
// ("the 2nd most recent event of this stream", "the carrier's national rule"), so that a history
// still means something after rapidcheck has removed some of its commands. Each command is
// resolved into a concrete event only when it is run, against what the store has recorded.

struct CarrierSpec {
  std::string kind, category, registered_on;
  // "national" / "regional": accredited at that level when the history starts (a first command
  // that WithDates adds, so that most histories have money to pay out); "": not.
  std::string accredited;
};

enum class Op {
  kRegister,  // not generated: each carrier of a history is registered first
  kGrant,
  kRevoke,
  kEvaluate,
  kApprove,
  kDisburse,
  kClawback,
  kRetract,
  kFileBrandOutput,
  kStartBrandOutput,
  kReport,
  // Finance links (docs/domain.md, §3.3)
  kSignAgreement,
  kEndAgreement,
  kInvestorJoin,
  kInvestorLeave,
  kCityFundSupport,
  kEstablishFund,
  // Brokers' work (docs/domain.md, §2.4)
  kOpenStation,
  kQualifyBroker,
  kCloseStation,
  kBrokerLeave,
  kDeal
};

struct Command {
  Op op = Op::kGrant;
  int carrier = 0;  // index into History::carriers, modulo their number
  // The effective date: the history's clock moves `advance` days forward with each command, and
  // the command is dated `backdate` days before the clock (recorded late). Set by WithDates.
  int advance = 0, backdate = 0;
  std::string date;
  std::string level, mode, reason, grade;  // as in the event's data
  int year = 0;
  // kApprove, kClawback: "active" (one of the carrier's entitlements active at the end of its
  // timeline), "due" (one with a claw-back due there), "national" / "regional" (the carrier
  // kind's rule for that level), a rule id "R1".."R6" of this carrier, or "foreign" (another
  // carrier's national rule).
  std::string entitlement;
  // kApprove, kClawback: "rest" (what is still outstanding), "due" / "half-due" (of the claw-back
  // due), "quarter" / "half" / "full" / "over" (of the rule's amount; over = amount + 1), "tiny".
  std::string amount;
  // kRevoke, kEvaluate: "held" (a level the carrier holds at the end of its timeline) or "given"
  // (`level`); kApprove: "fresh" / "reuse" (a recorded payout id); kDisburse: "open" (a payout
  // of this stream not disbursed yet), "own" / "foreign" (one approved on this / another
  // stream), "unknown"; kRetract: "own" (an event of this stream but its registration),
  // "registration", "foreign" (an event of another stream).
  std::string target;
  int pick = 0;  // which one of those, counted from the most recent, modulo their number
  // 0: the usual actor (the approver approves, the disburser disburses, the clerk does the rest);
  // 1: the other one of the money (four-eyes); 2: the clerk.
  int who = 0;
  // kApprove, kDisburse: who ran it, when written locally (actor.os_user): 0 none (a server's
  // write); 1 the actor's own OS account; 2 the other money actor's; 3 a shared one ("ops"); 4 an
  // account named as the other money actor's actor id.
  int os = 0;
  // Finance links. kSignAgreement, kCityFundSupport, kEstablishFund: `target` "fresh" / "reuse"
  // (the id of a recorded event of the type, of any carrier, `pick`); kEndAgreement: `target`
  // "own" (an agreement signed on this stream, `pick`), "foreign" (one of another stream) or
  // "unknown", and the `reason`; kInvestorJoin / kInvestorLeave: the history's investor i<pick>.
  // The partner kind (kSignAgreement), investor type (kInvestorJoin), city fund
  // (kCityFundSupport) or fund type (kEstablishFund).
  std::string finance;
  std::string recipient_kind;  // kCityFundSupport: project / team / startup
  // kSignAgreement: the credit line (0: it names none); kCityFundSupport: the amount;
  // kEstablishFund: the size.
  std::int64_t fen = 0;
  int social_quarters = 0;  // kEstablishFund: its social capital, in quarters of its size
  // Brokers' work. kOpenStation: `target` "fresh" / "reuse" (the station id of a recorded opening,
  // of any carrier, `pick`) and the workstation's name in `finance` ("": none). kQualifyBroker,
  // kCloseStation, kBrokerLeave, kDeal: `station` "open" (one of the carrier's workstations open
  // at the end of its timeline, `pick` — or if it has none, of the next carrier that has one, on
  // whose stream the event then goes; if none has, as "own"), "own" (a workstation opened on this
  // stream, retracted, closed or not, `pick`), "foreign" (one of another stream) or "unknown";
  // `broker` the history's broker b<broker> (kDeal: -1 names none) or, `at_station`, the
  // `broker`-th of those at the workstation at the end of the timeline (b<broker> if none is; an
  // "open" workstation is then one with brokers, if any is); `reason` of a closure or a leave (a
  // move names the carrier's latest other workstation as where it went, if any). kDeal: `target`
  // "fresh" / "reuse" (a recorded deal id), the contract kind in `finance` and the amount in
  // `fen`.
  std::string station;
  int broker = -1;
  bool at_station = false;
};

struct History {
  std::vector<CarrierSpec> carriers;
  int start = 0;  // the clock before the first command: days after kClockStart
  std::vector<Command> commands;
};

const char* Name(Op op) {
  switch (op) {
    case Op::kRegister: return "Register";
    case Op::kGrant: return "Grant";
    case Op::kRevoke: return "Revoke";
    case Op::kEvaluate: return "Evaluate";
    case Op::kApprove: return "Approve";
    case Op::kDisburse: return "Disburse";
    case Op::kClawback: return "Clawback";
    case Op::kRetract: return "Retract";
    case Op::kFileBrandOutput: return "FileBrandOutput";
    case Op::kStartBrandOutput: return "StartBrandOutput";
    case Op::kReport: return "Report";
    case Op::kSignAgreement: return "SignAgreement";
    case Op::kEndAgreement: return "EndAgreement";
    case Op::kInvestorJoin: return "InvestorJoin";
    case Op::kInvestorLeave: return "InvestorLeave";
    case Op::kCityFundSupport: return "CityFundSupport";
    case Op::kEstablishFund: return "EstablishFund";
    case Op::kOpenStation: return "OpenStation";
    case Op::kQualifyBroker: return "QualifyBroker";
    case Op::kCloseStation: return "CloseStation";
    case Op::kBrokerLeave: return "BrokerLeave";
    case Op::kDeal: return "Deal";
  }
  return "?";
}

void showValue(const Command& c, std::ostream& os) {
  os << "c" << c.carrier << " " << c.date << " " << Name(c.op);
  switch (c.op) {
    case Op::kRegister: break;
    case Op::kGrant: os << " " << c.level << " " << c.mode; break;
    case Op::kRevoke:
    case Op::kEvaluate:
      if (c.target == "held") {
        os << " level=held#" << c.pick;
      } else {
        os << " " << c.level;
      }
      if (c.op == Op::kRevoke) os << " " << c.reason;
      if (c.op == Op::kEvaluate) os << " " << c.year << " " << c.grade;
      break;
    case Op::kApprove:
    case Op::kClawback:
      os << " " << c.entitlement << " " << c.amount;
      if (c.op == Op::kApprove && c.target == "reuse") os << " payout=reuse#" << c.pick;
      break;
    case Op::kDisburse: os << " payout=" << c.target << "#" << c.pick; break;
    case Op::kRetract: os << " event=" << c.target << "#" << c.pick; break;
    case Op::kFileBrandOutput: os << " filing=f" << c.pick; break;
    case Op::kStartBrandOutput: os << " to " << c.target << " quoting f" << c.pick; break;
    case Op::kReport: os << " " << c.year; break;
    case Op::kSignAgreement:
      os << " " << c.finance;
      if (c.fen != 0) os << " line=" << c.fen;
      break;
    case Op::kEndAgreement:
      os << " agreement=" << c.target << "#" << c.pick << " " << c.reason;
      break;
    case Op::kInvestorJoin: os << " i" << c.pick << " " << c.finance; break;
    case Op::kInvestorLeave: os << " i" << c.pick; break;
    case Op::kCityFundSupport:
      os << " " << c.finance << " to " << c.recipient_kind << " " << c.fen;
      break;
    case Op::kEstablishFund:
      os << " " << c.finance << " size=" << c.fen << " social=" << c.social_quarters << "/4";
      break;
    case Op::kOpenStation:
      if (!c.finance.empty()) os << " named";
      break;
    case Op::kQualifyBroker:
      os << " b" << c.broker << " at station=" << c.station << "#" << c.pick;
      break;
    case Op::kCloseStation:
      os << " station=" << c.station << "#" << c.pick << " " << c.reason;
      break;
    case Op::kBrokerLeave:
      os << " " << (c.at_station ? "broker=at#" : "b") << c.broker << " from station=" << c.station
         << "#" << c.pick << " " << c.reason;
      break;
    case Op::kDeal:
      os << " at station=" << c.station << "#" << c.pick;
      if (c.broker >= 0) os << " by " << (c.at_station ? "broker=at#" : "b") << c.broker;
      os << " " << c.finance << " " << c.fen;
      break;
  }
  if ((c.op == Op::kSignAgreement || c.op == Op::kCityFundSupport || c.op == Op::kEstablishFund ||
       c.op == Op::kOpenStation || c.op == Op::kDeal) &&
      c.target == "reuse") {
    os << " id=reuse#" << c.pick;
  }
  if (c.who != 0) os << (c.who == 1 ? " (by the other money actor)" : " (by the clerk)");
  if (c.os != 0) os << " os=" << c.os;
  if (c.backdate != 0) os << "  [back-dated " << c.backdate << " days]";
}

void showValue(const History& h, std::ostream& os) {
  os << "carriers:\n";
  for (std::size_t i = 0; i < h.carriers.size(); ++i) {
    os << "  c" << i << " " << h.carriers[i].kind << "/" << h.carriers[i].category << " registered "
       << h.carriers[i].registered_on;
    if (!h.carriers[i].accredited.empty()) os << ", " << h.carriers[i].accredited << " at start";
    os << "\n";
  }
  os << "commands (in recorded order):\n";
  for (const Command& c : h.commands) {
    os << "  ";
    showValue(c, os);
    os << "\n";
  }
}

// ---- generators ----------------------------------------------------------------------------

using Days = std::chrono::sys_days;

Days DayOf(int year, int month, int day) {
  return std::chrono::year_month_day{std::chrono::year{year},
                                     std::chrono::month{static_cast<unsigned>(month)},
                                     std::chrono::day{static_cast<unsigned>(day)}};
}

std::string ToString(Days days) {
  const std::chrono::year_month_day ymd{days};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

// Effective dates lie in 2019-01-01 … 2026-11-30 (never in the future).
const Days kFirstDay = DayOf(2019, 1, 1), kLastDay = DayOf(2026, 11, 30);
// A history's clock starts 0–540 days after this (the ruleset is in force from 2023-03-27).
const Days kClockStart = DayOf(2023, 4, 1);

// Dates the commands of `h`: a clock that moves forward in recorded order, each command dated
// on it or back-dated before it (so out of recorded order, often before earlier-recorded events
// of the same carrier). First come the carriers' accreditations at the start.
History WithDates(History h) {
  Days clock = kClockStart + std::chrono::days{h.start};
  std::vector<Command> start;
  for (std::size_t i = 0; i < h.carriers.size(); ++i) {
    if (h.carriers[i].accredited.empty()) continue;
    Command grant;
    grant.op = Op::kGrant;
    grant.carrier = static_cast<int>(i);
    grant.level = h.carriers[i].accredited;
    grant.mode = "accredited";
    start.push_back(grant);
  }
  h.commands.insert(h.commands.begin(), start.begin(), start.end());
  for (Command& c : h.commands) {
    clock += std::chrono::days{c.advance};
    c.date = ToString(std::clamp(clock - std::chrono::days{c.backdate}, kFirstDay, kLastDay));
  }
  return h;
}

// A date in one of `years` (earlier ones are shrunk to), never after 2026-11-30.
rc::Gen<std::string> DateIn(std::initializer_list<std::pair<std::size_t, int>> years) {
  return gen::apply([](int year, int month,
                       int day) { return ToString(std::min(DayOf(year, month, day), kLastDay)); },
                    gen::weightedElement<int>(years), gen::inRange(1, 13), gen::inRange(1, 29));
}

// A date of 2019-01-01 … 2026-11-30, most after the ruleset's 2023-03-27 (for cuts).
rc::Gen<std::string> EventDate() {
  return DateIn(
      {{5, 2024}, {4, 2023}, {4, 2025}, {3, 2026}, {1, 2022}, {1, 2021}, {1, 2020}, {1, 2019}});
}

rc::Gen<CarrierSpec> GenCarrier() {
  return gen::apply(
      [](std::pair<std::string, std::string> kind, std::string registered_on,
         std::string accredited) {
        return CarrierSpec{kind.first, kind.second, std::move(registered_on),
                           std::move(accredited)};
      },
      gen::elementOf(
          std::vector<std::pair<std::string, std::string>>{{"incubator", "comprehensive"},
                                                           {"maker_space", "social"},
                                                           {"star_space", "social"},
                                                           {"incubator", "specialized"},
                                                           {"maker_space", "university"},
                                                           {"star_space", "university"}}),
      DateIn({{4, 2021}, {4, 2022}, {3, 2020}, {2, 2019}, {1, 2023}, {1, 2024}}),
      gen::weightedElement<std::string>({{1, ""}, {5, "national"}, {3, "regional"}}));
}

rc::Gen<std::string> Level() {
  return gen::weightedElement<std::string>({{4, "national"}, {5, "regional"}, {1, "city"}});
}

// A year of `from` … `to`, each as likely whatever the size (gen::inRange scales with the size,
// which would keep the years of a 35-command history near `from`).
rc::Gen<int> Year(int from, int to) {
  std::vector<int> years;
  for (int y = from; y <= to; ++y) years.push_back(y);
  return gen::elementOf(years);
}

rc::Gen<int> CarrierIndex() { return gen::inRange(0, 3); }

rc::Gen<int> Pick() { return gen::inRange(0, 8); }

rc::Gen<int> Who(std::size_t usual_weight) {
  return gen::weightedElement<int>({{usual_weight, 0}, {2, 1}, {1, 2}});
}

// Most money acts come through the server; the rest are local writes by one OS account or another.
rc::Gen<int> Os() { return gen::weightedElement<int>({{8, 0}, {3, 1}, {1, 2}, {2, 3}, {1, 4}}); }

// Most commands are dated on the clock; 3 in 10 are back-dated, by up to 2 months or by years.
rc::Gen<int> Backdate() {
  return gen::weightedOneOf<int>(
      {{14, gen::just(0)}, {3, gen::inRange(1, 61)}, {3, gen::inRange(61, 1000)}});
}

template <typename... Bindings>
rc::Gen<Command> CommandOf(Op op, Bindings... bindings) {
  return gen::build<Command>(gen::set(&Command::op, gen::just(op)),
                             gen::set(&Command::carrier, CarrierIndex()),
                             gen::set(&Command::advance, gen::inRange(0, 91)),
                             gen::set(&Command::backdate, Backdate()), bindings...);
}

// Most commands name what the recorded history makes plausible (an active entitlement, a level
// held, an open payout) — "at the end of the timeline", so a back-dated one may still be wrong
// at its own place; some name anything.
rc::Gen<std::string> LevelTarget() {
  return gen::weightedElement<std::string>({{4, "held"}, {1, "given"}});
}

rc::Gen<std::string> ApprovedEntitlement() {
  return gen::weightedElement<std::string>({{14, "active"},
                                            {3, "national"},
                                            {3, "regional"},
                                            {1, "R1"},
                                            {1, "R3"},
                                            {1, "R6"},
                                            {1, "foreign"}});
}

rc::Gen<std::string> ApprovedAmount() {
  return gen::weightedElement<std::string>(
      {{5, "rest"}, {5, "quarter"}, {3, "half"}, {2, "tiny"}, {1, "full"}, {1, "over"}});
}

rc::Gen<std::string> ClawedBackEntitlement() {
  return gen::weightedElement<std::string>(
      {{10, "due"}, {2, "national"}, {2, "regional"}, {1, "foreign"}});
}

rc::Gen<std::string> ClawedBackAmount() {
  return gen::weightedElement<std::string>(
      {{6, "due"}, {3, "half-due"}, {1, "quarter"}, {1, "tiny"}});
}

// Finance links: "fresh" ids mostly, a recorded one (id_unique) now and then.
rc::Gen<std::string> FreshOrReuse() {
  return gen::weightedElement<std::string>({{9, "fresh"}, {1, "reuse"}});
}

// Sums of money for the finance links, uniform whatever the size.
rc::Gen<std::int64_t> FinanceFen() {
  return gen::elementOf(
      std::vector<std::int64_t>{1, 100000, 5000000, 30000000, 200000000, 1000000000});
}

// The investor of a join or leave: mostly the history's first (so that one investor joins, leaves
// and joins again), its second now and then.
rc::Gen<int> Investor() { return gen::weightedElement<int>({{3, 0}, {1, 1}}); }

// Finance links (§3.3) — the stateful ones (an end needs its agreement in force, a join or leave
// the investor's residence) more often — and the retraction of one of the carrier's last three
// events, which can leave an end, a join or a leave standing where it changes nothing.
rc::Gen<Command> GenFinanceCommand() {
  using gen::set;
  auto one_of = [](std::vector<std::string> values) { return gen::elementOf(values); };
  return gen::weightedOneOf<Command>({
      {2, CommandOf(Op::kSignAgreement,
                    set(&Command::finance, one_of({"bank", "guarantor", "investment_institution"})),
                    set(&Command::fen, gen::weightedOneOf<std::int64_t>(
                                           {{1, gen::just<std::int64_t>(0)}, {2, FinanceFen()}})),
                    set(&Command::target, FreshOrReuse()), set(&Command::pick, Pick()))},
      {3, CommandOf(Op::kEndAgreement,
                    set(&Command::target, gen::weightedElement<std::string>(
                                              {{8, "own"}, {1, "foreign"}, {1, "unknown"}})),
                    set(&Command::pick, Pick()),
                    set(&Command::reason, one_of({"expired", "terminated", "other"})))},
      {3, CommandOf(Op::kInvestorJoin, set(&Command::pick, Investor()),
                    set(&Command::finance, one_of({"seed", "angel", "venture"})))},
      {3, CommandOf(Op::kInvestorLeave, set(&Command::pick, Investor()))},
      {1, CommandOf(Op::kCityFundSupport, set(&Command::finance, one_of({"seed", "angel"})),
                    set(&Command::recipient_kind, one_of({"project", "team", "startup"})),
                    set(&Command::fen, FinanceFen()), set(&Command::target, FreshOrReuse()),
                    set(&Command::pick, Pick()))},
      {1,
       CommandOf(Op::kEstablishFund, set(&Command::finance, one_of({"seed", "angel", "venture"})),
                 set(&Command::fen, FinanceFen()),
                 set(&Command::social_quarters, gen::elementOf(std::vector{0, 1, 2, 4})),
                 set(&Command::target, FreshOrReuse()), set(&Command::pick, Pick()))},
      {3, CommandOf(Op::kRetract, set(&Command::target, gen::just(std::string("own"))),
                    set(&Command::pick, gen::elementOf(std::vector{0, 1, 2})))},
  });
}

// The workstation a broker command names: mostly one of this carrier's open ones (at the end of
// its timeline: a back-dated act may still find it not yet open, or closed), now and then any of
// its own, another carrier's or one never opened.
rc::Gen<std::string> StationTarget() {
  return gen::weightedElement<std::string>(
      {{12, "open"}, {3, "own"}, {1, "foreign"}, {1, "unknown"}});
}
rc::Gen<int> StationPick() { return gen::weightedElement<int>({{4, 0}, {2, 1}, {1, 2}}); }

// One of the history's brokers b0, b1, b2 (mostly the first two, so that one is qualified, leaves
// and comes back).
rc::Gen<int> Broker() { return gen::weightedElement<int>({{3, 0}, {2, 1}, {1, 2}}); }

// Brokers' work (§2.4): workstations opened (fresh ids mostly) and now and then closed, brokers
// qualified at them and leaving, deals with or without a broker — and the retraction of one of
// the carrier's last three events, which can leave an act the place rules refuse standing.
rc::Gen<Command> GenBrokerCommand() {
  using gen::set;
  auto one_of = [](std::vector<std::string> values) { return gen::elementOf(values); };
  return gen::weightedOneOf<Command>({
      {4, CommandOf(Op::kOpenStation, set(&Command::target, FreshOrReuse()),
                    set(&Command::pick, Pick()),
                    set(&Command::finance, one_of({"", "科尔沁技术经纪人工作站", "高校工作站"})))},
      {6, CommandOf(Op::kQualifyBroker, set(&Command::station, StationTarget()),
                    set(&Command::pick, StationPick()), set(&Command::broker, Broker()))},
      {1, CommandOf(
              Op::kCloseStation, set(&Command::station, StationTarget()),
              set(&Command::pick, StationPick()),
              set(&Command::reason, one_of({"inactive", "carrier_request", "merged", "other"})))},
      {3, CommandOf(Op::kBrokerLeave, set(&Command::station, StationTarget()),
                    set(&Command::pick, StationPick()), set(&Command::broker, Broker()),
                    set(&Command::at_station, gen::weightedElement<bool>({{4, true}, {1, false}})),
                    set(&Command::reason, one_of({"left", "moved"})))},
      {4,
       CommandOf(
           Op::kDeal, set(&Command::station, StationTarget()), set(&Command::pick, StationPick()),
           set(&Command::broker, gen::weightedElement<int>({{2, -1}, {3, 0}, {2, 1}, {1, 2}})),
           set(&Command::at_station, gen::weightedElement<bool>({{2, true}, {1, false}})),
           set(&Command::finance,
               one_of({"transfer", "license", "development", "consulting", "service"})),
           set(&Command::fen, gen::weightedOneOf<std::int64_t>(
                                  {{1, gen::just<std::int64_t>(0)}, {6, FinanceFen()}})),
           set(&Command::target, FreshOrReuse()))},
      {2, CommandOf(Op::kRetract, set(&Command::target, gen::just(std::string("own"))),
                    set(&Command::pick, gen::elementOf(std::vector{0, 1, 2})))},
  });
}

// The weight of the finance links among the commands, whose other weights add up to 100: by
// default 12 (money keeps most of the budget); the finance-link property has them half the time.
constexpr std::size_t kFinanceWeight = 12, kFinanceWeightHeavy = 100;
// Likewise brokers' work: 6 by default; the brokers'-work property has it half the time.
constexpr std::size_t kBrokerWeight = 6, kBrokerWeightHeavy = 112;

rc::Gen<Command> GenCommand(std::size_t finance_weight, std::size_t broker_weight) {
  using gen::set;
  return gen::weightedOneOf<Command>({
      {18, CommandOf(Op::kGrant, set(&Command::level, Level()),
                     set(&Command::mode,
                         gen::weightedElement<std::string>({{3, "accredited"}, {1, "filed"}})))},
      {9,
       CommandOf(Op::kRevoke, set(&Command::level, Level()), set(&Command::target, LevelTarget()),
                 set(&Command::pick, Pick()),
                 set(&Command::reason, gen::weightedElement<std::string>({{4, "misconduct"},
                                                                          {2, "failed_evaluation"},
                                                                          {1, "voluntary"},
                                                                          {1, "other"}})))},
      {12, CommandOf(Op::kEvaluate,
                     set(&Command::level, gen::weightedElement<std::string>(
                                              {{6, "regional"}, {3, "national"}, {1, "city"}})),
                     set(&Command::target, LevelTarget()), set(&Command::pick, Pick()),
                     set(&Command::year, Year(2021, 2026)),
                     set(&Command::grade,
                         gen::weightedElement<std::string>(
                             {{4, "excellent"}, {2, "good"}, {1, "pass"}, {1, "fail"}})))},
      {22,
       CommandOf(
           Op::kApprove, set(&Command::entitlement, ApprovedEntitlement()),
           set(&Command::amount, ApprovedAmount()),
           set(&Command::target, gen::weightedElement<std::string>({{9, "fresh"}, {1, "reuse"}})),
           set(&Command::pick, Pick()), set(&Command::who, Who(12)), set(&Command::os, Os()))},
      {16,
       CommandOf(
           Op::kDisburse,
           set(&Command::target, gen::weightedElement<std::string>(
                                     {{12, "open"}, {5, "own"}, {1, "foreign"}, {2, "unknown"}})),
           set(&Command::pick, Pick()), set(&Command::who, Who(12)), set(&Command::os, Os()))},
      {6, CommandOf(Op::kClawback, set(&Command::entitlement, ClawedBackEntitlement()),
                    set(&Command::amount, ClawedBackAmount()), set(&Command::pick, Pick()))},
      {8, CommandOf(Op::kRetract,
                    set(&Command::target, gen::weightedElement<std::string>(
                                              {{30, "own"}, {1, "registration"}, {3, "foreign"}})),
                    set(&Command::pick, Pick()))},
      {3,
       CommandOf(Op::kFileBrandOutput, set(&Command::pick, gen::elementOf(std::vector{0, 1, 2})))},
      // pick 3: quoting no filing
      {3, CommandOf(Op::kStartBrandOutput,
                    set(&Command::pick, gen::elementOf(std::vector{0, 1, 2, 3})),
                    set(&Command::target, gen::elementOf(std::vector<std::string>{"甲", "乙"})))},
      {3, CommandOf(Op::kReport, set(&Command::year, Year(2019, 2026)))},
      {finance_weight, GenFinanceCommand()},
      {broker_weight, GenBrokerCommand()},
  });
}

rc::Gen<History> GenHistory(std::size_t finance_weight = kFinanceWeight,
                            std::size_t broker_weight = kBrokerWeight) {
  return gen::map(
      gen::build<History>(
          gen::set(&History::carriers,
                   gen::mapcat(gen::inRange(1, 4),
                               [](int n) {
                                 return gen::container<std::vector<CarrierSpec>>(n, GenCarrier());
                               })),
          gen::set(&History::start, gen::inRange(0, 541)),
          gen::set(&History::commands,
                   gen::resize(kMaxCommands, gen::container<std::vector<Command>>(
                                                 GenCommand(finance_weight, broker_weight))))),
      WithDates);
}

// =============================================================================================
// Running a history: each command resolved into an event, judged by the model, appended to the
// store; runs of commands by the same actor go in one Append call (AppendMode::kEach: each is
// judged against every event accepted before it, including earlier ones of the same call).

// A store shared by consecutive histories, and the number of the history now using it.
struct SharedStore {
  std::unique_ptr<PolicyFixture> fixture;
  int histories = 0;  // ever run, in every store

  // The store the next history uses, and its number.
  std::pair<PolicyFixture*, int> Next() {
    if (fixture == nullptr || histories % kHistoriesPerStore == 0) {
      fixture.reset();  // its directory is removed before the next one is made
      fixture = std::make_unique<PolicyFixture>();
    }
    return {fixture.get(), ++histories};
  }
};

SharedStore& Store() {
  static SharedStore store;
  return store;
}

// Closes the shared store (and removes its directory) at the end of a test case, not at exit.
struct CloseStoreAtEnd {
  ~CloseStoreAtEnd() { Store().fixture.reset(); }
};

// The rule of `kind` at `level`, POLICY.md §3.1.
std::string RuleOf(const std::string& kind, const std::string& level) {
  if (kind == "incubator") return level == "national" ? "R1" : "R2";
  if (kind == "maker_space") return level == "national" ? "R3" : "R5";
  return level == "national" ? "R4" : "R6";
}

// The carrier kind rule `rule_id` is for.
std::string KindOfRule(const std::string& rule_id) {
  if (rule_id == "R1" || rule_id == "R2") return "incubator";
  return rule_id == "R3" || rule_id == "R5" ? "maker_space" : "star_space";
}

std::int64_t RuleAmount(const std::string& rule_id) {
  static const std::map<std::string, std::int64_t> kAmounts{{"R1", 100000000}, {"R2", 50000000},
                                                            {"R3", 30000000},  {"R4", 30000000},
                                                            {"R5", 20000000},  {"R6", 10000000}};
  return kAmounts.at(rule_id);
}

// The `pick`-th of `items`, counted from the last; null if there are none.
template <typename T>
const T* PickFromEnd(const std::vector<T>& items, int pick) {
  if (items.empty()) return nullptr;
  return &items[items.size() - 1 - static_cast<std::size_t>(pick) % items.size()];
}
// Not of a temporary: the pointer would dangle.
template <typename T>
const T* PickFromEnd(const std::vector<T>&& items, int pick) = delete;

// The store's answer to one command, for the trace.
std::string Describe(const StatusOr<AppendResult>& result) {
  if (result.ok()) return "accept #" + std::to_string(result->seq);
  std::string out = "refuse " + std::string(CodeName(result.status().code()));
  const bj::object& details = result.status().details();
  if (const auto* invariant = details.if_contains("invariant")) {
    out += " " + bj::serialize(*invariant);
  }
  if (const auto* seq = details.if_contains("would_invalidate")) {
    out += " would_invalidate #" + bj::serialize(*seq);
  }
  if (result.status().code() != Code::kRuleViolation) out += " (" + result.status().message() + ")";
  return out;
}

class Session {
 public:
  explicit Session(const History& history) : Session(history, Store().Next()) {}

  // Registers the carriers, then runs every command. With `stop_at_disagreement`, stops after
  // the first command on whose fate the model and the store disagree (disagreement() says which).
  void Run(bool stop_at_disagreement) {
    std::vector<Command> commands;
    for (std::size_t i = 0; i < history_.carriers.size(); ++i) {
      Command registration;
      registration.op = Op::kRegister;
      registration.carrier = static_cast<int>(i);
      registration.date = history_.carriers[i].registered_on;
      commands.push_back(registration);
    }
    commands.insert(commands.end(), history_.commands.begin(), history_.commands.end());
    for (std::size_t begin = 0; begin < commands.size();) {
      std::size_t end = begin + 1;
      while (end < commands.size() && ActorOf(commands[end]) == ActorOf(commands[begin])) {
        ++end;
      }
      RunBatch({commands.begin() + begin, commands.begin() + end});
      if (stop_at_disagreement && disagreement_) return;
      begin = end;
    }
  }

  const std::optional<std::string>& disagreement() const { return disagreement_; }
  // One line per event: as resolved, the model's verdict, the store's answer.
  std::string trace() const { return trace_.str(); }
  // The events the store recorded (the model fed with them, not its own decisions).
  const Model& recorded() const { return model_; }
  std::size_t carrier_count() const { return history_.carriers.size(); }
  PolicyFixture& fixture() { return fixture_; }
  // This history's ids: "h<number>-c<index>" and so on.
  std::string Id(const std::string& local) const {
    return "h" + std::to_string(number_) + "-" + local;
  }
  std::string CarrierId(int index) const { return Id("c" + std::to_string(index)); }
  // Whether a payout id or an entitlement id ("<rule>:<carrier>") is this history's.
  bool Mine(std::string_view id) const {
    const auto colon = id.find(':');
    if (colon != std::string_view::npos) id.remove_prefix(colon + 1);
    return id.rfind(Id(""), 0) == 0;
  }
  // The seq of this history's first event.
  std::uint64_t first_seq() const { return first_seq_; }

 private:
  Session(const History& history, std::pair<PolicyFixture*, int> store)
      : history_(history),
        fixture_(*store.first),
        number_(store.second),
        model_(fixture_.ledger->head().seq + 1),
        first_seq_(model_.next_seq()) {}

  Actor ActorOf(const Command& c) const {
    const bool money = c.op == Op::kApprove || c.op == Op::kDisburse;
    const bool approving = (c.op == Op::kApprove) == (c.who == 0);
    Actor actor = !money || c.who == 2 ? kAdmin : approving ? kApprover : kDisburser;
    const Actor& other = approving ? kDisburser : kApprover;
    auto account = [](const Actor& a) { return a.id.substr(a.id.find('.') + 1); };  // "li"
    switch (money ? c.os : 0) {
      case 1: actor.os_user = account(actor); break;
      case 2: actor.os_user = account(other); break;
      case 3: actor.os_user = "ops"; break;
      case 4: actor.os_user = other.id; break;
    }
    return actor;
  }

  // The carrier a command is about (its index modulo the number of carriers).
  int OwnOf(const Command& c) const {
    return c.carrier % static_cast<int>(history_.carriers.size());
  }

  const CarrierSpec& SpecOf(int index) const {
    return history_.carriers[static_cast<std::size_t>(index) % history_.carriers.size()];
  }

  // The entitlement rows of the model for carrier `own`, those `keep` accepts.
  template <typename Keep>
  std::vector<model::EntitlementRow> RowsWhere(const Model& m, int own, Keep keep) const {
    std::vector<model::EntitlementRow> out;
    for (auto& row : m.Entitlements(CarrierId(own))) {
      if (keep(row)) out.push_back(std::move(row));
    }
    return out;
  }

  static std::int64_t Due(const model::EntitlementRow& row) {
    return row.status == "active" ? 0 : row.disbursed_fen - row.recovered_fen;
  }

  // The entitlement a command names.
  std::string EntitlementOf(const Command& c, const Model& m) const {
    const int own = OwnOf(c);
    if (c.entitlement == "foreign") {
      const int other = (own + 1) % static_cast<int>(history_.carriers.size());
      return RuleOf(SpecOf(other).kind, "national") + ":" + CarrierId(other);
    }
    if (c.entitlement == "active" || c.entitlement == "due") {
      const auto rows = RowsWhere(m, own, [&](const model::EntitlementRow& row) {
        return c.entitlement == "active" ? row.status == "active" : Due(row) > 0;
      });
      if (const auto* row = PickFromEnd(rows, c.pick)) return row->entitlement_id;
    }
    const bool rule_id = c.entitlement.rfind('R', 0) == 0;
    const std::string level = c.entitlement == "regional" ? "regional" : "national";
    return (rule_id ? c.entitlement : RuleOf(SpecOf(own).kind, level)) + ":" + CarrierId(own);
  }

  // The amount a command names, for `entitlement_id`.
  std::int64_t AmountOf(const Command& c, const std::string& entitlement_id, const Model& m) const {
    constexpr std::int64_t kTiny = 100000;  // 1,000 yuan
    const std::int64_t award = RuleAmount(entitlement_id.substr(0, entitlement_id.find(':')));
    if (c.amount == "quarter") return award / 4;
    if (c.amount == "half") return award / 2;
    if (c.amount == "full") return award;
    if (c.amount == "over") return award + 1;
    if (c.amount == "tiny") return kTiny;
    const auto rows = RowsWhere(m, OwnOf(c), [&](const model::EntitlementRow& row) {
      return row.entitlement_id == entitlement_id;
    });
    std::int64_t amount = 0;
    if (!rows.empty() && c.amount == "rest") amount = rows[0].amount_fen - rows[0].approved_fen;
    if (!rows.empty() && c.amount == "due") amount = Due(rows[0]);
    if (!rows.empty() && c.amount == "half-due") amount = (Due(rows[0]) + 1) / 2;
    return amount > 0 ? amount : kTiny;
  }

  // A level the command names: one the carrier holds at the end of its timeline, or its own.
  std::string LevelOf(const Command& c, const Model& m) const {
    if (c.target == "held") {
      const std::set<std::string> held = m.LevelsHeld(CarrierId(OwnOf(c)));
      const std::vector<std::string> levels(held.begin(), held.end());
      if (const auto* level = PickFromEnd(levels, c.pick)) return *level;
    }
    return c.level;
  }

  // Recorded events of `type` (any if empty) that `keep` accepts, in seq order.
  template <typename Keep>
  static std::vector<Fact> Recorded(const Model& m, const std::string& type, Keep keep) {
    std::vector<Fact> out;
    for (const Fact& f : m.facts()) {
      if ((type.empty() || f.type == type) && keep(f)) out.push_back(f);
    }
    return out;
  }
  // Those of `stream` (own) or of the other streams (not own).
  static std::vector<Fact> RecordedOf(const Model& m, const std::string& stream, bool own,
                                      const std::string& type = "") {
    return Recorded(m, type, [&](const Fact& f) { return (f.stream == stream) == own; });
  }

  // The payout id a disbursement names.
  std::string PayoutOf(const Command& c, const Fact& f, const Model& m) const {
    if (c.target == "unknown") return Id("p-unknown");
    std::vector<Fact> approvals = RecordedOf(m, f.stream, c.target != "foreign", "PayoutApproved");
    if (c.target == "open") {  // not retracted, not disbursed yet
      std::set<std::string> closed;
      for (const Fact& e : m.facts()) {
        if (e.type == "PayoutDisbursed" && !m.IsRetracted(e.seq)) closed.insert(e.id);
      }
      std::vector<Fact> open;
      for (const Fact& a : approvals) {
        if (!m.IsRetracted(a.seq) && closed.count(a.id) == 0) open.push_back(a);
      }
      if (!open.empty()) approvals = std::move(open);
    }
    const Fact* payout = PickFromEnd(approvals, c.pick);
    return payout != nullptr ? payout->id : Id("p-unknown");
  }

  // The seq a retraction names.
  static std::uint64_t RetractedSeqOf(const Command& c, const Fact& f, const Model& m) {
    std::vector<Fact> events = RecordedOf(m, f.stream, c.target != "foreign");
    std::vector<Fact> candidates;
    for (const Fact& e : events) {
      if ((e.type == "CarrierRegistered") == (c.target == "registration")) {
        candidates.push_back(e);
      }
    }
    const Fact* target = PickFromEnd(candidates.empty() ? events : candidates, c.pick);
    return target != nullptr ? target->seq : 1;  // 1: the ruleset activation
  }

  // The concrete event `c` means, given what `m` holds as recorded.
  Fact Resolve(const Command& c, const Model& m) {
    Fact f;
    const int own = OwnOf(c);
    f.stream = "carrier/" + CarrierId(own);
    f.effective_date = c.date;
    f.actor = ActorOf(c).id;
    f.os_user = ActorOf(c).os_user.value_or("");
    switch (c.op) {
      case Op::kRegister:
        f.type = "CarrierRegistered";
        f.kind = SpecOf(own).kind;
        break;
      case Op::kGrant:
        f.type = "AccreditationGranted";
        f.level = c.level;
        f.mode = c.mode;
        break;
      case Op::kRevoke:
        f.type = "AccreditationRevoked";
        f.level = LevelOf(c, m);
        f.reason = c.reason;
        break;
      case Op::kEvaluate:
        f.type = "EvaluationRecorded";
        f.level = LevelOf(c, m);
        f.year = c.year;
        f.grade = c.grade;
        break;
      case Op::kApprove: {
        f.type = "PayoutApproved";
        f.entitlement_id = EntitlementOf(c, m);
        f.amount_fen = AmountOf(c, f.entitlement_id, m);
        const std::vector<Fact> approvals = Recorded(m, f.type, [](const Fact&) { return true; });
        const Fact* reused = c.target == "reuse" ? PickFromEnd(approvals, c.pick) : nullptr;
        f.id = reused != nullptr ? reused->id : Id("p" + std::to_string(++fresh_payouts_));
        break;
      }
      case Op::kDisburse:
        f.type = "PayoutDisbursed";
        f.id = PayoutOf(c, f, m);
        break;
      case Op::kClawback:
        f.type = "ClawbackRecovered";
        f.entitlement_id = EntitlementOf(c, m);
        f.amount_fen = AmountOf(c, f.entitlement_id, m);
        break;
      case Op::kRetract:
        f.type = "EventRetracted";
        f.retracted_seq = RetractedSeqOf(c, f, m);
        break;
      case Op::kFileBrandOutput:  // f0 and f2 for 甲, f1 for 乙, each planned on its own date
        f.type = "BrandOutputFiled";
        f.id = Id("f" + std::to_string(c.pick));
        f.recipient = c.pick == 1 ? "受援单位乙" : "受援单位甲";
        f.planned_start = c.pick == 0 ? "2024-03-01" : c.pick == 1 ? "2025-01-01" : "2025-09-01";
        break;
      case Op::kStartBrandOutput:
        f.type = "BrandOutputStarted";
        f.id = c.pick == 3 ? "" : Id("f" + std::to_string(c.pick));
        f.recipient = "受援单位" + c.target;
        break;
      case Op::kReport:
        f.type = "AnnualReportSubmitted";
        f.year = c.year;
        break;
      case Op::kSignAgreement:
        f.type = "CooperationAgreementSigned";
        f.finance_kind = c.finance;
        f.amount_fen = c.fen;
        f.id = FreshOrReusedId(c, m, f.type, "a", fresh_agreements_);
        break;
      case Op::kEndAgreement:
        f.type = "CooperationAgreementEnded";
        f.id = AgreementOf(c, f, m);
        f.reason = c.reason;
        break;
      case Op::kInvestorJoin:
        f.type = "ResidentInvestorJoined";
        f.id = Id("i" + std::to_string(c.pick));
        f.finance_kind = c.finance;
        break;
      case Op::kInvestorLeave:
        f.type = "ResidentInvestorLeft";
        f.id = Id("i" + std::to_string(c.pick));
        break;
      case Op::kCityFundSupport:
        f.type = "CityFundSupportGranted";
        f.finance_kind = c.finance;
        f.amount_fen = c.fen;
        f.id = FreshOrReusedId(c, m, f.type, "s", fresh_supports_);
        break;
      case Op::kEstablishFund:
        f.type = "FundEstablished";
        f.finance_kind = c.finance;
        f.amount_fen = c.fen;
        f.social_capital_fen = c.fen / 4 * c.social_quarters;
        f.id = FreshOrReusedId(c, m, f.type, "fd", fresh_funds_);
        break;
      case Op::kOpenStation:
        f.type = "BrokerWorkstationOpened";
        f.id = FreshOrReusedId(c, m, f.type, "w", fresh_stations_);
        f.station_id = f.id;
        break;
      case Op::kQualifyBroker:
        f.type = "BrokerQualified";
        f.station_id = StationOf(c, m, f);
        f.broker_ref = BrokerRef(c.broker);
        break;
      case Op::kCloseStation:
        f.type = "BrokerWorkstationClosed";
        f.station_id = StationOf(c, m, f);
        f.reason = c.reason;
        break;
      case Op::kBrokerLeave:
        f.type = "BrokerLeft";
        f.station_id = StationOf(c, m, f);
        f.broker_ref = BrokerOf(c, f, m);
        f.reason = c.reason;
        if (c.reason == "moved") {
          for (const Fact& opened : RecordedOf(m, f.stream, true, "BrokerWorkstationOpened")) {
            if (opened.station_id != f.station_id) f.to_station_id = opened.station_id;
          }
        }
        break;
      case Op::kDeal:
        f.type = "TechTransferDealRecorded";
        f.id = FreshOrReusedId(c, m, f.type, "d", fresh_deals_);
        f.station_id = StationOf(c, m, f);
        if (c.broker >= 0) f.broker_ref = BrokerOf(c, f, m);
        f.contract_kind = c.finance;
        f.amount_fen = c.fen;
        break;
    }
    return f;
  }

  // The history's broker `index`: a broker_ref names a broker at a workstation, which is this
  // history's alone.
  static std::string BrokerRef(int index) { return "b" + std::to_string(index); }

  // The broker a leave or a deal names (f.station_id resolved): with `at_station`, one of those at
  // the workstation at the end of the carrier's timeline when there is one.
  static std::string BrokerOf(const Command& c, const Fact& f, const Model& m) {
    if (c.at_station) {
      const auto open = m.OpenStations(f.carrier());
      const auto station = open.find(f.station_id);
      if (station != open.end()) {
        const std::vector<std::string> brokers(station->second.begin(), station->second.end());
        if (const auto* broker = PickFromEnd(brokers, c.broker)) return *broker;
      }
    }
    return BrokerRef(c.broker);
  }

  // The workstation a broker command names: one open at the end of the timeline of this carrier
  // or, when it has none, of the next that has one, whose stream `f` then goes on ("open"; with
  // `at_station` one with brokers first); one opened on this stream ("own") or another
  // ("foreign"), retracted or not; or an id never opened.
  std::string StationOf(const Command& c, const Model& m, Fact& f) const {
    if (c.station == "unknown") return Id("w-unknown");
    if (c.station == "open") {
      const int carriers = static_cast<int>(history_.carriers.size());
      for (const bool with_brokers : {c.at_station, false}) {
        for (int k = 0; k < carriers; ++k) {
          const std::string carrier = CarrierId((OwnOf(c) + k) % carriers);
          std::vector<std::string> open;
          for (const auto& [id, brokers] : m.OpenStations(carrier)) {
            if (!with_brokers || !brokers.empty()) open.push_back(id);
          }
          if (const auto* station = PickFromEnd(open, c.pick)) {
            f.stream = "carrier/" + carrier;
            return *station;
          }
        }
      }
    }
    const std::vector<Fact> opened =
        RecordedOf(m, f.stream, c.station != "foreign", "BrokerWorkstationOpened");
    const Fact* station = PickFromEnd(opened, c.pick);
    return station != nullptr ? station->station_id : Id("w-unknown");
  }

  // A fresh id "<prefix><n>" of this history, or with `target` "reuse" the id of a recorded event
  // of `type` (of any carrier) when there is one.
  std::string FreshOrReusedId(const Command& c, const Model& m, const std::string& type,
                              const std::string& prefix, int& fresh) const {
    const std::vector<Fact> recorded = Recorded(m, type, [](const Fact&) { return true; });
    const Fact* reused = c.target == "reuse" ? PickFromEnd(recorded, c.pick) : nullptr;
    return reused != nullptr ? reused->id : Id(prefix + std::to_string(++fresh));
  }

  // The agreement an end names: one signed on this stream ("own") or another ("foreign"),
  // retracted or not, or an id never signed.
  std::string AgreementOf(const Command& c, const Fact& f, const Model& m) const {
    if (c.target == "unknown") return Id("a-unknown");
    const std::vector<Fact> signed_ =
        RecordedOf(m, f.stream, c.target != "foreign", "CooperationAgreementSigned");
    const Fact* agreement = PickFromEnd(signed_, c.pick);
    return agreement != nullptr ? agreement->id : Id("a-unknown");
  }

  // The data of event `f` (which command `c` resolved to), as its schema wants it.
  bj::object Data(const Command& c, const Fact& f) const {
    const std::string carrier_id = f.carrier();
    if (f.type == "CarrierRegistered") {
      return {{"carrier_id", carrier_id},
              {"name", "载体" + carrier_id},
              {"kind", f.kind},
              {"category", SpecOf(c.carrier).category},
              {"host_type",
               SpecOf(c.carrier).category == "university" ? "university_institute" : "other"},
              {"county", "horqin"}};
    }
    if (f.type == "AccreditationGranted") {
      return {{"carrier_id", carrier_id},
              {"level", f.level},
              {"mode", f.mode},
              {"authority", "科学技术部"}};
    }
    if (f.type == "AccreditationRevoked") {
      return {{"carrier_id", carrier_id}, {"level", f.level}, {"reason", f.reason}};
    }
    if (f.type == "EvaluationRecorded") {
      return {{"carrier_id", carrier_id}, {"level", f.level}, {"year", f.year}, {"grade", f.grade}};
    }
    if (f.type == "PayoutApproved") {
      return {
          {"payout_id", f.id}, {"entitlement_id", f.entitlement_id}, {"amount_fen", f.amount_fen}};
    }
    if (f.type == "PayoutDisbursed") return {{"payout_id", f.id}, {"voucher_no", "付-" + f.id}};
    if (f.type == "ClawbackRecovered") {
      return {{"entitlement_id", f.entitlement_id},
              {"amount_fen", f.amount_fen},
              {"voucher_no", "收-" + std::to_string(f.amount_fen)}};
    }
    if (f.type == "EventRetracted") {
      return {{"retracted_seq", static_cast<std::int64_t>(f.retracted_seq)},
              {"reason", "录入错误"}};
    }
    if (f.type == "BrandOutputFiled") {
      return {{"filing_id", f.id},
              {"provider_id", carrier_id},
              {"recipient", {{"name", f.recipient}}},
              {"service", "brand_output"},
              {"planned_start", f.planned_start}};
    }
    if (f.type == "BrandOutputStarted") {
      bj::object start{{"provider_id", carrier_id}, {"recipient", {{"name", f.recipient}}}};
      if (!f.id.empty()) start["filing_id"] = f.id;
      return start;
    }
    if (f.type == "CooperationAgreementSigned") {
      bj::object agreement{
          {"agreement_id", f.id},
          {"carrier_id", carrier_id},
          {"partner", {{"name", "合作机构" + f.finance_kind}, {"kind", f.finance_kind}}}};
      if (f.amount_fen != 0) agreement["credit_line_fen"] = f.amount_fen;
      return agreement;
    }
    if (f.type == "CooperationAgreementEnded") {
      return {{"agreement_id", f.id}, {"carrier_id", carrier_id}, {"reason", f.reason}};
    }
    if (f.type == "ResidentInvestorJoined") {
      return {{"investor_id", f.id},
              {"carrier_id", carrier_id},
              {"name", "投资机构" + f.id},
              {"investor_type", f.finance_kind}};
    }
    if (f.type == "ResidentInvestorLeft") {
      return {{"investor_id", f.id}, {"carrier_id", carrier_id}};
    }
    if (f.type == "CityFundSupportGranted") {
      return {{"support_id", f.id},
              {"carrier_id", carrier_id},
              {"city_fund", f.finance_kind},
              {"recipient", {{"name", "受支持方" + c.recipient_kind}, {"kind", c.recipient_kind}}},
              {"amount_fen", f.amount_fen}};
    }
    if (f.type == "FundEstablished") {
      return {{"fund_id", f.id},
              {"carrier_id", carrier_id},
              {"fund_type", f.finance_kind},
              {"size_fen", f.amount_fen},
              {"social_capital_fen", f.social_capital_fen}};
    }
    if (f.type == "BrokerWorkstationOpened") {
      bj::object opened{{"station_id", f.station_id}, {"carrier_id", carrier_id}};
      if (!c.finance.empty()) opened["name"] = c.finance;
      return opened;
    }
    if (f.type == "BrokerQualified") {  // no carrier_id: the stream names the carrier
      return {{"station_id", f.station_id},
              {"broker_ref", f.broker_ref},
              {"certificate_no", "技术经纪-" + f.broker_ref + "-" + std::to_string(commands_)}};
    }
    if (f.type == "BrokerWorkstationClosed") {
      return {{"station_id", f.station_id}, {"carrier_id", carrier_id}, {"reason", f.reason}};
    }
    if (f.type == "BrokerLeft") {
      bj::object left{
          {"station_id", f.station_id}, {"broker_ref", f.broker_ref}, {"reason", f.reason}};
      if (!f.to_station_id.empty()) left["to_station_id"] = f.to_station_id;
      return left;
    }
    if (f.type == "TechTransferDealRecorded") {
      bj::object deal{{"deal_id", f.id},
                      {"carrier_id", carrier_id},
                      {"station_id", f.station_id},
                      {"seller", {{"name", "内蒙古民族大学"}}},
                      {"buyer", {{"name", "科尔沁玉米生物公司"}}},
                      {"contract_kind", f.contract_kind},
                      {"amount_fen", f.amount_fen}};
      if (!f.broker_ref.empty()) deal["broker_ref"] = f.broker_ref;
      return deal;
    }
    return {{"carrier_id", carrier_id},  // AnnualReportSubmitted
            {"year", f.year},
            {"metrics", {{"incubated_firms", 10}}}};
  }

  AppendCommand ToCommand(const Command& command, const Fact& f) {
    AppendCommand c;
    c.command_id = Id("cmd-" + std::to_string(++commands_));
    c.stream = f.stream;
    c.type = f.type;
    c.data = Data(command, f);
    c.effective_date = f.effective_date;
    c.document_ref = "通科发〔2024〕" + std::to_string(commands_) + "号";
    return c;
  }

  // Whether the store's answer agrees with the model's verdict: both accept, or both refuse
  // and, for a rule violation, the invariant the store names is one the model finds broken.
  static bool Agrees(const Verdict& verdict, const StatusOr<AppendResult>& result) {
    if (result.ok() || verdict.accepted) return result.ok() == verdict.accepted;
    if (result.status().code() != Code::kRuleViolation) return true;
    const auto* invariant = result.status().details().if_contains("invariant");
    return invariant != nullptr && invariant->is_string() &&
           verdict.broken.count(std::string(invariant->as_string())) > 0;
  }

  // Commands of one actor, in one Append call. The model decides each in turn on a
  // copy of itself that takes its own decisions; the store's answers then decide what is
  // recorded (in model_).
  void RunBatch(const std::vector<Command>& batch) {
    Model shadow = model_;
    std::vector<Fact> facts;
    std::vector<Verdict> verdicts;
    std::vector<AppendCommand> commands;
    for (const Command& command : batch) {
      Fact f = Resolve(command, shadow);
      Verdict v = shadow.Decide(f);
      if (v.accepted) {
        f.seq = shadow.next_seq();
        shadow.Record(f);
      }
      commands.push_back(ToCommand(command, f));
      facts.push_back(std::move(f));
      verdicts.push_back(std::move(v));
    }
    auto results = fixture_.ledger->Append(ActorOf(batch[0]), std::move(commands));
    for (std::size_t k = 0; k < results.size(); ++k) {
      Fact& f = facts[k];
      f.seq = results[k].ok() ? results[k]->seq : 0;
      const bool agrees = Agrees(verdicts[k], results[k]);
      trace_ << (agrees ? "  " : "! ") << f << "\n      model: " << verdicts[k]
             << "  store: " << Describe(results[k]) << "\n";
      if (!agrees && !disagreement_) {
        std::ostringstream what;
        what << "model " << verdicts[k] << ", store " << Describe(results[k]) << " for " << f;
        disagreement_ = what.str();
      }
      if (results[k].ok()) model_.Record(f);
    }
  }

  const History& history_;
  PolicyFixture& fixture_;
  const int number_;
  Model model_;
  const std::uint64_t first_seq_;
  int fresh_payouts_ = 0;
  int fresh_agreements_ = 0, fresh_supports_ = 0, fresh_funds_ = 0;
  int fresh_stations_ = 0, fresh_deals_ = 0;
  int commands_ = 0;
  std::ostringstream trace_;
  std::optional<std::string> disagreement_;
};

// =============================================================================================
// Reading the views.

std::int64_t IntAt(const bj::object& row, std::string_view key) {
  return row.at(key).to_number<std::int64_t>();
}
std::string StrAt(const bj::object& row, std::string_view key) {
  return std::string(row.at(key).as_string());
}

bj::array View(const domain::Projection& p, std::string_view view) {
  auto rows = domain::ViewRows(p, view);
  RC_ASSERT(rows.ok());
  return std::move(rows).value();
}

// A cut of the books: (--as-of-seq, --effective-on), each optional.
struct Cut {
  std::optional<std::uint64_t> max_seq;
  std::optional<std::string> effective_on;
};
std::string ToString(const Cut& cut) {
  return "as_of_seq=" + (cut.max_seq ? std::to_string(*cut.max_seq) : std::string("-")) +
         " effective_on=" + cut.effective_on.value_or("-");
}

// EVENTS.md "The books always balance" at one cut, for the session's carriers; an empty string
// if they do, else what breaks.
std::string BooksProblem(const Session& session, const domain::Projection& p) {
  std::ostringstream problems;
  std::map<std::string, int> rows_of;  // entitlement id -> number of rows
  std::map<std::string, std::int64_t> approved, disbursed;
  for (const auto& value : View(p, "payouts")) {
    const bj::object& payout = value.as_object();
    if (!session.Mine(StrAt(payout, "payout_id"))) continue;
    const std::string id = StrAt(payout, "entitlement_id");
    approved[id] += IntAt(payout, "amount_fen");
    if (!payout.at("disbursed_seq").is_null()) disbursed[id] += IntAt(payout, "amount_fen");
  }
  for (const auto& value : View(p, "entitlements")) {
    const bj::object& e = value.as_object();
    const std::string id = StrAt(e, "entitlement_id");
    if (!session.Mine(id)) continue;
    ++rows_of[id];
    const bool active = StrAt(e, "status") == "active";
    const std::int64_t amount = IntAt(e, "amount_fen"), approved_fen = IntAt(e, "approved_fen"),
                       disbursed_fen = IntAt(e, "disbursed_fen"),
                       recovered_fen = IntAt(e, "recovered_fen");
    const std::int64_t outstanding = IntAt(e, "outstanding_fen"),
                       due = IntAt(e, "clawback_due_fen");
    auto expect = [&](bool ok, const std::string& what) {
      if (!ok) problems << "  " << id << ": " << what << " in " << bj::serialize(e) << "\n";
    };
    expect(approved_fen == approved[id],
           "approved_fen != Σ its payouts (" + std::to_string(approved[id]) + ")");
    expect(disbursed_fen == disbursed[id],
           "disbursed_fen != Σ its disbursed payouts (" + std::to_string(disbursed[id]) + ")");
    expect(outstanding >= 0, "outstanding_fen < 0");
    expect(outstanding == (active ? amount - approved_fen : 0),
           "outstanding_fen != amount - approved when active, 0 otherwise");
    expect(due >= 0, "clawback_due_fen < 0");
    expect(due == (active ? 0 : disbursed_fen - recovered_fen),
           "clawback_due_fen != disbursed - recovered when not active, 0 when active");
  }
  for (const auto& [id, sum] : approved) {
    if (rows_of[id] != 1) {
      problems << "  payouts name " << id << ", which has " << rows_of[id] << " entitlement rows\n";
    }
  }
  for (const auto& [id, rows] : rows_of) {
    if (rows > 1) problems << "  " << id << " has " << rows << " entitlement rows\n";
  }
  return problems.str();
}

// A voided row without money (what a retracted grant leaves, EVENTS.md "never as lost money")
// carries nothing the books need: the contract does not say whether it stays once, e.g., a later
// evaluation lapses the award, so either side may have it or not.
bool Moneyless(const std::string& status, std::int64_t approved, std::int64_t disbursed,
               std::int64_t recovered) {
  return status == "voided" && approved == 0 && disbursed == 0 && recovered == 0;
}

// The model's and the store's entitlement rows at the full cut; an empty string if they agree.
// Compared: status, approved/disbursed/recovered, and amount_fen of entitlements the model
// derives (it does not know the amount of a row that is only money on a no longer derived one).
std::string MoneyProblem(const Session& session, const domain::Projection& p) {
  std::map<std::string, model::EntitlementRow> expected;
  for (std::size_t i = 0; i < session.carrier_count(); ++i) {
    for (auto& row : session.recorded().Entitlements(session.CarrierId(static_cast<int>(i)))) {
      expected[row.entitlement_id] = row;
    }
  }
  std::ostringstream problems;
  std::set<std::string> seen;
  for (const auto& value : View(p, "entitlements")) {
    const bj::object& e = value.as_object();
    const std::string id = StrAt(e, "entitlement_id");
    if (!session.Mine(id)) continue;
    seen.insert(id);
    auto it = expected.find(id);
    if (it == expected.end()) {
      if (!Moneyless(StrAt(e, "status"), IntAt(e, "approved_fen"), IntAt(e, "disbursed_fen"),
                     IntAt(e, "recovered_fen"))) {
        problems << "  the store has a row the model has not: " << bj::serialize(e) << "\n";
      }
      continue;
    }
    const model::EntitlementRow& m = it->second;
    const bool same = StrAt(e, "status") == m.status &&
                      (!m.derived || IntAt(e, "amount_fen") == m.amount_fen) &&
                      IntAt(e, "approved_fen") == m.approved_fen &&
                      IntAt(e, "disbursed_fen") == m.disbursed_fen &&
                      IntAt(e, "recovered_fen") == m.recovered_fen;
    if (!same) {
      problems << "  " << id << ": store " << bj::serialize(e) << "\n    model status=" << m.status
               << (m.derived ? "" : " (not derived)") << " amount=" << m.amount_fen
               << " approved=" << m.approved_fen << " disbursed=" << m.disbursed_fen
               << " recovered=" << m.recovered_fen << "\n";
    }
  }
  for (const auto& [id, m] : expected) {
    if (seen.count(id) == 0 &&
        !Moneyless(m.status, m.approved_fen, m.disbursed_fen, m.recovered_fen)) {
      problems << "  the model has a row the store has not: " << id << " status=" << m.status
               << " approved=" << m.approved_fen << " disbursed=" << m.disbursed_fen
               << " recovered=" << m.recovered_fen << "\n";
    }
  }
  return problems.str();
}

rc::Gen<Cut> GenCut() {
  return gen::apply(
      [](const rc::Maybe<int>& seq_pick, const rc::Maybe<std::string>& date) {
        Cut cut;
        if (seq_pick) cut.max_seq = static_cast<std::uint64_t>(*seq_pick);  // resolved later
        if (date) cut.effective_on = *date;
        return cut;
      },
      gen::maybe(gen::inRange(0, 1000)), gen::maybe(EventDate()));
}

void showValue(const Cut& cut, std::ostream& os) { os << ToString(cut); }

// =============================================================================================

TEST_CASE("timeline: every append is decided as the reference model decides it", "[property]") {
  CloseStoreAtEnd close;
  Prop("decisions", kHistoriesDecisions, [] {
    const History history = *GenHistory();
    Session session(history);
    session.Run(/*stop_at_disagreement=*/true);
    if (session.disagreement()) {
      RC_FAIL(*session.disagreement() + "\nrun (! marks the disagreement):\n" + session.trace());
    }
  });
}

TEST_CASE("timeline: the books balance at every cut", "[property]") {
  CloseStoreAtEnd close;
  Prop("books balance", kHistoriesBooks, [] {
    const History history = *GenHistory();
    Session session(history);
    session.Run(/*stop_at_disagreement=*/false);
    std::vector<Cut> cuts = *gen::resize(4, gen::container<std::vector<Cut>>(GenCut()));
    cuts.insert(cuts.begin(), Cut{});  // the full cut, always
    // A cut by seq ends somewhere in this history (or just before it).
    const std::uint64_t first = session.first_seq() - 1, head = session.recorded().next_seq() - 1;
    for (Cut& cut : cuts) {
      if (cut.max_seq) cut.max_seq = first + *cut.max_seq % (head - first + 1);
      const std::string problem =
          BooksProblem(session, session.fixture().At(cut.max_seq, cut.effective_on));
      if (!problem.empty()) {
        RC_FAIL("books do not balance at " + ToString(cut) + ":\n" + problem + "run:\n" +
                session.trace());
      }
    }
  });
}

TEST_CASE("timeline: entitlement money at the full cut is the reference model's", "[property]") {
  CloseStoreAtEnd close;
  Prop("model money", kHistoriesMoney, [] {
    const History history = *GenHistory();
    Session session(history);
    session.Run(/*stop_at_disagreement=*/false);
    const std::string problem = MoneyProblem(session, session.fixture().Now());
    if (!problem.empty()) {
      RC_FAIL("entitlements differ from the model's:\n" + problem + "run:\n" + session.trace());
    }
  });
}

// A kind of compliance flag the model derives too: how to read it from a store's row (nullopt:
// not of this kind; the days are read from its detail), what the model says of a carrier on a
// day, and how to show one.
template <typename Flag>
struct FlagKind {
  std::function<std::optional<Flag>(const bj::object& row)> read;
  std::function<std::vector<Flag>(const Model&, const std::string&, const std::string&)> model;
  std::function<std::string(const Flag&)> show;
};

// Where the flags of `kind` of the history's carriers on `today` differ from the model's: "" if
// nowhere.
template <typename Flag>
std::string FlagsProblem(const Session& session, const domain::Projection& p,
                         const std::string& today, const FlagKind<Flag>& kind) {
  std::map<std::string, std::vector<Flag>> store;
  for (const auto& value : View(p, "compliance")) {
    const bj::object& row = value.as_object();
    const std::string carrier = StrAt(row, "carrier_id");
    if (!session.Mine(carrier)) continue;
    if (std::optional<Flag> flag = kind.read(row)) store[carrier].push_back(std::move(*flag));
  }
  std::ostringstream problems;
  for (std::size_t i = 0; i < session.carrier_count(); ++i) {
    const std::string carrier = session.CarrierId(static_cast<int>(i));
    std::vector<Flag> want = kind.model(session.recorded(), carrier, today);
    std::vector<Flag> have = store[carrier];
    std::sort(want.begin(), want.end());
    std::sort(have.begin(), have.end());
    if (want == have) continue;
    auto list = [&](const std::vector<Flag>& flags) {
      std::string text;
      for (const Flag& f : flags) text += " " + kind.show(f);
      return text.empty() ? std::string(" none") : text;
    };
    problems << "  " << carrier << " on " << today << ": store" << list(have) << "; model"
             << list(want) << "\n";
  }
  return problems.str();
}

// The property: on three days of each generated history, the store's flags of `kind` are the
// model's.
template <typename Flag>
void FlagsOnAnyDay(const std::string& what, const FlagKind<Flag>& kind) {
  CloseStoreAtEnd close;
  Prop(what, kHistoriesMoney, [&] {
    const History history = *GenHistory();
    Session session(history);
    session.Run(/*stop_at_disagreement=*/false);
    const auto days = *gen::container<std::vector<std::string>>(
        3, DateIn({{1, 2023}, {2, 2024}, {2, 2025}, {2, 2026}}));
    for (const std::string& today : days) {
      const std::string problem =
          FlagsProblem(session, session.fixture().At(std::nullopt, today), today, kind);
      if (!problem.empty()) {
        RC_FAIL(what + " differ from the model's:\n" + problem + "run:\n" + session.trace());
      }
    }
  });
}

// The first number `pattern` captures in `row`'s detail, signed by a second capture "before".
long DaysIn(const bj::object& row, const std::regex& pattern) {
  std::smatch m;
  const std::string detail = StrAt(row, "detail");
  RC_ASSERT(std::regex_search(detail, m, pattern));
  return std::stol(m[1]) * (m.size() > 2 && m[2] == "before" ? -1 : 1);
}

TEST_CASE("timeline: annual-report flags on any day are the reference model's",
          "[property][compliance]") {
  static const std::regex kLate(", ([0-9]+) days? after its deadline");
  FlagsOnAnyDay<model::ReportFlag>(
      "annual-report flags",
      {[](const bj::object& row) -> std::optional<model::ReportFlag> {
         const std::string flag = StrAt(row, "flag");
         if (flag != "missing_annual_report" && flag != "late_annual_report") return std::nullopt;
         return model::ReportFlag{flag, static_cast<int>(IntAt(row, "year")),
                                  flag == "late_annual_report" ? DaysIn(row, kLate) : 0};
       },
       [](const Model& m, const std::string& carrier, const std::string& today) {
         return m.ReportFlags(carrier, today);
       },
       [](const model::ReportFlag& f) {
         return f.flag + "/" + std::to_string(f.year) + "/" + std::to_string(f.days_late);
       }});
}

TEST_CASE("timeline: slow payouts on any day are the reference model's", "[property][compliance]") {
  static const std::regex kSlow(
      "^[A-Z0-9]+:[^ ]+ (?:was paid in full on [0-9-]+, |is not paid in "
      "full )([0-9]+) days after");
  FlagsOnAnyDay<model::SlowPayout>(
      "slow payouts", {[](const bj::object& row) -> std::optional<model::SlowPayout> {
                         if (StrAt(row, "flag") != "slow_payout") return std::nullopt;
                         const std::string detail = StrAt(row, "detail");
                         return model::SlowPayout{
                             detail.substr(0, detail.find(' ')), DaysIn(row, kSlow),
                             detail.find(" was paid in full ") != std::string::npos};
                       },
                       [](const Model& m, const std::string& carrier, const std::string& today) {
                         return m.SlowPayouts(carrier, today);
                       },
                       [](const model::SlowPayout& sp) {
                         return sp.entitlement_id + "/" + std::to_string(sp.days) +
                                (sp.paid_in_full ? "/paid" : "/open");
                       }});
}

TEST_CASE("timeline: brand-output flags on any day are the reference model's",
          "[property][compliance]") {
  static const std::regex kOff(", ([0-9]+) days (before|after) the planned start");
  FlagsOnAnyDay<model::BrandFlag>(
      "brand-output flags",
      {[](const bj::object& row) -> std::optional<model::BrandFlag> {
         const std::string flag = StrAt(row, "flag");
         if (flag == "unfiled_brand_output") return model::BrandFlag{flag, 0};
         if (flag != "brand_output_off_schedule") return std::nullopt;
         return model::BrandFlag{flag, DaysIn(row, kOff)};
       },
       [](const Model& m, const std::string& carrier, const std::string& today) {
         return m.BrandFlags(carrier, today);
       },
       [](const model::BrandFlag& b) { return b.flag + "/" + std::to_string(b.days); }});
}

// The median as the indicators define it (issue 24, §4.2): the middle value, or of an even count
// the mean of the middle two rounded down.
long MedianOf(std::vector<long> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The pay-speed values the model gives a carrier's year: the awards approved, and paid, in full
// in the year, with the median days each took (never below 0); a median over none is absent.
std::map<std::string, long> PaySpeedValues(const std::vector<model::PaySpeed>& speeds, int year) {
  std::vector<long> approval, payment;
  const std::string y = std::to_string(year);
  for (const model::PaySpeed& s : speeds) {
    if (s.approved_in_full_on.starts_with(y)) approval.push_back(std::max(0L, s.approval_days));
    if (s.paid_in_full_on.starts_with(y)) payment.push_back(std::max(0L, s.payment_days));
  }
  std::map<std::string, long> values;
  if (!approval.empty()) {
    values["awards_approved_in_full"] = static_cast<long>(approval.size());
    values["approval_days_median"] = MedianOf(approval);
  }
  if (!payment.empty()) {
    values["awards_paid_in_full"] = static_cast<long>(payment.size());
    values["disbursement_days_median"] = MedianOf(payment);
  }
  return values;
}

TEST_CASE("timeline: each carrier's yearly pay-speed measures are the reference model's",
          "[property][indicators]") {
  CloseStoreAtEnd close;
  Prop("pay speeds", kHistoriesMoney, [] {
    const History history = *GenHistory();
    Session session(history);
    session.Run(/*stop_at_disagreement=*/false);
    const std::string today = *DateIn({{1, 2024}, {2, 2025}, {2, 2026}});
    std::ostringstream problems;
    std::size_t timed = 0;
    for (const auto& value : View(session.fixture().At(std::nullopt, today), "indicators")) {
      const bj::object& row = value.as_object();
      if (!row.at("carrier_id").is_string()) continue;
      const std::string carrier = StrAt(row, "carrier_id");
      if (!session.Mine(carrier)) continue;
      const int year = static_cast<int>(IntAt(row, "year"));
      const std::map<std::string, long> want =
          PaySpeedValues(session.recorded().PaySpeeds(carrier, today), year);
      std::map<std::string, long> have;
      for (const auto& [name, v] : row.at("values").as_object()) {
        if (name.ends_with("_in_full") || name.ends_with("_days_median")) {
          have[std::string(name)] = static_cast<long>(v.as_int64());
        }
      }
      timed += want.size();
      if (want == have) continue;
      auto list = [](const std::map<std::string, long>& values) {
        std::string text;
        for (const auto& [name, v] : values) text += " " + name + "=" + std::to_string(v);
        return text.empty() ? std::string(" none") : text;
      };
      problems << "  " << carrier << " " << year << " on " << today << ": store" << list(have)
               << "; model" << list(want) << "\n";
    }
    RC_TAG(timed > 0 ? "timed" : "nothing paid in full");
    if (!problems.str().empty()) {
      RC_FAIL("pay speeds differ from the model's:\n" + problems.str() + "run:\n" +
              session.trace());
    }
  });
}

// The measures a carrier's yearly indicator row has, of those the model gives (`want`): the row's
// value, or 0 when the row has none.
std::map<std::string, std::int64_t> RowValues(const bj::object& values,
                                              const std::map<std::string, std::int64_t>& want) {
  std::map<std::string, std::int64_t> have;
  for (const auto& [name, v] : want) {
    const bj::value* value = values.if_contains(name);
    have[name] = value != nullptr ? value->to_number<std::int64_t>() : 0;
  }
  return have;
}

// What the model says of a carrier's year: each measure by name.
using YearlyMeasures = std::function<std::map<std::string, std::int64_t>(
    const Model&, const std::string& carrier, int year)>;

// The property: in histories with `finance_weight` and `broker_weight` (GenCommand) — one of them
// heavy, so that its commands are about half of all — each append is decided as the model decides
// it, and every indicator row of the history's carriers (at the full cut) has the `measures` the
// model gives its carrier and year (absent: 0); every year of a registered carrier in which the
// model counts something has a row.
void YearlyMeasuresAreTheModels(const std::string& what, std::size_t finance_weight,
                                std::size_t broker_weight, const YearlyMeasures& measures) {
  CloseStoreAtEnd close;
  Prop(what, kHistoriesMoney, [&] {
    const History history = *GenHistory(finance_weight, broker_weight);
    Session session(history);
    session.Run(/*stop_at_disagreement=*/true);
    if (session.disagreement()) {
      RC_FAIL(*session.disagreement() + "\nrun (! marks the disagreement):\n" + session.trace());
    }
    const Model& m = session.recorded();
    auto list = [](const std::map<std::string, std::int64_t>& values) {
      std::string text;
      for (const auto& [name, v] : values) text += " " + name + "=" + std::to_string(v);
      return text;
    };
    auto nonzero = [](const std::map<std::string, std::int64_t>& values) {
      return std::any_of(values.begin(), values.end(), [](const auto& v) { return v.second != 0; });
    };
    std::ostringstream problems;
    std::map<std::string, std::set<int>> years;  // the store's row years, by carrier
    int today_year = 0;                          // the latest year of any row
    std::size_t counted = 0;                     // rows where the model counts something
    for (const auto& value : View(session.fixture().Now(), "indicators")) {
      const bj::object& row = value.as_object();
      const int year = static_cast<int>(IntAt(row, "year"));
      today_year = std::max(today_year, year);
      if (!row.at("carrier_id").is_string()) continue;
      const std::string carrier = StrAt(row, "carrier_id");
      if (!session.Mine(carrier)) continue;
      years[carrier].insert(year);
      const std::map<std::string, std::int64_t> want = measures(m, carrier, year);
      const std::map<std::string, std::int64_t> have =
          RowValues(row.at("values").as_object(), want);
      if (nonzero(want)) ++counted;
      if (want == have) continue;
      problems << "  " << carrier << " " << year << ":\n";
      for (const auto& [name, v] : want) {
        if (have.at(name) != v) {
          problems << "    " << name << ": store " << have.at(name) << ", model " << v << "\n";
        }
      }
    }
    // Rows run from the registration year to today's.
    for (std::size_t i = 0; i < session.carrier_count(); ++i) {
      const std::string carrier = session.CarrierId(static_cast<int>(i));
      const std::string registered_on = m.RegisteredOn(carrier);
      if (registered_on.empty()) continue;
      for (int year = std::stoi(registered_on.substr(0, 4)); year <= today_year; ++year) {
        const std::map<std::string, std::int64_t> want = measures(m, carrier, year);
        if (years[carrier].count(year) == 0 && nonzero(want)) {
          problems << "  " << carrier << " " << year << ": the store has no row; model"
                   << list(want) << "\n";
        }
      }
    }
    RC_TAG(counted > 0 ? "counted" : "nothing counted");
    if (!problems.str().empty()) {
      RC_FAIL(what + " differ from the model's:\n" + problems.str() + "run:\n" + session.trace());
    }
  });
}

// The finance-link measures of §3.3 (docs/domain.md "Finance links").
TEST_CASE("timeline: each carrier's yearly finance-link measures are the reference model's",
          "[property][indicators]") {
  YearlyMeasuresAreTheModels("finance-link measures", kFinanceWeightHeavy, kBrokerWeight,
                             [](const Model& m, const std::string& carrier, int year) {
                               return m.FinanceMeasures(carrier, year);
                             });
}

// The brokers'-work measures of §2.4 (docs/domain.md "Brokers' work").
TEST_CASE("timeline: each carrier's yearly brokers'-work measures are the reference model's",
          "[property][indicators]") {
  YearlyMeasuresAreTheModels("brokers'-work measures", kFinanceWeight, kBrokerWeightHeavy,
                             [](const Model& m, const std::string& carrier, int year) {
                               return m.BrokerMeasures(carrier, year);
                             });
}

// Where explain's answer for every rule of every carrier of the history differs from the
// model's: an entitlement, or the reasons it was declined (read::Explain, the full cut); "" if
// none.
std::string WhyNotProblem(Session& session) {
  const domain::FactBase& facts = session.fixture().rules->facts();
  const domain::Cut cut = domain::MakeCut(facts, std::nullopt, std::nullopt);
  const Model& m = session.recorded();
  std::ostringstream problems;
  for (std::size_t i = 0; i < session.carrier_count(); ++i) {
    const std::string carrier = session.CarrierId(static_cast<int>(i));
    if (m.KindOf(carrier).empty()) continue;  // its registration retracted: no carrier to explain
    std::set<std::string> derived;
    for (const auto& row : m.Entitlements(carrier)) {
      if (row.derived) derived.insert(row.entitlement_id);
    }
    for (const char* rule : {"R1", "R2", "R3", "R4", "R5", "R6"}) {
      const std::string id = std::string(rule) + ":" + carrier;
      auto x = read::Explain(*session.fixture().ledger, facts, cut, id);
      if (!x.ok()) {
        problems << "  " << id << ": " << x.status().ToString() << "\n";
        continue;
      }
      std::vector<std::string> reasons, expected = m.Declines(carrier, rule, derived.contains(id));
      for (const auto& d : x->declines) reasons.push_back(d.reason);
      if (!x->entitlement && expected.empty()) {
        expected = {m.KindOf(carrier) == KindOfRule(rule) ? "not_triggered" : "kind_not_eligible"};
      }
      const bool has = x->entitlement && x->entitlement->derived;
      if (reasons != expected || has != derived.contains(id)) {
        problems << "  " << id << ": store " << (has ? "has it" : "has it not") << ", declines";
        for (const auto& r : reasons) problems << " " << r;
        problems << "; model " << (derived.contains(id) ? "has it" : "has it not") << ", declines";
        for (const auto& r : expected) problems << " " << r;
        problems << "\n";
      }
    }
  }
  return problems.str();
}

TEST_CASE("timeline: explain says why not as the reference model does", "[property][explain]") {
  CloseStoreAtEnd close;
  Prop("why not", kHistoriesWhyNot, [] {
    const History history = *GenHistory();
    Session session(history);
    session.Run(/*stop_at_disagreement=*/false);
    const std::string problem = WhyNotProblem(session);
    if (!problem.empty()) {
      RC_FAIL("explain differs from the model:\n" + problem + "run:\n" + session.trace());
    }
  });
}

}  // namespace
}  // namespace hatchery::testing
