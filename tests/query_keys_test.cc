// A query's keys, filters and search, against the contract of read/filter.h (not its code): the
// keys a view has are the fields its rows hold (with carrier_name, from the answer's
// carrier_names) and its table's headings; an unknown key is refused
// with the list; random filters and searches over a demo's rows keep exactly the rows a naive
// reading of the contract keeps. And the tables people read: names beside ids, counties by name,
// money right-aligned in yuan or 万元.
#include <rapidcheck.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/fold/counties.h"
#include "property.h"
#include "read/cells.h"
#include "read/ops.h"
#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;

const std::vector<std::string> kQueryViews{"carriers",   "entitlements", "payouts", "compliance",
                                           "indicators", "assessment",   "counties"};

bj::array Rows(const Ledger& ledger, const std::string& view, bj::object filter = {},
               const std::string& search = "") {
  bj::object args{{"view", view}, {"filter", std::move(filter)}};
  if (!search.empty()) args["search"] = search;
  auto answer = read::Here(ledger, "query", args);
  INFO(answer.status().ToString());
  REQUIRE(answer.ok());
  // The rows as a table shows them: each carrier's name (carrier_names) beside its id.
  bj::array rows = answer->at("rows").as_array();
  const bj::value* names = answer->if_contains("carrier_names");
  for (bj::value& row : rows) {
    const bj::value* id = row.as_object().if_contains("carrier_id");
    if (!id || !id->is_string() || row.as_object().contains("name")) continue;
    REQUIRE(names != nullptr);
    row.as_object()["carrier_name"] = names->at(id->as_string());
  }
  return rows;
}

// Every path of a scalar in `value` under `prefix` (objects walked, arrays left out).
void ScalarPaths(const bj::value& value, const std::string& prefix, std::set<std::string>* out) {
  if (value.is_array()) return;
  if (!value.is_object()) {
    out->insert(prefix);
    return;
  }
  for (const auto& [name, member] : value.as_object()) {
    ScalarPaths(member, prefix.empty() ? std::string(name) : prefix + "/" + std::string(name), out);
  }
}

// The value at a "/"-joined path in a row, nullptr if none.
const bj::value* Lookup(const bj::object& row, const std::string& path) {
  const bj::object* at = &row;
  const bj::value* v = nullptr;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    if (!at) return nullptr;
    v = at->if_contains(path.substr(start, slash - start));
    if (!v || slash == std::string::npos) return v;
    at = v->if_object();
    start = slash + 1;
  }
}

std::string Text(const bj::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  return bj::serialize(v);
}

TEST_CASE("query: every field of a view's rows is a key, and every column names a field",
          "[query]") {
  Served s({}, 12);
  for (const std::string& view : kQueryViews) {
    INFO(view);
    bj::array rows = Rows(*s.ledger, view);
    REQUIRE_FALSE(rows.empty());
    std::set<std::string> paths;
    for (const bj::value& row : rows) {
      for (const auto& [name, member] : row.as_object()) {
        if (member.is_array()) paths.insert(std::string(name));  // levels is a key; others not
        ScalarPaths(member, std::string(name), &paths);
      }
    }
    std::set<std::string> keyed;
    for (const read::Column& c : read::Keys(view)) keyed.insert(c.path);
    for (const std::string& path : paths) {
      bool structured = path == "timeline" || path == "evaluations" || path == "seqs" ||
                        path == "history" || path == "contributions";
      INFO(path);
      CHECK((structured || keyed.count(path) == 1));
    }
    for (const read::Column& c : read::Columns(view)) {
      INFO(c.key);
      CHECK(paths.count(c.path) == 1);
    }
  }
}

TEST_CASE("query: an empty value finds the rows whose field is null, a carrier id's included",
          "[query]") {
  Served s({}, 12);
  for (const auto& [view, path] :
       {std::pair<std::string, std::string>{"indicators", "carrier_id"}, {"counties", "county"}}) {
    INFO(view);
    bj::array nulls;
    for (const bj::value& row : Rows(*s.ledger, view)) {
      if (Lookup(row.as_object(), path)->is_null()) nulls.push_back(row);
    }
    REQUIRE_FALSE(nulls.empty());  // the class totals, the whole city
    CHECK(Rows(*s.ledger, view, {{path, ""}}) == nulls);
  }
}

