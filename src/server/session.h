// One client connection of the server (server.h): reads request lines with a deadline and a frame
// limit, answers them in order (pipelined requests are read ahead and answered one by one, and the
// answers to requests already buffered are written together), binds
// the connection to the actor of its `hello` token, and checks each op against the actor's role.
// A `subscribe` starts a second coroutine on the connection that pushes events (subscription.cc);
// writes of both take turns, first come first served.
//
// Thread safety: the server's network threads run every session, each on a strand of its own, so
// a session's coroutines (its request loop and its pushes) never run at once and its members need
// no lock. What the sessions share is in Server::State: atomics, and one lock for the session map.
#ifndef HATCHERY_SERVER_SESSION_H_
#define HATCHERY_SERVER_SESSION_H_

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/access_log.h"
#include "server/projector.h"
#include "server/server.h"
#include "server/stream.h"
#include "server/web_sessions.h"

namespace hatchery::server {

struct Server::State {
  State(Ledger& l, TokenStore t, ServerOptions o)
      : ledger(l),
        options(std::move(o)),
        control(boost::asio::make_strand(net)),
        acceptor(control),
        http_acceptor(control),
        signing_timer(control),
        tokens_timer(control),
        tokens_(std::make_shared<const TokenStore>(std::move(t))) {}

  Ledger& ledger;
  ServerOptions options;
  boost::asio::io_context net;                   // run by options.network_threads threads
  std::optional<boost::asio::ssl::context> tls;  // with --tls-cert and --tls-key
  // The strand of the acceptor, the signing timer and the stop; every session has its own.
  boost::asio::strand<boost::asio::io_context::executor_type> control;
  boost::asio::ip::tcp::acceptor acceptor;       // control strand
  std::uint16_t port = 0;                        // the acceptor's, once listening
  boost::asio::ip::tcp::acceptor http_acceptor;  // control strand: the web console's
  std::uint16_t http_port = 0;
  boost::asio::steady_timer signing_timer;  // control strand: the periodic checkpoint
  boost::asio::steady_timer tokens_timer;   // control strand: the look at the tokens file
  std::vector<std::thread> threads;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  std::atomic<bool> stopping{false};
  std::atomic<bool> read_only_logged{false};  // the store's turn to read-only was logged
  std::atomic<std::uint64_t> next_session{1};
  std::atomic<std::uint64_t> subscriptions{0};  // subscriptions started: each one's generation
  std::atomic<std::uint64_t> subscribed{0};     // connections subscribed now
  // Counters for `stats`.
  std::atomic<std::uint64_t> connections_total{0}, requests{0}, errors{0}, appended{0};

