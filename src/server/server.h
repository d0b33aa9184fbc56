// `hatchery serve`: the TCP API of PROTOCOL.md over Boost.Asio — newline-delimited JSON, one
// session per connection (C++20 coroutines, each connection on a strand of its own, on a pool of
// network threads), `hello` with a token first,
// roles, a deadline on every read and write, a frame limit, a connection limit, limits on the
// connections that have not authenticated, tokens reloaded live (revoked ones' connections closed),
// subscriptions, and a graceful stop. Appends go to the ledger's single writer; queries, explain
// and checkpoints run on the projector (projector.h) and never touch the writer's state; `verify`
// runs on a thread of its own. With a signing key the server signs a checkpoint on demand, every
// `checkpoint_every` when events were added, and at the end (AUDIT.md §3).
//
// Thread safety: Start, Stop and Wait from one controlling thread.
#ifndef HATCHERY_SERVER_SERVER_H_
#define HATCHERY_SERVER_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "hatchery/ledger.h"
#include "hatchery/note.h"
#include "server/token_store.h"

namespace hatchery::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7411;  // 0: any free port (see Server::port)
  std::size_t max_frame_bytes = 1 << 20;
  std::size_t max_connections = 1024;
  // Threads that run the sessions (0: half the cores, at least one).
  unsigned network_threads = 0;
  std::size_t max_batch = 1000;  // commands in one append_batch
  // `verify` requests running or waiting, at most (one runs at a time): beyond, `overloaded`.
  std::size_t max_verifies = 4;
  // A live subscriber that falls this many events behind the head is told and disconnected.
  std::uint64_t max_subscriber_lag = 100'000;
  std::chrono::milliseconds idle_timeout{300'000};  // for a whole request line to arrive
  std::chrono::milliseconds write_timeout{30'000};  // for a response to be taken
  // Before a connection has authenticated: the time its TLS handshake and `hello` may take; how
  // many such connections there may be, in all and from one address (beyond, a new connection
  // is refused `overloaded`, so that connections that never say hello cannot keep an
  // authenticated user out); and the failed `hello`s it may make, each answered only after
  // `failed_hello_delay`, before it is closed. Every failure is logged at warn with the peer.
  std::chrono::milliseconds hello_timeout{5'000};
  std::size_t max_unauthenticated = 128;
  std::size_t max_unauthenticated_per_address = 32;
  unsigned max_failed_hellos = 3;
  std::chrono::milliseconds failed_hello_delay{1'000};
  // How often the tokens file is looked at for a change, which is then reloaded as SIGHUP does
  // (Server::ReloadTokens); 0: only on demand.
  std::chrono::milliseconds tokens_poll{2'000};
  // The checkpoint-signing key (none: the server signs nothing) and how often to sign the head
  // when it has moved: every `checkpoint_every` (0: not on a timer) and whenever
  // `checkpoint_events` events were added since the last one signed (0: not by count); always on
  // demand and at the end.
  std::optional<note::SigningKey> signing_key;
  std::uint64_t checkpoint_events = 1000;
  // TLS (PEM files): with both, every connection is TLS 1.2 or later; with neither, plain TCP.
  std::string tls_cert_file, tls_key_file;
  std::chrono::seconds checkpoint_every{0};
  // Where the `backup` op puts the store's backups (docs/operations.md); empty: it is refused.
  std::string backup_dir;
  // Where every authentication is also appended as a JSON line and loaded from at start
  // (access_log.h); empty: the `logins` op answers from memory, since the start.
  std::string access_log_file;
  // The web console (docs/console.md) on its own address beside the TCP API, HTTPS with the TLS
  // files above; off unless `http`. A sign-in session ends after `web_idle` without a request or
  // `web_lifetime` in all; a whole HTTP request must arrive within `http_request_timeout`.
  bool http = false;
  std::string http_host = "127.0.0.1";
  std::uint16_t http_port = 7480;  // 0: any free port (see Server::http_port)
  std::chrono::seconds web_idle{1800}, web_lifetime{43'200};
  std::chrono::milliseconds http_request_timeout{30'000};
  // A read replica's server (`hatchery follow --serve`, whose ledger refuses appends, naming the
  // primary): what `stats` says of the replica (its lag). Empty: a primary.
  std::function<boost::json::object()> replica_status;
};

class Server {
 public:
  // Binds and starts serving. `ledger` (opened for writing, with the policy rules) must outlive
  // the server. Errors: kUnavailable (cannot listen), kBadRequest (the address, a TLS file that
  // does not load), the projector's fold errors.
  static StatusOr<std::unique_ptr<Server>> Start(Ledger& ledger, TokenStore tokens,
                                                 ServerOptions options);
  ~Server();  // Stop() and Wait()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  std::uint16_t http_port() const;  // the console's, when options.http
  // Reads the tokens file again (TokenStore::path) and puts it in force: new connections
  // authenticate against it, and every open connection whose token was revoked, or now stands for
  // another actor or role, is closed at once. The reload is logged. Errors: the file does not load
  // (the tokens in force stay).
  Status ReloadTokens();
  // Any thread, on a read replica: events were kept (Ledger::AppendRecorded); the subscriptions
  // read them.
  void Replicated();
  // Stops accepting, lets every session finish the request it is handling, closes idle ones.
  // Idempotent; returns at once.
  void Stop();
  // Blocks until every session has ended and the network threads have stopped; then, with a signing
  // key, signs and keeps a final checkpoint of the head if it is not signed yet.
  void Wait();

  struct State;  // shared with the sessions (session.h)

 private:
  explicit Server(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_SERVER_H_
