#include "server/token_store.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <set>

#include "hatchery/files.h"
#include "hatchery/json.h"
#include "hatchery/time.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMinIdPrefix = 6;

StatusOr<TokenEntry> ParseEntry(std::string_view line) {
  ASSIGN_OR_RETURN(bj::value value, json::ParseStrict(line));
  const bj::object* o = value.if_object();
  auto text = [&](std::string_view key) -> std::string {
    const bj::value* v = o ? o->if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  TokenEntry entry;
  auto digest = HashFromHex(text("token_sha256"));
  if (!digest) return Status(Code::kBadRequest, "token_sha256 is not 64 lowercase hex digits");
  entry.digest = *digest;
  entry.actor = Actor{text("actor"), text("role")};
  RETURN_IF_ERROR(ValidateActor(entry.actor));
  entry.added_at = text("added_at");
  return entry;
}

}  // namespace

std::string TokenId(const Hash& digest) { return ToHex(digest).substr(0, 12); }

StatusOr<TokenStore> TokenStore::Load(const std::string& path) {
  TokenStore store;
  store.path_ = path;
  std::ifstream in(path);
  if (!in) return store;  // no file yet: no tokens
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto entry = ParseEntry(line);
    if (!entry.ok()) {
      return Status(Code::kBadRequest, path + " line " + std::to_string(number) +
                                           " is not a token entry: " + entry.status().message());
    }
    store.entries_.push_back(std::move(entry).value());
  }
  return store;
}

StatusOr<std::string> TokenStore::Add(const Actor& actor) {
  RETURN_IF_ERROR(ValidateActor(actor));
  unsigned char random[kTokenBytes];
  if (RAND_bytes(random, sizeof random) != 1) {
    return Status(Code::kInternal, "the system's random source failed");
  }
  std::string token(kTokenPrefix);
  AppendHex(std::string_view(reinterpret_cast<const char*>(random), sizeof random), &token);
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  entries_.push_back(TokenEntry{Sha256(token), actor, FormatTimestamp(now)});
  return token;
}

StatusOr<std::size_t> TokenStore::Revoke(std::string_view id_prefix, std::string_view actor_id) {
  if (actor_id.empty() && id_prefix.size() < kMinIdPrefix) {
    return Status(Code::kBadRequest, "name a token by at least " + std::to_string(kMinIdPrefix) +
                                         " digits of its id (hatchery token list)");
  }
  auto matches = [&](const TokenEntry& e) {
    return actor_id.empty() ? e.Id().starts_with(id_prefix) : e.actor.id == actor_id;
  };
  std::set<std::string> actors;
  for (const TokenEntry& e : entries_) {
    if (matches(e)) actors.insert(e.actor.id);
  }
  if (actors.empty()) return Status(Code::kNotFound, "no such token");
  if (actors.size() > 1) {
    return Status(Code::kBadRequest, "the id prefix matches tokens of several actors; give more");
  }
  std::size_t before = entries_.size();
  std::erase_if(entries_, matches);
  return before - entries_.size();
}

Status TokenStore::Save() const {
  std::string text;
  for (const TokenEntry& e : entries_) {
    bj::object line{{"token_sha256", ToHex(e.digest)},
                    {"actor", e.actor.id},
                    {"role", e.actor.role},
                    {"added_at", e.added_at}};
    text += json::Canonicalize(line) + "\n";
  }
  return files::Replace(path_, text, 0600);  // a reader sees the old file or the new one
}

std::optional<TokenEntry> TokenStore::Authenticate(std::string_view token) const {
  Hash presented = Sha256(token);
  // Every entry is compared, whatever matches, so that the time taken says nothing about which.
  const TokenEntry* found = nullptr;
  for (const TokenEntry& e : entries_) {
    bool equal = CRYPTO_memcmp(e.digest.data(), presented.data(), presented.size()) == 0;
    if (equal) found = &e;
  }
  if (!found) return std::nullopt;
  return *found;
}

bool TokenStore::Grants(const Hash& digest, const Actor& actor) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const TokenEntry& e) {
    return e.digest == digest && e.actor.id == actor.id && e.actor.role == actor.role;
  });
}

}  // namespace hatchery::server
