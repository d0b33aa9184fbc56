#include "server/web_sessions.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "hatchery/sha256.h"

namespace hatchery::server {
namespace {

std::string DigestHex(std::string_view cookie) { return ToHex(Sha256(cookie)); }

constexpr std::size_t kMaxAddresses = 10'000;

}  // namespace

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("no random bytes from OpenSSL");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::optional<std::string> WebSessions::Open(const TokenEntry& entry, Clock::time_point now) {
  std::string cookie = RandomHex(32);
  Entry fresh{{entry.actor, entry.digest, RandomHex(16)}, now, now};
  std::lock_guard lock(mu_);
  // The actor's own idlest session gives way to its newest; another actor's never does.
  auto idlest = sessions_.end();
  std::size_t own = 0;
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.seat.actor.id != entry.actor.id) continue;
    ++own;
    if (idlest == sessions_.end() || it->second.last_seen < idlest->second.last_seen) idlest = it;
  }
  if (own >= kMaxPerActor) sessions_.erase(idlest);
  if (sessions_.size() >= max_) {
    std::erase_if(sessions_, [&](const auto& kv) { return Ended(kv.second, now); });
  }
  if (sessions_.size() >= max_) return std::nullopt;
  sessions_.emplace(DigestHex(cookie), std::move(fresh));
  return cookie;
}

bool WebSessions::Ended(const Entry& e, Clock::time_point now) const {
  return now - e.last_seen > idle_ || now - e.opened > lifetime_;
}

std::optional<WebSessions::Seat> WebSessions::Find(std::string_view cookie,
                                                   const TokenStore& tokens,
                                                   Clock::time_point now) {
  if (cookie.empty()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = sessions_.find(DigestHex(cookie));
  if (it == sessions_.end()) return std::nullopt;
  Entry& e = it->second;
  if (Ended(e, now) || !tokens.Grants(e.seat.token_digest, e.seat.actor)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  e.last_seen = now;
  return e.seat;
}

void WebSessions::End(std::string_view cookie) {
  std::lock_guard lock(mu_);
  if (auto it = sessions_.find(DigestHex(cookie)); it != sessions_.end()) sessions_.erase(it);
}

std::size_t WebSessions::Recheck(const TokenStore& tokens) {
  std::lock_guard lock(mu_);
  return std::erase_if(sessions_, [&](const auto& kv) {
    return !tokens.Grants(kv.second.seat.token_digest, kv.second.seat.actor);
  });
}

std::size_t WebSessions::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

bool SignInThrottle::MayTry(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return true;
  if (now - it->second.last > window_) {
    by_address_.erase(it);
    return true;
  }
  return it->second.count < max_failures_;
}

void SignInThrottle::Failed(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (by_address_.size() >= kMaxAddresses && !by_address_.contains(address)) {
    auto oldest = by_address_.begin();
    for (auto it = by_address_.begin(); it != by_address_.end(); ++it) {
      if (it->second.last < oldest->second.last) oldest = it;
    }
    by_address_.erase(oldest);
  }
  Failures& f = by_address_[address];
  if (f.count > 0 && now - f.last > window_) f.count = 0;
  ++f.count;
  f.last = now;
}

}  // namespace hatchery::server
