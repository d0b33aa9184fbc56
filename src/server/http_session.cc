#include "server/http_session.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "console/console.h"
#include "console/location.h"
#include "export/bundle.h"
#include "export/source.h"
#include "export/tar.h"
#include "read/point.h"
#include "server/away.h"
#include "server/session.h"

namespace hatchery::server {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxHeaderBytes = 16 << 10, kMaxBodyBytes = 16 << 10;
// The cookies' names. Under TLS with the prefixes browsers enforce: a __Host- cookie is Secure,
// Path=/ and of this host alone (a sibling subdomain cannot plant one); a __Secure- one is Secure.
std::string SessionCookie(bool tls) { return tls ? "__Host-hatchery_session" : "hatchery_session"; }
std::string SignInCookie(bool tls) { return tls ? "__Secure-hatchery_signin" : "hatchery_signin"; }
constexpr std::string_view kDownload = "/export/bundle.tar";
// A bundle may be large: its download may take this long (beyond the write timeout).
constexpr std::chrono::minutes kDownloadTimeout{10};

bool MayExport(std::string_view role) { return role == "exporter" || role == "admin"; }

// The value of cookie `name` in the request's Cookie header; "" when absent.
std::string CookieOf(const HttpSession::Request& request, std::string_view name) {
  std::string_view header = request[http::field::cookie];
  while (!header.empty()) {
    std::size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? "" : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return "";
}

bool SameSecret(std::string_view a, std::string_view b) {
  return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Where a sign-in may send the browser on: a path of this server, never another site.
std::string SafeNext(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.starts_with("//") ||
      next.find('\\') != std::string_view::npos || next.starts_with("/sign-")) {
    return "/";
  }
  return std::string(next);
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

HttpSession::HttpSession(std::shared_ptr<Server::State> state, tcp::socket socket,
                         std::uint64_t number, std::string peer)
    : state_(std::move(state)),
      stream_(std::move(socket), state_->tls ? &*state_->tls : nullptr),
      number_(number),
      peer_(std::move(peer)),
      buffer_(kMaxHeaderBytes + kMaxBodyBytes) {}

void HttpSession::Close() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void HttpSession::StopIfIdle() {
  asio::post(executor(), [self = shared_from_this()] {
    if (self->idle_) self->Close();
  });
}

asio::awaitable<void> HttpSession::Run() {
  auto self = shared_from_this();  // the state holds sessions weakly: this frame keeps it
  // Counted out of the state's connections however the session ends, an exception included.
  struct Leave {
    HttpSession* session;
    ~Leave() {
      session->Close();
      session->state_->RemoveHttp(session->number_, session->peer_);
    }
  } leave{this};
  const Server::State& state = *state_;
  if (stream_.tls()) {
    asio::steady_timer deadline(executor(), state.options.hello_timeout);
    auto shaken = co_await (stream_.async_handshake(kNoThrow) || deadline.async_wait(kNoThrow));
    if (shaken.index() == 1 || std::get<0>(shaken) != std::tuple{boost::system::error_code{}}) {
      co_return;
    }
  }
  while (!state.stopping) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    asio::steady_timer deadline(executor(), state.options.http_request_timeout);
    idle_ = true;
    auto read = co_await (http::async_read(stream_, buffer_, parser, kNoThrow) ||
                          deadline.async_wait(kNoThrow));
    idle_ = false;
    if (read.index() == 1) break;  // too slow: a byte a second cannot hold a connection
    auto [ec, n] = std::get<0>(read);
    Response response;
    bool close = false;
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
      Request none;
      none.version(11);
      response =
          Reply(none, ec == http::error::header_limit ? 431 : 413, "text/plain; charset=utf-8",
                ec == http::error::header_limit ? "headers larger than 16 KiB\n"
                                                : "body larger than 16 KiB\n");
      close = true;
    } else if (ec) {
      break;  // closed by the client, a malformed request, a stop, a network error
    } else if (const Request& request = parser.get();
               PathOf(request.target()) == kDownload && request.method() == http::verb::get) {
      if (!co_await Download(request) || !request.keep_alive() || state.stopping) break;
      continue;  // answered, as a file
    } else {
      response = co_await Handle(request);
      close = !request.keep_alive();
    }
    if (close || state.stopping) response.keep_alive(false);
    if (!co_await Send(response, state.options.write_timeout) || !response.keep_alive()) break;
  }
}

HttpSession::Response HttpSession::Reply(const Request& request, unsigned status,
                                         std::string content_type, std::string body,
                                         const std::string& nonce) const {
  Response response{static_cast<http::status>(status), request.version()};
  Harden(response, content_type, nonce);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

void HttpSession::Harden(http::response_header<>& response, const std::string& content_type,
                         const std::string& nonce) const {
  response.set(http::field::server, "hatchery");
  response.set(http::field::content_type, content_type);
  response.set("Content-Security-Policy",
               "default-src 'none'; script-src " +
                   (nonce.empty() ? std::string("'none'") : "'nonce-" + nonce + "'") +
                   "; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                   "frame-ancestors 'none'; base-uri 'none'");
  response.set(http::field::x_frame_options, "DENY");
  response.set("X-Content-Type-Options", "nosniff");
  // Not "no-referrer": a browser then sends "Origin: null" with the console's own forms.
  response.set("Referrer-Policy", "same-origin");
  response.set(http::field::cache_control, "no-store");
  if (stream_.tls()) response.set("Strict-Transport-Security", "max-age=31536000");
}

HttpSession::Response HttpSession::Redirect(const Request& request,
                                            const std::string& location) const {
  Response response = Reply(request, 303, "text/plain; charset=utf-8", "");
  response.set(http::field::location, location);
  return response;
}

HttpSession::Response HttpSession::SignInReply(const Request& request, std::string_view next,
                                               std::string_view error, unsigned status) const {
  // The form's token is the browser's sign-in cookie when it has one, so that a second sign-in
  // page (another tab) does not spoil the first.
  std::string csrf = CookieOf(request, SignInCookie(stream_.tls())), nonce = RandomHex(16);
  if (csrf.size() != 32 || csrf.find_first_not_of("0123456789abcdef") != std::string::npos) {
    csrf = RandomHex(16);
  }
  console::Response page = console::SignInPage(SafeNext(next), csrf, nonce, error, status);
  Response response = Reply(request, page.status, page.content_type, std::move(page.body), nonce);
  response.set(http::field::set_cookie,
               SignInCookie(stream_.tls()) + "=" + csrf + "; Path=/sign-in; HttpOnly; " +
                   "SameSite=Strict; Max-Age=3600" + (stream_.tls() ? "; Secure" : ""));
  return response;
}

asio::awaitable<HttpSession::Response> HttpSession::Handle(const Request& request) {
  std::string_view target = request.target();
  std::string_view path = PathOf(target);
  const bool post = request.method() == http::verb::post;
  if (!post && request.method() != http::verb::get) {
    Response refused = Reply(request, 405, "text/plain; charset=utf-8", "GET or POST only\n");
    refused.set(http::field::allow, "GET, POST");
    co_return refused;
  }
  if (post) {  // only from a page of this console
    std::string_view origin = request[http::field::origin];
    std::string_view site = request["Sec-Fetch-Site"];
    std::string own = std::string(stream_.tls() ? "https://" : "http://") +
                      std::string(request[http::field::host]);
    if (origin.empty() ? site != "same-origin" : origin != own) {
      spdlog::warn("console: refused a POST to {} from {} with origin {}", path, peer_, origin);
      co_return Reply(request, 403, "text/plain; charset=utf-8", "cross-site request refused\n");
    }
  }
  if (!post) {
    if (auto asset = console::Asset(path)) {
      Response response = Reply(request, 200, asset->content_type, std::move(asset->body));
      response.set(http::field::cache_control, "no-cache");
      co_return response;
    }
  }
  if (path == "/sign-in") {
    if (post) co_return co_await SignIn(request);
    auto params = console::DecodeForm(target.substr(path.size() + (path.size() < target.size())));
    co_return SignInReply(request, params.ok() ? (*params)["next"] : "/", "", 200);
  }
  if (path == "/sign-out" && post) co_return SignOut(request);
  co_return co_await Page(request);
}

asio::awaitable<HttpSession::Response> HttpSession::SignIn(const Request& request) {
  auto form = console::DecodeForm(request.body());
  if (!form.ok()) co_return SignInReply(request, "/", form.status().message(), 400);
  std::string next = (*form)["next"];
  if (!state_->sign_in_throttle.MayTry(peer_)) {
    spdlog::warn("console: sign-in from {} refused: too many failed sign-ins", peer_);
    state_->access->Record(Login::Failed(peer_, number_, "", "too many failed sign-ins"));
    asio::steady_timer delay(executor(), state_->options.failed_hello_delay);
    co_await delay.async_wait(kNoThrow);
    co_return SignInReply(request, next,
                          "too many failed sign-ins from your address; wait a minute", 429);
  }
  if (!SameSecret((*form)["csrf"], CookieOf(request, SignInCookie(stream_.tls())))) {
    spdlog::warn("console: sign-in from {} refused: the form's CSRF token is missing or wrong",
                 peer_);
    co_return SignInReply(request, next, "the sign-in form has expired; sign in again", 403);
  }
  const std::string& token = (*form)["token"];
  auto entry = state_->Tokens()->Authenticate(token);
  if (!entry) {
    state_->sign_in_throttle.Failed(peer_);
    std::string token_id = token.empty() ? "" : TokenId(Sha256(token));
    spdlog::warn("console: failed sign-in from {}: unknown token", peer_);
    state_->access->Record(Login::Failed(peer_, number_, std::move(token_id), "unknown token"));
    asio::steady_timer delay(executor(), state_->options.failed_hello_delay);
    co_await delay.async_wait(kNoThrow);
    co_return SignInReply(request, next, "unknown token", 401);
  }
  std::optional<std::string> cookie = state_->web.Open(*entry);
  if (!cookie) {
    spdlog::warn("console: sign-in of {} from {} refused: every session place is taken",
                 entry->actor.id, peer_);
    co_return SignInReply(request, next, "too many sessions are open; try again later", 503);
  }
  spdlog::info("console: {} ({}) signed in from {}", entry->actor.id, entry->actor.role, peer_);
  state_->access->Record(
      Login::Taken(peer_, number_, entry->actor.id, entry->actor.role, entry->Id()));
  Response response = Redirect(request, SafeNext(next));
  const long max_age = static_cast<long>(state_->options.web_lifetime.count());
  response.insert(http::field::set_cookie,
                  SessionCookie(stream_.tls()) + "=" + *cookie +
                      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
                      (stream_.tls() ? "; Secure" : ""));
  response.insert(http::field::set_cookie, SignInCookie(stream_.tls()) +
                                               "=; Path=/sign-in; HttpOnly; SameSite=Strict; "
                                               "Max-Age=0");
  co_return response;
}

HttpSession::Response HttpSession::SignOut(const Request& request) {
  std::string cookie = CookieOf(request, SessionCookie(stream_.tls()));
  auto seat = state_->web.Find(cookie, *state_->Tokens());
  auto form = console::DecodeForm(request.body());
  if (seat && (!form.ok() || !SameSecret((*form)["csrf"], seat->csrf))) {
    spdlog::warn("console: sign-out from {} refused: the form's CSRF token is missing or wrong",
                 peer_);
    return Reply(request, 403, "text/plain; charset=utf-8", "cross-site request refused\n");
  }
  if (seat) {
    state_->web.End(cookie);
    spdlog::info("console: {} signed out from {}", seat->actor.id, peer_);
  }
  Response response = Redirect(request, "/sign-in");
  response.set(http::field::set_cookie, SessionCookie(stream_.tls()) +
                                            "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                            (stream_.tls() ? "; Secure" : ""));
  return response;
}

asio::awaitable<HttpSession::Response> HttpSession::Page(const Request& request) {
  std::string target(request.target());
  if (!console::IsPage(PathOf(target))) {
    co_return Reply(request, 404, "text/plain; charset=utf-8", "no such page\n");
  }
  auto seat = state_->web.Find(CookieOf(request, SessionCookie(stream_.tls())), *state_->Tokens());
  if (!seat) {
    auto at = console::Location::Parse(target);
    if (at.ok() && at->json()) {
      Status refused(Code::kUnauthenticated, "sign in first: POST /sign-in with a token");
      co_return Reply(request, 401, "application/json",
                      boost::json::serialize(boost::json::object{{"error", refused.ToJson()}}));
    }
    co_return Redirect(request, "/sign-in?next=" + console::UrlEncode(target));
  }
  console::Request page{
      target,
      {seat->actor.id, seat->actor.role, seat->csrf, RandomHex(16), 0},
      [role = seat->actor.role](std::string_view op) { return Allowed(role, op); },
      MayExport(seat->actor.role),
      std::nullopt};
  if (state_->options.signing_key)
    page.checkpoint_key = note::VerifierOf(*state_->options.signing_key);
  Server::State& state = *state_;
  std::function<StatusOr<console::Response>()> work = [&]() -> StatusOr<console::Response> {
    ASSIGN_OR_RETURN(const domain::FactBase* facts, state.projector->CaughtUp());
    page.chrome.head_seq = facts->last_seq();
    return console::Render({state.ledger, *facts, &state.projector->memo()}, page);
  };
  auto rendered = co_await RunAway<console::Response>(state.net, state.projector->executor(), work);
  spdlog::debug("console: {} {} {} -> {}", peer_, seat->actor.id, PathOf(target),
                rendered.ok() ? rendered->status : 500);
  if (!rendered.ok()) {
    co_return Reply(request, console::HttpStatus(rendered.status().code()),
                    "text/plain; charset=utf-8", rendered.status().message() + "\n");
  }
  co_return Reply(request, rendered->status, rendered->content_type, std::move(rendered->body),
                  page.chrome.nonce);
}

template <typename Message>
asio::awaitable<bool> HttpSession::Send(Message& message, std::chrono::milliseconds timeout) {
  asio::steady_timer deadline(executor(), timeout);
  auto written =
      co_await (http::async_write(stream_, message, kNoThrow) || deadline.async_wait(kNoThrow));
  co_return written.index() == 0 && !std::get<0>(std::get<0>(written));
}

asio::awaitable<bool> HttpSession::Download(const Request& request) {
  const auto timeout = state_->options.write_timeout;
  auto seat = state_->web.Find(CookieOf(request, SessionCookie(stream_.tls())), *state_->Tokens());
  auto at = console::Location::Parse(request.target());
  std::string year = at.ok() ? at->Param("year") : "";
  std::optional<Response> refusal;
  if (!seat) {
    refusal = Redirect(request, "/sign-in?next=%2Fexport");
  } else if (!MayExport(seat->actor.role)) {
    refusal = Reply(request, 403, "text/plain; charset=utf-8",
                    "exports are for an exporter's token (or an admin's)\n");
  } else if (!at.ok()) {
    refusal = Reply(request, 400, "text/plain; charset=utf-8", at.status().message() + "\n");
  } else if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos) {
    refusal = Reply(request, 400, "text/plain; charset=utf-8", "year must be a year, e.g. 2025\n");
  }
  if (refusal) co_return co_await Send(*refusal, timeout);
  auto point = read::PointOf(at->Point());  // checked by Location::Parse

  // On the verifier's thread (one long read at a time, at its low priority): the bundle into a
  // fresh folder, archived beside it.
  Server::State& state = *state_;
  const std::string name = "bundle-" + year;
  std::function<StatusOr<std::string>()> work = [&]() -> StatusOr<std::string> {
    std::string scratch =
        (std::filesystem::temp_directory_path() / "hatchery-export-XXXXXX").string();
    if (!::mkdtemp(scratch.data())) {
      return Status(Code::kUnavailable, "no temporary folder for the export");
    }
    exporting::ExportOptions options;
    options.as_of = *point;
    options.year = std::stoi(year);
    options.key = state.options.signing_key;
    auto source = exporting::LedgerSource(state.ledger);
    auto written = exporting::WriteBundle(*source, options, scratch + "/" + name);
    Status archived = written.ok() ? exporting::WriteTar(scratch + "/" + name, name,
                                                         scratch + "/" + name + ".tar")
                                   : written.status();
    std::error_code ignored;
    std::filesystem::remove_all(scratch + "/" + name, ignored);  // the tar holds it now
    if (archived.ok()) return scratch;
    std::filesystem::remove_all(scratch, ignored);
    return archived;
  };
  auto scratch = co_await RunAway<std::string>(state.net, state.verifier.get_executor(), work);
  if (!scratch.ok()) {
    spdlog::error("console: the export for {} failed: {}", seat->actor.id,
                  scratch.status().message());
    Response failed = Reply(request, console::HttpStatus(scratch.status().code()),
                            "text/plain; charset=utf-8", scratch.status().message() + "\n");
    co_return co_await Send(failed, timeout);
  }
  http::response<http::file_body> file{http::status::ok, request.version()};
  Harden(file, "application/x-tar", "");
  file.set(http::field::content_disposition, "attachment; filename=\"" + name + ".tar\"");
  boost::beast::error_code ec;
  file.body().open((*scratch + "/" + name + ".tar").c_str(), boost::beast::file_mode::scan, ec);
  std::error_code ignored;
  std::filesystem::remove_all(*scratch, ignored);  // open, the file lives on until it is sent
  if (ec) {
    Response failed = Reply(request, 500, "text/plain; charset=utf-8",
                            "the bundle was made but could not be read back\n");
    co_return co_await Send(failed, timeout);
  }
  file.keep_alive(request.keep_alive());
  file.prepare_payload();
  spdlog::info("console: {} downloaded {}.tar ({} bytes) from {}", seat->actor.id, name,
               file.body().size(), peer_);
  co_return co_await Send(file, std::max<std::chrono::milliseconds>(timeout, kDownloadTimeout));
}

asio::awaitable<void> AcceptHttp(std::shared_ptr<Server::State> state) {
  while (!state->stopping) {
    auto [ec, socket] = co_await state->http_acceptor.async_accept(
        asio::make_strand(state->net), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (state->stopping || ec == asio::error::operation_aborted) break;
      // Out of descriptors, say: wait a little rather than spin on the control strand.
      asio::steady_timer pause(state->control, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code ignored;
    std::string peer = socket.remote_endpoint(ignored).address().to_string();
    socket.set_option(tcp::no_delay(true), ignored);
    std::uint64_t number = state->next_session++;
    auto session = std::make_shared<HttpSession>(state, std::move(socket), number, peer);
    if (!state->AddHttp(number, session, peer)) {
      spdlog::warn("console: refused a connection from {}: too many connections", peer);
      continue;  // the session, never run, closes its socket as it goes
    }
    asio::co_spawn(session->executor(), session->Run(), asio::detached);
  }
}

}  // namespace hatchery::server
