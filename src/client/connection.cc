#include "client/connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <optional>

#include "hatchery/json.h"

namespace hatchery::client {

namespace asio = boost::asio;
namespace bj = boost::json;
using asio::ip::tcp;

struct Connection::Io {
  asio::io_context context;
  std::optional<asio::ssl::context> tls_context;
  tcp::socket plain{context};
  std::optional<asio::ssl::stream<tcp::socket>> tls;  // owns the socket when there is TLS
  std::string buffer;
  // NextLine's read, which may outlive a call: under way, done, and how it ended.
  bool reading = false;
  bool read_done = false;
  boost::system::error_code read_error;
  std::size_t read_bytes = 0;

  // Runs the context's handlers until `done` or `deadline` (past: only those ready now).
  void RunUntil(const bool& done, std::chrono::steady_clock::time_point deadline) {
    if (context.stopped()) context.restart();
    if (deadline <= std::chrono::steady_clock::now()) {
      while (!done && context.poll_one() > 0) {
      }
      return;
    }
    while (!done && context.run_one_until(deadline) > 0) {
    }
  }

  // `op` on whichever stream there is.
  template <typename Op>
  auto OnStream(Op op) {
    return tls ? op(*tls) : op(plain);
  }
};

namespace {

Status Unavailable(const std::string& address, const std::string& what) {
  return Status(Code::kUnavailable, address + ": " + what);
}

}  // namespace

StatusOr<std::unique_ptr<Connection>> Connection::Open(const ConnectOptions& options) {
  std::size_t colon = options.address.rfind(':');
  if (colon == std::string::npos) {
    return Status(Code::kBadRequest, "--connect wants HOST:PORT, e.g. 127.0.0.1:7411");
  }
  std::string host = options.address.substr(0, colon);
  auto io = std::make_unique<Io>();
  boost::system::error_code ec;
  tcp::resolver resolver(io->context);
  auto endpoints = resolver.resolve(host, options.address.substr(colon + 1), ec);
  if (!ec) asio::connect(io->plain, endpoints, ec);
  if (ec) return Unavailable(options.address, "cannot connect: " + ec.message());
  io->plain.set_option(tcp::no_delay(true), ec);
  if (!options.tls_ca_file.empty()) {
    io->tls_context.emplace(asio::ssl::context::tls_client);
    io->tls_context->load_verify_file(options.tls_ca_file, ec);
    if (ec) {
      return Status(Code::kBadRequest,
                    "cannot load the CA certificates " + options.tls_ca_file + ": " + ec.message());
    }
    io->tls.emplace(std::move(io->plain), *io->tls_context);
    io->tls->set_verify_mode(asio::ssl::verify_peer);
    io->tls->set_verify_callback(asio::ssl::host_name_verification(host));
    SSL_set_tlsext_host_name(io->tls->native_handle(), host.c_str());
    io->tls->handshake(asio::ssl::stream_base::client, ec);
    if (ec) return Unavailable(options.address, "no TLS handshake: " + ec.message());
  }
  std::unique_ptr<Connection> connection(new Connection(std::move(io)));
  ASSIGN_OR_RETURN(connection->hello_, connection->Call("hello", {{"token", options.token}}));
  return connection;
}

Connection::Connection(std::unique_ptr<Io> io) : io_(std::move(io)) {}
Connection::~Connection() = default;

StatusOr<std::string> Connection::Exchange(std::string_view line) {
  std::string request = std::string(line) + "\n";
  boost::system::error_code ec;
  std::size_t n = io_->OnStream([&](auto& stream) {
    asio::write(stream, asio::buffer(request), ec);
    return ec ? 0 : asio::read_until(stream, asio::dynamic_buffer(io_->buffer), '\n', ec);
  });
  if (ec) return Status(Code::kUnavailable, "the server closed the connection: " + ec.message());
  std::string response = io_->buffer.substr(0, n - 1);
  io_->buffer.erase(0, n);
  return response;
}

Status Connection::Send(std::string_view line) {
  std::string request = std::string(line) + "\n";
  bool written = false;
  boost::system::error_code ec;
  io_->OnStream([&](auto& stream) {
    asio::async_write(stream, asio::buffer(request), [&](boost::system::error_code e, std::size_t) {
      ec = e;
      written = true;
    });
  });
  io_->RunUntil(written, std::chrono::steady_clock::now() + std::chrono::seconds(30));
  if (!written) {
    boost::system::error_code ignored;
    io_->OnStream([&](auto& stream) { stream.lowest_layer().close(ignored); });
    io_->RunUntil(written, std::chrono::steady_clock::time_point::max());
    return Status(Code::kUnavailable, "the server did not take a request within 30 s");
  }
  if (ec) return Status(Code::kUnavailable, "the server closed the connection: " + ec.message());
  return Status::Ok();
}

StatusOr<std::optional<std::string>> Connection::NextLine(std::chrono::milliseconds timeout) {
  Io& io = *io_;
  if (!io.reading && !io.read_done) {
    if (std::size_t end = io.buffer.find('\n'); end != std::string::npos) {  // read earlier
      std::string line = io.buffer.substr(0, end);
      io.buffer.erase(0, end + 1);
      return std::optional<std::string>(std::move(line));
    }
    io.reading = true;
    io.OnStream([&](auto& stream) {
      asio::async_read_until(stream, asio::dynamic_buffer(io.buffer), '\n',
                             [&io](boost::system::error_code ec, std::size_t n) {
                               io.read_error = ec;
                               io.read_bytes = n;
                               io.read_done = true;
                               io.reading = false;
                             });
    });
  }
  io.RunUntil(io.read_done, std::chrono::steady_clock::now() + timeout);
  if (!io.read_done) return std::optional<std::string>();
  io.read_done = false;
  if (io.read_error) {
    return Status(Code::kUnavailable,
                  "the server closed the connection: " + io.read_error.message());
  }
  std::string line = io.buffer.substr(0, io.read_bytes - 1);
  io.buffer.erase(0, io.read_bytes);
  return std::optional<std::string>(std::move(line));
}

StatusOr<bj::object> Connection::Call(std::string_view op, bj::object args) {
  args["id"] = next_id_++;
  args["op"] = op;
  ASSIGN_OR_RETURN(std::string line, Exchange(bj::serialize(args)));
  ASSIGN_OR_RETURN(bj::value response, json::ParseStrict(line));
  const bj::object* o = response.if_object();
  const bj::value* ok = o ? o->if_contains("ok") : nullptr;
  if (!ok || !ok->is_bool()) {
    return Status(Code::kInternal, "the server's answer is not a response: " + line);
  }
  if (!ok->as_bool()) {
    const bj::value* error = o->if_contains("error");
    return Status::FromJson(error && error->is_object() ? error->as_object() : bj::object());
  }
  const bj::value* result = o->if_contains("result");
  if (!result || !result->is_object()) {
    return Status(Code::kInternal, "the server's answer has no result: " + line);
  }
  return result->as_object();
}

}  // namespace hatchery::client
