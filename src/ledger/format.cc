#include "ledger/format.h"

#include <cstring>

#include "hatchery/json.h"

namespace hatchery::ledger {

std::string EncodeFixed64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

std::optional<std::uint64_t> DecodeFixed64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

std::string StreamPrefix(std::string_view stream) {
  std::string key(stream);
  key.push_back(kStreamKeySeparator);
  return key;
}

std::string StreamKey(std::string_view stream, std::uint64_t version) {
  return StreamPrefix(stream) + EncodeFixed64(version);
}

std::string CheckpointKey(std::uint64_t tree_size, std::string_view note) {
  return EncodeFixed64(tree_size) + std::string(AsBytes(Sha256(note)).substr(0, 8));
}

Hash ContentDigest(const DigestFields& f, std::string_view canonical_data) {
  boost::json::object rest;
  boost::json::object actor{{"id", f.actor_id}, {"role", f.actor_role}};
  if (f.actor_os_user) actor["os_user"] = *f.actor_os_user;
  rest["actor"] = std::move(actor);
  rest["command_id"] = f.command_id;
  rest["stream"] = f.stream;
  if (f.expected_version) rest["expected_version"] = static_cast<std::int64_t>(*f.expected_version);
  rest["type"] = f.type;
  rest["effective_date"] = f.effective_date;
  if (f.document_ref) rest["document_ref"] = *f.document_ref;
  if (f.note) rest["note"] = *f.note;
  std::string input(canonical_data);
  input.push_back('\0');
  json::AppendCanonical(rest, &input);
  return Sha256(input);
}

std::string EncodeCommandValue(std::uint64_t seq, const Hash& digest) {
  std::string out = EncodeFixed64(seq);
  out.append(AsBytes(digest));
  return out;
}

std::optional<CommandEntry> DecodeCommandValue(std::string_view bytes) {
  if (bytes.size() != 8 + 32) return std::nullopt;
  CommandEntry entry{*DecodeFixed64(bytes.substr(0, 8)), {}};
  std::memcpy(entry.digest.data(), bytes.data() + 8, 32);
  return entry;
}

}  // namespace hatchery::ledger
