// Who may connect: the tokens file of `hatchery serve`. Each line is one token's SHA-256 with the
// actor and role it stands for (PROTOCOL.md "Roles"); the token itself is printed once, when it is
// added, and never stored. Authentication hashes the presented token and compares it with every
// stored digest in constant time.
//
//   {"token_sha256":"<64 hex>","actor":"clerk.zhang","role":"admin","added_at":"<RFC 3339>"}
//
// The file is replaced atomically (written beside it under a fresh name created exclusively,
// fsync'd, renamed), with mode 0600. A running server reloads it on SIGHUP and when it changes.
// Thread-compatible; Authenticate is const and may run concurrently with itself.
#ifndef HATCHERY_SERVER_TOKEN_STORE_H_
#define HATCHERY_SERVER_TOKEN_STORE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hatchery/event.h"
#include "hatchery/sha256.h"
#include "hatchery/status.h"

namespace hatchery::server {

// The prefix of every token ("htk_" and 64 lowercase hex digits).
inline constexpr std::string_view kTokenPrefix = "htk_";

// How `token list` and `token revoke` name a token: the first 12 hex digits of its digest.
std::string TokenId(const Hash& digest);

struct TokenEntry {
  Hash digest{};  // SHA-256 of the token's text
  Actor actor;
  std::string added_at;

  std::string Id() const { return TokenId(digest); }
};

class TokenStore {
 public:
  // The tokens in `path`; a missing file is an empty store. Errors: kBadRequest naming the line
  // that is not a token entry.
  static StatusOr<TokenStore> Load(const std::string& path);

  // A fresh random token for `actor` (role admin, auditor or exporter), kept as its digest.
  // Errors: kBadRequest (invalid actor id or role).
  StatusOr<std::string> Add(const Actor& actor);
  // Removes every token whose Id() starts with `id_prefix` (at least 6 digits) or, if `actor_id`
  // is given instead, every token of that actor; returns how many. Errors: kBadRequest (a prefix
  // shorter than 6 or matching tokens of several actors), kNotFound.
  StatusOr<std::size_t> Revoke(std::string_view id_prefix, std::string_view actor_id);
  // Writes the store to the file it was loaded from. Errors: kUnavailable.
  Status Save() const;

  // The entry of a presented token (its digest and actor), or nullopt.
  std::optional<TokenEntry> Authenticate(std::string_view token) const;
  // Whether the token of `digest` still stands for `actor`, the same id and role: what a reload
  // asks of every open connection (a revoked or demoted token's connections are closed).
  bool Grants(const Hash& digest, const Actor& actor) const;

  const std::vector<TokenEntry>& entries() const { return entries_; }
  // The file it was loaded from (and is saved to, and reloaded from).
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<TokenEntry> entries_;
};

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_TOKEN_STORE_H_
