// The auditors' operations against a real server: `verify` of the store over the wire (whole and
// up to a seq), checkpoints signed by the server on demand (admins only), on its timer when the
// head moved, and at the end of a stop; each kept in the store and verifying with the public key.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "hatchery/checkpoint.h"
#include "hatchery/note.h"
#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;

ServerOptions WithKey(const note::SigningKey& key, std::chrono::seconds every = {}) {
  ServerOptions options;
  options.signing_key = key;
  options.checkpoint_every = every;
  return options;
}

// Requires `text` to be a checkpoint note of `size` events signed by `key`, with state lines.
void RequireSignedCheckpoint(const std::string& text, const note::SigningKey& key,
                             const Ledger& ledger, std::uint64_t size) {
  auto signed_note = note::Parse(text);
  REQUIRE(signed_note.ok());
  REQUIRE(note::Verify(*signed_note, note::VerifierOf(key)).ok());
  auto checkpoint = ParseCheckpoint(signed_note->text);
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->size == size);
  CHECK(checkpoint->root == *ledger.MerkleRoot(size));
  CHECK_FALSE(checkpoint->extensions.empty());  // the views' state digests
}

// The latest checkpoint kept in the store, or "".
std::string LatestKept(const Ledger& ledger) {
  auto kept = ledger.Checkpoints();
  REQUIRE(kept.ok());
  return kept->empty() ? "" : kept->back();
}

TEST_CASE("server audit: verify over the wire, whole and up to a seq", "[server][audit]") {
  Served s;
  Client auditor(s.server->port()), exporter(s.server->port());
  REQUIRE(ErrorCode(auditor.Hello(s.auditor)) == "ok");
  REQUIRE(ErrorCode(exporter.Hello(s.exporter)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  auto whole = auditor.Call({{"id", 1}, {"op", "verify"}});
  REQUIRE(ErrorCode(whole) == "ok");
  CHECK(whole.at("result").at("ok") == true);
  CHECK(whole.at("result").at("events_checked") == head);
  CHECK(whole.at("result").at("head_hash").as_string() == ToHex(s.ledger->head().hash));
  auto prefix = auditor.Call({{"id", 2}, {"op", "verify"}, {"from_seq", 2}, {"to_seq", 5}});
  REQUIRE(ErrorCode(prefix) == "ok");
  CHECK(prefix.at("result").at("events_checked") == 5);
  CHECK(prefix.at("result").at("head_hash").as_string() == ToHex(s.ledger->Get(5)->hash));
  CHECK(prefix.at("result").at("checked_from") == 1);
  CHECK(ErrorCode(auditor.Call({{"id", 3}, {"op", "verify"}, {"to_seq", head + 1}})) ==
        "bad_request");
  CHECK(ErrorCode(auditor.Call({{"id", 4}, {"op", "verify"}, {"from_seq", 6}, {"to_seq", 5}})) ==
        "bad_request");
  CHECK(ErrorCode(exporter.Call({{"id", 5}, {"op", "verify"}})) == "forbidden");
  CHECK(whole.at("result").at("queue_position") == 0);  // nothing ran before it
  CHECK(whole.at("result").at("elapsed_ms").as_int64() >= 0);
}

// Verifies run one at a time, behind at most max_verifies - 1 others; beyond, an answer at once.
// (The attack: a few looping verifies cut appends to 42% and stalled another verify for 57 s.)
TEST_CASE("server audit: a verify beyond the queue is answered overloaded at once",
          "[server][audit]") {
  ServerOptions options;
  options.max_verifies = 0;
  Served s(options);
  Client auditor(s.server->port());
  REQUIRE(ErrorCode(auditor.Hello(s.auditor)) == "ok");
  auto refused = auditor.Call({{"id", 1}, {"op", "verify"}});
  CHECK(ErrorCode(refused) == "overloaded");
  CHECK(refused.at("error").at("details").at("queue_length") == 0);
  CHECK(ErrorCode(auditor.Call({{"id", 2}, {"op", "get"}, {"seq", 1}})) == "ok");
}

TEST_CASE("server audit: an admin has the server sign a checkpoint — others may not",
          "[server][audit]") {
  auto key = note::GenerateKey("tongliao.hatchery/test");
  REQUIRE(key.ok());
  // None kept yet: a reader gets the state at the head, unsigned.
  Served s(WithKey(*key), 4, Served::Kept::kNoCheckpoint);
  Client admin(s.server->port()), auditor(s.server->port());
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  REQUIRE(ErrorCode(auditor.Hello(s.auditor)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  CHECK(ErrorCode(auditor.Call({{"id", 1}, {"op", "checkpoint"}, {"sign", true}})) == "forbidden");
  CHECK(ErrorCode(admin.Call({{"id", 2}, {"op", "checkpoint"}, {"sign", "yes"}})) == "bad_request");
  auto unsigned_one = auditor.Call({{"id", 3}, {"op", "checkpoint"}});
  REQUIRE(ErrorCode(unsigned_one) == "ok");
  CHECK(unsigned_one.at("result").at("signed") == false);
  CHECK(LatestKept(*s.ledger).empty());
  auto signed_one = admin.Call({{"id", 4}, {"op", "checkpoint"}, {"sign", true}});
  REQUIRE(ErrorCode(signed_one) == "ok");
  CHECK(signed_one.at("result").at("signed") == true);
  std::string note(signed_one.at("result").at("note").as_string());
  RequireSignedCheckpoint(note, *key, *s.ledger, head);
  CHECK(LatestKept(*s.ledger) == note);
  // Now every reader gets it, and verify checks it.
  CHECK(auditor.Call({{"id", 5}, {"op", "checkpoint"}}).at("result").at("note").as_string() ==
        note);
  CHECK(auditor.Call({{"id", 6}, {"op", "verify"}}).at("result").at("checkpoints_checked") == 1);
}

TEST_CASE("server audit: the server signs the moved head on its timer and at the end",
          "[server][audit]") {
  auto key = note::GenerateKey("tongliao.hatchery/test");
  REQUIRE(key.ok());
  Served s(WithKey(*key, std::chrono::seconds(1)));
  Client admin(s.server->port());
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  bj::object append = Amendment("timer-1", s.carrier);
  append["op"] = "append";
  REQUIRE(ErrorCode(admin.Call(append)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  // The timer's checkpoint: wait for it (a second, give or take), at most 20 s.
  auto kept_size = [&] {
    std::string latest = LatestKept(*s.ledger);
    return latest.empty() ? 0 : ParseCheckpoint(note::Parse(latest)->text)->size;
  };
  for (int i = 0; i < 200 && kept_size() != head; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  RequireSignedCheckpoint(LatestKept(*s.ledger), *key, *s.ledger, head);
  // One more event, then a stop: the final checkpoint covers it.
  append["command_id"] = "timer-2";
  REQUIRE(ErrorCode(admin.Call(append)) == "ok");
  s.server->Stop();
  s.server->Wait();
  RequireSignedCheckpoint(LatestKept(*s.ledger), *key, *s.ledger, head + 1);
}

}  // namespace
}  // namespace hatchery::server
