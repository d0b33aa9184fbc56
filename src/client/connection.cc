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
