// Explain: why an entitlement is what it is as of a point — the rule, its clause id and text, the
// ruleset, every event that justifies it (seq, type, dates, document number, authority, who
// recorded it, hash; a retracted one marked with its retraction's reason and document), its
// payouts and claw-backs, its status history — or, for an entitlement the carrier does not have,
// why not: each trigger the rule declined and why (before the policy, a filed accreditation, a
// tier not counted, one-time already used, a higher award covering it, a first evaluation not
// excellent), or that nothing triggered it. What a finance-bureau auditor asks of any amount; the
// words are the command line's, the facts are here.
//
// Pure function of the ledger's events and a fact base folded at least to the point; thread-safe
// for concurrent readers.
#ifndef HATCHERY_READ_EXPLAIN_H_
#define HATCHERY_READ_EXPLAIN_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/views/cut.h"
#include "domain/views/outcome.h"
#include "hatchery/ledger.h"

namespace hatchery::read {

// An event as the explanation cites it.
struct EventRef {
  std::uint64_t seq = 0;
  std::string type, effective_date, recorded_at;
  std::string document_ref;  // 文号 or voucher ("" if none)
  std::string authority;     // of an accreditation or evaluation ("" if none)
  std::string reason;        // of a revocation or a retraction ("" if none)
  Actor actor;               // who recorded it
  Hash hash{};
  std::uint64_t retracted_by = 0;  // the retraction within the cut (0: none)
};

struct Clawback {
  std::uint64_t seq = 0;
  domain::Date date = 0;
  std::string voucher_no;
  std::int64_t amount_fen = 0;
};

struct Explanation {
  domain::Cut cut;
  std::string entitlement_id, carrier_id, carrier_name;
  // The entitlement, or nullopt when the carrier has none of this rule (see `declines`).
  std::optional<domain::Entitlement> entitlement;
  // The rule as its ruleset has it: the entitlement's ruleset, or (without one) the ruleset in
  // force on the cut's today.
  std::string rule_id, clause, clause_text, ruleset_id, ruleset_title;
  std::uint64_t ruleset_seq = 0;
  domain::Date ruleset_effective_from = 0;
  // Why not: every trigger of the rule declined for the carrier and every lapse, in timeline
  // order; without any and without an entitlement, one "not_triggered" (or "kind_not_eligible")
  // saying what the rule needs. With an entitlement: later triggers declined.
  std::vector<domain::Decline> declines;
  std::vector<domain::Payout> payouts;
  std::vector<Clawback> clawbacks;
  // Every event cited (justifying, status history, ruleset, payouts, claw-backs, declines, and the
  // retraction of any of them), by seq.
  std::map<std::uint64_t, EventRef> events;
};

// Errors: kNotFound naming the nearest known carrier for an unknown carrier id, the ruleset's rules
// for an unknown rule, and the carrier's entitlements for a bare carrier id; the ledger's read
// errors.
StatusOr<Explanation> Explain(const Ledger& ledger, const domain::FactBase& facts,
                              const domain::Cut& cut, std::string_view entitlement_id);

// As JSON: "entitlement" (the entitlements-view row plus clause text, or null), "rule",
// "ruleset", "declines", "events", "payouts", "clawbacks", and the point.
boost::json::object ToJson(const Explanation& explanation);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_EXPLAIN_H_
