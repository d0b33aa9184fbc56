// `hatchery serve`: the TCP API of PROTOCOL.md over Boost.Asio — newline-delimited JSON, one
// session per connection (C++20 coroutines on one network thread), `hello` with a token first,
// roles, a deadline on every read and write, a frame limit, a connection limit, and a graceful
// stop. Appends go to the ledger's single writer; queries run on the projector (projector.h) and
// never touch the writer's state.
//
// Not yet (issue 6 continues): TLS, subscribe, append_batch's batch-size limit beyond
// max_batch, checkpoint signing by the server, verify, structured logs.
//
// Thread safety: Start, Stop and Wait from one controlling thread.
#ifndef HATCHERY_SERVER_SERVER_H_
#define HATCHERY_SERVER_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "hatchery/ledger.h"
#include "server/token_store.h"

namespace hatchery::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7411;  // 0: any free port (see Server::port)
  std::size_t max_frame_bytes = 1 << 20;
  std::size_t max_connections = 1024;
  std::size_t max_batch = 1000;  // commands in one append_batch
  // A live subscriber that falls this many events behind the head is told and disconnected.
  std::uint64_t max_subscriber_lag = 100'000;
  std::chrono::milliseconds idle_timeout{300'000};  // for a whole request line to arrive
  std::chrono::milliseconds write_timeout{30'000};  // for a response to be taken
};

class Server {
 public:
  // Binds and starts serving. `ledger` (opened for writing, with the policy rules) must outlive
  // the server. Errors: kUnavailable (cannot listen), the projector's fold errors.
  static StatusOr<std::unique_ptr<Server>> Start(Ledger& ledger, TokenStore tokens,
                                                 ServerOptions options);
  ~Server();  // Stop() and Wait()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  // Stops accepting, lets every session finish the request it is handling, closes idle ones.
  // Idempotent; returns at once.
  void Stop();
  // Blocks until every session has ended and the network thread has stopped.
  void Wait();

  struct State;  // shared with the sessions (session.h)

 private:
  explicit Server(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_SERVER_H_
