// The read operations of PROTOCOL.md — get, read, read_stream and proof of the events; query,
// explain and diff of the projections as of a point, and (beyond PROTOCOL.md) due and history —
// as functions of a request's arguments, returning the response's `result` or a Status naming
// the argument that is wrong.
//
// One implementation for every reader: the server answers requests with these (event reads on
// its network thread, projection reads on its projector's fact base), and the command line's local
// path with the same functions on a fold of the store (Here), so a read gives the same bytes
// whether it is asked of a data directory or of a server. Export and any later page read through
// here too; nothing else assembles a cut and a projection for a reader.
//
// Thread-safe for concurrent readers of the same ledger and fact base; a CarrierMemo is one
// caller's at a time.
#ifndef HATCHERY_READ_OPS_H_
#define HATCHERY_READ_OPS_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/fold/fact_base.h"
#include "domain/views/carrier_memo.h"
#include "domain/views/projections.h"
#include "hatchery/ledger.h"

namespace hatchery::read {

// Most events one read answers (PROTOCOL.md).
inline constexpr std::uint64_t kMaxReadLimit = 10'000;

enum class OpKind {
  kNone,         // not a read op
  kEvents,       // get, read, read_stream, proof, checkpoints: the ledger alone
  kProjections,  // query, explain, diff, due, history: a fact base too
};
OpKind KindOf(std::string_view op);

// What a projection read sees.
struct Facts {
  const Ledger& ledger;
  const domain::FactBase& facts;  // every event through each point the read names
  // Remembers one carrier's queries; must always be used with these same (growing) facts.
  domain::CarrierMemo* memo = nullptr;
};

// An event read (KindOf(op) == kEvents).
StatusOr<boost::json::object> AnswerEvents(const Ledger& ledger, std::string_view op,
                                           const boost::json::object& args);
// A projection read (KindOf(op) == kProjections). The answer of a demo store's (its genesis
// declares a simulated clock) says so: "clock": "simulated".
StatusOr<boost::json::object> AnswerProjections(const Facts& at, std::string_view op,
                                                const boost::json::object& args);

// Any read op answered from the store alone: event reads directly, projection reads on the store
// folded from its newest usable snapshot through the latest point they name. Errors: kBadRequest
// for an op that is not a read op; the op's; the fold's.
StatusOr<boost::json::object> Here(const Ledger& ledger, std::string_view op,
                                   const boost::json::object& args);

// Every view of `facts` under the cut at `seq` (clamped to the facts held) and `effective_on`:
// what a query, an export or a checkpoint's state reads.
domain::Projection ProjectionAt(const domain::FactBase& facts, std::uint64_t seq,
                                std::optional<domain::Date> effective_on);

}  // namespace hatchery::read

#endif  // HATCHERY_READ_OPS_H_
