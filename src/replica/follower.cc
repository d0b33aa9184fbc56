#include "replica/follower.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <map>

#include "hatchery/checkpoint.h"
#include "hatchery/json.h"
#include "hatchery/note.h"

namespace hatchery::replica {
namespace {

namespace bj = boost::json;
using Clock = std::chrono::steady_clock;

// A push line as the server writes it (server/subscription.cc): the event is the rest of the line.
constexpr std::string_view kEventPush = R"({"push":"event","event":)";

// Request ids of the follower's own requests, told apart from each other in the answers.
constexpr std::int64_t kCheckpointsId = 1;
constexpr std::int64_t kAckId = 2;

// Events held back, at most, to be kept together with the signed checkpoint they lead up to.
constexpr std::uint64_t kMaxHeld = 20'000;

Status Fork(const std::string& what) {
  return Status(Code::kCorruption, "fork: " + what + "; the replica stops and keeps its copy");
}

// The primary's origin, from its hello.
StatusOr<std::string> OriginOf(const client::Connection& connection) {
  const bj::value* origin = connection.hello().if_contains("origin");
  if (!origin || !origin->is_string()) {
    return Status(Code::kBadRequest,
                  "the primary does not say its origin: it is not a Hatchery "
                  "server that can be followed");
  }
  return std::string(origin->as_string());
}

std::uint64_t TreeSizeOf(const bj::object& o) {
  const bj::value* size = o.if_contains("tree_size");
  return size && size->is_int64() && size->as_int64() > 0
             ? static_cast<std::uint64_t>(size->as_int64())
             : 0;
}

std::string Request(std::int64_t id, std::string_view op, bj::object args) {
  args["id"] = id;
  args["op"] = op;
  return bj::serialize(args);
}

}  // namespace

StatusOr<std::unique_ptr<Ledger>> Follower::OpenReplica(const std::string& dir,
                                                        const FollowOptions& options) {
  namespace fs = std::filesystem;
  if (!fs::exists(dir) || fs::is_empty(dir)) {
    ASSIGN_OR_RETURN(auto connection, client::Connection::Open(options.primary));
    ASSIGN_OR_RETURN(std::string origin, OriginOf(*connection));
    if (!origin.starts_with(kOriginPrefix)) {
      return Status(Code::kBadRequest,
                    "the primary's origin \"" + origin + "\" is not a Hatchery deployment's");
    }
    RETURN_IF_ERROR(Ledger::Create(dir, origin.substr(kOriginPrefix.size())));
  }
  LedgerOptions replica;
  replica.replica = true;
  ASSIGN_OR_RETURN(auto ledger, Ledger::Open(dir, replica));
  ASSIGN_OR_RETURN(auto marked, ledger->ReplicaOf());
  if (marked != options.primary.address) {
    RETURN_IF_ERROR(ledger->MarkReplicaOf(options.primary.address));
    if (marked)
      spdlog::warn("the replica in {} now follows {}, not {}", dir, options.primary.address,
                   *marked);
  }
  return ledger;
}

Follower::Follower(Ledger& ledger, FollowOptions options)
    : ledger_(ledger), options_(std::move(options)) {}

void Follower::Stop() {
  std::lock_guard lock(stop_mu_);
  stopping_ = true;
  stop_cv_.notify_all();
}

void Follower::SetStatus(const std::function<void()>& update) {
  std::lock_guard lock(status_mu_);
  update();
  const std::uint64_t head = ledger_.head().seq;
  primary_seq_ = std::max(primary_seq_, head);
  if (head >= primary_seq_) caught_up_at_ = Clock::now();
}

bj::object Follower::Describe() const {
  std::lock_guard lock(status_mu_);
  const std::uint64_t head = ledger_.head().seq;
  const std::uint64_t primary = std::max(primary_seq_, head);
  const std::int64_t behind_ms =
      primary > head
          ? std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - caught_up_at_)
                .count()
          : 0;
  return bj::object{{"primary", options_.primary.address},
                    {"connected", connected_},
                    {"head_seq", head},
                    {"primary_seq", primary},
                    {"lag_events", primary - head},
                    {"lag_ms", behind_ms},
                    {"checkpoints_checked", checkpoints_checked_},
                    {"checked_through", checked_through_},
                    {"reconnects", reconnects_},
                    {"last_error", last_error_}};
}

