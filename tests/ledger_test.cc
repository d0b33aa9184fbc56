#include "hatchery/ledger.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "hatchery/time.h"
#include "hatchery/verify.h"
#include "ledger/format.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::AppendOk;
using testing::kAdmin;
using testing::MakeCommand;
using testing::NewLedger;
using testing::TempDir;

TEST_CASE("appends get gapless seqs, stream versions, rising times and a hash chain", "[ledger]") {
  TempDir dir;
  auto ledger = NewLedger(dir);
  std::vector<AppendCommand> commands;
  for (int i = 0; i < 10; ++i) {
    commands.push_back(MakeCommand("c-" + std::to_string(i),
                                   i % 2 == 0 ? "carrier/tl-inc-001" : "carrier/tl-mk-002"));
  }
  auto results = ledger->Append(kAdmin, std::move(commands));
  REQUIRE(results.size() == 10);
  Hash prev{};
  std::int64_t last_time = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    REQUIRE(results[i].ok());
    CHECK(results[i]->seq == i + 1);
    CHECK(results[i]->stream_version == i / 2 + 1);
    CHECK_FALSE(results[i]->duplicate);
    auto event = ledger->Get(results[i]->seq);
    REQUIRE(event.ok());
    CHECK(event->prev_hash == prev);
    CHECK(event->hash == results[i]->hash);
    CHECK(ComputeEventHash(*event) == event->hash);
    CHECK(event->actor.id == kAdmin.id);
    CHECK(event->event_id == results[i]->event_id);
    CHECK(event->event_id[14] == '7');  // UUIDv7
    std::int64_t t = *ParseTimestamp(event->recorded_at);
    CHECK(t > last_time);
    last_time = t;
    prev = event->hash;
  }
  CHECK(ledger->head().seq == 10);
  CHECK(ledger->head().hash == prev);
}

TEST_CASE("expected_version is optimistic concurrency", "[ledger]") {
  TempDir dir;
  auto ledger = NewLedger(dir);
  auto first = MakeCommand("c-1");
  first.expected_version = 0;
  AppendOk(*ledger, first);
  auto stale = MakeCommand("c-2");
  stale.expected_version = 0;
  auto results = ledger->Append(kAdmin, {stale});
  REQUIRE_FALSE(results[0].ok());
  CHECK(results[0].status().code() == Code::kVersionConflict);
  CHECK(results[0].status().details().at("current_version") == 1);
  CHECK(ledger->head().seq == 1);
  stale.expected_version = 1;
  CHECK(AppendOk(*ledger, stale).stream_version == 2);
  auto fresh_stream = MakeCommand("c-3", "carrier/tl-new");
  fresh_stream.expected_version = 0;
  CHECK(AppendOk(*ledger, fresh_stream).stream_version == 1);
}

TEST_CASE("command_id is an idempotency key", "[ledger]") {
  TempDir dir;
  auto ledger = NewLedger(dir);
  AppendResult first = AppendOk(*ledger, MakeCommand("c-1"));
  SECTION("the same content returns the first result, marked duplicate") {
    AppendResult again = AppendOk(*ledger, MakeCommand("c-1"));
    CHECK(again.duplicate);
    CHECK(again.seq == first.seq);
    CHECK(again.hash == first.hash);
    CHECK(again.recorded_at == first.recorded_at);
    CHECK(ledger->head().seq == 1);
  }
  SECTION("a retry with its original expected_version is still a duplicate, not a conflict") {
    auto command = MakeCommand("c-2");
    command.expected_version = 1;
    AppendOk(*ledger, command);
    CHECK(AppendOk(*ledger, command).duplicate);
  }
  SECTION("other content is an idempotency conflict") {
    auto other = MakeCommand("c-1");
    other.effective_date = "2024-05-02";
    auto results = ledger->Append(kAdmin, {other});
    REQUIRE_FALSE(results[0].ok());
    CHECK(results[0].status().code() == Code::kIdempotencyConflict);
    CHECK(ledger->head().seq == 1);
  }
  SECTION("another actor sending the same command is other content") {
    auto results = ledger->Append(Actor{"clerk.li", "admin"}, {MakeCommand("c-1")});
    CHECK(results[0].status().code() == Code::kIdempotencyConflict);
  }
  SECTION("duplicates inside one batch") {
    auto results = ledger->Append(kAdmin, {MakeCommand("c-9"), MakeCommand("c-9")});
    REQUIRE(results[0].ok());
    REQUIRE(results[1].ok());
    CHECK(results[1]->duplicate);
    CHECK(results[1]->seq == results[0]->seq);
    CHECK(ledger->head().seq == 2);
  }
}

