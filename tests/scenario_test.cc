// The golden scenarios of replay/scenarios/: each recorded event log, appended to a fresh store
// with the policy domain, must produce exactly the projections in its expected/ folder (and, for
// an expected-at-<seq>/ folder, the projections as known after event <seq>).
//
// Regenerate the golden files (then read every change!) with HATCHERY_UPDATE_GOLDEN=1.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hatchery/json.h"
#include "policy_fixture.h"
#include "replay/replay.h"
#include "replay/snapshot.h"

namespace hatchery::testing {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One row per line, so that a golden file's diff shows the rows that changed.
std::string RowsText(const bj::array& rows) {
  std::string text = "[\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    text += bj::serialize(rows[i]) + (i + 1 < rows.size() ? ",\n" : "\n");
  }
  return text + "]\n";
}

// Appends the first `max_lines` lines of `log` (all by default).
// Appends line `number` of a scenario's log (`log` names it in a failure).
void AppendLine(PolicyFixture& f, const std::string& line, const fs::path& log,
                std::size_t number) {
  bj::object envelope = bj::parse(line).as_object();
  Actor actor{"clerk.zhang", "admin"};
  if (auto* a = envelope.if_contains("actor")) actor.id = std::string(a->as_string());
  envelope.erase("actor");
  auto command = ParseAppendCommand(bj::serialize(envelope));
  INFO(log.string() << " line " << number << ": " << command.status().ToString());
  REQUIRE(command.ok());
  auto result = f.ledger->Append(actor, {std::move(command).value()})[0];
  INFO(result.status().ToString());
  REQUIRE(result.ok());
}

std::vector<std::string> Lines(const fs::path& log) {
  std::ifstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void AppendLog(PolicyFixture& f, const fs::path& log) {
  std::vector<std::string> lines = Lines(log);
  for (std::size_t i = 0; i < lines.size(); ++i) AppendLine(f, lines[i], log, i + 1);
}

void CheckViews(const domain::Projection& projection, const fs::path& expected, bool update) {
  if (update) fs::create_directories(expected);
  for (std::string_view view : domain::kViews) {
    fs::path file = expected / (std::string(view) + ".json");
    auto rows = domain::ViewRows(projection, view);
    REQUIRE(rows.ok());
    if (update) {
      std::ofstream(file) << RowsText(*rows);
      continue;
    }
    if (!fs::exists(file)) continue;
    bj::array want = bj::parse(ReadText(file)).as_array();
    INFO(file.string());
    REQUIRE(want.size() == rows->size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      INFO("row " << i);
      // Canonical forms (RFC 8785): member order is not part of a row, and digests use this form.
      CHECK(json::Canonicalize((*rows)[i]) == json::Canonicalize(want[i]));
    }
  }
}

std::vector<fs::path> Scenarios() {
  std::vector<fs::path> scenarios;
  for (const auto& entry : fs::directory_iterator(HATCHERY_SCENARIOS_DIR)) {
    if (entry.is_directory()) scenarios.push_back(entry.path());
  }
  std::sort(scenarios.begin(), scenarios.end());
  return scenarios;
}

std::vector<Hash> Digests(const std::vector<domain::ViewState>& views) {
  std::vector<Hash> digests;
  for (const auto& v : views) digests.push_back(v.digest);
  return digests;
}

TEST_CASE("golden scenarios produce exactly their expected projections", "[scenarios]") {
  bool update = std::getenv("HATCHERY_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> scenarios = Scenarios();
  REQUIRE(scenarios.size() >= 4);
  for (const fs::path& scenario : scenarios) {
    DYNAMIC_SECTION(scenario.filename().string()) {
      PolicyFixture f;
      AppendLog(f, scenario / "events.jsonl");
      CHECK((update || fs::exists(scenario / "expected")));
      CheckViews(f.Now(), scenario / "expected", update);
      for (const auto& entry : fs::directory_iterator(scenario)) {
        std::string name = entry.path().filename().string();
        if (!name.starts_with("expected-at-")) continue;
        std::uint64_t seq = std::stoull(name.substr(std::string("expected-at-").size()));
        CheckViews(f.At(seq), entry.path(), update);
      }
    }
  }
}

TEST_CASE("golden scenarios replayed to every seq give the state of their log up to it",
          "[scenarios][replay]") {
  for (const fs::path& scenario : Scenarios()) {
    DYNAMIC_SECTION(scenario.filename().string()) {
      PolicyFixture whole;
      AppendLog(whole, scenario / "events.jsonl");
      std::uint64_t head = whole.ledger->head().seq;
      // A snapshot halfway, so that the fast path starts from it for the later half.
      std::uint64_t half = head / 2;
      auto folded = replay::Fold(*whole.ledger, half, replay::Path::kFromStart);
      REQUIRE(folded.ok());
      replay::SnapshotHeader header{half, whole.ledger->Get(half)->hash, {}};
      REQUIRE(whole.ledger->PutSnapshot(half, replay::EncodeSnapshot(header, *folded->facts)).ok());
      // Another store, grown one line at a time: at each seq it is the store that only ever
      // recorded the log's first seq - 1 lines (seq 1 is the ruleset).
      PolicyFixture prefix;
      std::vector<std::string> lines = Lines(scenario / "events.jsonl");
      for (std::uint64_t seq = 1; seq <= head; ++seq) {
        if (seq > 1) AppendLine(prefix, lines[seq - 2], scenario / "events.jsonl", seq - 1);
        REQUIRE(prefix.ledger->head().seq == seq);
        std::vector<Hash> expected = Digests(domain::ViewStates(prefix.Now()));
        for (replay::Path path : {replay::Path::kFromStart, replay::Path::kFromSnapshot}) {
          auto result = replay::Replay(*whole.ledger, {seq, std::nullopt, std::nullopt}, path);
          REQUIRE(result.ok());
          INFO("seq " << seq << (path == replay::Path::kFromStart ? " from event 1" : " fast"));
          CHECK(Digests(result->views) == expected);
          CHECK(result->folded.snapshot_seq ==
                (path == replay::Path::kFromSnapshot && seq >= half ? half : 0));
        }
      }
    }
  }
}

}  // namespace
}  // namespace hatchery::testing
