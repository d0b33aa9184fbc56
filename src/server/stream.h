// A server connection's byte stream: plain TCP, or TLS over it (PROTOCOL.md: "TLS optional, same
// framing inside"). One type for the session either way: it is an AsyncReadStream and an
// AsyncWriteStream for Asio's composed operations (async_read_until, async_write), dispatching to
// the TLS layer when there is one.
//
// Thread safety: as the socket's (the session's strand only).
#ifndef HATCHERY_SERVER_STREAM_H_
#define HATCHERY_SERVER_STREAM_H_

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <optional>
#include <utility>

namespace hatchery::server {

class Stream {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;

  // `tls`: the server's TLS context, or null for plain TCP.
  Stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls)
      : plain_(std::move(socket)) {
    if (tls) tls_.emplace(std::move(plain_), *tls);
  }

  executor_type get_executor() { return socket().get_executor(); }
  boost::asio::ip::tcp::socket& socket() { return tls_ ? tls_->next_layer() : plain_; }
  bool tls() const { return tls_.has_value(); }
  // With TLS: bytes received but not yet read out (the socket may then have nothing to wait for).
  bool HasPending() { return tls_ && SSL_has_pending(tls_->native_handle()) == 1; }

  // The TLS handshake, server side (TLS only).
  template <typename Token>
  auto async_handshake(Token&& token) {
    return tls_->async_handshake(boost::asio::ssl::stream_base::server, std::forward<Token>(token));
  }

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Token>(token));
    return plain_.async_read_some(buffers, std::forward<Token>(token));
  }
  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Token>(token));
    return plain_.async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  boost::asio::ip::tcp::socket plain_;  // moved into tls_ when there is TLS
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
};

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_STREAM_H_
