#include "hatchery/chain.h"

#include "hatchery/json.h"
#include "hatchery/time.h"

namespace hatchery {
namespace {

std::string HashProblem(const Hash& said, const Hash& content) {
  if (said == content) return "";
  return "hash mismatch: the event says " + ToHex(said) + " but its content hashes to " +
         ToHex(content);
}

}  // namespace

ChainLink LinkOf(const Event& event) {
  return {event.seq,         event.prev_hash, event.hash,
          event.recorded_at, event.stream,    event.stream_version};
}

ChainLink LinkOf(const EventView& event) {
  return {event.seq,         event.prev_hash, event.hash,
          event.recorded_at, event.stream,    event.stream_version};
}

std::string CheckEventContent(const Event& event, std::string_view stored) {
  // One rendering serves both checks: the hashed form, and the stored form, which is the hashed
  // one with the hash member inserted where its key sorts.
  std::string rendered;
  std::size_t hash_at = 0;
  AppendCanonicalForm(event, json::Canonicalize(event.data), false, &rendered, &hash_at);
  std::string member = ",\"hash\":\"" + ToHex(event.hash) + "\"";
  std::string_view form = rendered;
  if (stored.size() != form.size() + member.size() ||
      stored.substr(0, hash_at) != form.substr(0, hash_at) ||
      stored.substr(hash_at, member.size()) != member ||
      stored.substr(hash_at + member.size()) != form.substr(hash_at)) {
    return "the event is not in canonical form (its bytes were edited)";
  }
  return HashProblem(event.hash, Sha256(form));
}

std::string CheckContentHash(const EventView& event) {
  return HashProblem(event.hash, ContentHash(event));
}

EventChain EventChain::Range(std::uint64_t first_seq) {
  EventChain chain;
  chain.first_seq_ = first_seq;
  chain.first_linked_ = first_seq <= 1;
  chain.head_.seq = first_seq - 1;
  return chain;
}

EventChain EventChain::After(const LedgerHead& head) {
  EventChain chain;
  chain.first_seq_ = head.seq + 1;
  chain.head_ = head;
  return chain;
}

Status EventChain::Next(const Event& event, std::string_view stored) {
  return Checked(LinkOf(event), [&] { return CheckEventContent(event, stored); });
}

Status EventChain::NextChecked(const ChainLink& link, const std::string& content_problem) {
  return Checked(link, [&] { return content_problem; });
}

Status EventChain::Checked(const ChainLink& link,
                           const std::function<std::string()>& content_problem) {
  std::string problem = Follow(link, content_problem);
  if (problem.empty()) return Status::Ok();
  return Status(Code::kCorruption, std::move(problem), boost::json::object{{"seq", link.seq}});
}

std::string EventChain::Follow(const ChainLink& link,
                               const std::function<std::string()>& content_problem) {
  const std::uint64_t expected = head_.seq + 1;
  if (link.seq != expected) {
    return "seq " + std::to_string(link.seq) + " where " + std::to_string(expected) +
           " was expected (events missing, moved or swapped)";
  }
  if (std::string problem = content_problem(); !problem.empty()) return problem;
  const bool first = link.seq == first_seq_;
  if ((!first || first_linked_) && link.prev_hash != head_.hash) {
    return "chain broken: prev_hash is " + ToHex(link.prev_hash) + " but event " +
           std::to_string(head_.seq) + " has hash " + ToHex(head_.hash);
  }
  auto recorded = ParseTimestamp(link.recorded_at);
  if (!recorded) return "recorded_at " + std::string{link.recorded_at} + " is not a timestamp";
  if (!first && *recorded <= last_recorded_us_) {
    return "recorded_at " + std::string{link.recorded_at} + " is not after the previous event's";
  }
  auto version = stream_versions_.find(link.stream);
  const bool met = version == stream_versions_.end();
  if (met) version = stream_versions_.emplace(std::string{link.stream}, 0).first;
  const bool version_given = met && first_seq_ > 1;  // a stream begun before the first event
  if (!version_given && link.stream_version != version->second + 1) {
    return "stream_version " + std::to_string(link.stream_version) + " of " +
           std::string{link.stream} + " should be " + std::to_string(version->second + 1);
  }
  version->second = link.stream_version;
  last_recorded_us_ = *recorded;
  head_ = LedgerHead{link.seq, link.hash};
  return "";
}

}  // namespace hatchery
