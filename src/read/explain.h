// Explain: why an entitlement is what it is as of a point — the rule, its clause id and text, the
// ruleset, every event that justifies it (seq, type, effective date, recorded time, hash), its
// payouts and claw-backs, and its status history (which event changed it, when). What a
// finance-bureau auditor asks of any amount; the words are the command line's, the facts are here.
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
  Hash hash{};
};

struct Clawback {
  std::uint64_t seq = 0;
  domain::Date date = 0;
  std::string voucher_no;
  std::int64_t amount_fen = 0;
};

struct Explanation {
  domain::Cut cut;
  domain::Entitlement entitlement;
  std::string carrier_name;
  std::string ruleset_title;
  std::string clause_text;  // of the entitlement's rule in its ruleset
  domain::Date ruleset_effective_from = 0;
  std::vector<domain::Payout> payouts;
  std::vector<Clawback> clawbacks;
  // Every event cited (justifying, status history, ruleset, payouts, claw-backs), by seq.
  std::map<std::uint64_t, EventRef> events;
};

// Errors: kNotFound (no such entitlement under the cut, naming the carrier's entitlements if it
// has any), the ledger's read errors.
StatusOr<Explanation> Explain(const Ledger& ledger, const domain::FactBase& facts,
                              const domain::Cut& cut, std::string_view entitlement_id);

// As JSON: the entitlements-view row plus clause text, ruleset, events, payouts, claw-backs.
boost::json::object ToJson(const Explanation& explanation);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_EXPLAIN_H_
