// `subscribe` and `unsubscribe` (PROTOCOL.md): a subscription pushes every event from a seq on,
// first the backlog, then each event as it becomes durable, as `{"push": "event", "event": {…}}`,
// in seq order without gaps or duplicates.
//
// The pushes are pulled, not queued: the subscription reads the durable events a page at a time
// from the ledger after its cursor and writes them one by one, so a slow reader only falls behind
// — it holds no memory and never stalls the writer or other clients. The writer's appends wake
// the subscriptions that have caught up (Server::State::NotifySubscribers). A subscriber that,
// once caught up, falls more than `max_subscriber_lag` events behind the head is told
// (`{"push": "error", "error": {"code": "overloaded", …}}`) and disconnected; one that does not
// take a push within the write timeout is disconnected.
//
// A read replica (docs/operations.md) acknowledges on its subscription what it has kept (`ack`),
// from which `stats` gives each replica's lag.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "hatchery/time.h"
#include "server/request.h"
#include "server/session.h"

namespace hatchery::server {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;

constexpr std::size_t kPushPage = 256;  // events read from the ledger at a time

std::string PushLine(const Event& event) {
  std::string line = R"({"push":"event","event":)";
  line += CanonicalForm(event, true);
  line += "}\n";
  return line;
}

}  // namespace

void Server::State::NotifySubscribers() const {
  if (subscribed == 0) return;  // the common case: no lock, no walk
  ForEachSession([](Session& session) {
    if (session.subscribed()) session.WakeSubscription();
  });
}

void Session::WakeSubscription() {
  // On the session's strand, after the events are durable: a subscription that read the head
  // before them is waiting on `wake_` by the time this runs, and one that reads it later sees them.
  asio::post(executor(), [self = shared_from_this()] {
    if (self->subscription_ != 0) self->wake_.cancel();
  });
}

void Session::SetSubscription(std::uint64_t generation) {
  if ((subscription_ != 0) != (generation != 0)) {
    if (generation != 0) {
      ++state_->subscribed;
    } else {
      --state_->subscribed;
    }
  }
  subscription_ = generation;
  subscribed_ = generation != 0;
  if (generation == 0) acked_seq_ = 0;  // a replica no more
}

StatusOr<bj::object> Session::Subscribe(const bj::object& args) {
  std::uint64_t from_seq = 1;
  if (const bj::value* v = args.if_contains("from_seq")) {
    if (!v->is_int64() || v->as_int64() < 1) {
      return Status(Code::kBadRequest, "from_seq must be an integer ≥ 1",
                    bj::object{{"field", "from_seq"}});
    }
    from_seq = static_cast<std::uint64_t>(v->as_int64());
  }
  if (subscription_ != 0) {
    return Status(Code::kBadRequest,
                  "this connection is already subscribed (from seq " +
                      std::to_string(next_push_seq_) + "); unsubscribe first",
                  bj::object{{"op", "subscribe"}});
  }
  SetSubscription(++state_->subscriptions);
  next_push_seq_ = from_seq;
  stream_to_start_ = true;  // by Run, once this answer is written: it comes before the first push
  return bj::object{{"from_seq", from_seq}, {"head_seq", state_->ledger.head().seq}};
}

StatusOr<bj::object> Session::Unsubscribe() {
  if (subscription_ == 0) {
    return Status(Code::kBadRequest, "this connection has no subscription",
                  bj::object{{"op", "unsubscribe"}});
  }
  SetSubscription(0);
  wake_.cancel();
  // Pushes already written came before this answer; none comes after it.
  return bj::object{{"next_seq", next_push_seq_}};
}

StatusOr<bj::object> Session::Ack(const bj::object& args) {
  const bj::value* v = args.if_contains("seq");
  if (!v || !v->is_int64() || v->as_int64() < 1) {
    return Status(Code::kBadRequest, "seq must be an integer ≥ 1", bj::object{{"field", "seq"}});
  }
  const auto seq = static_cast<std::uint64_t>(v->as_int64());
  if (subscription_ == 0 || seq >= next_push_seq_) {
    return Status(Code::kBadRequest,
                  "seq " + std::to_string(seq) +
                      " was not pushed on this connection: acknowledge only events received",
                  bj::object{{"field", "seq"}});
  }
  acked_seq_ = std::max<std::uint64_t>(acked_seq_, seq);
  return bj::object{{"seq", seq}};
}

bj::object Session::Describe() const {
  return bj::object{{"connection", number_}, {"peer", peer_}, {"actor", actor_ ? actor_->id : ""}};
}

bj::array Session::ReplicaLags() const {
  const std::uint64_t head = state_->ledger.head().seq;
  const std::int64_t now = NowMicros();
  std::vector<std::pair<bj::object, std::uint64_t>> replicas;  // gathered under the sessions' lock
  state_->ForEachSession([&](Session& session) {
    if (session.acked_seq() != 0) replicas.emplace_back(session.Describe(), session.acked_seq());
  });
  bj::array out;
  for (auto& [lag, acked] : replicas) {
    lag["acked_seq"] = acked;
    lag["lag_events"] = head > acked ? head - acked : 0;
    std::int64_t lag_ms = 0;
    if (head > acked) {  // the first event it lacks: how long the primary has had it
      auto first_missing = state_->ledger.Get(acked + 1);
      auto recorded =
          first_missing.ok() ? ParseTimestamp(first_missing->recorded_at) : std::nullopt;
      if (recorded) lag_ms = std::max<std::int64_t>(0, now - *recorded) / 1000;
    }
    lag["lag_ms"] = lag_ms;
    out.push_back(std::move(lag));
  }
  return out;
}

asio::awaitable<void> Session::PushEvents(std::uint64_t generation, std::uint64_t from_seq) {
  auto self = shared_from_this();
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  std::uint64_t next = from_seq;
  bool caught_up = false;
  while (subscription_ == generation && !state_->stopping) {
    std::uint64_t head = state_->ledger.head().seq;
    if (next > head) {
      caught_up = true;
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(kNoThrow);  // cancelled by new events, unsubscribe or the end
      continue;
    }
    if (caught_up && head - next + 1 > state_->options.max_subscriber_lag) {
      Status behind(Code::kOverloaded,
                    "the subscriber fell more than " +
                        std::to_string(state_->options.max_subscriber_lag) +
                        " events behind; subscribe again from seq " + std::to_string(next),
                    bj::object{{"next_seq", next}, {"head_seq", head}});
      co_await Write(PushErrorLine(behind), generation);
      Close();
      co_return;
    }
    auto events = state_->ledger.Read(next, kPushPage);
    if (events.ok() && events->empty()) {
      events = Status(Code::kCorruption, "event " + std::to_string(next) + " is missing");
    }
    if (!events.ok()) {
      co_await Write(PushErrorLine(events.status()), generation);
      Close();
      co_return;
    }
    // A page's pushes in one write (a write per event would be a packet per event).
    std::string pushes;
    for (const Event& event : *events) pushes += PushLine(event);
    if (!co_await Write(std::move(pushes), generation)) co_return;
    if (subscription_ != generation) co_return;
    next = events->back().seq + 1;
    next_push_seq_ = next;
  }
}

}  // namespace hatchery::server