TEST_CASE("a batch answers per command, and all-or-nothing records none on any failure",
          "[ledger]") {
  TempDir dir;
  auto ledger = NewLedger(dir);
  auto bad_version = MakeCommand("c-2");
  bad_version.expected_version = 5;
  auto bad_field = MakeCommand("c-3");
  bad_field.effective_date = "2024-13-01";

  SECTION("each") {
    auto results =
        ledger->Append(kAdmin, {MakeCommand("c-1"), bad_version, bad_field, MakeCommand("c-4")});
    CHECK(results[0].ok());
    CHECK(results[1].status().code() == Code::kVersionConflict);
    CHECK(results[2].status().code() == Code::kBadRequest);
    REQUIRE(results[3].ok());
    CHECK(results[3]->seq == 2);
  }
  SECTION("all or nothing, rejected by the writer") {
    auto results = ledger->Append(kAdmin, {MakeCommand("c-1"), bad_version, MakeCommand("c-4")},
                                  AppendMode::kAllOrNothing);
    CHECK(results[0].status().code() == Code::kAborted);
    CHECK(results[1].status().code() == Code::kVersionConflict);
    CHECK(results[2].status().code() == Code::kAborted);
    CHECK(ledger->head().seq == 0);
    // The rolled-back commands left nothing behind: the same ids append normally afterwards.
    CHECK(AppendOk(*ledger, MakeCommand("c-1")).seq == 1);
    CHECK(AppendOk(*ledger, MakeCommand("c-4")).stream_version == 2);
  }
  SECTION("all or nothing, rejected by validation") {
    auto results =
        ledger->Append(kAdmin, {MakeCommand("c-1"), bad_field}, AppendMode::kAllOrNothing);
    CHECK(results[0].status().code() == Code::kAborted);
    CHECK(results[1].status().code() == Code::kBadRequest);
    CHECK(ledger->head().seq == 0);
  }
}

namespace {

// EventRules that keep the applied seqs as their live state: "Forbidden" commands are refused, and
// a "Limited" command is refused once two events are live (staged ones included).
class RecordingRules : public EventRules {
 public:
  StatusOr<std::int64_t> Validate(const AppendCommand& c) const override {
    if (c.type == "Unknown") return Status(Code::kUnknownType, "unknown");
    return 7;
  }
  Status Check(const AppendCommand& c, const Actor&, std::string_view) const override {
    if (c.type == "Forbidden") return Status(Code::kRuleViolation, "not allowed");
    if (c.type == "Limited" && live.size() >= 2) return Status(Code::kRuleViolation, "full");
    return Status::Ok();
  }
  void Apply(const Event& e) override {
    CHECK(e.data.contains("carrier_id"));  // the data travels with the event
    live.push_back(e.seq);
  }
  void Withdraw(std::uint64_t last_kept) override {
    while (!live.empty() && live.back() > last_kept) live.pop_back();
  }
  void Commit(std::uint64_t seq) override { committed = seq; }

  std::vector<std::uint64_t> live;
  std::uint64_t committed = 0;
};

}  // namespace

TEST_CASE("event rules validate and check against the live state that follows the ledger",
          "[ledger]") {
  TempDir dir;
  auto rules = std::make_shared<RecordingRules>();
  auto ledger = NewLedger(dir, LedgerOptions{rules});

  SECTION("validation and check rejections record nothing; schema_version comes from Validate") {
    auto results =
        ledger->Append(kAdmin, {MakeCommand("c-1", "policy", "Forbidden"),
                                MakeCommand("c-2", "policy", "Unknown"), MakeCommand("c-3")});
    CHECK(results[0].status().code() == Code::kRuleViolation);
    CHECK(results[1].status().code() == Code::kUnknownType);
    REQUIRE(results[2].ok());
    CHECK(results[2]->seq == 1);
    CHECK(ledger->GetByCommandId("c-1").status().code() == Code::kNotFound);
    CHECK(ledger->Get(1)->schema_version == 7);
    CHECK(rules->live == std::vector<std::uint64_t>{1});
    CHECK(rules->committed == 1);
  }
  SECTION("a command sees the events staged before it in the same batch") {
    auto results = ledger->Append(kAdmin, {MakeCommand("c-1"), MakeCommand("c-2"),
                                           MakeCommand("c-3", "carrier/a", "Limited")});
    CHECK(results[1].ok());
    CHECK(results[2].status().code() == Code::kRuleViolation);
  }
  SECTION("an all-or-nothing failure withdraws what it staged") {
    AppendOk(*ledger, MakeCommand("c-0"));
    auto results =
        ledger->Append(kAdmin, {MakeCommand("c-1"), MakeCommand("c-2", "policy", "Forbidden")},
                       AppendMode::kAllOrNothing);
    CHECK(results[0].status().code() == Code::kAborted);
    CHECK(rules->live == std::vector<std::uint64_t>{1});
    CHECK(AppendOk(*ledger, MakeCommand("c-3")).seq == 2);
    CHECK(rules->live == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("reopening applies every stored event before the first append") {
    AppendOk(*ledger, MakeCommand("c-1"));
    AppendOk(*ledger, MakeCommand("c-2"));
    ledger.reset();
    auto reopened_rules = std::make_shared<RecordingRules>();
    auto reopened = OpenLedger(dir, LedgerOptions{reopened_rules});
    CHECK(reopened_rules->live == std::vector<std::uint64_t>{1, 2});
    CHECK(reopened_rules->committed == 2);
    auto results = reopened->Append(kAdmin, {MakeCommand("c-3", "carrier/a", "Limited")});
    CHECK(results[0].status().code() == Code::kRuleViolation);
  }
}

TEST_CASE("a clean close flushes the log into tables, so the next open replays nothing",
          "[ledger]") {
  TempDir dir;
  auto ledger = NewLedger(dir);
  for (int i = 0; i < 50; ++i) AppendOk(*ledger, MakeCommand("c-" + std::to_string(i)));
  auto tables = [&] {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.Sub("store"))) {
      n += entry.path().extension() == ".sst" ? 1 : 0;
    }
    return n;
  };
  int before = tables();  // the events are only in the write-ahead log so far
  ledger.reset();
  CHECK(tables() > before);
  CHECK(OpenLedger(dir)->head().seq == 50);
}

