// One client connection of the server (server.h): reads request lines with a deadline and a frame
// limit, answers them in order (pipelined requests are read ahead and answered one by one), binds
// the connection to the actor of its `hello` token, and checks each op against the actor's role.
//
// All sessions run on the server's one network thread (an implicit strand): no locks.
#ifndef HATCHERY_SERVER_SESSION_H_
#define HATCHERY_SERVER_SESSION_H_

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "server/projector.h"
#include "server/server.h"

namespace hatchery::server {

struct Server::State {
  State(Ledger& l, TokenStore t, ServerOptions o)
      : ledger(l), tokens(std::move(t)), options(std::move(o)), acceptor(net) {}

  Ledger& ledger;
  TokenStore tokens;
  ServerOptions options;
  std::unique_ptr<Projector> projector;
  boost::asio::io_context net;
  boost::asio::ip::tcp::acceptor acceptor;
  std::thread thread;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // Network thread only.
  bool stopping = false;
  std::uint64_t next_session = 1;
  std::map<std::uint64_t, std::weak_ptr<class Session>> sessions;
  // Counters for `stats` (network thread only).
  std::uint64_t connections_total = 0, requests = 0, errors = 0, appended = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Server::State> state, boost::asio::ip::tcp::socket socket,
          std::uint64_t number);

  boost::asio::awaitable<void> Run();
  // Ends the session if it is waiting for a request; otherwise it ends after its current one.
  void StopIfIdle();

 private:
  boost::asio::awaitable<std::string> Handle(std::string_view line);
  boost::asio::awaitable<StatusOr<boost::json::object>> Dispatch(const std::string& op,
                                                                 const boost::json::object& args);
  boost::asio::awaitable<StatusOr<boost::json::object>> Append(const boost::json::object& args,
                                                               bool batch);
  // query or explain, run on the projector's thread.
  boost::asio::awaitable<StatusOr<boost::json::object>> OnProjector(std::string op,
                                                                    boost::json::object args);
  boost::asio::awaitable<bool> Write(std::string text);  // false: not taken in time

  std::shared_ptr<Server::State> state_;
  boost::asio::ip::tcp::socket socket_;
  std::uint64_t number_;
  std::optional<Actor> actor_;
  bool idle_ = false;
};

// May `role` run `op`? (PROTOCOL.md "Roles"; hello and stats are open to every authenticated
// connection.)
bool Allowed(std::string_view role, std::string_view op);

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_SESSION_H_