TEST_CASE("query: a key the view does not have is refused, naming the keys it has", "[query]") {
  Served s;
  auto answer = read::Here(*s.ledger, "query",
                           {{"view", "indicators"}, {"filter", {{"class", "incubator_general"}}}});
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.status().code() == Code::kBadRequest);
  CHECK_THAT(answer.status().message(), Catch::Contains("filter.class") &&
                                            Catch::Contains("assessment_class") &&
                                            Catch::Contains("values/jobs"));
  auto listed =
      read::Here(*s.ledger, "query", {{"view", "payouts"}, {"filter", {{"amount", "x"}}}});
  CHECK_THAT(listed.status().message(), Catch::Contains("yuan"));
  auto empty =
      read::Here(*s.ledger, "query", {{"view", "payouts"}, {"filter", {{"status", bj::array{}}}}});
  CHECK(empty.status().code() == Code::kBadRequest);
  auto cli = RunHatchery("query indicators --data " + s.dir.Sub("s") + " --filter class=x");
  CHECK(cli.exit_code == 2);
  CHECK_THAT(cli.out, Catch::Contains("assessment_class"));
}

// The contract's reading of a row's value at `path` as a filter value, for the key `c`.
bool Wanted(const bj::object& row, const read::Column& c, const std::vector<std::string>& want) {
  const bj::value* have = Lookup(row, c.path);
  if (!have) return false;
  auto any = [&](const std::string& text) {
    return std::find(want.begin(), want.end(), text) != want.end();
  };
  switch (c.shown) {
    case read::Column::Shown::kMoney:
    case read::Column::Shown::kPoints:  // both as the table shows them, to the hundredth
      return have->is_number() && any(read::Yuan(have->to_number<std::int64_t>()));
    case read::Column::Shown::kCounty:
      return any(Text(*have)) || any(std::string(domain::CountyName(Text(*have))));
    case read::Column::Shown::kLevels:
      for (const bj::value& l : have->as_array()) {
        if (any(Text(l.at("level")))) return true;
      }
      return false;
    default: return any(Text(*have));
  }
}

// A value a filter on key `c` could want, from `row`; "" when the row has none to offer.
std::string Offered(const bj::object& row, const read::Column& c, bool by_name) {
  const bj::value* have = Lookup(row, c.path);
  if (!have) return "";
  switch (c.shown) {
    case read::Column::Shown::kMoney:
    case read::Column::Shown::kPoints:
      return have->is_number() ? read::Yuan(have->to_number<std::int64_t>()) : "";
    case read::Column::Shown::kCounty:
      return by_name ? std::string(domain::CountyName(Text(*have))) : Text(*have);
    case read::Column::Shown::kLevels:
      return have->as_array().empty() ? "" : Text(have->as_array().front().at("level"));
    default: return Text(*have);
  }
}

