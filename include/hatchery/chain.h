// The checks every event of a log passes against the events before it (AUDIT.md §1, §4): its
// bytes are its canonical form, its hash is the SHA-256 of its content, prev_hash is the hash of
// the event before, seq follows on, recorded_at increases, each stream's version follows on.
// The one chain checker: `verify` runs it over a store's events, every replay and fold over the
// records it reads, `verify-export` over a bundle's events.jsonl, an export from a server over the
// events it is sent, and the benchmarks as the rebuild does.
//
// Thread-compatible value type.
#ifndef HATCHERY_CHAIN_H_
#define HATCHERY_CHAIN_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hatchery/event.h"
#include "hatchery/status.h"

namespace hatchery {

// What links an event to the events before it, as EventChain checks it: views into an Event, or
// into a stored record read in place.
struct ChainLink {
  std::uint64_t seq = 0;
  Hash prev_hash{};
  Hash hash{};
  std::string_view recorded_at;
  std::string_view stream;
  std::uint64_t stream_version = 0;
};
ChainLink LinkOf(const Event& event);
ChainLink LinkOf(const EventView& event);

// The checks of one event on its own: its stored (or exported) form, with `hash`, is its canonical
// form, and its hash is that of its content. Returns "" or the problem. Pure; thread-safe, so many
// events can be checked at once, and their links after (EventChain::NextChecked).
std::string CheckEventContent(const Event& event, std::string_view stored);
// The part of that check left for a record read in place (ScanStoredEvent), which has already
// shown it to be canonical: "" when its content hashes to its hash, else the problem.
std::string CheckContentHash(const EventView& event);

// Checks a stored (or exported) event on its own: read in place when its bytes are canonical
// (ScanStoredEvent; then only its hash is left to check), else parsed, to say what is wrong with
// it. Returns `check(event, content_problem)` — with an EventView or an Event, and what
// CheckContentHash or CheckEventContent said — or `unreadable(status)` when the bytes are no event
// at all.
template <typename Check, typename Unreadable>
auto CheckStoredEvent(std::string_view stored, json::Tape* tape, const Check& check,
                      const Unreadable& unreadable) {
  if (auto view = ScanStoredEvent(stored, tape); view.ok()) {
    return check(*view, CheckContentHash(*view));
  }
  auto event = ParseEvent(stored);
  if (!event.ok()) return unreadable(event.status());
  return check(*event, CheckEventContent(*event, stored));
}

class EventChain {
 public:
  // A chain from event 1: its prev_hash is 64 zeros and every stream starts at version 1.
  EventChain() = default;
  // A chain that starts at event `first_seq` of a log (an export's range): that event's link and
  // recorded_at, and the first version of each stream met, are taken as they are; everything
  // after is checked against them.
  static EventChain Range(std::uint64_t first_seq);
  // A chain that goes on after `head`, an event already checked (a snapshot's): the next event
  // must chain onto its hash; the first recorded_at, and the first version of each stream met,
  // are taken as they are.
  static EventChain After(const LedgerHead& head);

  // Checks the next event, whose stored (or exported) form, with `hash`, is `stored`. OK when it
  // passes (it becomes the head), else kCorruption saying what is wrong — without saying where:
  // the caller names the event, the line or the record — with details {"seq"}.
  Status Next(const Event& event, std::string_view stored);
  // The same for an event whose content was checked already: `content_problem` is what
  // CheckEventContent (or CheckContentHash) said of it (reported after a wrong seq, before a
  // broken link, as Next does).
  Status NextChecked(const ChainLink& link, const std::string& content_problem);

  // The last event that passed (seq first_seq - 1 and zeros before the first).
  const LedgerHead& head() const { return head_; }

 private:
  // Checks the seq, then asks for the content's problem, then checks the links: "" or the problem.
  std::string Follow(const ChainLink& link, const std::function<std::string()>& content_problem);
  Status Checked(const ChainLink& link, const std::function<std::string()>& content_problem);

  // Finds a stream by its name as a view, without a copy.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };

  std::uint64_t first_seq_ = 1;
  bool first_linked_ = true;  // the first event's prev_hash is checked against head_
  LedgerHead head_;
  std::int64_t last_recorded_us_ = 0;
  std::unordered_map<std::string, std::uint64_t, NameHash, std::equal_to<>> stream_versions_;
};

}  // namespace hatchery

#endif  // HATCHERY_CHAIN_H_
