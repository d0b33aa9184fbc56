// The canonical form of an event (AUDIT.md §1), rendered directly: the envelope's keys are fixed,
// so their RFC 8785 order is written out here once, and only `data` goes through the generic
// canonicalizer. A test checks this against json::Canonicalize of the whole object.
#include "hatchery/event.h"
#include "hatchery/json.h"

namespace hatchery {
namespace {

void Key(std::string_view key, std::string* out) {
  out->push_back(',');
  json::AppendCanonicalString(key, out);
  out->push_back(':');
}

void StringMember(std::string_view key, std::string_view value, std::string* out) {
  Key(key, out);
  json::AppendCanonicalString(value, out);
}

void HashMember(std::string_view key, const Hash& hash, std::string* out) {
  Key(key, out);
  out->push_back('"');
  AppendHex(AsBytes(hash), out);
  out->push_back('"');
}

void NumberMember(std::string_view key, std::uint64_t value, std::string* out) {
  Key(key, out);
  *out += std::to_string(value);
}

}  // namespace

void AppendCanonicalForm(const Event& e, std::string_view canonical_data, bool with_hash,
                         std::string* out, std::size_t* hash_at) {
  // Keys in UTF-16 code-unit order (all ASCII): actor, command_id, data, document_ref,
  // effective_date, event_id, hash, note, prev_hash, recorded_at, schema_version, seq, stream,
  // stream_version, type. Inside actor: id, os_user (if any), role.
  *out += "{\"actor\":{\"id\":";
  json::AppendCanonicalString(e.actor.id, out);
  if (e.actor.os_user) {
    *out += ",\"os_user\":";
    json::AppendCanonicalString(*e.actor.os_user, out);
  }
  *out += ",\"role\":";
  json::AppendCanonicalString(e.actor.role, out);
  out->push_back('}');
  StringMember("command_id", e.command_id, out);
  Key("data", out);
  *out += canonical_data;
  if (e.document_ref) StringMember("document_ref", *e.document_ref, out);
  StringMember("effective_date", e.effective_date, out);
  StringMember("event_id", e.event_id, out);
  if (with_hash) HashMember("hash", e.hash, out);
  if (hash_at != nullptr) *hash_at = out->size();
  if (e.note) StringMember("note", *e.note, out);
  HashMember("prev_hash", e.prev_hash, out);
  StringMember("recorded_at", e.recorded_at, out);
  NumberMember("schema_version", static_cast<std::uint64_t>(e.schema_version), out);
  NumberMember("seq", e.seq, out);
  StringMember("stream", e.stream, out);
  NumberMember("stream_version", e.stream_version, out);
  StringMember("type", e.type, out);
  out->push_back('}');
}

std::string CanonicalForm(const Event& event, bool with_hash) {
  std::string out;
  AppendCanonicalForm(event, json::Canonicalize(event.data), with_hash, &out);
  return out;
}

Hash ComputeEventHash(const Event& event) { return Sha256(CanonicalForm(event, false)); }

}  // namespace hatchery
