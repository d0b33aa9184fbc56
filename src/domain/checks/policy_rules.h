// PolicyRules: Hatchery's policy domain as the ledger's EventRules (event_rules.h). It validates
// commands against the schemas and envelope rules, checks the invariants against the live fact
// base on one timeline (invariants.h, timeline.h), and folds every applied event into it.
//
// Thread safety: as EventRules — Validate from any thread; the rest from the ledger's writer.
#ifndef HATCHERY_DOMAIN_CHECKS_POLICY_RULES_H_
#define HATCHERY_DOMAIN_CHECKS_POLICY_RULES_H_

#include <map>
#include <optional>
#include <string>

#include "domain/fold/fact_base.h"
#include "domain/fold/schema_registry.h"
#include "domain/views/walk.h"
#include "hatchery/event_rules.h"

namespace hatchery::domain {

class PolicyRules : public EventRules {
 public:
  // `schemas` must outlive this object.
  explicit PolicyRules(const SchemaRegistry& schemas = SchemaRegistry::Default());

  StatusOr<std::int64_t> Validate(const AppendCommand& command) const override;
  Status Check(const AppendCommand& command, const Actor& actor,
               std::string_view recorded_at) const override;
  void Apply(const Event& event) override;
  void Withdraw(std::uint64_t last_kept_seq) override;
  void Commit(std::uint64_t durable_seq) override;

  const FactBase& facts() const { return facts_; }
  // Ok, or the first event that could not be folded (stored data this build cannot read): every
  // later check answers this error instead of judging on a partial state.
  const Status& health() const { return health_; }

  // The walk of `carrier_id`'s counting facts so far, at their end (null if it has none): what an
  // append on its stream is judged on. Remembered per carrier; a fact recorded at the end of its
  // carrier's timeline takes the remembered walk one step further, while a back-dated fact or a
  // retraction makes the next check walk that carrier afresh, and an event of the policy stream (a
  // ruleset), a Withdraw or a fold error makes every carrier's. Valid until the next Apply or
  // Withdraw.
  const Walk* CarrierState(std::string_view carrier_id) const;

 private:
  void Reset();  // forgets every remembered walk; the policy anew from the facts

  const SchemaRegistry& schemas_;
  FactBase facts_;
  Status health_;
  std::optional<Policy> policy_;  // every ruleset recorded; the walks point to it
  mutable std::map<std::string, std::optional<Walk>, std::less<>> walks_;
};

// What PolicyRules::Validate (and the ledger's envelope checks) ask of a command, asked of an event
// already recorded, its data upcast to the newest version of its type: `verify` runs it on every
// event, so that a record edited into something the schemas refuse (a year 1002025, a negative
// amount) is caught even when its hash was recomputed. Errors: as Validate, kBadRequest (envelope),
// kNotFound (no upcaster for its version).
Status ValidateRecorded(const Event& event,
                        const SchemaRegistry& schemas = SchemaRegistry::Default());

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_CHECKS_POLICY_RULES_H_
