// `due` and `history` on a real demo store: the due-lists are what the entitlements, payouts and
// compliance views say is due, at any point (a property over random points, the lists rebuilt
// from the views' rows by the contract's definitions, not by read/due.cc); a carrier's history is
// its stream, in effective order, with the money it moved; both answer the same here and over the
// wire, and name the nearest carrier for an unknown one.
#include <rapidcheck.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>

#include "hatchery/ledger.h"
#include "hatchery/time.h"
#include "property.h"
#include "read/ops.h"
#include "test_util.h"

namespace hatchery {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;
using testing::TempDir;

// A demo store of 40 carriers, made once.
struct DemoStore {
  TempDir dir;
  std::string data = dir.Sub("s");
  std::unique_ptr<Ledger> ledger;
  DemoStore() {
    REQUIRE(RunHatchery("demo --carriers 40 --data " + data).exit_code == 0);
    ledger = std::move(Ledger::Open(data, LedgerOptions{nullptr, true})).value();
  }
};
const DemoStore& Demo() {
  static const DemoStore demo;
  return demo;
}

bj::object Ask(std::string_view op, bj::object args) {
  auto answer = read::Here(*Demo().ledger, op, args);
  INFO(answer.status().ToString());
  REQUIRE(answer.ok());
  return std::move(answer).value();
}

std::int64_t Int(const bj::object& o, std::string_view key) {
  return o.at(key).to_number<std::int64_t>();
}
std::string Str(const bj::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

std::int64_t Days(const std::string& from, const std::string& to) {
  return (*ParseTimestamp(to + "T00:00:00.000000Z") - *ParseTimestamp(from + "T00:00:00.000000Z")) /
         86'400'000'000;
}

// The due-lists as the contract defines them, from the views' rows: (list, id) → (since, money).
std::map<std::pair<std::string, std::string>, std::pair<std::string, std::int64_t>> Expected(
    const bj::object& point) {
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::int64_t>> out;
  auto rows = [&](const char* view) {
    bj::object args = point;
    args["view"] = view;
    return Ask("query", args).at("rows").as_array();
  };
  std::map<std::string, std::int64_t> unpaid;  // approved, not yet disbursed, by entitlement
  for (const bj::value& v : rows("payouts")) {
    if (Str(v.as_object(), "status") == "approved") {
      unpaid[Str(v.as_object(), "entitlement_id")] += Int(v.as_object(), "amount_fen");
    }
  }
  for (const bj::value& v : rows("entitlements")) {
    const bj::object& e = v.as_object();
    const std::string id = Str(e, "entitlement_id"), status = Str(e, "status");
    auto last_as = [&](const std::string& s) {  // the date it last became `s`
      std::string since = Str(e, "triggered_on");
      for (const bj::value& h : e.at("history").as_array()) {
        if (Str(h.as_object(), "status") == s) since = Str(h.as_object(), "date");
      }
      return since;
    };
    const std::int64_t due = Int(e, "outstanding_fen") + unpaid[id];
    if (status == "active" && due > 0) out[{"payments", id}] = {last_as("active"), due};
    if (Int(e, "clawback_due_fen") > 0) {
      const bj::array& history = e.at("history").as_array();
      std::string since =
          history.empty() ? Str(e, "triggered_on") : Str(history.back().as_object(), "date");
      out[{"clawbacks", id}] = {since, Int(e, "clawback_due_fen")};
    }
    if (status == "pending") out[{"awaiting_evaluation", id}] = {last_as("pending"), 0};
  }
  for (const bj::value& v : rows("compliance")) {
    const bj::object& f = v.as_object();
    if (Str(f, "flag") != "missing_annual_report") continue;
    std::string year = std::to_string(Int(f, "year"));
    out[{"reports_overdue", Str(f, "carrier_id") + "/" + year}] = {
        std::to_string(Int(f, "year") + 1) + "-03-31", 0};
  }
  return out;
}

TEST_CASE("due: the lists are what the views say is due — at any point", "[due][property]") {
  const std::uint64_t head = Demo().ledger->head().seq;
  testing::Prop("due lists from the views", 40, [head] {
    const auto seq = *rc::gen::inRange<std::uint64_t>(1, head + 1);
    const auto cut_date = *rc::gen::maybe(rc::gen::element<std::string>(
        "2023-12-31", "2024-06-30", "2025-04-01", "2025-12-31", "2026-06-30"));
    bj::object point{{"as_of", {{"seq", seq}}}};
    if (cut_date) point["effective_on"] = *cut_date;
    const bj::object due = Ask("due", point);
    const std::string today = Str(due, "today");
    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::int64_t>> got;
    std::map<std::string, std::int64_t> county_money;
    for (const char* list : {"payments", "clawbacks", "awaiting_evaluation", "reports_overdue"}) {
      for (const bj::value& v : due.at(list).as_array()) {
        const bj::object& r = v.as_object();
        const bool report = std::string_view(list) == "reports_overdue";
        const std::string id = report ? Str(r, "carrier_id") + "/" + std::to_string(Int(r, "year"))
                                      : Str(r, "entitlement_id");
        const std::string since = report ? Str(r, "deadline") : Str(r, "since");
        std::int64_t money = std::string_view(list) == "payments"    ? Int(r, "due_fen")
                             : std::string_view(list) == "clawbacks" ? Int(r, "clawback_due_fen")
                                                                     : 0;
        RC_ASSERT(Int(r, report ? "days_overdue" : "age_days") == Days(since, today));
        RC_ASSERT(got.emplace(std::pair(list, id), std::pair(since, money)).second);
        if (money > 0) county_money[std::string(list) + "/" + Str(r, "county")] += money;
      }
    }
    RC_ASSERT(got == Expected(point));
    for (const auto& [county, totals] : due.at("by_county").as_object()) {
      const bj::object& t = totals.as_object();
      RC_ASSERT(Int(t, "payments_due_fen") == county_money["payments/" + std::string(county)]);
      RC_ASSERT(Int(t, "clawbacks_due_fen") == county_money["clawbacks/" + std::string(county)]);
    }
  });
}

TEST_CASE("due: with a limit, the first rows of each list, and every row counted", "[due]") {
  const bj::object whole = Ask("due", {});
  for (std::uint64_t limit : {0, 1, 3}) {
    const bj::object cut = Ask("due", {{"limit", limit}});
    for (std::string_view list :
         {"payments", "clawbacks", "awaiting_evaluation", "reports_overdue"}) {
      const bj::array& all = whole.at(list).as_array();
      const bj::array& some = cut.at(list).as_array();
      CHECK(some.size() == std::min<std::size_t>(limit, all.size()));
      for (std::size_t i = 0; i < some.size(); ++i) CHECK(some[i] == all[i]);
      CHECK(cut.at("listed").at(list).to_number<std::size_t>() == all.size());
    }
    CHECK(cut.at("by_county") == whole.at("by_county"));
  }
  CHECK(!whole.contains("listed"));
  CHECK(read::Here(*Demo().ledger, "due", bj::object{{"limit", -1}}).status().code() ==
        Code::kBadRequest);
}

TEST_CASE("diff: with a limit, the first changed rows of each view, and every one counted",
          "[diff]") {
  const std::uint64_t head = Demo().ledger->head().seq;
  bj::object points{{"from", {{"as_of", {{"seq", head / 3}}}}}, {"to", bj::object{}}};
  const bj::object whole = Ask("diff", points);
  points["limit"] = 2;
  const bj::object cut = Ask("diff", points);
  std::size_t changed = 0;
  for (const auto& [view, rows] : whole.at("views").as_object()) {
    const bj::array& some = cut.at("views").at(view).as_array();
    CHECK(some.size() == std::min<std::size_t>(2, rows.as_array().size()));
    for (std::size_t i = 0; i < some.size(); ++i) CHECK(some[i] == rows.as_array()[i]);
    CHECK(cut.at("rows_changed").at(view).to_number<std::size_t>() == rows.as_array().size());
    changed += rows.as_array().size();
  }
  CHECK(changed > 10);  // the limit cut something
  CHECK(cut.at("events") == whole.at("events"));
  CHECK(!whole.contains("rows_changed"));
}

TEST_CASE("history: a carrier's stream in effective order with the money each act moved",
          "[history]") {
  const bj::object voided =
      Ask("query", {{"view", "entitlements"}, {"filter", {{"status", "voided"}}}});
  const bj::object& award = voided.at("rows").at(0).as_object();
  const std::string carrier = Str(award, "carrier_id");
  const bj::object h = Ask("history", {{"carrier_id", carrier}});
  const bj::array& events = h.at("events").as_array();
  auto stream = Demo().ledger->ReadStream("carrier/" + carrier, 1, 10'000);
  REQUIRE(stream.ok());
  REQUIRE(events.size() == stream->size());
  std::string last_date;
  std::int64_t approved = 0, disbursed = 0, recovered = 0;
  bool voiding = false;
  for (const bj::value& v : events) {
    const bj::object& e = v.as_object();
    CHECK(Str(e, "effective_date") >= last_date);
    last_date = Str(e, "effective_date");
    const bj::object& money = e.at("money").as_object();
    if (money.contains("approved_fen")) approved += Int(money, "approved_fen");
    if (money.contains("disbursed_fen")) disbursed += Int(money, "disbursed_fen");
    if (money.contains("recovered_fen")) recovered += Int(money, "recovered_fen");
    for (const bj::value& a : e.at("awards").as_array()) {
      voiding |= Str(a.as_object(), "status") == "voided";
    }
  }
  std::int64_t want_approved = 0, want_disbursed = 0, want_recovered = 0;
  for (const bj::value& v : h.at("entitlements").as_array()) {
    want_approved += Int(v.as_object(), "approved_fen");
    want_disbursed += Int(v.as_object(), "disbursed_fen");
    want_recovered += Int(v.as_object(), "recovered_fen");
  }
  CHECK(approved == want_approved);
  CHECK(disbursed == want_disbursed);
  CHECK(recovered == want_recovered);
  CHECK(voiding);  // the act that voided the award says so
  auto unknown = read::Here(*Demo().ledger, "history", bj::object{{"carrier_id", carrier + "x"}});
  CHECK(unknown.status().code() == Code::kNotFound);
  CHECK_THAT(unknown.status().message(), Catch::Contains("the nearest is " + carrier));
}

TEST_CASE("due and history on the command line: tables — CSV — JSON — one county",
          "[due][history][cli]") {
  const std::string data = " --data " + Demo().data;
  auto tables = RunHatchery("due" + data);
  REQUIRE(tables.exit_code == 0);
  CHECK_THAT(tables.out, Catch::Contains("Payments outstanding 待拨付") &&
                             Catch::Contains("Claw-backs due 待追回") &&
                             Catch::Contains("By county 按旗县区"));
  auto csv = RunHatchery("due --format csv" + data);
  REQUIRE(csv.exit_code == 0);
  CHECK(
      csv.out.starts_with("\xEF\xBB\xBF"
                          "list,"));
  CHECK_THAT(csv.out, Catch::Contains("clawback_due_yuan"));
  auto kailu = RunHatchery("due --county 开鲁县 --format csv" + data);
  for (const std::string& line : testing::Lines(kailu.out)) {
    if (line.find(",") != std::string::npos && !line.starts_with("\xEF\xBB\xBF")) {
      CHECK_THAT(line, Catch::Contains("kailu"));
    }
  }
  auto history = RunHatchery("history tl-inc-003" + data);
  REQUIRE(history.exit_code == 0);
  CHECK_THAT(history.out, Catch::Contains("tl-inc-003") && Catch::Contains("recorded") &&
                              Catch::Contains("Entitlements:"));
  CHECK(RunHatchery("history tl-inc-0003" + data).exit_code == 2);
}

}  // namespace
}  // namespace hatchery
