// Reading and validating the envelope fields of EVENTS.md.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <type_traits>

#include "hatchery/event.h"
#include "hatchery/json.h"
#include "hatchery/text.h"
#include "hatchery/time.h"

namespace hatchery {
namespace {

namespace bj = boost::json;

Status FieldError(std::string_view field, const std::string& message) {
  bj::object details;
  details["field"] = field;
  return Status(Code::kBadRequest, "field \"" + std::string(field) + "\": " + message,
                std::move(details));
}

bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// A printable text field of 1..max code points.
Status CheckText(std::string_view field, std::string_view s, std::size_t max_chars) {
  if (s.empty()) return FieldError(field, "must not be empty");
  if (json::CodePointCount(s) > max_chars) {
    return FieldError(field, "longer than " + std::to_string(max_chars) + " characters");
  }
  if (HasControlChars(s)) return FieldError(field, "must not contain control characters");
  return Status::Ok();
}

// A text an append may record: nothing text::IsForbidden.
Status CheckRecordedText(std::string_view field, std::string_view s, bool allow_newline = false) {
  if (auto cp = text::FirstForbidden(s, allow_newline)) {
    return FieldError(field, "must not contain control characters or bidirectional overrides (" +
                                 text::CodePointName(*cp) + ")");
  }
  return Status::Ok();
}

// Every string and member name in `value`, the field at JSON pointer `path` ("/data/name",
// "/data/items/0"), as schema errors name fields.
Status CheckRecordedData(const bj::object& object, const std::string& path);
Status CheckRecordedData(const bj::value& value, const std::string& path) {
  if (value.is_string()) return CheckRecordedText(path, value.get_string());
  if (const bj::array* a = value.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      RETURN_IF_ERROR(CheckRecordedData((*a)[i], path + "/" + std::to_string(i)));
    }
  }
  if (const bj::object* o = value.if_object()) return CheckRecordedData(*o, path);
  return Status::Ok();
}
Status CheckRecordedData(const bj::object& object, const std::string& path) {
  for (const auto& [key, member] : object) {
    std::string member_path = path + "/";
    for (char c : key) member_path += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    RETURN_IF_ERROR(CheckRecordedText(member_path, key));
    RETURN_IF_ERROR(CheckRecordedData(member, member_path));
  }
  return Status::Ok();
}

bool IsValidType(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] < 'A' || s[0] > 'Z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

bool IsValidStream(std::string_view s) {
  constexpr std::string_view kCarrier = "carrier/";
  if (s == "policy") return true;
  return s.substr(0, kCarrier.size()) == kCarrier && IsValidSlug(s.substr(kCarrier.size()));
}

bool IsValidUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Typed access to the members of a JSON object — a Boost.JSON DOM or a canonical record's tape —
// with errors naming the field. Strings are views into the object. Asking for members in key
// order makes each lookup on a tape one comparison.
template <typename Obj>
class Fields {
 public:
  explicit Fields(const Obj& object) : object_(object) {}

