// EventRules: the domain's part in an append. The ledger knows bytes, sequence numbers and
// hashes; an EventRules knows what an event means. The ledger calls it at four points:
//
//   Validate  on the caller's thread, before a command is queued: the type is known and the data
//             fits its schema. Stateless.
//   Check     on the writer thread, just before a command is sequenced: the invariants hold
//             against the live state, i.e. every event applied so far, including the ones staged
//             earlier in the same group commit, for the event as it would be recorded (at
//             `recorded_at`, by `actor`).
//   Apply     the command became event `seq` (staged, not yet durable), or, at open, a stored
//             event is being loaded.
//   Withdraw  staged events after `seq` are withdrawn (an all-or-nothing batch failed, or the
//             group's write failed); the live state must forget them.
//   Commit    events through `seq` are durable.
//
// Ledger::Open applies every stored event (in seq order, then Commit) before the first append.
// Apply, Withdraw and Commit must not throw. Thread safety: Validate may be called from any thread
// concurrently with everything else; the other four are called from one thread at a time (the
// ledger's writer, or Open).
#ifndef HATCHERY_EVENT_RULES_H_
#define HATCHERY_EVENT_RULES_H_

#include <cstdint>
#include <string_view>

#include "hatchery/event.h"
#include "hatchery/status.h"

namespace hatchery {

class EventRules {
 public:
  virtual ~EventRules() = default;

  // Returns the schema version that validated `command.data`.
  // Errors: kUnknownType, kSchemaViolation (details name every failing field).
  virtual StatusOr<std::int64_t> Validate(const AppendCommand& command) const = 0;

  // Errors: kRuleViolation (details name the invariant and the facts that broke it), kNotFound.
  // `recorded_at`: the RFC 3339 time the event would carry.
  virtual Status Check(const AppendCommand& command, const Actor& actor,
                       std::string_view recorded_at) const = 0;

  virtual void Apply(const Event& event) = 0;
  virtual void Withdraw(std::uint64_t last_kept_seq) = 0;
  virtual void Commit(std::uint64_t durable_seq) = 0;
};

}  // namespace hatchery

#endif  // HATCHERY_EVENT_RULES_H_
