#include "server/server.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "hatchery/checkpoint.h"
#include "replay/checkpoint_state.h"
#include "server/http_session.h"
#include "server/request.h"
#include "server/session.h"

namespace hatchery::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// On the control strand: each connection's socket on a strand of its own.
asio::awaitable<void> Accept(std::shared_ptr<Server::State> state) {
  while (!state->stopping) {
    auto [ec, socket] = co_await state->acceptor.async_accept(asio::make_strand(state->net),
                                                              asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (state->stopping || ec == asio::error::operation_aborted) break;
      continue;  // a failed accept (e.g. out of descriptors) leaves the server listening
    }
    ++state->connections_total;
    boost::system::error_code ignored;
    std::string peer = socket.remote_endpoint(ignored).address().to_string();
    auto refuse = [&](const std::string& why) {
      std::string refusal = ErrorLine(nullptr, Status(Code::kOverloaded, why + "; retry later"));
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(refusal), ignored);  // best effort, never waits
      socket.close(ignored);
    };
    if (state->SessionCount() >= state->options.max_connections) {
      refuse("too many connections");
      continue;
    }
    if (!state->AdmitUnauthenticated(peer)) {
      spdlog::warn("refused a connection from {}: too many connections waiting to authenticate",
                   peer);
      refuse("too many connections waiting to authenticate");
      state->access->Record(Login::Refused(peer, "too many connections waiting to authenticate"));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ignored);  // answers are whole lines: send at once
    std::uint64_t number = state->next_session++;
    auto session = std::make_shared<Session>(state, std::move(socket), number, std::move(peer));
    state->AddSession(number, session);
    asio::co_spawn(session->executor(), session->Run(), asio::detached);
  }
}

// On the control strand: every `checkpoint_every`, a signed checkpoint of the head if it moved,
// until the stop.
asio::awaitable<void> SignOnTimer(std::shared_ptr<Server::State> state) {
  while (!state->stopping) {
    state->signing_timer.expires_after(state->options.checkpoint_every);
    co_await state->signing_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (state->stopping) break;
    // On the projector's thread; the network threads go on serving meanwhile.
    asio::post(state->projector->executor(), [s = state.get()] { (void)s->SignIfNew(); });
  }
}

// The nice value of the verifier's thread (and the threads it starts).
constexpr int kVerifierNice = 19;

// What tells a changed file: its inode, size and modification time (0s: no file).
struct FileStamp {
  ino_t inode = 0;
  off_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
FileStamp StampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {st.st_ino, st.st_size,
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

// On the control strand: every `tokens_poll`, the tokens file reloaded if it changed, until the
// stop.
asio::awaitable<void> WatchTokens(std::shared_ptr<Server::State> state) {
  const std::string path = state->Tokens()->path();
  FileStamp seen = StampOf(path);
  while (!state->stopping) {
    state->tokens_timer.expires_after(state->options.tokens_poll);
    co_await state->tokens_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (state->stopping) break;
    FileStamp now = StampOf(path);
    if (now == seen) continue;
    seen = now;
    (void)state->ReloadTokens();  // logged either way
  }
}

// Opens `acceptor` on host:port; the port it listens on. Errors: kBadRequest (not an address),
// kUnavailable (cannot listen).
StatusOr<std::uint16_t> Listen(tcp::acceptor& acceptor, const std::string& host,
                               std::uint16_t port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Status(Code::kBadRequest, "cannot listen on \"" + host + "\": " + ec.message());
  tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(Code::kUnavailable,
                  "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  return acceptor.local_endpoint().port();
}

// The TLS context of the certificate chain and private key files.
StatusOr<asio::ssl::context> TlsContext(const ServerOptions& options) {
  asio::ssl::context tls(asio::ssl::context::tls_server);
  tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  tls.use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return Status(Code::kBadRequest,
                  "cannot load the TLS certificate " + options.tls_cert_file + ": " + ec.message());
  }
  tls.use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return Status(Code::kBadRequest,
                  "cannot load the TLS key " + options.tls_key_file + ": " + ec.message());
  }
  return tls;
}

}  // namespace