  StatusOr<std::string_view> String(std::string_view name) const {
    auto v = object_.if_contains(name);
    if (!v) return FieldError(name, "is required");
    if (!v->is_string()) return FieldError(name, "must be a string");
    return std::string_view{v->as_string()};
  }
  StatusOr<std::optional<std::string_view>> OptionalString(std::string_view name) const {
    if (!object_.contains(name)) return std::optional<std::string_view>();
    ASSIGN_OR_RETURN(std::string_view s, String(name));
    return std::optional<std::string_view>(s);
  }
  StatusOr<std::uint64_t> Count(std::string_view name, std::uint64_t min) const {
    auto v = object_.if_contains(name);
    if (!v) return FieldError(name, "is required");
    if (!v->is_int64() || v->as_int64() < static_cast<std::int64_t>(min)) {
      return FieldError(name, "must be an integer >= " + std::to_string(min));
    }
    return static_cast<std::uint64_t>(v->as_int64());
  }
  StatusOr<Obj> Object(std::string_view name) const {
    auto v = object_.if_contains(name);
    if (!v) return FieldError(name, "is required");
    if (!v->is_object()) return FieldError(name, "must be an object");
    return v->as_object();
  }
  StatusOr<Hash> HexHash(std::string_view name) const {
    ASSIGN_OR_RETURN(std::string_view hex, String(name));
    auto hash = HashFromHex(hex);
    if (!hash) return FieldError(name, "must be 64 lowercase hex digits");
    return *hash;
  }
  // Refuses members not in `allowed`; `server_set` ones get a message saying why.
  template <std::size_t N, std::size_t M>
  Status OnlyKnown(const std::array<std::string_view, N>& allowed,
                   const std::array<std::string_view, M>& server_set) const {
    for (auto&& [name, value] : object_) {
      std::string_view key = name;
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      if (std::find(server_set.begin(), server_set.end(), key) != server_set.end()) {
        return FieldError(key, "is set by the server and may not be sent");
      }
      return FieldError(key, "is not an envelope field (event fields belong in \"data\")");
    }
    return Status::Ok();
  }