TEST_CASE("query: random filters and searches keep exactly the rows the contract keeps",
          "[query][property]") {
  Served s({}, 12);
  std::map<std::string, bj::array> all;
  for (const std::string& view : kQueryViews) all[view] = Rows(*s.ledger, view);
  testing::Prop(
      "a filter of one to three keys, each with one or two values, and a search", 300, [&] {
        const std::string view = *rc::gen::elementOf(kQueryViews);
        const bj::array& rows = all.at(view);
        const auto& keys = read::Keys(view);
        bj::object filter;
        std::vector<std::pair<read::Column, std::vector<std::string>>> terms;
        const int n = *rc::gen::inRange(0, 3);
        for (int i = 0; i < n; ++i) {
          const read::Column key = *rc::gen::elementOf(keys);
          if (filter.contains(key.key)) continue;
          std::vector<std::string> values;
          for (int k = *rc::gen::inRange(1, 3); k > 0; --k) {
            const bj::object& row =
                rows.at(*rc::gen::inRange<std::size_t>(0, rows.size())).as_object();
            std::string v = Offered(row, key, *rc::gen::arbitrary<bool>());
            const bool hundredths = key.shown == read::Column::Shown::kMoney ||
                                    key.shown == read::Column::Shown::kPoints;
            if (hundredths && v.empty()) v = "0.00";
            values.push_back(v);
          }
          bj::array json;
          for (const std::string& v : values) json.push_back(bj::string(v));
          filter[key.key] = values.size() == 1 ? bj::value(json.front()) : bj::value(json);
          terms.emplace_back(key, values);
        }
        std::string search;
        if (*rc::gen::arbitrary<bool>()) {
          const bj::object& row =
              rows.at(*rc::gen::inRange<std::size_t>(0, rows.size())).as_object();
          const bj::value* id = row.if_contains("carrier_id");
          if (!id) id = row.if_contains("county");  // a counties row
          std::string text = id && id->is_string() ? std::string(id->as_string()) : "tl-";
          const std::size_t from = *rc::gen::inRange<std::size_t>(0, text.size());
          search = text.substr(from, *rc::gen::inRange<std::size_t>(1, text.size() - from + 1));
          if (*rc::gen::arbitrary<bool>())
            std::transform(search.begin(), search.end(), search.begin(), ::toupper);
        }
        // The contract: every key wants one of its values; a search finds its text, in any case, in
        // an id or a name.
        std::vector<std::string> expected;
        for (const bj::value& row : rows) {
          bool pass = std::all_of(terms.begin(), terms.end(), [&](const auto& term) {
            return Wanted(row.as_object(), term.first, term.second);
          });
          if (pass && !search.empty()) {
            std::string lower = search;
            std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
            pass = false;
            // A county's slug and name are the id and name of a counties row.
            std::vector<const char*> fields{"carrier_id",     "name",      "carrier_name",
                                            "entitlement_id", "payout_id", "voucher_no",
                                            "operator/name"};
            if (view == "counties") fields = {"county", "county_name"};
            for (const char* field : fields) {
              const bj::value* v = Lookup(row.as_object(), field);
              std::string text = v ? Text(*v) : "";
              std::transform(text.begin(), text.end(), text.begin(), ::tolower);
              pass = pass || (v && text.find(lower) != std::string::npos);
            }
          }
          if (pass) expected.push_back(bj::serialize(row));
        }
        std::vector<std::string> got;
        for (const bj::value& row : Rows(*s.ledger, view, filter, search)) {
          got.push_back(bj::serialize(row));
        }
        RC_LOG() << view << " " << bj::serialize(filter) << " search \"" << search << "\"\n";
        RC_ASSERT(got == expected);
      });
}

TEST_CASE("query: tables show names beside ids, counties by name, money right-aligned",
          "[query][cli]") {
  Served s({}, 12);
  const std::string data = " --data " + s.dir.Sub("s");
  auto entitlements = RunHatchery("query entitlements" + data);
  REQUIRE(entitlements.exit_code == 0);
  std::vector<std::string> lines = testing::Lines(entitlements.out);
  REQUIRE(lines.size() > 4);
  // A demo store says so first; then the headings, which are the keys.
  CHECK(lines[0].starts_with("demo store: its recorded times are simulated"));
  lines.erase(lines.begin());
  CHECK(lines[0].rfind("entitlement_id  carrier_name", 0) == 0);
  CHECK_THAT(lines[0], Catch::Contains("amount") && Catch::Contains("clawback_due"));
  CHECK_THAT(entitlements.out, Catch::Contains("孵化器") && Catch::Contains("money in yuan"));
  // Money ends where its heading ends, in terminal cells (a Chinese character takes two).
  auto cells = [](const std::string& text, std::size_t bytes) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
      auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) ++width;
      if (c >= 0xE0) width += 2;  // the three-byte characters here are all wide
    }
    return width;
  };
  const std::size_t end = cells(lines[0], lines[0].find("amount") + std::string("amount").size());
  for (std::size_t i = 2; i + 1 < lines.size(); ++i) {
    INFO(lines[i]);
    std::size_t dot = lines[i].find('.');
    REQUIRE(dot != std::string::npos);
    CHECK(cells(lines[i], dot + 3) == end);
  }
  auto wan = RunHatchery("query entitlements --unit wan" + data);
  CHECK_THAT(wan.out, Catch::Contains("50.00") && Catch::Contains("万元"));
  auto carriers = RunHatchery("query carriers" + data + " --filter county=开鲁县");
  REQUIRE(carriers.exit_code == 0);
  CHECK_THAT(carriers.out, Catch::Contains("开鲁县") && !Catch::Contains("kailu"));
  auto searched = RunHatchery("query payouts" + data + " --search TL-INC");
  REQUIRE(searched.exit_code == 0);
  CHECK_THAT(searched.out, Catch::Contains("tl-inc") && !Catch::Contains("tl-ms"));
}

}  // namespace
}  // namespace hatchery::server