  // Where `verify` runs, one at a time: long reads, off the network and projector threads, at a
  // lower priority (nice 10, which the threads it starts inherit), so that appends keep the cores.
  boost::asio::thread_pool verifier{1};
  std::unique_ptr<AccessLog> access;  // every authentication decided (any thread)
  WebSessions web{options.web_idle, options.web_lifetime, 10'000};  // the console's sign-ins
  SignInThrottle sign_in_throttle{options.max_failed_hellos, std::chrono::seconds(60)};
  std::atomic<std::uint64_t> verifies{0};  // running or waiting
  std::uint64_t signed_size = 0;           // projector thread only: the last checkpoint signed here
  std::atomic<std::uint64_t> signed_head{0};  // the same, for any thread
  std::atomic<bool> signing_queued{false};    // a SignIfNew for the event count is on its way
  // Last, so that it is destroyed first: its queued work still finds everything above.
  std::unique_ptr<Projector> projector;

  // On the projector's thread: signs and keeps a checkpoint of the head if it moved since the
  // last one signed here; the tree size signed, or 0 when there was nothing new.
  StatusOr<std::uint64_t> SignIfNew();
  // Any thread, after appends: queues SignIfNew on the projector when options.checkpoint_events
  // events were added since the last checkpoint signed.
  void SignIfDue();

  // The tokens in force (any thread): replaced whole by a reload.
  std::shared_ptr<const TokenStore> Tokens() const;
  void SetTokens(TokenStore tokens);
  // Server::ReloadTokens (any thread).
  Status ReloadTokens();

  // Connections that have not authenticated (any thread): Admit counts one from `address` in, or
  // refuses it (false) when there are options.max_unauthenticated such connections in all or
  // max_unauthenticated_per_address from that address; Release counts it out (authenticated or
  // closed).
  bool AdmitUnauthenticated(const std::string& address);
  void ReleaseUnauthenticated(const std::string& address);

  // The live sessions (any thread).
  std::size_t SessionCount() const;
  void AddSession(std::uint64_t number, const std::shared_ptr<class Session>& session);
  void RemoveSession(std::uint64_t number);
  // Calls `fn` with every live session, under the sessions' lock: `fn` must only post.
  void ForEachSession(const std::function<void(class Session&)>& fn) const;
  // The console's live connections (any thread); ForEachHttp's `fn` must only post. AddHttp
  // counts one from `address` in, or refuses it (false) when there are options.max_connections
  // in all or options.max_unauthenticated_per_address from that address (a console connection
  // is signed in per request, never as a whole).
  bool AddHttp(std::uint64_t number, const std::shared_ptr<class HttpSession>& session,
               const std::string& address);
  void RemoveHttp(std::uint64_t number, const std::string& address);
  void ForEachHttp(const std::function<void(class HttpSession&)>& fn) const;
  // Wakes every subscription waiting for new events (any thread).
  void NotifySubscribers() const;

  // Appends handed to the ledger, counted until their callback is done (any thread). The writer is
  // no network thread and may run on after them, so Server::Wait keeps the io_context until the
  // count is 0: a callback still returning from its post must not find it destroyed.
  void AppendAway();
  void AppendBack();
  void WaitForAppendsBack();

 private:
  mutable std::mutex tokens_mu_;
  std::shared_ptr<const TokenStore> tokens_;  // tokens_mu_
  std::mutex unauthenticated_mu_;
  std::size_t unauthenticated_ = 0;                          // unauthenticated_mu_
  std::map<std::string, std::size_t> unauthenticated_from_;  // unauthenticated_mu_, by address
  mutable std::mutex sessions_mu_;
  std::map<std::uint64_t, std::weak_ptr<class Session>> sessions_;
  std::map<std::uint64_t, std::weak_ptr<class HttpSession>> http_sessions_;  // sessions_mu_
  std::map<std::string, std::size_t> http_from_;  // sessions_mu_: console connections by address
  std::mutex appends_mu_;
  std::condition_variable appends_back_;
  std::size_t appends_away_ = 0;  // appends_mu_
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `peer`: the client's address, counted in the state's unauthenticated connections.
  Session(std::shared_ptr<Server::State> state, boost::asio::ip::tcp::socket socket,
          std::uint64_t number, std::string peer);

  // The session's strand: Run and everything it starts run there.
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }
  boost::asio::awaitable<void> Run();
  // Any thread: ends the session if it is waiting for a request; otherwise it ends after its
  // current one.
  void StopIfIdle();
  // Any thread: new events are durable; a live subscription reads them.
  void WakeSubscription();
  // Any thread: whether the connection has a subscription now.
  bool subscribed() const { return subscribed_; }
  // Any thread: the last seq this connection's replica acknowledged (0: none).
  std::uint64_t acked_seq() const { return acked_seq_; }
  // Any thread: {"connection", "peer", "actor"} of this connection.
  boost::json::object Describe() const;
  // Any thread: closes the connection if the tokens in force no longer grant its actor (a
  // reload revoked or changed its token).
  void Recheck();