 private:
  // A tape's members are gathered once (json::TapeIndex); a DOM object has its own index.
  std::conditional_t<std::is_same_v<Obj, json::TapeObject>, json::TapeIndex, const Obj&> object_;
};

// The client-set fields every envelope has (EVENTS.md limits).
Status CheckClientFields(std::string_view command_id, std::string_view stream,
                         std::string_view type, std::string_view effective_date,
                         const std::optional<std::string_view>& document_ref,
                         const std::optional<std::string_view>& note) {
  RETURN_IF_ERROR(CheckText("command_id", command_id, kMaxCommandIdChars));
  if (!IsValidStream(stream)) {
    return FieldError("stream",
                      "must be \"policy\" or \"carrier/<carrier_id>\" with a slug id "
                      "([a-z0-9][a-z0-9._-]{0,63})");
  }
  if (!IsValidType(type)) {
    return FieldError("type", "must be an event type name like \"CarrierRegistered\"");
  }
  if (!IsValidDate(effective_date)) {
    return FieldError("effective_date", "must be a real date as YYYY-MM-DD");
  }
  if (document_ref) RETURN_IF_ERROR(CheckText("document_ref", *document_ref, kMaxDocumentRefChars));
  if (note && json::CodePointCount(*note) > kMaxNoteChars) {
    return FieldError("note", "longer than " + std::to_string(kMaxNoteChars) + " characters");
  }
  return Status::Ok();
}

Status CheckActor(std::string_view id, std::optional<std::string_view> os_user,
                  std::string_view role) {
  if (!IsValidSlug(id)) return FieldError("actor.id", "must be a slug ([a-z0-9][a-z0-9._-]{0,63})");
  if (os_user && !IsValidOsUser(*os_user)) {
    return FieldError("actor.os_user", "must be 1-64 of [A-Za-z0-9._-], not starting with '-'");
  }
  if (role != "admin" && role != "auditor" && role != "exporter") {
    return FieldError("actor.role", "must be admin, auditor or exporter");
  }
  return Status::Ok();
}

constexpr std::array<std::string_view, 8> kCommandFields = {
    "command_id", "stream",         "expected_version", "type",
    "data",       "effective_date", "document_ref",     "note"};
constexpr std::array<std::string_view, 8> kServerFields = {
    "seq",         "event_id", "stream_version", "schema_version",
    "recorded_at", "actor",    "prev_hash",      "hash"};
constexpr std::array<std::string_view, 0> kNone = {};

StatusOr<bj::object> ParseObject(std::string_view json_text) {
  ASSIGN_OR_RETURN(bj::value value, json::ParseStrict(json_text));
  if (!value.is_object()) return Status(Code::kBadRequest, "expected a JSON object");
  return std::move(value.get_object());
}

// Reads the members of an event record into `*e` (an Event, or an EventView whose strings point
// into `object`), checking every field as EVENTS.md defines it.
template <typename Object, typename E>
Status ReadEvent(const Object& object, E* e) {
  constexpr std::array<std::string_view, 15> kEventFields = {
      "actor",          "command_id", "data",   "document_ref",   "effective_date",
      "event_id",       "hash",       "note",   "prev_hash",      "recorded_at",
      "schema_version", "seq",        "stream", "stream_version", "type"};
  Fields<Object> f(object);
  RETURN_IF_ERROR(f.OnlyKnown(kEventFields, kNone));
  // In key order (see Fields).
  ASSIGN_OR_RETURN(Object actor, f.Object("actor"));
  ASSIGN_OR_RETURN(e->command_id, f.String("command_id"));
  ASSIGN_OR_RETURN(e->data, f.Object("data"));
  ASSIGN_OR_RETURN(e->document_ref, f.OptionalString("document_ref"));
  ASSIGN_OR_RETURN(e->effective_date, f.String("effective_date"));
  ASSIGN_OR_RETURN(e->event_id, f.String("event_id"));
  if (!IsValidUuid(e->event_id)) return FieldError("event_id", "must be a lowercase UUID");
  ASSIGN_OR_RETURN(e->hash, f.HexHash("hash"));
  ASSIGN_OR_RETURN(e->note, f.OptionalString("note"));
  ASSIGN_OR_RETURN(e->prev_hash, f.HexHash("prev_hash"));
  ASSIGN_OR_RETURN(e->recorded_at, f.String("recorded_at"));
  if (!ParseTimestamp(e->recorded_at)) {
    return FieldError("recorded_at", "must be RFC 3339 UTC with microseconds");
  }
  ASSIGN_OR_RETURN(std::uint64_t schema_version, f.Count("schema_version", 1));
  e->schema_version = static_cast<std::int64_t>(schema_version);
  ASSIGN_OR_RETURN(e->seq, f.Count("seq", 1));
  ASSIGN_OR_RETURN(e->stream, f.String("stream"));
  ASSIGN_OR_RETURN(e->stream_version, f.Count("stream_version", 1));
  ASSIGN_OR_RETURN(e->type, f.String("type"));
  Fields<Object> a(actor);
  RETURN_IF_ERROR(a.OnlyKnown(std::array<std::string_view, 3>{"id", "os_user", "role"}, kNone));
  ASSIGN_OR_RETURN(e->actor.id, a.String("id"));
  ASSIGN_OR_RETURN(e->actor.os_user, a.OptionalString("os_user"));
  ASSIGN_OR_RETURN(e->actor.role, a.String("role"));
  RETURN_IF_ERROR(CheckActor(e->actor.id, e->actor.os_user, e->actor.role));
  return CheckClientFields(e->command_id, e->stream, e->type, e->effective_date, e->document_ref,
                           e->note);
}

}  // namespace

bool IsValidSlug(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s[0])) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

Status ValidateCommand(const AppendCommand& c) {
  auto view = [](const std::optional<std::string>& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
  };
  RETURN_IF_ERROR(CheckClientFields(c.command_id, c.stream, c.type, c.effective_date,
                                    view(c.document_ref), view(c.note)));
  // What is recorded from now on, beyond what reading a recorded event asks (text.h).
  RETURN_IF_ERROR(CheckRecordedText("command_id", c.command_id));
  if (c.document_ref) RETURN_IF_ERROR(CheckRecordedText("document_ref", *c.document_ref));
  if (c.note) RETURN_IF_ERROR(CheckRecordedText("note", *c.note, /*allow_newline=*/true));
  RETURN_IF_ERROR(CheckRecordedData(c.data, "/data"));
  if (c.expected_version &&
      *c.expected_version > static_cast<std::uint64_t>(json::kMaxJsonInteger)) {
    return FieldError("expected_version", "is out of range");
  }
  return Status::Ok();
}