Status Follower::Run() {
  ASSIGN_OR_RETURN(auto kept, ledger_.Checkpoints());  // checked when they were kept
  if (!kept.empty()) {
    auto newest = CheckpointOfNote(kept.back());
    if (newest.ok()) asked_through_ = checked_through_ = newest->size;
  }
  auto pause = std::chrono::milliseconds(200);
  while (!stopping_) {
    const std::uint64_t head_before = ledger_.head().seq;
    Status ended = FollowOnce();
    SetStatus([&] { connected_ = false; });
    if (stopping_) break;
    if (ended.code() == Code::kCorruption) {
      spdlog::critical("replica of {}: {}", options_.primary.address, ended.message());
      SetStatus([&] { last_error_ = ended.message(); });
      return ended;
    }
    if (ledger_.head().seq > head_before) pause = std::chrono::milliseconds(200);
    spdlog::warn("replica of {}: {}; connecting again in {} ms", options_.primary.address,
                 ended.message(), pause.count());
    SetStatus([&] {
      last_error_ = ended.message();
      ++reconnects_;
    });
    std::unique_lock lock(stop_mu_);
    stop_cv_.wait_for(lock, pause, [this] { return stopping_.load(); });
    pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::seconds(10));
  }
  return Status::Ok();
}

Status Follower::FollowOnce() {
  ASSIGN_OR_RETURN(auto connection, client::Connection::Open(options_.primary));
  ASSIGN_OR_RETURN(std::string origin, OriginOf(*connection));
  if (origin != ledger_.origin()) {
    return Fork("the primary's origin \"" + origin + "\" is not this replica's \"" +
                ledger_.origin() + "\": another log");
  }
  const LedgerHead head = ledger_.head();
  const std::uint64_t primary_size = TreeSizeOf(connection->hello());
  if (head.seq > 0) {  // the primary must still have the copy's head, unchanged
    if (primary_size < head.seq) {
      return Fork("the primary has " + std::to_string(primary_size) +
                  " events, fewer than this replica's " + std::to_string(head.seq) +
                  ": it was rolled back, or is another log");
    }
    ASSIGN_OR_RETURN(bj::object got, connection->Call("get", {{"seq", head.seq}}));
    const bj::value* event = got.if_contains("event");
    const bj::value* hash =
        event && event->is_object() ? event->as_object().if_contains("hash") : nullptr;
    auto theirs = hash && hash->is_string() ? HashFromHex(hash->as_string()) : std::nullopt;
    if (!theirs || *theirs != head.hash) {
      return Fork("the primary's event " + std::to_string(head.seq) +
                  " is not this replica's (hash " + ToHex(head.hash) + "): the histories differ");
    }
  }
  // The checkpoints first, so that the backlog is checked against them before it is kept.
  ASSIGN_OR_RETURN(bj::object checkpoints,
                   connection->Call("checkpoints", {{"since", asked_through_}}));
  RETURN_IF_ERROR(TakeCheckpoints(checkpoints));
  RETURN_IF_ERROR(connection->Call("subscribe", {{"from_seq", head.seq + 1}}).status());
  spdlog::info("replica of {}: following from event {} (the primary has {})",
               options_.primary.address, head.seq + 1, primary_size);
  SetStatus([&] {
    connected_ = true;
    primary_seq_ = std::max(primary_seq_, primary_size);
  });

  std::vector<Event> batch;
  Clock::time_point poll_due = Clock::now();
  std::optional<Clock::time_point> poll_sent;  // a `checkpoints` poll awaiting its answer
  while (!stopping_) {
    const Clock::time_point now = Clock::now();
    if (poll_sent && now - *poll_sent > options_.answer_timeout) {
      return Status(Code::kUnavailable, "the primary did not answer within " +
                                            std::to_string(options_.answer_timeout.count()) +
                                            " ms");
    }
    if (!poll_sent && now >= poll_due) {
      RETURN_IF_ERROR(
          connection->Send(Request(kCheckpointsId, "checkpoints", {{"since", asked_through_}})));
      poll_sent = now;
      poll_due = now + options_.poll;
    }
    // Waits for a line only when nothing is held back: a batch is kept as soon as no more has come.
    auto wait = batch.empty() ? std::min<Clock::duration>(options_.poll, poll_due - now)
                              : Clock::duration::zero();
    ASSIGN_OR_RETURN(std::optional<std::string> line,
                     connection->NextLine(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::max<Clock::duration>(wait, Clock::duration::zero()))));
    if (!line) {
      if (!batch.empty() && !Hold(batch)) RETURN_IF_ERROR(Keep(*connection, batch));
      continue;
    }
    if (line->starts_with(kEventPush) && line->ends_with('}')) {
      std::string_view text = std::string_view(*line).substr(kEventPush.size());
      text.remove_suffix(1);
      auto event = ParseEvent(text);
      if (!event.ok())
        return Fork("the primary sent a malformed event: " + event.status().message());
      batch.push_back(std::move(event).value());
      if (batch.size() >= options_.max_batch && !Hold(batch)) {
        RETURN_IF_ERROR(Keep(*connection, batch));
      }
      continue;
    }
    ASSIGN_OR_RETURN(bj::value message, json::ParseStrict(*line));
    const bj::object* o = message.if_object();
    if (!o) return Status(Code::kUnavailable, "the primary sent a line that is no message");
    if (o->contains("push")) {  // an error push ends the subscription
      const bj::value* error = o->if_contains("error");
      Status told =
          Status::FromJson(error && error->is_object() ? error->as_object() : bj::object());
      return Status(Code::kUnavailable, "the primary ended the subscription: " + told.message());
    }
    const bj::value* id = o->if_contains("id");
    const bj::value* ok = o->if_contains("ok");
    if (!ok || !ok->is_bool() || !ok->as_bool()) {
      const bj::value* error = o->if_contains("error");
      return Status(
          Code::kUnavailable,
          "the primary refused a request of the replica: " +
              Status::FromJson(error && error->is_object() ? error->as_object() : bj::object())
                  .message());
    }
    if (id && *id == kCheckpointsId) {
      poll_sent.reset();
      const bj::value* result = o->if_contains("result");
      if (!result || !result->is_object()) {
        return Status(Code::kUnavailable, "the primary's checkpoints came without a result");
      }
      RETURN_IF_ERROR(TakeCheckpoints(result->as_object()));
    }
  }
  return Status::Ok();
}

