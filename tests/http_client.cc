#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace hatchery::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::string HttpReply::Header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? "" : it->second;
}

HttpReply Browser::Send(const std::string& method, const std::string& target,
                        const std::string& extra, const std::string& body) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  std::string cookies;
  for (const auto& [name, value] : jar_) {
    cookies += (cookies.empty() ? "" : "; ") + name + "=" + value;
  }
  std::string request = method + " " + target +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                        "\r\nConnection: close\r\n" + extra;
  if (!cookies.empty()) request += "Cookie: " + cookies + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (ca_file_.empty()) return Exchange(socket, request);
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(ca_file_);
  asio::ssl::stream<asio::ip::tcp::socket&> secured(socket, tls);
  secured.set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  secured.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return HttpReply{};  // status 0: no session
  return Exchange(secured, request);
}

template <typename Stream>
HttpReply Browser::Exchange(Stream& socket, const std::string& request) {
  asio::write(socket, asio::buffer(request));
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  boost::system::error_code ec;
  http::read(socket, buffer, parser, ec);
  HttpReply reply;
  if (ec) return reply;  // status 0: no answer
  const auto& message = parser.get();
  reply.status = message.result_int();
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "set-cookie") {
      std::string value(field.value());
      reply.set_cookies.push_back(value);
      std::size_t eq = value.find('='), semi = value.find(';');
      std::string cookie = value.substr(0, eq), kept = value.substr(eq + 1, semi - eq - 1);
      if (kept.empty()) {
        jar_.erase(cookie);
      } else {
        jar_[cookie] = kept;
      }
    } else {
      reply.headers[name] = std::string(field.value());
    }
  }
  reply.body = message.body();
  return reply;
}

HttpReply Browser::Get(const std::string& target) { return Send("GET", target, "", ""); }

HttpReply Browser::Post(const std::string& target, const std::string& form) {
  return Send("POST", target,
              "Origin: " + Origin() + "\r\nContent-Type: application/x-www-form-urlencoded\r\n",
              form);
}

HttpReply Browser::SignIn(const std::string& token) {
  HttpReply page = Get("/sign-in");
  return Post("/sign-in", "csrf=" + InputValue(page.body, "csrf") + "&token=" + token);
}

std::string Browser::Cookie(const std::string& name) const {
  auto it = jar_.find(name);
  return it == jar_.end() ? "" : it->second;
}

std::string InputValue(const std::string& html, const std::string& name) {
  std::size_t at = html.find("name=\"" + name + "\" value=\"");
  if (at == std::string::npos) return "";
  at = html.find("value=\"", at) + 7;
  return html.substr(at, html.find('"', at) - at);
}

}  // namespace hatchery::testing