bool IsValidOsUser(std::string_view s) {
  if (s.empty() || s.size() > kMaxOsUserChars || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

Status ValidateActor(const Actor& actor) {
  return CheckActor(actor.id,
                    actor.os_user ? std::optional<std::string_view>(*actor.os_user) : std::nullopt,
                    actor.role);
}

StatusOr<AppendCommand> ParseAppendCommand(const bj::value& envelope) {
  if (!envelope.is_object())
    return Status(Code::kBadRequest, "an append envelope must be a JSON object");
  Fields<bj::object> f(envelope.get_object());
  RETURN_IF_ERROR(f.OnlyKnown(kCommandFields, kServerFields));
  AppendCommand c;
  ASSIGN_OR_RETURN(c.command_id, f.String("command_id"));
  ASSIGN_OR_RETURN(c.stream, f.String("stream"));
  if (envelope.get_object().contains("expected_version")) {
    ASSIGN_OR_RETURN(c.expected_version, f.Count("expected_version", 0));
  }
  ASSIGN_OR_RETURN(c.type, f.String("type"));
  ASSIGN_OR_RETURN(c.data, f.Object("data"));
  ASSIGN_OR_RETURN(c.effective_date, f.String("effective_date"));
  ASSIGN_OR_RETURN(c.document_ref, f.OptionalString("document_ref"));
  ASSIGN_OR_RETURN(c.note, f.OptionalString("note"));
  RETURN_IF_ERROR(ValidateCommand(c));
  return c;
}

StatusOr<AppendCommand> ParseAppendCommand(std::string_view json_text) {
  ASSIGN_OR_RETURN(bj::object object, ParseObject(json_text));
  return ParseAppendCommand(bj::value(std::move(object)));
}

StatusOr<Event> ParseEvent(std::string_view json_text) {
  ASSIGN_OR_RETURN(bj::object object, ParseObject(json_text));
  Event e;
  RETURN_IF_ERROR(ReadEvent(object, &e));
  return e;
}

StatusOr<EventView> ScanStoredEvent(std::string_view stored, json::Tape* tape) {
  RETURN_IF_ERROR(tape->Scan(stored));
  if (!tape->root().is_object()) return Status(Code::kBadRequest, "expected a JSON object");
  json::TapeObject record = tape->root().as_object();
  EventView e;
  RETURN_IF_ERROR(ReadEvent(record, &e));
  // The content is the record without its hash member, `,"hash":"<64 hex>"` (never first:
  // "actor" sorts before it), whose key and value are views into `stored`.
  for (auto [key, value] : record) {
    if (key != "hash") continue;
    e.content_head = stored.substr(0, static_cast<std::size_t>(key.data() - stored.data()) - 2);
    e.content_tail = stored.substr(value.text().data() + value.text().size() - stored.data());
  }
  return e;
}

Hash ContentHash(const EventView& view) {
  Sha256Stream hashed;
  hashed.Update(view.content_head);
  hashed.Update(view.content_tail);
  return hashed.Final();
}

Event ToEvent(const EventView& v) {
  auto copy = [](const std::optional<std::string_view>& s) {
    return s ? std::optional<std::string>(*s) : std::nullopt;
  };
  return Event{v.seq,
               std::string(v.event_id),
               std::string(v.command_id),
               std::string(v.stream),
               v.stream_version,
               std::string(v.type),
               v.schema_version,
               v.data.value().ToValue().as_object(),
               std::string(v.effective_date),
               copy(v.document_ref),
               copy(v.note),
               std::string(v.recorded_at),
               Actor{std::string(v.actor.id), std::string(v.actor.role), copy(v.actor.os_user)},
               v.prev_hash,
               v.hash};
}

bool DeclaresSimulatedClock(std::string_view type, const boost::json::object& data) {
  const boost::json::value* clock = data.if_contains("clock");
  return type == "PolicyRulesetActivated" && clock && *clock == "simulated";
}

}  // namespace hatchery
