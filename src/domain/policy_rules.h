// PolicyRules: Hatchery's policy domain as the ledger's EventRules (event_rules.h). It validates
// commands against the schemas and envelope rules, checks the invariants against the live fact
// base, and folds every applied event into it.
//
// Thread safety: as EventRules — Validate from any thread; the rest from the ledger's writer.
#ifndef HATCHERY_DOMAIN_POLICY_RULES_H_
#define HATCHERY_DOMAIN_POLICY_RULES_H_

#include <map>
#include <string>

#include "domain/derive.h"
#include "domain/fact_base.h"
#include "domain/schema_registry.h"
#include "hatchery/event_rules.h"

namespace hatchery::domain {

class PolicyRules : public EventRules {
 public:
  // `schemas` must outlive this object.
  explicit PolicyRules(const SchemaRegistry& schemas = SchemaRegistry::Default());

  StatusOr<std::int64_t> Validate(const AppendCommand& command) const override;
  Status Check(const AppendCommand& command, const Actor& actor) const override;
  void Apply(const Event& event) override;
  void Withdraw(std::uint64_t last_kept_seq) override;
  void Commit(std::uint64_t durable_seq) override;

  const FactBase& facts() const { return facts_; }
  // Ok, or the first event that could not be folded (stored data this build cannot read): every
  // later check answers this error instead of judging on a partial state.
  const Status& health() const { return health_; }

  // The outcome of `carrier_id` with every fact so far (null if it is not registered), as the
  // invariants see it: its standing (derive.h, ChangesStanding) is current, while its profile,
  // activity and flags may lag — a fact that cannot change the standing keeps the remembered
  // outcome, so amending a carrier's profile does not re-derive its whole history.
  const CarrierOutcome* Standing(std::string_view carrier_id) const;

 private:
  const SchemaRegistry& schemas_;
  FactBase facts_;
  Status health_;
  // Derived outcome of each carrier; dropped when a fact changes its standing.
  mutable std::map<std::string, std::optional<CarrierOutcome>, std::less<>> outcomes_;
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_POLICY_RULES_H_
