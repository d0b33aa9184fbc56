#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "hatchery/event.h"
#include "hatchery/json.h"
#include "hatchery/json_tape.h"

namespace hatchery {
namespace {

namespace bj = boost::json;

bj::object ValidEnvelope() {
  return bj::parse(R"({"command_id":"c-1","stream":"carrier/tl-inc-001","type":"CarrierRegistered",
    "effective_date":"2019-05-01","data":{"carrier_id":"tl-inc-001","name":"通辽市孵化器"}})")
      .as_object();
}

// The error for `envelope`, which must be rejected as kBadRequest naming `field`.
std::string RejectedField(const bj::object& envelope, const std::string& field) {
  auto parsed = ParseAppendCommand(bj::serialize(envelope));
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Code::kBadRequest);
  CHECK(parsed.status().details().at("field") == field.c_str());
  return parsed.status().message();
}

TEST_CASE("a valid envelope parses", "[envelope]") {
  bj::object e = ValidEnvelope();
  e["expected_version"] = 0;
  e["document_ref"] = "通科发〔2019〕1号";
  e["note"] = std::string(2000, 'n');
  auto parsed = ParseAppendCommand(bj::serialize(e));
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  CHECK(parsed->command_id == "c-1");
  CHECK(parsed->expected_version == 0u);
  CHECK(parsed->data.at("name") == "通辽市孵化器");
}

TEST_CASE("missing and mistyped envelope fields are named", "[envelope]") {
  for (const char* field : {"command_id", "stream", "type", "data", "effective_date"}) {
    bj::object e = ValidEnvelope();
    e.erase(field);
    CHECK_THAT(RejectedField(e, field), Catch::Contains("is required"));
  }
  bj::object e = ValidEnvelope();
  e["data"] = "not an object";
  RejectedField(e, "data");
  e = ValidEnvelope();
  e["command_id"] = 7;
  CHECK_THAT(RejectedField(e, "command_id"), Catch::Contains("must be a string"));
  e = ValidEnvelope();
  e["expected_version"] = -1;
  RejectedField(e, "expected_version");
  e = ValidEnvelope();
  e["expected_version"] = "3";
  RejectedField(e, "expected_version");
}

TEST_CASE("envelope values are checked against EVENTS.md", "[envelope]") {
  auto with = [](const char* field, bj::value v) {
    bj::object e = ValidEnvelope();
    e[field] = std::move(v);
    return e;
  };
  RejectedField(with("stream", "carrier/TL-INC"), "stream");
  RejectedField(with("stream", "carrier/"), "stream");
  RejectedField(with("stream", "carriers/tl-inc-001"), "stream");
  RejectedField(with("stream", "policy/x"), "stream");
  RejectedField(with("effective_date", "2023-02-29"), "effective_date");
  RejectedField(with("effective_date", "27.03.2023"), "effective_date");
  RejectedField(with("type", "carrierRegistered"), "type");
  RejectedField(with("type", "Carrier Registered"), "type");
  RejectedField(with("command_id", ""), "command_id");
  RejectedField(with("command_id", bj::string(129, 'c')), "command_id");
  RejectedField(with("command_id", "a\nb"), "command_id");
  RejectedField(with("note", bj::string(2001, 'n')), "note");
  RejectedField(with("document_ref", ""), "document_ref");
  CHECK(ParseAppendCommand(bj::serialize(with("command_id", bj::string(128, 'c')))).ok());
  CHECK(ParseAppendCommand(bj::serialize(with("stream", "policy"))).ok());
}

TEST_CASE("server-set and unknown envelope fields are refused", "[envelope]") {
  for (const char* field : {"seq", "hash", "prev_hash", "actor", "recorded_at", "event_id"}) {
    bj::object e = ValidEnvelope();
    e[field] = 1;
    CHECK_THAT(RejectedField(e, field), Catch::Contains("set by the server"));
  }
  bj::object e = ValidEnvelope();
  e["carrier_id"] = "tl-inc-001";
  CHECK_THAT(RejectedField(e, "carrier_id"), Catch::Contains("belong in \"data\""));
}

