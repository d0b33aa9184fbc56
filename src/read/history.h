// History: one carrier's acts as a timeline a reader can follow — every event of its stream within
// the cut, in effective-date order (then seq), each with what it did in words, its dates, document
// number, authority, who recorded it, the money it moved (approved, disbursed, recovered) and what
// it did to the carrier's awards (an award created, activated, voided), and its retraction if it
// was retracted. What a bureau clerk reads before answering a carrier's call.
//
// Pure function of the ledger's events and a fact base folded at least to the point; thread-safe
// for concurrent readers.
#ifndef HATCHERY_READ_HISTORY_H_
#define HATCHERY_READ_HISTORY_H_

#include <boost/json/object.hpp>
#include <string_view>

#include "domain/fold/fact_base.h"
#include "domain/views/cut.h"
#include "hatchery/ledger.h"

namespace hatchery::read {

// {"carrier_id", "carrier_name", "kind", "county", "county_name", "as_of_seq", "effective_on",
// "today", "events": [{"seq", "type", "effective_date", "recorded_at", "document_ref",
// "authority", "actor", "what", "money": {"approved_fen"|"disbursed_fen"|"recovered_fen": n},
// "awards": [{"entitlement_id", "status", "reason", "amount_fen"}], "retracted_by"}, …],
// "entitlements": the carrier's rows of the entitlements view}. Errors: kNotFound naming the
// nearest known carrier; the ledger's read errors.
StatusOr<boost::json::object> History(const Ledger& ledger, const domain::FactBase& facts,
                                      const domain::Cut& cut, std::string_view carrier_id);

// The known carrier id nearest to `id` (fewest edits; the first such in id order), or "" (also for
// an `id` longer than any carrier id can be): what an answer about an unknown carrier suggests.
std::string NearestCarrier(const domain::FactBase& facts, std::string_view id);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_HISTORY_H_