bool Follower::Hold(const std::vector<Event>& batch) const {
  const std::uint64_t first = batch.front().seq, last = batch.back().seq;
  return std::any_of(pending_checkpoints_.begin(), pending_checkpoints_.end(),
                     [&](const Pending& p) { return p.size > last && p.size - first < kMaxHeld; });
}

Status Follower::Keep(client::Connection& connection, std::vector<Event>& batch) {
  const std::uint64_t first = batch.front().seq, last = batch.back().seq;
  std::map<std::uint64_t, Hash> roots;  // the signed roots the batch must give the log
  for (const Pending& p : pending_checkpoints_) {
    if (p.size >= first && p.size <= last) roots.emplace(p.size, p.root);
  }
  Status kept = ledger_.AppendRecorded(std::move(batch), roots);
  batch.clear();
  if (kept.code() == Code::kCorruption) {
    return Fork("the primary sent events " + std::to_string(first) + "–" + std::to_string(last) +
                ", refused: " + kept.message());
  }
  RETURN_IF_ERROR(kept);
  if (options_.on_kept) options_.on_kept();
  SetStatus([] {});
  RETURN_IF_ERROR(CheckPendingCheckpoints());
  return connection.Send(Request(kAckId, "ack", {{"seq", last}}));
}

Status Follower::TakeCheckpoints(const bj::object& result) {
  const std::uint64_t primary = TreeSizeOf(result);
  SetStatus([&] { primary_seq_ = std::max(primary_seq_, primary); });
  const bj::value* list = result.if_contains("checkpoints");
  if (!list || !list->is_array()) return Status::Ok();
  for (const bj::value& item : list->as_array()) {
    const bj::value* note = item.is_object() ? item.as_object().if_contains("note") : nullptr;
    if (!note || !note->is_string()) continue;
    auto checkpoint = CheckpointOfNote(note->as_string());
    if (!checkpoint.ok()) {
      return Fork("the primary keeps a checkpoint that does not read: " +
                  checkpoint.status().message());
    }
    if (checkpoint->size <= asked_through_) continue;
    auto parsed = note::Parse(note->as_string());
    Status signature = parsed.ok() ? note::Verify(*parsed, options_.primary_key) : parsed.status();
    if (!signature.ok() || checkpoint->origin != ledger_.origin()) {
      return Fork("the primary keeps a checkpoint of " + std::to_string(checkpoint->size) +
                  " events that is not its log's, signed by its key: " +
                  (signature.ok() ? "origin " + checkpoint->origin : signature.message()));
    }
    asked_through_ = checkpoint->size;
    pending_checkpoints_.push_back(
        Pending{checkpoint->size, checkpoint->root, std::string(note->as_string())});
  }
  return CheckPendingCheckpoints();
}

Status Follower::CheckPendingCheckpoints() {
  const std::uint64_t head = ledger_.head().seq;
  auto due = std::find_if(pending_checkpoints_.begin(), pending_checkpoints_.end(),
                          [&](const Pending& p) { return p.size > head; });
  for (auto it = pending_checkpoints_.begin(); it != due; ++it) {
    Status checked = ledger_.AddCheckpoint(it->note, options_.primary_key);
    if (checked.code() == Code::kUnavailable) return checked;
    if (!checked.ok()) {
      return Fork("the primary's signed checkpoint of " + std::to_string(it->size) +
                  " events does not check out against this replica's log: " + checked.message());
    }
    SetStatus([&] {
      ++checkpoints_checked_;
      checked_through_ = it->size;
    });
  }
  pending_checkpoints_.erase(pending_checkpoints_.begin(), due);
  return Status::Ok();
}

}  // namespace hatchery::replica
