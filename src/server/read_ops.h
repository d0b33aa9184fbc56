// The read operations of PROTOCOL.md as functions of their arguments: get, read, read_stream,
// query, explain, proof, verify, checkpoint. Each returns the response's `result` object or a
// Status naming the argument that is wrong. Event reads go to the ledger; query and explain to a
// fact base (the projector's, projector.h).
//
// Thread-safe for concurrent readers of the same ledger and fact base.
#ifndef HATCHERY_SERVER_READ_OPS_H_
#define HATCHERY_SERVER_READ_OPS_H_

#include <boost/json/object.hpp>
#include <cstdint>

#include "domain/carrier_memo.h"
#include "domain/fact_base.h"
#include "hatchery/ledger.h"
#include "hatchery/note.h"

namespace hatchery::server {

// Most events one read answers (PROTOCOL.md).
inline constexpr std::uint64_t kMaxReadLimit = 10'000;

StatusOr<boost::json::object> GetOp(const Ledger& ledger, const boost::json::object& args);
StatusOr<boost::json::object> ReadOp(const Ledger& ledger, const boost::json::object& args);
StatusOr<boost::json::object> ReadStreamOp(const Ledger& ledger, const boost::json::object& args);
StatusOr<boost::json::object> ProofOp(const Ledger& ledger, const boost::json::object& args);
// `verify` (AUDIT.md §4) of the ledger's store, from event 1 through `to_seq` (default: the head
// when asked); `from_seq` names the range the caller cares about, but the check always starts at
// event 1, since a link is only as good as the chain before it. Reads the whole range: run it off
// the network thread.
StatusOr<boost::json::object> VerifyOp(const Ledger& ledger, const boost::json::object& args);

// `facts` must hold every event through the ledger's head. A query of one carrier (a carrier_id
// filter, any view but assessment) derives that carrier alone, through `memo`, which must always
// be used with this same `facts`.
StatusOr<boost::json::object> QueryOp(const Ledger& ledger, const domain::FactBase& facts,
                                      domain::CarrierMemo& memo, const boost::json::object& args);
StatusOr<boost::json::object> ExplainOp(const Ledger& ledger, const domain::FactBase& facts,
                                        const boost::json::object& args);
// `checkpoint`: with `"sign": true` (the caller checked the role), a new checkpoint of the head
// with its state lines, signed with `key` and kept (kUnavailable without a key); otherwise the
// latest kept signed checkpoint, or, when none is kept, the unsigned one of the head.
// {"note", "signed"}.
StatusOr<boost::json::object> CheckpointOp(Ledger& ledger, const domain::FactBase& facts,
                                           const note::SigningKey* key,
                                           const boost::json::object& args);

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_READ_OPS_H_
