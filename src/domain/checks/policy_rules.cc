#include "domain/checks/policy_rules.h"

#include "domain/checks/catalog.h"
#include "domain/checks/invariants.h"
#include "domain/fold/sums.h"
#include "domain/views/derive.h"

namespace hatchery::domain {

PolicyRules::PolicyRules(const SchemaRegistry& schemas) : schemas_(schemas), facts_(schemas) {
  Reset();
}

namespace {

StatusOr<std::int64_t> ValidateWith(const SchemaRegistry& schemas, const AppendCommand& command) {
  ASSIGN_OR_RETURN(std::int64_t version, schemas.Validate(command.type, command.data));
  RETURN_IF_ERROR(CheckEnvelope(command));
  // What a schema cannot say: real calendar dates, a ruleset that parses.
  RETURN_IF_ERROR(DecodeData(command.type, command.data).status());
  if (command.type == "PolicyRulesetActivated") {
    RETURN_IF_ERROR(ParseRuleset(command.data, 0).status());
  }
  return version;
}

}  // namespace

StatusOr<std::int64_t> PolicyRules::Validate(const AppendCommand& command) const {
  return ValidateWith(schemas_, command);
}

Status ValidateRecorded(const Event& event, const SchemaRegistry& schemas) {
  AppendCommand command{event.command_id,     event.stream,       std::nullopt, event.type,  {},
                        event.effective_date, event.document_ref, event.note,   std::nullopt};
  RETURN_IF_ERROR(ValidateCommand(command));
  ASSIGN_OR_RETURN(command.data, schemas.Upcast(event.type, event.schema_version, event.data));
  return ValidateWith(schemas, command).status();
}

Status PolicyRules::Check(const AppendCommand& command, const Actor& actor,
                          std::string_view recorded_at) const {
  RETURN_IF_ERROR(health_);
  LiveState live{facts_, *policy_, [this](std::string_view id) { return CarrierState(id); }};
  try {
    return CheckInvariants(command, actor, recorded_at, live);
  } catch (const SumOverflow& overflow) {  // the carrier's sums with this event (sums.h)
    return Status(Code::kRuleViolation, overflow.what(),
                  boost::json::object{{"invariant", "sums_within_bounds"}});
  }
}

void PolicyRules::Apply(const Event& event) {
  if (!health_.ok()) return;
  health_ = facts_.Apply(event);
  std::string_view carrier = CarrierOfStream(event.stream);
  if (carrier.empty() || !health_.ok()) {
    // A ruleset can move every carrier's entitlements; a failed fold leaves nothing to keep.
    Reset();
    return;
  }
  auto it = walks_.find(carrier);
  if (it == walks_.end()) return;
  const Fact& fact = facts_.Carrier(carrier)->facts.back();
  std::optional<Walk>& walk = it->second;
  if (walk && !std::holds_alternative<EventRetracted>(fact.body) &&
      fact.effective >= walk->last_effective()) {
    try {
      walk->Step(fact);  // at the end of the timeline: the walk afresh would take the same steps
      return;
    } catch (const SumOverflow&) {  // a stored event Check never saw: walked (and told) anew
    }
  }
  walks_.erase(it);
}

void PolicyRules::Withdraw(std::uint64_t last_kept_seq) {
  facts_.WithdrawAfter(last_kept_seq);
  Reset();
}

// Nothing to publish: the live state is the writer's alone. Readers keep fact bases of their own
// (the server's projector folds the durable events, src/server/projector.h).
void PolicyRules::Commit(std::uint64_t) {}

void PolicyRules::Reset() {
  walks_.clear();
  policy_.reset();
  policy_.emplace(facts_.policy(), Cut{});
}

const Walk* PolicyRules::CarrierState(std::string_view carrier_id) const {
  auto it = walks_.find(carrier_id);
  if (it == walks_.end()) {
    const StreamFacts* stream = facts_.Carrier(carrier_id);
    std::optional<Walk> walk;
    if (stream && !stream->facts.empty()) {
      walk.emplace(*policy_, stream->carrier_id);
      walk->Run(CountingFacts(*stream, Cut{}));
    }
    it = walks_.emplace(std::string(carrier_id), std::move(walk)).first;
  }
  return it->second ? &*it->second : nullptr;
}

}  // namespace hatchery::domain
