#include "replay/checkpoint_state.h"

#include "domain/views/cut.h"
#include "domain/views/projections.h"
#include "hatchery/checkpoint.h"

namespace hatchery::replay {

StatusOr<std::string> StateCheckpoint(const Ledger& ledger, std::uint64_t size,
                                      const domain::Projection& state) {
  ASSIGN_OR_RETURN(Checkpoint checkpoint, ledger.CheckpointAt(size));
  checkpoint.extensions = domain::StateLines(state);
  return FormatCheckpoint(checkpoint);
}

StatusOr<std::string> StateCheckpoint(const Ledger& ledger, const domain::FactBase& facts) {
  return StateCheckpoint(
      ledger, facts.last_seq(),
      domain::Project(facts, domain::MakeCut(facts, std::nullopt, std::nullopt)));
}

StatusOr<std::string> SignAndKeep(Ledger& ledger, const domain::FactBase& facts,
                                  const note::SigningKey& key) {
  ASSIGN_OR_RETURN(std::string text, StateCheckpoint(ledger, facts));
  ASSIGN_OR_RETURN(std::string signed_note, note::Sign(text, key));
  RETURN_IF_ERROR(ledger.AddCheckpoint(signed_note, note::VerifierOf(key)));
  return signed_note;
}

}  // namespace hatchery::replay
