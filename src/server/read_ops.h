// The read operations of PROTOCOL.md as functions of their arguments: get, read, read_stream,
// query, explain, proof. Each returns the response's `result` object or a Status naming the
// argument that is wrong. Event reads go to the ledger; query and explain to a fact base (the
// projector's, projector.h).
//
// Thread-safe for concurrent readers of the same ledger and fact base.
#ifndef HATCHERY_SERVER_READ_OPS_H_
#define HATCHERY_SERVER_READ_OPS_H_

#include <boost/json/object.hpp>
#include <cstdint>

#include "domain/fact_base.h"
#include "hatchery/ledger.h"

namespace hatchery::server {

// Most events one read answers (PROTOCOL.md).
inline constexpr std::uint64_t kMaxReadLimit = 10'000;

StatusOr<boost::json::object> GetOp(const Ledger& ledger, const boost::json::object& args);
StatusOr<boost::json::object> ReadOp(const Ledger& ledger, const boost::json::object& args);
StatusOr<boost::json::object> ReadStreamOp(const Ledger& ledger, const boost::json::object& args);
StatusOr<boost::json::object> ProofOp(const Ledger& ledger, const boost::json::object& args);
// The latest kept signed checkpoint note ({"note", "signed": true}), or, when none is kept, the
// unsigned checkpoint of the head ({"note", "signed": false}). `"sign": true` is refused
// (kUnavailable) until the server holds a signing key.
StatusOr<boost::json::object> CheckpointOp(const Ledger& ledger, const boost::json::object& args);

// `facts` must hold every event through the ledger's head.
StatusOr<boost::json::object> QueryOp(const Ledger& ledger, const domain::FactBase& facts,
                                      const boost::json::object& args);
StatusOr<boost::json::object> ExplainOp(const Ledger& ledger, const domain::FactBase& facts,
                                        const boost::json::object& args);

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_READ_OPS_H_
