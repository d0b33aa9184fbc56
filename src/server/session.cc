#include "server/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <set>
#include <utility>

#include "hatchery/sha256.h"
#include "hatchery/version.h"
#include "read/ops.h"
#include "server/audit_ops.h"
#include "server/away.h"
#include "server/request.h"

namespace hatchery::server {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using namespace asio::experimental::awaitable_operators;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// Answers to pipelined requests held back to be written together, at most (bytes).
constexpr std::size_t kMaxHeldAnswers = std::size_t{64} * 1024;

// Ledger::AppendAsync as an awaitable: resumes on the session's executor with the results. The
// writer calls back from outside the network, so the state counts the append away until its
// callback is done with everything of the network's (away.h).
template <typename Token>
auto AsyncAppend(Server::State& state, Actor actor, std::vector<AppendCommand> commands,
                 AppendMode mode, Token&& token) {
  return asio::async_initiate<Token, void(std::vector<StatusOr<AppendResult>>)>(
      [&state](auto handler, const Actor& who, std::vector<AppendCommand>&& cmds, AppendMode m) {
        // Shared: an AppendCallback is a std::function, and must be copyable.
        auto away = std::make_shared<Away<decltype(handler)>>(state.net, std::move(handler));
        state.AppendAway();
        state.ledger.AppendAsync(who, std::move(cmds), m,
                                 [&state, away](std::vector<StatusOr<AppendResult>> results) {
                                   away->Return(std::move(results));
                                   state.AppendBack();
                                 });
      },
      token, std::move(actor), std::move(commands), mode);
}

// `status` of the batch's event `index`, saying which.
Status AtIndex(const Status& status, std::size_t index) {
  bj::object details = status.details();
  details["index"] = index;
  return Status(status.code(), "events[" + std::to_string(index) + "]: " + status.message(),
                std::move(details));
}

}  // namespace

bool Allowed(std::string_view role, std::string_view op) {
  static const std::set<std::string_view> kReaders = {
      "get", "read",  "read_stream", "subscribe",   "unsubscribe", "query",
      "due", "proof", "checkpoint",  "checkpoints", "ack"};
  if (op == "hello" || op == "stats") return true;
  if (role == "admin") return true;
  if (role == "auditor") {
    return kReaders.contains(op) || op == "explain" || op == "diff" || op == "history" ||
           op == "verify" || op == "logins";
  }
  if (role == "exporter") return kReaders.contains(op);
  return false;
}

Session::Session(std::shared_ptr<Server::State> state, asio::ip::tcp::socket socket,
                 std::uint64_t number, std::string peer)
    : state_(std::move(state)),
      stream_(std::move(socket), state_->tls ? &*state_->tls : nullptr),
      number_(number),
      peer_(std::move(peer)),
      wake_(stream_.get_executor()) {}

void Session::Recheck() {
  asio::post(executor(), [self = shared_from_this()] {
    if (!self->actor_ || self->state_->Tokens()->Grants(self->token_digest_, *self->actor_)) return;
    spdlog::warn("connection {} from {} closed: the token of {} ({}) was revoked or changed",
                 self->number_, self->peer_, self->actor_->id, self->actor_->role);
    self->Close();  // a request under way finishes; its answer finds the connection closed
  });
}

void Session::StopIfIdle() {
  asio::post(executor(), [self = shared_from_this()] {
    if (!self->idle_) return;
    boost::system::error_code ignored;
    self->stream_.socket().cancel(ignored);
  });
}

void Session::Close() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

asio::awaitable<bool> Session::Write(std::string text, std::optional<std::uint64_t> push_of) {
  if (writing_) {
    asio::steady_timer turn(stream_.get_executor(), asio::steady_timer::time_point::max());
    write_turns_.push_back(&turn);
    co_await turn.async_wait(
        kNoThrow);  // cancelled by the write before, when this one's turn comes
  }
  writing_ = true;
  bool written = true;
  if (!push_of || *push_of == subscription_) {
    asio::steady_timer deadline(stream_.get_executor(), state_->options.write_timeout);
    auto result = co_await (asio::async_write(stream_, asio::buffer(text), kNoThrow) ||
                            deadline.async_wait(kNoThrow));
    written = result.index() == 0 && !std::get<0>(std::get<0>(result));
    if (!written) Close();  // a client that does not take its answers loses the connection
  }
  if (write_turns_.empty()) {
    writing_ = false;
  } else {
    write_turns_.front()->cancel();
    write_turns_.pop_front();
  }
  co_return written;
}