 private:
  boost::asio::awaitable<std::string> Handle(std::string_view line);
  boost::asio::awaitable<StatusOr<boost::json::object>> Dispatch(const std::string& op,
                                                                 const boost::json::object& args);
  boost::asio::awaitable<StatusOr<boost::json::object>> Append(const boost::json::object& args,
                                                               bool batch);
  // A projection read (read/ops.h) or checkpoint, on the projector's thread with its facts
  // caught up.
  boost::asio::awaitable<StatusOr<boost::json::object>> OnProjector(
      const std::string& op, const boost::json::object& args);
  // `verify` (audit_ops.h), one at a time on the verifier's thread: queued behind at most
  // options.max_verifies - 1 others (its answer says its place and the time taken), else
  // `overloaded` at once.
  boost::asio::awaitable<StatusOr<boost::json::object>> Verify(const boost::json::object& args);
  // `backup` (admin): a backup into options.backup_dir, after signing the head when the server
  // holds a key; on the verifier's thread.
  boost::asio::awaitable<StatusOr<boost::json::object>> Backup(const boost::json::object& args);
  // `stats`: the server's counters, and the projector's streams and memo figures.
  boost::asio::awaitable<StatusOr<boost::json::object>> Stats();
  // Writes one line once every earlier write of this connection is done. With `push_of` set, the
  // line is a push of that subscription and is dropped if the subscription has ended meanwhile.
  // False: the client did not take it within the write timeout (the connection is then closed).
  boost::asio::awaitable<bool> Write(std::string text,
                                     std::optional<std::uint64_t> push_of = std::nullopt);
  // The TLS handshake, within the idle timeout; false: the connection is to end.
  boost::asio::awaitable<bool> Handshake();
  // Waits for the next request line into buffer; the number of bytes of the line with its newline,
  // or 0 when the connection is to end. (Frame limit and deadlines applied here.)
  boost::asio::awaitable<std::size_t> ReadLine(std::string& buffer);
  void Close();

  // subscription.cc
  StatusOr<boost::json::object> Subscribe(const boost::json::object& args);
  StatusOr<boost::json::object> Unsubscribe();
  // Pushes events from `from_seq` on while subscription `generation` lasts.
  boost::asio::awaitable<void> PushEvents(std::uint64_t generation, std::uint64_t from_seq);
  // Starts subscription `generation`, or ends the current one (0), keeping the counts.
  void SetSubscription(std::uint64_t generation);
  // `ack` {"seq"}: a subscribed replica has kept every event through seq (docs/operations.md).
  StatusOr<boost::json::object> Ack(const boost::json::object& args);
  // For `stats`: every connection that acknowledged events, with its lag behind the head in
  // events and in milliseconds (now − recorded_at of the first event it has not acknowledged).
  boost::json::array ReplicaLags() const;

  // `hello`: binds the connection to the token's actor, or counts a failure (answered after a
  // delay; the connection is closed after the last one allowed).
  boost::asio::awaitable<StatusOr<boost::json::object>> Hello(const boost::json::object& args);
  // Records the failure (with the presented token's id, if any) in the access log, answers it
  // after the failed-hello delay, and closes the connection after the last one allowed.
  boost::asio::awaitable<Status> FailedHello(Status failure, std::string token_id = {});

  std::shared_ptr<Server::State> state_;
  Stream stream_;
  std::uint64_t number_;
  std::string peer_;  // the client's address
  std::optional<Actor> actor_;
  Hash token_digest_{};          // of the token actor_ came from
  bool unauthenticated_ = true;  // counted in the state's unauthenticated connections
  unsigned failed_hellos_ = 0;
  bool close_after_answer_ = false;
  bool idle_ = false;

  // Writes take turns: `writing_` while one is under way; the waiting ones' timers, in order, each
  // cancelled when its turn comes.
  bool writing_ = false;
  std::deque<boost::asio::steady_timer*> write_turns_;

  // The subscription, if any: its generation (a new subscribe starts a new one, so a push of an
  // ended one is never written), the next seq it pushes, and the timer it waits on when caught up.
  std::uint64_t subscription_ = 0;        // 0: none
  std::atomic<bool> subscribed_ = false;  // subscription_ != 0, for other threads
  std::uint64_t next_push_seq_ = 0;
  std::atomic<std::uint64_t> acked_seq_ = 0;  // Ack's
  bool stream_to_start_ = false;  // subscribed; the stream starts once the answer is written
  boost::asio::steady_timer wake_;
};

// May `role` run `op`? (PROTOCOL.md "Roles"; hello and stats are open to every authenticated
// connection.)
bool Allowed(std::string_view role, std::string_view op);

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_SESSION_H_
