// A blocking client of `hatchery serve` (PROTOCOL.md): connects over TCP or TLS, says hello with a
// token, then exchanges one request line for one response line at a time. What the CLI's
// `client` command and its data commands' `--connect` use.
//
// Thread safety: one thread at a time per connection.
#ifndef HATCHERY_CLIENT_CONNECTION_H_
#define HATCHERY_CLIENT_CONNECTION_H_

#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hatchery/status.h"

namespace hatchery::client {

struct ConnectOptions {
  std::string address;  // HOST:PORT
  std::string token;
  // TLS: verify the server's certificate and host against the CA certificates in this PEM file
  // (empty: plain TCP).
  std::string tls_ca_file;
};

class Connection {
 public:
  // Connects and says hello. Errors: kBadRequest (the address), kUnavailable (cannot connect, no
  // TLS handshake, closed), the hello's own error (e.g. kUnauthenticated).
  static StatusOr<std::unique_ptr<Connection>> Open(const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The hello's result: actor, role, server_version, tree_size.
  const boost::json::object& hello() const { return hello_; }

  // Sends one request line (without its newline) and returns the next line the server sends.
  // Errors: kUnavailable (the connection closed or failed).
  StatusOr<std::string> Exchange(std::string_view line);
  // The request {"id", "op": op, ...args}: its result, or its error as a Status.
  StatusOr<boost::json::object> Call(std::string_view op, boost::json::object args = {});

  // For a subscription, whose pushes come between the answers: Send writes one request line
  // (without its newline) and does not wait for its answer; NextLine returns the next line the
  // server sends — an answer or a push — or nullopt when none came within `timeout` (the read
  // goes on, and the next call takes it up). Once NextLine was called, use only these two.
  // Errors: kUnavailable (the connection closed or failed; a write not taken within 30 s).
  Status Send(std::string_view line);
  StatusOr<std::optional<std::string>> NextLine(std::chrono::milliseconds timeout);

 private:
  struct Io;
  explicit Connection(std::unique_ptr<Io> io);
  std::unique_ptr<Io> io_;
  boost::json::object hello_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hatchery::client

#endif  // HATCHERY_CLIENT_CONNECTION_H_