asio::awaitable<std::size_t> Session::ReadLine(std::string& buffer) {
  const std::size_t max_line = state_->options.max_frame_bytes + 1;  // with its newline
  if (subscription_ != 0 && buffer.empty() && !stream_.HasPending()) {
    // A subscriber may stay silent for as long as it likes; its next line, once begun, must
    // arrive in time like any other.
    idle_ = true;
    auto [ec] = co_await stream_.socket().async_wait(asio::ip::tcp::socket::wait_read, kNoThrow);
    idle_ = false;
    if (ec || state_->stopping) co_return 0;
  }
  idle_ = true;
  // Until it has authenticated, a connection has the short hello deadline.
  asio::steady_timer deadline(stream_.get_executor(), actor_ ? state_->options.idle_timeout
                                                             : state_->options.hello_timeout);
  auto read = co_await (
      asio::async_read_until(stream_, asio::dynamic_buffer(buffer, max_line), '\n', kNoThrow) ||
      deadline.async_wait(kNoThrow));
  idle_ = false;
  if (read.index() == 1) co_return 0;  // idle or too slow: a byte a second cannot hold a session
  auto [ec, n] = std::get<0>(read);
  if (ec == asio::error::not_found) {  // the line is longer than the frame limit
    co_await Write(ErrorLine(
        nullptr, Status(Code::kFrameTooLarge, "a request line may be at most " +
                                                  std::to_string(state_->options.max_frame_bytes) +
                                                  " bytes; nothing of it was applied")));
    co_return 0;
  }
  if (ec) co_return 0;  // closed by the client, cancelled by a stop, or a network error
  co_return n;
}

asio::awaitable<bool> Session::Handshake() {
  idle_ = true;
  asio::steady_timer deadline(stream_.get_executor(), state_->options.hello_timeout);
  auto result = co_await (stream_.async_handshake(kNoThrow) || deadline.async_wait(kNoThrow));
  idle_ = false;
  if (result.index() == 1) co_return false;
  auto [ec] = std::get<0>(result);
  if (ec) spdlog::info("connection {}: no TLS handshake: {}", number_, ec.message());
  co_return !ec;
}

asio::awaitable<void> Session::Run() {
  auto self = shared_from_this();
  spdlog::info("connection {} from {}{}", number_, peer_, stream_.tls() ? " (TLS)" : "");
  std::uint64_t answered = 0;
  std::string buffer;   // what has arrived and is not handled yet
  std::string answers;  // answers not written yet, in order
  bool open = !stream_.tls() || co_await Handshake();
  while (open && !state_->stopping) {
    std::size_t n = co_await ReadLine(buffer);
    if (n == 0) break;
    std::string line = buffer.substr(0, n - 1);
    buffer.erase(0, n);
    answers += co_await Handle(line);
    ++answered;
    // Answers to pipelined requests go out together: while the next request is already here,
    // its answer joins this one (up to kMaxHeldAnswers bytes), and they are written in one write.
    // Never held: the answer to a subscribe (its pushes follow it) or anything during a stop.
    if (buffer.find('\n') != std::string::npos && answers.size() < kMaxHeldAnswers &&
        !stream_to_start_ && !state_->stopping) {
      continue;
    }
    if (!co_await Write(std::exchange(answers, {})) || close_after_answer_) break;
    if (stream_to_start_) {
      stream_to_start_ = false;
      asio::co_spawn(stream_.get_executor(), PushEvents(subscription_, next_push_seq_),
                     asio::detached);
    }
  }
  spdlog::info("connection {} closed: actor {}, {} requests", number_,
               actor_ ? actor_->id : std::string("(none)"), answered);
  SetSubscription(0);
  wake_.cancel();
  Close();
  if (std::exchange(unauthenticated_, false)) state_->ReleaseUnauthenticated(peer_);
  state_->RemoveSession(number_);
}