TEST_CASE("slugs follow EVENTS.md", "[envelope]") {
  CHECK(IsValidSlug("tl-inc-001"));
  CHECK(IsValidSlug("a.b_c-9"));
  CHECK(IsValidSlug(std::string(64, 'a')));
  CHECK_FALSE(IsValidSlug(std::string(65, 'a')));
  CHECK_FALSE(IsValidSlug("-abc"));
  CHECK_FALSE(IsValidSlug("Abc"));
  CHECK_FALSE(IsValidSlug(""));
  CHECK_FALSE(IsValidSlug("a/b"));
}

Event SampleEvent() {
  Event e;
  e.seq = 42;
  e.event_id = "0193a5f0-0000-7000-8000-00000000002a";
  e.command_id = "c-42";
  e.stream = "carrier/tl-inc-001";
  e.stream_version = 3;
  e.type = "EvaluationRecorded";
  e.data = {
      {"carrier_id", "tl-inc-001"}, {"level", "regional"}, {"year", 2024}, {"grade", "excellent"}};
  e.effective_date = "2025-01-10";
  e.document_ref = "内科发〔2025〕3号";
  e.note = "second round";
  e.recorded_at = "2026-11-27T10:00:42.000042Z";
  e.actor = {"clerk.li", "admin", "li"};  // a local write
  e.hash = Sha256("anything");
  return e;
}

TEST_CASE("the fixed-order envelope renderer equals generic RFC 8785", "[envelope]") {
  Event e = SampleEvent();
  for (bool optional_fields : {true, false}) {
    if (!optional_fields) {
      e.document_ref.reset();
      e.note.reset();
      e.actor.os_user.reset();
    }
    std::string with_hash = CanonicalForm(e, true);
    auto generic = json::ParseStrict(with_hash);
    REQUIRE(generic.ok());
    CHECK(json::Canonicalize(*generic) == with_hash);
    generic->as_object().erase("hash");
    CHECK(json::Canonicalize(*generic) == CanonicalForm(e, false));
  }
}

TEST_CASE("the hash member inserted at hash_at gives the stored form", "[envelope]") {
  Event e = SampleEvent();
  for (bool optional_fields : {true, false}) {
    if (!optional_fields) {
      e.document_ref.reset();
      e.note.reset();
      e.actor.os_user.reset();
    }
    std::string hashed;
    std::size_t hash_at = 0;
    AppendCanonicalForm(e, json::Canonicalize(e.data), false, &hashed, &hash_at);
    CHECK(hashed == CanonicalForm(e, false));
    hashed.insert(hash_at, ",\"hash\":\"" + ToHex(e.hash) + "\"");
    CHECK(hashed == CanonicalForm(e, true));
  }
}

TEST_CASE("an event round-trips through its canonical form", "[envelope]") {
  Event e = SampleEvent();
  auto parsed = ParseEvent(CanonicalForm(e, true));
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  CHECK(CanonicalForm(*parsed, true) == CanonicalForm(e, true));
  CHECK(ComputeEventHash(*parsed) == Sha256(CanonicalForm(e, false)));
}

// Both readers of stored events give the same verdict on `record` (canonical JSON): "" or the
// same error message.
std::string StoredVerdict(const std::string& record) {
  auto parsed = ParseEvent(record);
  json::Tape tape;
  auto scanned = ScanStoredEvent(record, &tape);
  CHECK(parsed.ok() == scanned.ok());
  CHECK(parsed.status().message() == scanned.status().message());
  return parsed.status().message();
}

