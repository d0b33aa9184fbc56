#include "domain/policy_rules.h"

#include "domain/catalog.h"
#include "domain/invariants.h"

namespace hatchery::domain {

PolicyRules::PolicyRules(const SchemaRegistry& schemas) : schemas_(schemas), facts_(schemas) {}

StatusOr<std::int64_t> PolicyRules::Validate(const AppendCommand& command) const {
  ASSIGN_OR_RETURN(std::int64_t version, schemas_.Validate(command.type, command.data));
  RETURN_IF_ERROR(CheckEnvelope(command));
  // What a schema cannot say: real calendar dates, a ruleset that parses.
  RETURN_IF_ERROR(DecodeData(command.type, command.data).status());
  if (command.type == "PolicyRulesetActivated") {
    RETURN_IF_ERROR(ParseRuleset(command.data, 0).status());
  }
  return version;
}

Status PolicyRules::Check(const AppendCommand& command, const Actor& actor) const {
  RETURN_IF_ERROR(health_);
  return CheckInvariants(command, actor, facts_,
                         [this](std::string_view id) { return Standing(id); });
}

void PolicyRules::Apply(const Event& event) {
  if (!health_.ok()) return;
  health_ = facts_.Apply(event);
  std::string_view carrier = CarrierOfStream(event.stream);
  if (carrier.empty() || !health_.ok()) {
    // A ruleset change can move every carrier's entitlements; a failed fold leaves nothing to keep.
    outcomes_.clear();
  } else if (auto it = outcomes_.find(carrier);
             it != outcomes_.end() && ChangesStanding(facts_.Carrier(carrier)->facts.back().body)) {
    outcomes_.erase(it);
  }
}

void PolicyRules::Withdraw(std::uint64_t last_kept_seq) {
  facts_.WithdrawAfter(last_kept_seq);
  outcomes_.clear();
}

// The live state is the writer's alone for now; the server will publish snapshots to readers here.
void PolicyRules::Commit(std::uint64_t) {}

const CarrierOutcome* PolicyRules::Standing(std::string_view carrier_id) const {
  auto it = outcomes_.find(carrier_id);
  if (it == outcomes_.end()) {
    const StreamFacts* stream = facts_.Carrier(carrier_id);
    std::optional<CarrierOutcome> outcome;
    if (stream) {
      Cut all = MakeCut(facts_, std::nullopt, std::nullopt);
      outcome = DeriveCarrier(*stream, Policy(facts_.policy(), all), all);
    }
    it = outcomes_.emplace(std::string(carrier_id), std::move(outcome)).first;
  }
  return it->second ? &*it->second : nullptr;
}

}  // namespace hatchery::domain