asio::awaitable<StatusOr<bj::object>> Session::Hello(const bj::object& args) {
  if (actor_) {
    co_return Status(Code::kBadRequest, "this connection is already bound to " + actor_->id);
  }
  const bj::value* token = args.if_contains("token");
  std::optional<TokenEntry> entry;
  if (token && token->is_string()) entry = state_->Tokens()->Authenticate(token->as_string());
  if (!entry) {
    std::string token_id;  // as `token list` would name it, were it one
    if (token && token->is_string()) token_id = TokenId(Sha256(token->as_string()));
    co_return co_await FailedHello(Status(Code::kUnauthenticated, "unknown token"), token_id);
  }
  state_->access->Record(
      Login::Taken(peer_, number_, entry->actor.id, entry->actor.role, entry->Id()));
  actor_ = entry->actor;
  token_digest_ = entry->digest;
  if (std::exchange(unauthenticated_, false)) state_->ReleaseUnauthenticated(peer_);
  bj::object hello{{"actor", actor_->id},
                   {"role", actor_->role},
                   {"server_version", kSoftwareVersion},
                   {"origin", state_->ledger.origin()},
                   {"tree_size", state_->ledger.head().seq}};
  if (state_->ledger.simulated_clock()) hello["clock"] = "simulated";  // a demo store
  co_return hello;
}

asio::awaitable<Status> Session::FailedHello(Status failure, std::string token_id) {
  ++failed_hellos_;
  state_->access->Record(Login::Failed(peer_, number_, std::move(token_id), failure.message()));
  spdlog::warn("connection {} from {}: failed authentication {} of {}: {}", number_, peer_,
               failed_hellos_, state_->options.max_failed_hellos, failure.message());
  asio::steady_timer delay(stream_.get_executor(), state_->options.failed_hello_delay);
  co_await delay.async_wait(kNoThrow);
  if (failed_hellos_ >= state_->options.max_failed_hellos) {
    close_after_answer_ = true;
    co_return Status(failure.code(), failure.message() + "; too many failed attempts: closing");
  }
  co_return failure;
}

asio::awaitable<std::string> Session::Handle(std::string_view line) {
  auto started = std::chrono::steady_clock::now();
  ++state_->requests;
  Request request;
  Status parsed = ParseRequest(line, &request);
  StatusOr<bj::object> result = Status(Code::kInternal, "not answered");
  if (!parsed.ok()) {
    result = parsed;
  } else if (request.op == "hello") {
    result = co_await Hello(request.args);
  } else if (!actor_) {
    result = co_await FailedHello(
        Status(Code::kUnauthenticated, "the first request must be hello with a token"));
  } else if (!Allowed(actor_->role, request.op)) {
    result = Status(Code::kForbidden, "role " + actor_->role + " may not " + request.op,
                    bj::object{{"op", request.op}, {"role", actor_->role}});
  } else {
    result = co_await Dispatch(request.op, request.args);
  }
  // One line per request at debug: never the arguments (a hello carries a token).
  spdlog::debug("connection {} actor {} op {} {} us {}", number_,
                actor_ ? actor_->id : std::string("-"), request.op,
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count(),
                result.ok() ? std::string_view("ok") : CodeName(result.status().code()));
  if (!result.ok()) {
    ++state_->errors;
    co_return ErrorLine(request.id, result.status());
  }
  co_return OkLine(request.id, std::move(result).value());
}