TEST_CASE("a stored event with a missing, extra or malformed field is refused", "[envelope]") {
  bj::object good = bj::parse(CanonicalForm(SampleEvent(), true)).as_object();
  auto refuses = [](const bj::object& o) { return !StoredVerdict(json::Canonicalize(o)).empty(); };
  CHECK_FALSE(refuses(good));
  for (const char* field : {"seq", "hash", "prev_hash", "actor", "recorded_at", "event_id",
                            "stream_version", "schema_version", "data", "type"}) {
    bj::object o = good;
    o.erase(field);
    CHECK(refuses(o));
  }
  bj::object o = good;
  o["extra"] = 1;
  CHECK(refuses(o));
  // More members than a tape gathers for lookups (json::TapeIndex::kMaxMembers): still refused.
  for (std::size_t i = 0; i < json::TapeIndex::kMaxMembers; ++i) o["x" + std::to_string(i)] = 1;
  CHECK(refuses(o));
  json::Tape tape;
  std::string many = json::Canonicalize(o);
  CHECK_THAT(ScanStoredEvent(many, &tape).status().message(), Catch::Contains("\"extra\""));
  o = good;
  o["hash"] = std::string(64, 'A');
  CHECK(refuses(o));
  o = good;
  o["recorded_at"] = "2026-11-27T10:00:42Z";
  CHECK(refuses(o));
  o = good;
  o["actor"] = {{"id", "x"}, {"role", "king"}};
  CHECK(refuses(o));
  for (const bj::value& os_user :
       {bj::value("-li"), bj::value("l i"), bj::value(""), bj::value(std::string(65, 'a')),
        bj::value("li\u202e"), bj::value(7), bj::value(nullptr)}) {
    o["actor"] = {{"id", "x"}, {"os_user", os_user}, {"role", "admin"}};
    CHECK(refuses(o));
  }
  o["actor"] = {{"id", "x"}, {"os_user", "Li_2.x-y"}, {"role", "admin"}};
  CHECK_FALSE(refuses(o));
  o["actor"] = {{"id", "x"}, {"uid", 0}, {"role", "admin"}};
  CHECK(refuses(o));
  o = good;
  o["data"] = "not an object";
  CHECK(refuses(o));
  o = good;
  o["seq"] = 0;
  CHECK(refuses(o));
}

TEST_CASE("a stored record reads in place as the event it is the canonical form of", "[envelope]") {
  Event e = SampleEvent();
  for (bool optional_fields : {true, false}) {
    if (!optional_fields) {
      e.document_ref.reset();
      e.note.reset();
      e.actor.os_user.reset();
    }
    e.hash = ComputeEventHash(e);
    std::string stored = CanonicalForm(e, true);
    json::Tape tape;
    auto view = ScanStoredEvent(stored, &tape);
    INFO(view.status().ToString());
    REQUIRE(view.ok());
    CHECK(ContentHash(*view) == e.hash);
    CHECK(view->hash == e.hash);
    CHECK(view->data.if_contains("grade")->as_string() == "excellent");
    CHECK(CanonicalForm(ToEvent(*view), true) == stored);
    CHECK(view->document_ref.has_value() == optional_fields);
  }
}

TEST_CASE("a stored record that is not canonical, or whose content changed, is told apart",
          "[envelope]") {
  Event e = SampleEvent();
  e.hash = ComputeEventHash(e);
  std::string stored = CanonicalForm(e, true);
  json::Tape tape;
  // Re-serialised with white space: the same event to a parser, not the stored bytes.
  std::string spaced = stored;
  spaced.insert(spaced.find(",\"command_id\"") + 1, " ");
  CHECK(ParseEvent(spaced).ok());
  CHECK_THAT(ScanStoredEvent(spaced, &tape).status().message(),
             Catch::Contains("not canonical JSON at byte"));
  // A field of the data edited, the hash left: canonical still, but the content hash differs.
  std::string edited = stored;
  edited.replace(edited.find("excellent"), 9, "good");
  auto view = ScanStoredEvent(edited, &tape);
  REQUIRE(view.ok());
  CHECK(view->hash == e.hash);
  CHECK(ContentHash(*view) != e.hash);
}

}  // namespace
}  // namespace hatchery
