// The web console over HTTP/1.1 (Boost.Beast), beside the TCP API (`serve --http HOST:PORT`; HTTPS
// with the server's --tls-cert and --tls-key): the transport, sign-in and the security around the
// console's pages (console/console.h), which it renders on the projector's thread like every
// query.
//
//   - Sign-in: a token (token_store.h) posted with the sign-in form's CSRF token (a cookie it must
//     equal: double submit) is exchanged for a session cookie (web_sessions.h): HttpOnly,
//     SameSite=Strict, Path=/, Max-Age, and Secure under TLS. A failed sign-in is answered after
//     the failed-hello delay, logged at warn with the peer and kept in the access log; an address
//     with max_failed_hellos failures is refused (429) for a minute. `POST /sign-out` with the
//     session's CSRF token ends the session; a revoked token's sessions end at once.
//   - Every response: a Content-Security-Policy with no inline script (one nonce'd script from
//     /assets, no frames: frame-ancestors 'none'), nosniff, no referrer beyond the console itself,
//     no caching of pages. Every POST must come from a page of the console (its Origin, when sent,
//     is this server).
//   - Limits: headers and body at most 16 KiB each (431 / 413), a whole request within
//     `http_request_timeout` (a client sending a byte a second cannot hold a connection), an
//     answer taken within write_timeout, at most max_connections connections, the TLS handshake
//     within hello_timeout.
//
// Thread safety: as a Session (session.h): each connection on a strand of its own.
#ifndef HATCHERY_SERVER_HTTP_SESSION_H_
#define HATCHERY_SERVER_HTTP_SESSION_H_

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "server/server.h"
#include "server/stream.h"

namespace hatchery::server {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  HttpSession(std::shared_ptr<Server::State> state, boost::asio::ip::tcp::socket socket,
              std::uint64_t number, std::string peer);

  boost::asio::any_io_executor executor() { return stream_.get_executor(); }
  boost::asio::awaitable<void> Run();
  // Any thread: closes the connection if it is waiting for a request; otherwise it closes after
  // its answer.
  void StopIfIdle();

 private:
  boost::asio::awaitable<Response> Handle(const Request& request);
  boost::asio::awaitable<Response> SignIn(const Request& request);
  Response SignOut(const Request& request);
  boost::asio::awaitable<Response> Page(const Request& request);
  // `GET /export/bundle.tar?year=Y` and a point: the year's bundle as of the point, signed with
  // the server's key, written on the verifier's thread, sent as a tar file and removed (exporter
  // and admin; others 403). Writes its own answer; false: the connection is to end.
  boost::asio::awaitable<bool> Download(const Request& request);
  // Writes `message` within `timeout`; false: not taken in time, or the connection failed.
  template <typename Message>
  boost::asio::awaitable<bool> Send(Message& message, std::chrono::milliseconds timeout);
  // Sets the security headers (see above) and the content type on any response.
  void Harden(boost::beast::http::response_header<>& response, const std::string& content_type,
              const std::string& nonce) const;
  // A response with the security headers; `nonce` is the page's script's.
  Response Reply(const Request& request, unsigned status, std::string content_type,
                 std::string body, const std::string& nonce = "") const;
  // The sign-in page, with a fresh CSRF cookie for its form.
  Response SignInReply(const Request& request, std::string_view next, std::string_view error,
                       unsigned status) const;
  // 303 to `location`.
  Response Redirect(const Request& request, const std::string& location) const;
  void Close();

  std::shared_ptr<Server::State> state_;
  Stream stream_;
  std::uint64_t number_;
  std::string peer_;
  boost::beast::flat_buffer buffer_;
  bool idle_ = false;  // waiting for a request
};

// On the control strand: accepts console connections until the stop, each on a strand of its own.
boost::asio::awaitable<void> AcceptHttp(std::shared_ptr<Server::State> state);

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_HTTP_SESSION_H_
