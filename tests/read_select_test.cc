// Who did what: the `read` op selecting events by actor, type and recorded time, page by page,
// against a naive reading of every event; and the command line's `read --actor --type
// --from-time --to-time`, here and over TCP.
#include <rapidcheck.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "property.h"
#include "read/ops.h"
#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;

std::vector<bj::object> AllEvents(const Ledger& ledger) {
  std::vector<bj::object> all;
  for (std::uint64_t from = 1;;) {
    auto page = read::Here(ledger, "read", {{"from_seq", from}, {"limit", 1000}});
    REQUIRE(page.ok());
    for (const bj::value& e : page->at("events").as_array()) all.push_back(e.as_object());
    if (page->at("events").as_array().size() < 1000) return all;
    from = page->at("next_seq").to_number<std::uint64_t>();
  }
}

TEST_CASE("read: a selection by actor, type and time, page by page, is the naive one",
          "[read][property]") {
  Served s({}, 12);
  const std::vector<bj::object> all = AllEvents(*s.ledger);
  testing::Prop("a random selection read in random pages", 200, [&] {
    const bj::object& a = all.at(*rc::gen::inRange<std::size_t>(0, all.size()));
    const bj::object& b = all.at(*rc::gen::inRange<std::size_t>(0, all.size()));
    bj::object select;
    if (*rc::gen::arbitrary<bool>()) select["actor"] = a.at("actor").at("id");
    if (*rc::gen::arbitrary<bool>()) select["type"] = b.at("type");
    if (*rc::gen::arbitrary<bool>()) select["from_time"] = a.at("recorded_at");
    if (*rc::gen::arbitrary<bool>()) select["to_time"] = b.at("recorded_at");
    if (select.empty()) select["actor"] = "nobody";
    std::vector<std::uint64_t> expected;
    for (const bj::object& e : all) {
      auto is = [&](const char* field, const bj::value& v) {
        return !select.contains(field) || select.at(field) == v;
      };
      const std::string at(e.at("recorded_at").as_string());
      bool in_time = (!select.contains("from_time") || at >= select.at("from_time").as_string()) &&
                     (!select.contains("to_time") || at <= select.at("to_time").as_string());
      if (is("actor", e.at("actor").at("id")) && is("type", e.at("type")) && in_time) {
        expected.push_back(e.at("seq").to_number<std::uint64_t>());
      }
    }
    const std::uint64_t limit = *rc::gen::inRange<std::uint64_t>(1, 60);
    std::vector<std::uint64_t> got;
    for (std::uint64_t from = 1, pages = 0;; ++pages) {
      RC_ASSERT(pages < 10'000u);
      bj::object request = select;
      request["from_seq"] = from;
      request["limit"] = limit;
      auto page = read::Here(*s.ledger, "read", request);
      RC_ASSERT(page.ok());
      const bj::array& events = page->at("events").as_array();
      RC_ASSERT(events.size() <= limit);
      for (const bj::value& e : events) got.push_back(e.at("seq").to_number<std::uint64_t>());
      if (!page->at("more").as_bool()) break;
      from = page->at("next_seq").to_number<std::uint64_t>();
    }
    RC_LOG() << bj::serialize(select) << " limit " << limit << "\n";
    RC_ASSERT(got == expected);
  });
}

TEST_CASE("read: --actor, --type and the times on the command line, here and over TCP",
          "[read][cli]") {
  Served s({}, 4);
  const std::string here = " --data " + s.dir.Sub("s");
  const std::string there =
      " --connect 127.0.0.1:" + std::to_string(s.server->port()) + " --token " + s.auditor;
  const std::string select = "read --actor finance.li --type PayoutApproved";
  auto local = RunHatchery(select + here), remote = RunHatchery(select + there);
  REQUIRE(local.exit_code == 0);
  CHECK(remote.out == local.out);
  const auto lines = testing::Lines(local.out);
  REQUIRE_FALSE(lines.empty());
  for (const std::string& line : lines) {
    CHECK_THAT(line, Catch::Contains("\"type\":\"PayoutApproved\"") &&
                         Catch::Contains("\"id\":\"finance.li\""));
  }
  CHECK(RunHatchery("read --from-time yesterday" + here).exit_code == 2);
  CHECK(RunHatchery("read --actor x --stream policy" + here).exit_code == 2);
  CHECK(RunHatchery("read --to-time 2000-01-01T00:00:00Z" + here).out.empty());
}

}  // namespace
}  // namespace hatchery::server
