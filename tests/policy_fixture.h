// A real store with the policy domain plugged in, and short ways to record the policy's acts.
#ifndef HATCHERY_TESTS_POLICY_FIXTURE_H_
#define HATCHERY_TESTS_POLICY_FIXTURE_H_

#include <memory>
#include <string>

#include "domain/checks/policy_rules.h"
#include "domain/views/projections.h"
#include "hatchery/ledger.h"
#include "test_util.h"

namespace hatchery::testing {

inline const Actor kApprover{"finance.li", "admin"};
inline const Actor kDisburser{"cashier.wang", "admin"};

class PolicyFixture {
 public:
  // A new store whose genesis event activates the shipped ruleset, with `params` merged over its
  // "params" (e.g. {"upgrade": "difference"}).
  explicit PolicyFixture(boost::json::object params = {});

  // Appends one event; every command gets a fresh command_id and a document_ref.
  StatusOr<AppendResult> Try(const std::string& type, const std::string& stream,
                             std::string_view data_json, const std::string& effective_date,
                             const Actor& actor = kAdmin);
  // The same, requiring success; returns the seq.
  std::uint64_t Ok(const std::string& type, const std::string& stream, std::string_view data_json,
                   const std::string& effective_date, const Actor& actor = kAdmin);

  // The policy's acts, on carrier/<id>.
  std::uint64_t Register(const std::string& id, const std::string& kind,
                         const std::string& category, const std::string& date = "2023-01-10");
  std::uint64_t Grant(const std::string& id, const std::string& level, const std::string& mode,
                      const std::string& date, const std::string& tier = "");
  std::uint64_t Revoke(const std::string& id, const std::string& level, const std::string& reason,
                       const std::string& date);
  std::uint64_t Evaluate(const std::string& id, const std::string& level, int year,
                         const std::string& grade, const std::string& date);
  std::uint64_t Approve(const std::string& id, const std::string& payout_id,
                        const std::string& entitlement_id, std::int64_t amount_fen,
                        const std::string& date);
  std::uint64_t Disburse(const std::string& id, const std::string& payout_id,
                         const std::string& date);
  std::uint64_t Retract(const std::string& stream, std::uint64_t seq, const std::string& date);

  // The projections with every event, or as of a seq and/or an effective date.
  domain::Projection Now() const;
  domain::Projection At(std::optional<std::uint64_t> max_seq,
                        std::optional<std::string> effective_on = std::nullopt) const;

  TempDir dir;
  std::shared_ptr<domain::PolicyRules> rules;
  std::unique_ptr<Ledger> ledger;

 private:
  int next_command_ = 0;
};

// The entitlement `id` in `p`, or null. The pointer lives as long as `p`: a temporary projection
// may be used only within one full expression.
const domain::Entitlement* FindEntitlement(const domain::Projection& p, const std::string& id);
// The flags named `flag` in `p`.
std::vector<domain::Flag> FlagsNamed(const domain::Projection& p, const std::string& flag);

}  // namespace hatchery::testing

#endif  // HATCHERY_TESTS_POLICY_FIXTURE_H_