StatusOr<std::uint64_t> Server::State::SignIfNew() {
  ASSIGN_OR_RETURN(const domain::FactBase* facts, projector->CaughtUp());
  std::uint64_t size = facts->last_seq();
  if (size == 0 || size == signed_size) return 0;
  auto note = Guarded([&] { return replay::SignAndKeep(ledger, *facts, *options.signing_key); });
  if (!note.ok()) {
    spdlog::error("cannot sign a checkpoint of {} events: {}", size, note.status().message());
    return note.status();
  }
  signed_size = size;
  signed_head = size;
  spdlog::info("signed and kept a checkpoint of {} events", size);
  return size;
}

void Server::State::SignIfDue() {
  if (!options.signing_key || options.checkpoint_events == 0 ||
      ledger.head().seq < signed_head + options.checkpoint_events ||
      signing_queued.exchange(true)) {
    return;
  }
  asio::post(projector->executor(), [this] {
    (void)SignIfNew();
    signing_queued = false;
  });
}

Status Server::State::ReloadTokens() {
  const std::string& path = Tokens()->path();
  auto tokens = TokenStore::Load(path);
  if (!tokens.ok()) {
    spdlog::error("tokens not reloaded from {}: {}; the tokens in force stay", path,
                  tokens.status().message());
    return tokens.status();
  }
  spdlog::info(
      "tokens reloaded from {}: {} tokens; connections whose token was revoked or "
      "changed are closed",
      path, tokens->entries().size());
  SetTokens(std::move(tokens).value());
  return Status::Ok();
}

std::shared_ptr<const TokenStore> Server::State::Tokens() const {
  std::lock_guard lock(tokens_mu_);
  return tokens_;
}

void Server::State::SetTokens(TokenStore tokens) {
  auto fresh = std::make_shared<const TokenStore>(std::move(tokens));
  {
    std::lock_guard lock(tokens_mu_);
    tokens_ = std::move(fresh);
  }
  ForEachSession([](Session& session) { session.Recheck(); });
  if (std::size_t ended = web.Recheck(*Tokens()); ended > 0) {
    spdlog::warn("ended {} console sessions whose token was revoked or changed", ended);
  }
}

bool Server::State::AdmitUnauthenticated(const std::string& address) {
  std::lock_guard lock(unauthenticated_mu_);
  std::size_t& from = unauthenticated_from_[address];
  if (unauthenticated_ >= options.max_unauthenticated ||
      from >= options.max_unauthenticated_per_address) {
    if (from == 0) unauthenticated_from_.erase(address);
    return false;
  }
  ++unauthenticated_;
  ++from;
  return true;
}

void Server::State::ReleaseUnauthenticated(const std::string& address) {
  std::lock_guard lock(unauthenticated_mu_);
  --unauthenticated_;
  auto it = unauthenticated_from_.find(address);
  if (it != unauthenticated_from_.end() && --it->second == 0) unauthenticated_from_.erase(it);
}

std::size_t Server::State::SessionCount() const {
  std::lock_guard lock(sessions_mu_);
  return sessions_.size();
}

void Server::State::AddSession(std::uint64_t number, const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mu_);
  sessions_.emplace(number, session);
}

void Server::State::RemoveSession(std::uint64_t number) {
  std::lock_guard lock(sessions_mu_);
  sessions_.erase(number);
}

void Server::State::ForEachSession(const std::function<void(Session&)>& fn) const {
  std::lock_guard lock(sessions_mu_);
  for (const auto& [number, weak] : sessions_) {
    if (auto session = weak.lock()) fn(*session);
  }
}

bool Server::State::AddHttp(std::uint64_t number, const std::shared_ptr<HttpSession>& session,
                            const std::string& address) {
  std::lock_guard lock(sessions_mu_);
  std::size_t& from = http_from_[address];
  if (http_sessions_.size() >= options.max_connections ||
      from >= options.max_unauthenticated_per_address) {
    if (from == 0) http_from_.erase(address);
    return false;
  }
  ++from;
  http_sessions_[number] = session;
  return true;
}

void Server::State::RemoveHttp(std::uint64_t number, const std::string& address) {
  std::lock_guard lock(sessions_mu_);
  if (http_sessions_.erase(number) == 0) return;
  if (auto it = http_from_.find(address); it != http_from_.end() && --it->second == 0) {
    http_from_.erase(it);
  }
}

void Server::State::ForEachHttp(const std::function<void(HttpSession&)>& fn) const {
  std::lock_guard lock(sessions_mu_);
  for (const auto& [number, weak] : http_sessions_) {
    if (auto session = weak.lock()) fn(*session);
  }
}

