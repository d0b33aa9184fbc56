#include "replay/checkpoint_state.h"

#include "domain/cut.h"
#include "domain/projections.h"
#include "hatchery/checkpoint.h"

namespace hatchery::replay {

StatusOr<std::string> StateCheckpoint(const Ledger& ledger, const domain::FactBase& facts) {
  ASSIGN_OR_RETURN(Checkpoint checkpoint, ledger.CheckpointAt(facts.last_seq()));
  checkpoint.extensions = domain::StateLines(
      domain::Project(facts, domain::MakeCut(facts, std::nullopt, std::nullopt)));
  return FormatCheckpoint(checkpoint);
}

StatusOr<std::string> SignAndKeep(Ledger& ledger, const domain::FactBase& facts,
                                  const note::SigningKey& key) {
  ASSIGN_OR_RETURN(std::string text, StateCheckpoint(ledger, facts));
  ASSIGN_OR_RETURN(std::string signed_note, note::Sign(text, key));
  RETURN_IF_ERROR(ledger.AddCheckpoint(signed_note, note::VerifierOf(key)));
  return signed_note;
}

}  // namespace hatchery::replay
