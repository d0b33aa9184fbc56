// The event envelope of EVENTS.md: what a client sends (AppendCommand), what is recorded (Event),
// and the canonical form whose SHA-256 is the event's hash (AUDIT.md §1).
//
// Value types; all functions are pure and thread-safe.
#ifndef HATCHERY_EVENT_H_
#define HATCHERY_EVENT_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hatchery/json_tape.h"
#include "hatchery/sha256.h"
#include "hatchery/status.h"

namespace hatchery {

// Limits of the envelope fields (EVENTS.md), counted in Unicode code points unless noted.
inline constexpr std::size_t kMaxCommandIdChars = 128;
inline constexpr std::size_t kMaxDocumentRefChars = 256;
inline constexpr std::size_t kMaxNoteChars = 2000;
inline constexpr std::size_t kMaxActorIdChars = 128;
inline constexpr std::size_t kMaxOsUserChars = 64;
inline constexpr std::size_t kMaxDataBytes = std::size_t{256} * 1024;  // canonical bytes of `data`

// The authenticated caller an event is recorded for. Never taken from a request body.
// `os_user` is set by a local write (the command line writing to the store's files) alone: the
// operating-system account that ran it, beside the actor it claims (docs/format.md "Event record";
// an extension of EVENTS.md). A server's events carry the token's actor only.
struct Actor {
  std::string id;                                     // slug, see IsValidSlug
  std::string role;                                   // admin | auditor | exporter
  std::optional<std::string> os_user = std::nullopt;  // see IsValidOsUser
  bool operator==(const Actor&) const = default;
};

// One append request: the client-set envelope fields of EVENTS.md.
struct AppendCommand {
  std::string command_id;
  std::string stream;  // "policy" or "carrier/<carrier_id>"
  std::optional<std::uint64_t> expected_version;
  std::string type;
  boost::json::object data;
  std::string effective_date;  // YYYY-MM-DD
  std::optional<std::string> document_ref;
  std::optional<std::string> note;
  // The recorded time to give the event (Unix microseconds), for a demo store only: one whose
  // genesis declares a simulated clock (DeclaresSimulatedClock). Any other store refuses a command
  // that sets it — a real store's clock is never settable. Never read from a request.
  std::optional<std::int64_t> simulated_recorded_us;
};

// Whether an event of `type` with `data` declares its store's clock simulated: a genesis
// `PolicyRulesetActivated` with "clock": "simulated" (the demo store, docs/format.md).
bool DeclaresSimulatedClock(std::string_view type, const boost::json::object& data);

// A recorded event: the command's fields and what the ledger added.
struct Event {
  std::uint64_t seq = 0;
  std::string event_id;
  std::string command_id;
  std::string stream;
  std::uint64_t stream_version = 0;
  std::string type;
  std::int64_t schema_version = 1;
  boost::json::object data;
  std::string effective_date;
  std::optional<std::string> document_ref;
  std::optional<std::string> note;
  std::string recorded_at;  // RFC 3339 UTC, microseconds
  Actor actor;
  Hash prev_hash{};
  Hash hash{};
};

// A stored event read in place, without a DOM: the envelope's fields point into the record, and
// `data` is read through the record's tape (json_tape.h). Valid while both are.
struct EventView {
  struct ActorView {
    std::string_view id;
    std::optional<std::string_view> os_user;
    std::string_view role;
  };
  std::uint64_t seq = 0;
  std::string_view event_id;
  std::string_view command_id;
  std::string_view stream;
  std::uint64_t stream_version = 0;
  std::string_view type;
  std::int64_t schema_version = 1;
  json::TapeObject data;
  std::string_view effective_date;
  std::optional<std::string_view> document_ref;
  std::optional<std::string_view> note;
  std::string_view recorded_at;
  ActorView actor;
  Hash prev_hash{};
  Hash hash{};
  // The record's bytes before and after its `hash` member: its content, which hashes to `hash`
  // if the record is intact (ContentHash).
  std::string_view content_head, content_tail;
};

// SHA-256 of a scanned record without its `hash` member: the event's hash, if the record is intact.
Hash ContentHash(const EventView& view);

// Identifier slugs of EVENTS.md: [a-z0-9][a-z0-9._-]{0,63}.
bool IsValidSlug(std::string_view s);

// Operating-system user names as recorded in actor.os_user: 1–64 of [A-Za-z0-9._-], not starting
// with '-' (POSIX portable names; an account without a name is "uid-<number>").
bool IsValidOsUser(std::string_view s);

// Checks every field of `command` against EVENTS.md. Errors: kBadRequest with details.field.
Status ValidateCommand(const AppendCommand& command);
// Errors: kBadRequest naming actor.id, actor.os_user or actor.role.
Status ValidateActor(const Actor& actor);

// Reads an append envelope (a JSON object) and validates it. Unknown fields and fields the server
// sets (seq, hash, actor, ...) are refused. Errors: kBadRequest naming the field.
StatusOr<AppendCommand> ParseAppendCommand(const boost::json::value& envelope);
StatusOr<AppendCommand> ParseAppendCommand(std::string_view json_text);

// Reads an event as `read` returns it: every field present, well-formed, nothing unknown.
// Errors: kBadRequest naming the field (callers reading storage report it as corruption).
StatusOr<Event> ParseEvent(std::string_view json_text);

// Reads a stored (or exported) event record with `tape`, checking what ParseEvent checks and
// that the record is in canonical form: so the record is the canonical form of the event it
// reads as, and the event is intact iff ContentHash(view) == hash. One pass over the bytes for
// the check (the hash is a second, and only for those who ask); nothing is allocated once the tape
// has grown. Errors: kBadRequest for a record that is not canonical JSON (with the byte offset) or,
// as ParseEvent, naming the field.
StatusOr<EventView> ScanStoredEvent(std::string_view stored, json::Tape* tape);

// The event a view reads as, copied out of the record.
Event ToEvent(const EventView& view);

// The RFC 8785 canonical form of `event`, without `hash` (the bytes that are hashed) or with it
// (what is stored and what reads return).
std::string CanonicalForm(const Event& event, bool with_hash);
// Same, appended to `*out`, with `data` already in canonical form (saves re-rendering it on the
// append path). If `hash_at` is given, it receives the offset in `*out` where the `hash` member
// goes (or went), so that the stored form can be made from the hashed one by one insertion.
void AppendCanonicalForm(const Event& event, std::string_view canonical_data, bool with_hash,
                         std::string* out, std::size_t* hash_at = nullptr);

// SHA-256 of CanonicalForm(event, false).
Hash ComputeEventHash(const Event& event);

// The last event: what the next append chains onto.
struct LedgerHead {
  std::uint64_t seq = 0;  // 0 for an empty ledger
  Hash hash{};            // zeros for an empty ledger
};

}  // namespace hatchery

#endif  // HATCHERY_EVENT_H_
