// The web console's sign-in sessions: a token (token_store.h) exchanged for a session cookie. The
// cookie's value is a fresh random secret (32 bytes from OpenSSL's RAND_bytes, as hex) that is
// kept only as its SHA-256, like the tokens; with it the session holds the actor, the digest of the
// token it came from, and its own CSRF token (which every form of the session carries back).
//
// A session ends when it is signed out, when it has been idle for `idle` or open for `lifetime`,
// and the moment the tokens in force no longer grant its actor (a revoked or demoted token): Find
// asks the tokens at every request, and Recheck at every reload. At most `max_sessions` are held
// (beyond, and with none of them ended, a sign-in is refused), and at most kMaxPerActor of one
// actor (beyond, that actor's idlest ends): one token holder signing in again and again pushes
// out nobody else.
//
// Thread-safe.
#ifndef HATCHERY_SERVER_WEB_SESSIONS_H_
#define HATCHERY_SERVER_WEB_SESSIONS_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "server/token_store.h"

namespace hatchery::server {

// A fresh random secret of `bytes` bytes as lowercase hex (OpenSSL RAND_bytes).
std::string RandomHex(std::size_t bytes);

class WebSessions {
 public:
  using Clock = std::chrono::steady_clock;

  struct Seat {
    Actor actor;
    Hash token_digest{};
    std::string csrf;  // the session's CSRF token
  };

  WebSessions(std::chrono::seconds idle, std::chrono::seconds lifetime, std::size_t max_sessions)
      : idle_(idle), lifetime_(lifetime), max_(max_sessions) {}

  static constexpr std::size_t kMaxPerActor = 100;

  // A new session for the token `entry`: the cookie's value; nullopt when max_sessions are open.
  std::optional<std::string> Open(const TokenEntry& entry, Clock::time_point now = Clock::now());
  // The session `cookie` names, if it is open, neither idle too long nor too old, and `tokens`
  // still grant its actor; its idle time starts again. A session found ended is removed.
  std::optional<Seat> Find(std::string_view cookie, const TokenStore& tokens,
                           Clock::time_point now = Clock::now());
  // Signs the session out (nothing when there is none).
  void End(std::string_view cookie);
  // Ends every session `tokens` no longer grant; how many.
  std::size_t Recheck(const TokenStore& tokens);
  std::size_t size() const;

 private:
  struct Entry {
    Seat seat;
    Clock::time_point opened, last_seen;
  };
  bool Ended(const Entry& e, Clock::time_point now) const;  // idle or old beyond its time

  std::chrono::seconds idle_, lifetime_;
  std::size_t max_;
  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> sessions_;  // by the SHA-256 (hex) of the cookie
};

// Failed sign-ins per client address: after `max_failures` within `window` the address may not
// try again until `window` has passed since its last failure. A success forgets nothing (else an
// insider could interleave guesses with sign-ins of their own). At most 10,000 addresses are
// remembered (the oldest forgotten first).
//
// Thread-safe.
class SignInThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  SignInThrottle(unsigned max_failures, std::chrono::seconds window)
      : max_failures_(max_failures), window_(window) {}

  // Whether `address` may try now.
  bool MayTry(const std::string& address, Clock::time_point now = Clock::now());
  void Failed(const std::string& address, Clock::time_point now = Clock::now());

 private:
  struct Failures {
    unsigned count = 0;
    Clock::time_point last;
  };
  unsigned max_failures_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, Failures> by_address_;
};

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_WEB_SESSIONS_H_
