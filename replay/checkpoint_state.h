// Checkpoints that carry the state they commit to: the checkpoint of the tree at a fact base's
// last event, with the projection's state lines (one digest per view, domain::StateLines) as its
// extension lines, so a signature covers both the log and what the policy made of it there.
//
// Thread safety: as the Ledger's and the fact base's const methods; SignAndKeep writes the ledger.
#ifndef HATCHERY_REPLAY_CHECKPOINT_STATE_H_
#define HATCHERY_REPLAY_CHECKPOINT_STATE_H_

#include <string>

#include "domain/fold/fact_base.h"
#include "domain/views/projections.h"
#include "hatchery/ledger.h"
#include "hatchery/note.h"

namespace hatchery::replay {

// The unsigned checkpoint note text of the tree of facts.last_seq() events, with the state lines
// of the projection of `facts` at that point. Errors: the ledger's (CheckpointAt).
StatusOr<std::string> StateCheckpoint(const Ledger& ledger, const domain::FactBase& facts);
// The same from a projection already made: `state` must be the projection of the first `size`
// events with no business-date cut (what the other form computes).
StatusOr<std::string> StateCheckpoint(const Ledger& ledger, std::uint64_t size,
                                      const domain::Projection& state);

// That checkpoint signed with `key` and kept in the ledger (Ledger::AddCheckpoint); returns the
// signed note. Errors: the ledger's, note::Sign's; kUnavailable (read-only).
StatusOr<std::string> SignAndKeep(Ledger& ledger, const domain::FactBase& facts,
                                  const note::SigningKey& key);

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_CHECKPOINT_STATE_H_
