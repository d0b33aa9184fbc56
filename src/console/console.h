// The web console (docs/console.md): read-only pages for bureau staff and auditors, rendered on
// the server from the single read path (read/ops.h), each as of the point its URL names — known at
// (a seq or an instant) and effective on (a date) — and each with a JSON twin (`format=json`) that
// returns exactly what the command line's --format json returns for the same reads at the same
// point. Chinese by default with an English toggle, money in 元 or 万元.
//
// What is here is the pages; the HTTP transport, sign-in, sessions, CSRF and the security headers
// are the server's (server/http_session.h).
//
// Pure functions of the facts; thread-safe for concurrent callers on the same facts.
#ifndef HATCHERY_CONSOLE_CONSOLE_H_
#define HATCHERY_CONSOLE_CONSOLE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "console/page.h"
#include "hatchery/note.h"
#include "read/ops.h"

namespace hatchery::console {

struct Response {
  unsigned status = 200;
  std::string content_type;  // with its charset for text
  std::string body;
};

// A signed-in reader's request for a page.
struct Request {
  std::string target;  // the path and query string, as received
  Chrome chrome;       // who asks, the session's CSRF token, the response's nonce
  std::function<bool(std::string_view op)> may;     // may the reader's role run a read op?
  bool may_export = false;                          // and download an export bundle?
  std::optional<note::VerifierKey> checkpoint_key;  // verifies the dashboard's checkpoint
};

// Whether `path` is one of the console's pages (answered by Render).
bool IsPage(std::string_view path);

// The page (or its JSON twin) `request` names, as of its point. A malformed parameter, an unknown
// id or a role that may not is an error page (or PROTOCOL.md's error object): 400, 404, 403.
Response Render(const read::Facts& at, const Request& request);

// The static assets: /assets/console.css, /assets/console.js and /assets/favicon.svg (also as
// /favicon.ico), compiled into the binary (the machines are offline: nothing comes from
// elsewhere). nullopt for another path.
std::optional<Response> Asset(std::string_view path);

// The sign-in page: a form posting a token with `csrf` (the sign-in form's own token), and
// `error` shown when not empty. `target` is where to go once signed in.
Response SignInPage(std::string_view target, std::string_view csrf, std::string_view nonce,
                    std::string_view error, unsigned status = 200);

// The HTTP status of an error of `code`.
unsigned HttpStatus(Code code);

}  // namespace hatchery::console

#endif  // HATCHERY_CONSOLE_CONSOLE_H_