void Server::State::AppendAway() {
  std::lock_guard lock(appends_mu_);
  ++appends_away_;
}

void Server::State::AppendBack() {
  // Notified under the lock: the waiter cannot go on (and destroy this) before it is released.
  std::lock_guard lock(appends_mu_);
  if (--appends_away_ == 0) appends_back_.notify_all();
}

void Server::State::WaitForAppendsBack() {
  std::unique_lock lock(appends_mu_);
  appends_back_.wait(lock, [this] { return appends_away_ == 0; });
}

StatusOr<std::unique_ptr<Server>> Server::Start(Ledger& ledger, TokenStore tokens,
                                                ServerOptions options) {
  auto state = std::make_shared<State>(ledger, std::move(tokens), std::move(options));
  if (!state->options.tls_cert_file.empty() || !state->options.tls_key_file.empty()) {
    ASSIGN_OR_RETURN(auto tls, TlsContext(state->options));
    state->tls.emplace(std::move(tls));
  }
  ASSIGN_OR_RETURN(state->access, AccessLog::Open(state->options.access_log_file));
  ASSIGN_OR_RETURN(state->projector, Projector::Start(ledger));
  asio::post(state->verifier, [] {  // Linux: a thread's nice value is its own
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kVerifierNice);
  });
  ASSIGN_OR_RETURN(auto kept, ledger.Checkpoints());
  if (!kept.empty()) {  // a restart with nothing new signs nothing new
    auto checkpoint = CheckpointOfNote(kept.back());
    if (checkpoint.ok()) state->signed_size = state->signed_head = checkpoint->size;
  }
  // The ports, before the acceptors are in use.
  ASSIGN_OR_RETURN(state->port, Listen(state->acceptor, state->options.host, state->options.port));
  if (state->options.http) {
    ASSIGN_OR_RETURN(state->http_port, Listen(state->http_acceptor, state->options.http_host,
                                              state->options.http_port));
    asio::co_spawn(state->control, AcceptHttp(state), asio::detached);
  }
  asio::co_spawn(state->control, Accept(state), asio::detached);
  if (state->options.signing_key && state->options.checkpoint_every.count() > 0) {
    asio::co_spawn(state->control, SignOnTimer(state), asio::detached);
  }
  if (state->options.tokens_poll.count() > 0 && !state->Tokens()->path().empty()) {
    asio::co_spawn(state->control, WatchTokens(state), asio::detached);
  }
  unsigned threads = state->options.network_threads;
  // By default half the cores: the ledger's writer and the projector need the others.
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency() / 2);
  for (unsigned i = 0; i < threads; ++i) {
    state->threads.emplace_back([s = state.get()] { s->net.run(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

Server::Server(std::shared_ptr<State> state) : state_(std::move(state)) {}

Server::~Server() {
  Stop();
  Wait();
}

std::uint16_t Server::port() const { return state_->port; }

std::uint16_t Server::http_port() const { return state_->http_port; }

Status Server::ReloadTokens() { return state_->ReloadTokens(); }

void Server::Replicated() { state_->NotifySubscribers(); }

void Server::Stop() {
  // A weak reference: a handler posted after the network threads have ended is never run, and must
  // not keep the state (which owns the io_context that holds the handler) alive.
  asio::post(state_->control, [weak = std::weak_ptr<State>(state_)] {
    auto state = weak.lock();
    if (!state || state->stopping.exchange(true)) return;
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    state->http_acceptor.close(ignored);
    state->signing_timer.cancel();
    state->tokens_timer.cancel();
    // A session past this point sees `stopping` when its request is done; one waiting for a
    // request is woken on its strand.
    state->ForEachSession([](Session& session) { session.StopIfIdle(); });
    state->ForEachHttp([](HttpSession& session) { session.StopIfIdle(); });
  });
}

void Server::Wait() {
  if (state_->threads.empty()) return;
  for (auto& thread : state_->threads) thread.join();
  state_->threads.clear();
  state_->WaitForAppendsBack();
  if (!state_->options.signing_key) return;
  // The final checkpoint, on the projector's thread after whatever it was still doing.
  std::promise<void> signed_final;
  asio::post(state_->projector->executor(), [&] {
    (void)state_->SignIfNew();
    signed_final.set_value();
  });
  signed_final.get_future().wait();
}

}  // namespace hatchery::server
