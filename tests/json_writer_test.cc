#include "hatchery/json_writer.h"

#include <catch2/catch.hpp>

#include "domain/views/projections.h"
#include "hatchery/ledger.h"
#include "replay/replay.h"
#include "test_util.h"

namespace hatchery::domain {
namespace {

// Writes one value with nesting, escapes, nulls and empty containers, keys in canonical order.
template <typename W>
void WriteSample(W& w) {
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Integer(-1);
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.String("x\"y\n通辽");
  w.EndArray();
  w.Key("b");
  w.Null();
  w.Key("c");
  w.BeginObject();
  w.Key("d");
  w.Integer(9007199254740992);
  w.EndObject();
  w.EndObject();
}

TEST_CASE("json writers: the canonical text is the canonical form of the DOM", "[json][writer]") {
  std::string text;
  json::CanonicalWriter canonical(&text);
  WriteSample(canonical);
  json::DomWriter dom;
  WriteSample(dom);
  boost::json::value value = dom.Take();
  CHECK(text == json::Canonicalize(value));
  CHECK(text == R"({"a":[-1,{},[],"x\"y\n通辽"],"b":null,"c":{"d":9007199254740992}})");
  WriteSample(dom);  // a writer starts afresh after Take
  CHECK(dom.Take() == value);
}

TEST_CASE("json writers: every view's digest from its rows' DOM equals the streamed one",
          "[json][writer]") {
  testing::TempDir dir;
  REQUIRE(testing::RunHatchery("demo --carriers 30 --data " + dir.Sub("s")).exit_code == 0);
  LedgerOptions options;
  options.read_only = true;
  auto ledger = Ledger::Open(dir.Sub("s"), options);
  REQUIRE(ledger.ok());
  auto result = replay::Replay(**ledger, {}, replay::Path::kFromStart);
  REQUIRE(result.ok());
  for (const ViewState& state : result->views) {
    INFO(state.view);
    auto rows = ViewRows(result->projection, state.view);
    REQUIRE(rows.ok());
    CHECK(rows->size() == state.rows);
    CHECK(state.rows > 0);
    CHECK(ViewDigest(*rows) == state.digest);
  }
}

}  // namespace
}  // namespace hatchery::domain