asio::awaitable<StatusOr<bj::object>> Session::OnProjector(const std::string& op,
                                                           const bj::object& args) {
  Server::State& state = *state_;
  std::function<StatusOr<bj::object>()> work = [&]() -> StatusOr<bj::object> {
    ASSIGN_OR_RETURN(const domain::FactBase* facts, state.projector->CaughtUp());
    if (read::KindOf(op) == read::OpKind::kProjections) {
      return read::AnswerProjections({state.ledger, *facts, &state.projector->memo()}, op, args);
    }
    const note::SigningKey* key = state.options.signing_key ? &*state.options.signing_key : nullptr;
    return CheckpointOp(state.ledger, *facts, key, args);
  };
  co_return co_await RunAway<bj::object>(state_->net, state.projector->executor(), work);
}

asio::awaitable<StatusOr<bj::object>> Session::Dispatch(const std::string& op,
                                                        const bj::object& args) {
  Ledger& ledger = state_->ledger;
  switch (read::KindOf(op)) {
    case read::OpKind::kEvents: co_return read::AnswerEvents(ledger, op, args);
    case read::OpKind::kProjections: co_return co_await OnProjector(op, args);
    case read::OpKind::kNone: break;
  }
  if (op == "verify") co_return co_await Verify(args);
  if (op == "checkpoint") {
    const bj::value* sign = args.if_contains("sign");
    if (sign && *sign == true && actor_->role != "admin") {
      co_return Status(Code::kForbidden, "only an admin may have the server sign a checkpoint",
                       bj::object{{"op", "checkpoint"}, {"role", actor_->role}});
    }
    co_return co_await OnProjector(op, args);
  }
  if (op == "append") co_return co_await Append(args, false);
  if (op == "append_batch") co_return co_await Append(args, true);
  if (op == "backup") co_return co_await Backup(args);
  if (op == "subscribe") co_return Subscribe(args);
  if (op == "unsubscribe") co_return Unsubscribe();
  if (op == "ack") co_return Ack(args);
  if (op == "stats") co_return co_await Stats();
  if (op == "logins") co_return state_->access->Answer(args);
  co_return Status(Code::kBadRequest, "unknown op \"" + op + "\"", bj::object{{"field", "op"}});
}

asio::awaitable<StatusOr<bj::object>> Session::Verify(const bj::object& args) {
  const std::uint64_t ahead = state_->verifies.fetch_add(1);
  struct Leave {
    std::atomic<std::uint64_t>& count;
    ~Leave() { --count; }
  } leave{state_->verifies};
  if (ahead >= state_->options.max_verifies) {
    co_return Status(Code::kOverloaded,
                     std::to_string(ahead) + " verifies are running or waiting; retry later",
                     bj::object{{"queue_length", ahead}});
  }
  const auto queued = std::chrono::steady_clock::now();
  std::function<StatusOr<bj::object>()> work = [&] { return VerifyOp(state_->ledger, args); };
  auto answer = co_await RunAway<bj::object>(state_->net, state_->verifier.get_executor(), work);
  if (answer.ok()) {
    (*answer)["queue_position"] = ahead;
    (*answer)["elapsed_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - queued)
                                  .count();
  }
  co_return answer;
}

asio::awaitable<StatusOr<bj::object>> Session::Backup(const bj::object& args) {
  Server::State& state = *state_;
  if (state.options.backup_dir.empty()) {
    co_return Status(Code::kUnavailable,
                     "this server makes no backups: start it with --backups DIR",
                     bj::object{{"op", "backup"}});
  }
  if (state.options.signing_key) {  // so that the backup holds a signed checkpoint of its head
    std::function<StatusOr<bj::object>()> sign = [&]() -> StatusOr<bj::object> {
      RETURN_IF_ERROR(state.SignIfNew().status());
      return bj::object{};
    };
    auto signed_head = co_await RunAway<bj::object>(state_->net, state.projector->executor(), sign);
    if (!signed_head.ok()) co_return signed_head.status();
  }
  // On the verifier's thread: one long read at a time, at its low priority.
  std::function<StatusOr<bj::object>()> work = [&] {
    return BackupOp(state.ledger, state.options.backup_dir, args);
  };
  co_return co_await RunAway<bj::object>(state_->net, state.verifier.get_executor(), work);
}

asio::awaitable<StatusOr<bj::object>> Session::Stats() {
  Server::State& state = *state_;
  // What the projector knows (the streams, and how its carrier memo serves queries), there.
  std::function<StatusOr<bj::object>()> work = [&]() -> StatusOr<bj::object> {
    ASSIGN_OR_RETURN(const domain::FactBase* facts, state.projector->CaughtUp());
    const domain::CarrierMemo& memo = state.projector->memo();
    return bj::object{
        {"streams", facts->StreamsWithEvents()},
        {"query_memo",
         {{"entries", memo.size()}, {"hits", memo.hits()}, {"misses", memo.misses()}}}};
  };
  auto projected = co_await RunAway<bj::object>(state_->net, state.projector->executor(), work);
  auto uptime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - state.started)
                       .count();
  std::uint64_t appended = state.appended;
  std::uint64_t appends_per_s =
      uptime_ms > 0 ? appended * 1000 / static_cast<std::uint64_t>(uptime_ms) : 0;
  bj::object stats{{"events", state.ledger.head().seq},
                   {"tree_size", state.ledger.head().seq},
                   {"uptime_ms", uptime_ms},
                   {"appends_per_s", appends_per_s},
                   {"appended", appended},
                   {"connections", state.SessionCount()},
                   {"connections_total", state.connections_total.load()},
                   {"requests", state.requests.load()},
                   {"errors", state.errors.load()},
                   {"subscriptions", state.subscribed.load()},
                   {"read_only", state.ledger.read_only()},
                   {"replicas", ReplicaLags()}};
  if (state.options.replica_status) stats["replica"] = state.options.replica_status();
  if (projected.ok()) {
    for (auto& [key, value] : *projected) stats[key] = std::move(value);
  } else {  // the server still says how it is; queries answer the projector's error
    stats["projector_error"] = projected.status().message();
  }
  co_return stats;
}

