// A stored record's fact is decoded on two paths: from a record read in place (ScanStoredEvent,
// the data a json::TapeObject — what replays, folds and the projector use) and from a parsed event
// (ParseEvent, the data a Boost.JSON object — the reference). Whatever a record's data holds, both
// must give the same verdict: the same fact, or the same error.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>

#include "demo/history.h"
#include "domain/fold/fact_base.h"
#include "hatchery/event.h"
#include "hatchery/json.h"
#include "hatchery/json_tape.h"

namespace hatchery::testing {
namespace {

namespace bj = boost::json;

// Values of every JSON kind (one of them of another kind than any member it replaces), and two
// dates, one of them no real day.
std::vector<bj::value> Replacements() {
  return {bj::value("x"),          bj::value(""),          bj::value(7),
          bj::value(-1),           bj::value(0),           bj::value(true),
          bj::value(nullptr),      bj::object{},           bj::array{bj::value(1)},
          bj::value("2024-02-30"), bj::value("2024-01-05")};
}

// `data` changed in one place each: every member dropped or given each replacement, the same one
// level down in member objects, and an unknown member added.
std::vector<bj::object> Mutations(const bj::object& data) {
  std::vector<bj::object> out;
  for (const auto& member : data) {
    bj::object dropped = data;
    dropped.erase(member.key());
    out.push_back(std::move(dropped));
    for (const bj::value& v : Replacements()) {
      bj::object changed = data;
      changed[member.key()] = v;
      out.push_back(std::move(changed));
    }
    if (member.value().is_object()) {
      for (bj::object& inner : Mutations(member.value().as_object())) {
        bj::object changed = data;
        changed[member.key()] = std::move(inner);
        out.push_back(std::move(changed));
      }
    }
  }
  bj::object extra = data;
  extra["zz_unknown"] = 1;
  out.push_back(std::move(extra));
  return out;
}

// The verdict of one path: the fact base holding the fact alone (its saved bytes), or the error.
std::string Verdict(StatusOr<domain::FoldItem> item) {
  if (!item.ok()) return "error: " + item.status().message();
  domain::FactBase base;
  Status added = base.Add(std::move(item).value());
  return added.ok() ? "fact: " + base.Save() : "not added: " + added.message();
}

TEST_CASE("a record's fact decodes the same read in place and parsed, whatever its data",
          "[facts]") {
  // One event of each type from the demo history, the policy's ruleset aside (read through a DOM
  // on both paths).
  std::map<std::string, Event> one_of_each;
  for (Event& e : demo::AsEvents(demo::GenerateHistory({.carriers = 24}))) {
    if (e.type == "PolicyRulesetActivated") continue;
    // What the ledger sets (the demo's events carry only what their commands said).
    e.event_id = "01a2206e-0e13-7000-8000-000000000001";
    e.recorded_at = "2026-11-18T00:00:00.000000Z";
    e.stream_version = 1;
    one_of_each.try_emplace(e.type, std::move(e));
  }
  REQUIRE(one_of_each.size() >= 12);
  domain::FactBase decoder;
  json::Tape tape;
  std::size_t facts = 0, errors = 0;
  for (const auto& [type, original] : one_of_each) {
    for (bj::object& data : Mutations(original.data)) {
      Event e = original;
      e.data = std::move(data);
      std::string record = CanonicalForm(e, true);
      auto parsed = ParseEvent(record);
      auto scanned = ScanStoredEvent(record, &tape);
      INFO(record);
      REQUIRE(parsed.ok());
      REQUIRE(scanned.ok());
      std::string by_parse = Verdict(decoder.Prepare(*parsed));
      std::string in_place = Verdict(decoder.Prepare(*scanned));
      CHECK(in_place == by_parse);
      (by_parse.starts_with("fact: ") ? facts : errors)++;
    }
  }
  // Both outcomes met, many times: the comparison above is not vacuous.
  CHECK(facts > 100);
  CHECK(errors > 100);
}

}  // namespace
}  // namespace hatchery::testing