TEST_CASE("ForEach visits a seq range in order and stops at the visitor's error", "[ledger]") {
  TempDir dir;
  auto ledger = NewLedger(dir);
  for (int i = 1; i <= 9; ++i) AppendOk(*ledger, MakeCommand("c-" + std::to_string(i)));
  std::vector<std::uint64_t> seen;
  auto record = [&](const Event& e) {
    seen.push_back(e.seq);
    return Status::Ok();
  };
  REQUIRE(ledger->ForEach(3, 6, record).ok());
  CHECK(seen == std::vector<std::uint64_t>{3, 4, 5, 6});
  seen.clear();
  REQUIRE(ledger->ForEach(8, UINT64_MAX, record).ok());
  CHECK(seen == std::vector<std::uint64_t>{8, 9});
  seen.clear();
  auto stopped = ledger->ForEach(1, 9, [&](const Event& e) {
    seen.push_back(e.seq);
    return e.seq == 2 ? Status(Code::kCorruption, "stop") : Status::Ok();
  });
  CHECK(stopped.code() == Code::kCorruption);
  CHECK(seen == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("oversized data is refused", "[ledger]") {
  TempDir dir;
  auto ledger = NewLedger(dir);
  auto big = MakeCommand("c-1");
  big.data["blob"] = std::string(kMaxDataBytes, 'x');
  auto results = ledger->Append(kAdmin, {big});
  CHECK(results[0].status().code() == Code::kBadRequest);
  CHECK(results[0].status().details().at("field") == "data");
}

TEST_CASE("reads by range, by stream and by command id", "[ledger]") {
  TempDir dir;
  auto ledger = NewLedger(dir);
  for (int i = 1; i <= 7; ++i) {
    AppendOk(*ledger, MakeCommand("c-" + std::to_string(i), i <= 3 ? "carrier/a" : "carrier/b"));
  }
  auto range = ledger->Read(3, 3);
  REQUIRE(range.ok());
  REQUIRE(range->size() == 3);
  CHECK(range->front().seq == 3);
  CHECK(range->back().seq == 5);
  CHECK(ledger->Read(8, 10)->empty());
  auto stream = ledger->ReadStream("carrier/b", 2, 100);
  REQUIRE(stream.ok());
  REQUIRE(stream->size() == 3);
  CHECK(stream->front().seq == 5);
  CHECK(stream->front().stream_version == 2);
  CHECK(ledger->ReadStream("carrier/a", 1, 100)->size() == 3);
  CHECK(ledger->ReadStream("carrier/ab", 1, 100)->empty());
  CHECK(ledger->GetByCommandId("c-6")->seq == 6);
  CHECK(ledger->Get(99).status().code() == Code::kNotFound);
}

TEST_CASE("reopening rebuilds the head and the chain continues", "[ledger]") {
  TempDir dir;
  Hash head_hash{};
  {
    auto ledger = NewLedger(dir);
    for (int i = 1; i <= 5; ++i) AppendOk(*ledger, MakeCommand("c-" + std::to_string(i)));
    head_hash = ledger->head().hash;
  }
  auto ledger = Ledger::Open(dir.Sub("store"));
  REQUIRE(ledger.ok());
  CHECK((*ledger)->head().seq == 5);
  CHECK((*ledger)->head().hash == head_hash);
  AppendResult next = AppendOk(**ledger, MakeCommand("c-6"));
  CHECK(next.seq == 6);
  CHECK(next.stream_version == 6);
  CHECK((*ledger)->Get(6)->prev_hash == head_hash);
  CHECK(AppendOk(**ledger, MakeCommand("c-1")).duplicate);  // the command index survived too
}

TEST_CASE("store directories: create, refuse, lock", "[ledger]") {
  TempDir dir;
  SECTION("open without a store says how to create one") {
    auto ledger = Ledger::Open(dir.Sub("none"));
    CHECK(ledger.status().code() == Code::kNotFound);
    CHECK_THAT(ledger.status().message(), Catch::Contains("hatchery init"));
  }
  SECTION("init refuses an existing store and a non-empty directory") {
    REQUIRE(Ledger::Create(dir.Sub("s")).ok());
    CHECK(Ledger::Create(dir.Sub("s")).code() == Code::kAlreadyExists);
    std::filesystem::create_directories(dir.Sub("other"));
    std::ofstream(dir.Sub("other/file.txt")) << "precious";
    CHECK(Ledger::Create(dir.Sub("other")).code() == Code::kAlreadyExists);
    CHECK(std::filesystem::exists(dir.Sub("other/file.txt")));
  }
  SECTION("a RocksDB database that is not a Hatchery store is refused") {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir.Sub("plain"), &db).ok());
    delete db;
    auto ledger = Ledger::Open(dir.Sub("plain"));
    CHECK(ledger.status().code() == Code::kBadRequest);
    CHECK_THAT(ledger.status().message(), Catch::Contains("not a Hatchery store"));
  }
  SECTION("a store of an unknown format version is refused, naming both versions") {
    REQUIRE(Ledger::Create(dir.Sub("s")).ok());
    {
      testing::RawStore raw(dir.Sub("s"));
      raw.Put("meta", "format_version", "99");
    }
    auto ledger = Ledger::Open(dir.Sub("s"));
    CHECK(ledger.status().code() == Code::kBadRequest);
    CHECK_THAT(ledger.status().message(),
               Catch::Contains("format version 99") &&
                   Catch::Contains("reads format version " + std::string(ledger::kFormatVersion)));
  }
  SECTION("a store in use is refused to a second writer, without damage") {
    REQUIRE(Ledger::Create(dir.Sub("s")).ok());
    auto first = Ledger::Open(dir.Sub("s"));
    REQUIRE(first.ok());
    AppendOk(**first, MakeCommand("c-1"));
    auto second = Ledger::Open(dir.Sub("s"));
    CHECK(second.status().code() == Code::kUnavailable);
    CHECK_THAT(second.status().message(), Catch::Contains("in use"));
    AppendOk(**first, MakeCommand("c-2"));
    auto report = VerifyStore(dir.Sub("s"));  // read-only: works beside the writer
    REQUIRE(report.ok());
    CHECK(report->ok());
    CHECK(report->events_checked == 2);
  }
}

}  // namespace
}  // namespace hatchery