asio::awaitable<StatusOr<bj::object>> Session::Append(const bj::object& args, bool batch) {
  std::vector<AppendCommand> commands;
  if (batch) {
    const bj::value* events = args.if_contains("events");
    if (!events || !events->is_array() || events->as_array().empty()) {
      co_return Status(Code::kBadRequest, "events must be a non-empty list of envelopes",
                       bj::object{{"field", "events"}});
    }
    if (events->as_array().size() > state_->options.max_batch) {
      co_return Status(
          Code::kBadRequest,
          "a batch may hold at most " + std::to_string(state_->options.max_batch) + " events",
          bj::object{{"field", "events"}});
    }
    for (std::size_t i = 0; i < events->as_array().size(); ++i) {
      auto command = ParseAppendCommand(events->as_array()[i]);
      if (!command.ok()) co_return AtIndex(command.status(), i);
      commands.push_back(std::move(command).value());
    }
  } else {
    auto command = ParseAppendCommand(bj::value(args));
    if (!command.ok()) co_return command.status();
    commands.push_back(std::move(command).value());
  }
  auto results = co_await AsyncAppend(*state_, *actor_, std::move(commands),
                                      batch ? AppendMode::kAllOrNothing : AppendMode::kEach,
                                      asio::use_awaitable);
  state_->NotifySubscribers();
  state_->SignIfDue();
  if (state_->ledger.read_only() && !state_->read_only_logged.exchange(true)) {
    const auto failed = std::find_if(results.begin(), results.end(), [](const auto& r) {
      return !r.ok() && r.status().code() == Code::kUnavailable;
    });
    spdlog::error(
        "the store refused a write and is now read-only ({}); appends answer "
        "unavailable, reads go on; restart once the disk has room",
        failed == results.end() ? "" : failed->status().message());
  }
  if (!batch) {
    if (!results[0].ok()) co_return results[0].status();
    ++state_->appended;
    co_return ToJson(*results[0]);
  }
  bj::array out;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok() && results[i].status().code() != Code::kAborted) {
      co_return AtIndex(results[i].status(), i);
    }
  }
  for (const auto& r : results) out.push_back(ToJson(*r));
  state_->appended += results.size();
  co_return bj::object{{"results", std::move(out)}};
}

}  // namespace hatchery::server
