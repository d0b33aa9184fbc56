// The per-event half of a check that trusts nothing, for a batch of events at once: each stored
// (or exported) canonical JSON parsed, and its bytes and hash checked (CheckEventContent), the
// batch split over two threads. What links each event to the one before (EventChain, or a fold's
// own seq and prev_hash checks) follows in order on the caller's thread.
//
// Thread-safe (pure); uses one extra thread per call.
#ifndef HATCHERY_REPLAY_CHECKED_EVENTS_H_
#define HATCHERY_REPLAY_CHECKED_EVENTS_H_

#include <string>
#include <vector>

#include "hatchery/event.h"

namespace hatchery::replay {

struct CheckedEvent {
  StatusOr<Event> event = Status(Code::kInternal, "not parsed");  // ParseEvent's answer
  std::string content_problem;  // "" when its bytes are its canonical form with its hash
};

// One CheckedEvent per line of `lines`, in order.
std::vector<CheckedEvent> ParseAndCheck(const std::vector<std::string>& lines);

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_CHECKED_EVENTS_H_