namespace hatchery {
namespace {

TEST_CASE("a read-only ledger reads beside the writer and refuses appends", "[ledger]") {
  testing::TempDir dir;
  REQUIRE(Ledger::Create(dir.Sub("s")).ok());
  auto writer = std::move(Ledger::Open(dir.Sub("s"))).value();
  testing::AppendOk(*writer, testing::MakeCommand("c-1"));
  LedgerOptions options;
  options.read_only = true;
  auto reader = Ledger::Open(dir.Sub("s"), options);
  INFO(reader.status().ToString());
  REQUIRE(reader.ok());
  CHECK((*reader)->read_only());
  CHECK((*reader)->head().seq == 1);
  CHECK((*reader)->Get(1)->command_id == "c-1");
  auto refused = (*reader)->Append(testing::kAdmin, {testing::MakeCommand("c-2")});
  CHECK(refused[0].status().code() == Code::kUnavailable);
  CHECK(writer->head().seq == 1);
}

}  // namespace
}  // namespace hatchery

namespace hatchery {
namespace {

TEST_CASE("an invalid actor is refused for every command, and nothing is recorded", "[ledger]") {
  testing::TempDir dir;
  auto ledger = testing::NewLedger(dir);
  auto results = ledger->Append(Actor{"Not A Slug", "admin"},
                                {testing::MakeCommand("c-1"), testing::MakeCommand("c-2")});
  REQUIRE(results.size() == 2);
  for (const auto& r : results) {
    CHECK(r.status().code() == Code::kBadRequest);
    CHECK(r.status().details().at("field") == "actor.id");
  }
  CHECK(ledger->head().seq == 0);
}

}  // namespace
}  // namespace hatchery
