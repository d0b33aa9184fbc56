// A blocking HTTP/1.1 client with a cookie jar, for the console's tests: what a browser sends and
// keeps, one connection per request (Boost.Beast).
#ifndef HATCHERY_TESTS_HTTP_CLIENT_H_
#define HATCHERY_TESTS_HTTP_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hatchery::testing {

struct HttpReply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // by lowercase name; Set-Cookie in set_cookies
  std::vector<std::string> set_cookies;
  std::string body;
  std::string Header(const std::string& lowercase_name) const;
};

class Browser {
 public:
  explicit Browser(std::uint16_t port) : port_(port) {}
  // Over HTTPS, trusting the server's certificate's issuer in the PEM file `ca_file`.
  Browser(std::uint16_t port, std::string ca_file) : port_(port), ca_file_(std::move(ca_file)) {}

  HttpReply Get(const std::string& target);
  // A form POST (application/x-www-form-urlencoded) with this console as its Origin.
  HttpReply Post(const std::string& target, const std::string& form);
  // Any request, as given: `extra` header lines ("Name: value\r\n"…) and a body.
  HttpReply Send(const std::string& method, const std::string& target, const std::string& extra,
                 const std::string& body);

  // GET /sign-in, then POST the token with the form's CSRF token; the sign-in's reply.
  HttpReply SignIn(const std::string& token);
  // The value the jar keeps for `name` ("" for none).
  std::string Cookie(const std::string& name) const;
  void SetCookie(const std::string& name, const std::string& value) { jar_[name] = value; }
  std::string Origin() const {
    return (ca_file_.empty() ? "http://" : "https://") + std::string("127.0.0.1:") +
           std::to_string(port_);
  }

 private:
  // Sends `request` over `stream` and reads the reply into the jar and the returned reply.
  template <typename Stream>
  HttpReply Exchange(Stream& stream, const std::string& request);

  std::uint16_t port_;
  std::string ca_file_;
  std::map<std::string, std::string> jar_;
};

// The value of `<input … name="name" value="…">` in `html`, "" for none.
std::string InputValue(const std::string& html, const std::string& name);

}  // namespace hatchery::testing

#endif  // HATCHERY_TESTS_HTTP_CLIENT_H_
