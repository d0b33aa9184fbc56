// Due: what a subsidy administrator has to act on as of a point — the four due-lists, each row
// naming its carrier, the carrier's county and how long it has been waiting (days from the date
// it became due to the point's "today"):
//
//   payments             an active award not yet fully disbursed: what remains to approve
//                        (outstanding) and what was approved but not paid, since it became active;
//   clawbacks            money disbursed on an award no longer active, less what was recovered,
//                        since the award stopped being active;
//   awaiting_evaluation  an R5/R6 award pending its first regional evaluation, since its trigger;
//   reports_overdue      an annual report missing after its deadline, since the deadline;
//
// and per county, how many of each and their money. Read off the projection (the entitlements
// and compliance views' facts), so it always agrees with them.
//
// Pure function; thread-safe for concurrent readers.
#ifndef HATCHERY_READ_DUE_H_
#define HATCHERY_READ_DUE_H_

#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>

#include "domain/views/cut.h"
#include "domain/views/projections.h"

namespace hatchery::read {

// The lists as of `projection` (whose cut gives "today"), with `policy` the rulesets under that
// cut (the report deadline of each year). Rows by county, then carrier, then id. With `limit`, at
// most that many rows of each list, and `listed` counting every row of each (by_county is whole
// either way).
boost::json::object Due(const domain::Projection& projection, const domain::Policy& policy,
                        std::optional<std::size_t> limit = std::nullopt);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_DUE_H_
