// RemoteSource (source.h): a server's events, read, checked and folded on this side.
#include <boost/json.hpp>
#include <optional>

#include "export/source.h"
#include "hatchery/chain.h"
#include "hatchery/checkpoint.h"
#include "hatchery/json.h"
#include "hatchery/merkle.h"
#include "hatchery/note.h"
#include "hatchery/time.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;

constexpr std::uint64_t kPage = 10'000;  // PROTOCOL.md's largest `read`

class FromServer : public Source {
 public:
  FromServer(client::Connection& connection, const replay::ProgressFn& progress)
      : connection_(connection), progress_(progress) {}

  // Reads the server's checkpoint for the log's origin.
  Status Start() {
    ASSIGN_OR_RETURN(bj::object answer, connection_.Call("checkpoint"));
    const bj::value* text = answer.if_contains("note");
    if (!text || !text->is_string()) return Malformed("checkpoint gave no note");
    std::string note(text->as_string());
    auto parsed = note::Parse(note);
    auto checkpoint = ParseCheckpoint(parsed.ok() ? parsed->text : note);
    if (!checkpoint.ok()) return Malformed("checkpoint gave no checkpoint note");
    origin_ = checkpoint->origin;
    return Status::Ok();
  }

  const std::string& origin() const override { return origin_; }

  // Reads from event 1 to the point: the head the server reported at hello, or the seq, or the
  // last event recorded by the instant.
  StatusOr<std::uint64_t> PointSeq(const replay::Point& point) override {
    const bj::value* size = connection_.hello().if_contains("tree_size");
    if (!size || !size->is_number()) return Malformed("hello gave no tree_size");
    std::uint64_t head = size->to_number<std::uint64_t>(), to = head;
    if (point.seq) {
      if (*point.seq > head) {
        return Status(Code::kBadRequest, "seq " + std::to_string(*point.seq) +
                                             " is beyond the log, which has " +
                                             std::to_string(head) + " events: name one from 1 to " +
                                             std::to_string(head) + ", or a recorded time");
      }
      to = *point.seq;
    }
    facts_ = std::make_unique<domain::FactBase>();
    while (chain_.head().seq < to) {
      std::uint64_t from = chain_.head().seq + 1;
      ASSIGN_OR_RETURN(
          bj::object page,
          connection_.Call(
              "read", bj::object{{"from_seq", from}, {"limit", std::min(kPage, to - from + 1)}}));
      const bj::value* events = page.if_contains("events");
      if (!events || !events->is_array() || events->as_array().empty()) {
        return Malformed("read from " + std::to_string(from) + " gave no events");
      }
      for (const bj::value& value : events->as_array()) {
        if (chain_.head().seq == to) break;
        ASSIGN_OR_RETURN(bool taken, Take(value, point));
        if (!taken) return chain_.head().seq;  // recorded after the instant
      }
      if (progress_) progress_(chain_.head().seq, to);
    }
    return chain_.head().seq;
  }

  Status ForEachRecord(
      std::uint64_t from, std::uint64_t to,
      const std::function<Status(std::uint64_t, std::string_view)>& visit) override {
    if (from < 1 || to > lines_.size()) return Status(Code::kInternal, "a range not read");
    for (std::uint64_t seq = from; seq <= to; ++seq) RETURN_IF_ERROR(visit(seq, lines_[seq - 1]));
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<domain::FactBase>> Facts(std::uint64_t size) override {
    if (!facts_ || facts_->last_seq() != size) return Status(Code::kInternal, "not read to there");
    return std::move(facts_);
  }

  StatusOr<Hash> Root(std::uint64_t size) override { return merkle::Root(size, Tree().reader()); }
  StatusOr<std::vector<Hash>> RangeProof(std::uint64_t from, std::uint64_t to,
                                         std::uint64_t size) override {
    ASSIGN_OR_RETURN(auto ranges, merkle::RangeProofRanges({from - 1, to}, size));
    return merkle::HashRanges(ranges, Tree().reader());
  }

 private:
  static Status Malformed(const std::string& what) {
    return Status(Code::kUnavailable, "the server's answer is malformed: " + what);
  }

  // Checks and folds one event as read; false (and nothing taken) when it was recorded after the
  // point's instant. Errors: kCorruption naming the seq.
  StatusOr<bool> Take(const bj::value& value, const replay::Point& point) {
    std::string line = json::Canonicalize(value);
    auto event = ParseEvent(line);
    if (!event.ok())
      return Status(Code::kCorruption,
                    "the server sent a malformed event: " + event.status().message());
    if (point.recorded_by_us && *ParseTimestamp(event->recorded_at) > *point.recorded_by_us) {
      return false;
    }
    if (Status linked = chain_.Next(*event, line); !linked.ok()) {
      return Status(Code::kCorruption, "event " + std::to_string(event->seq) + " as the server " +
                                           "sent it: " + linked.message());
    }
    RETURN_IF_ERROR(facts_->Apply(*event));
    leaves_.push_back(merkle::LeafHash(AsBytes(event->hash)));
    lines_.push_back(std::move(line));
    return true;
  }

  const merkle::MemoryTree& Tree() {
    if (!tree_ || tree_->size() != leaves_.size()) tree_.emplace(leaves_);
    return *tree_;
  }

  client::Connection& connection_;
  replay::ProgressFn progress_;
  std::string origin_;
  EventChain chain_;
  std::unique_ptr<domain::FactBase> facts_;
  std::vector<std::string> lines_;  // event seq - 1: its canonical JSON
  std::vector<Hash> leaves_;        // its leaf hash
  std::optional<merkle::MemoryTree> tree_;
};

}  // namespace

StatusOr<std::unique_ptr<Source>> RemoteSource(client::Connection& connection,
                                               const replay::ProgressFn& progress) {
  auto source = std::make_unique<FromServer>(connection, progress);
  RETURN_IF_ERROR(source->Start());
  return std::unique_ptr<Source>(std::move(source));
}

}  // namespace hatchery::exporting
