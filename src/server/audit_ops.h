// The audit operations of PROTOCOL.md that only a server answers: verify (of its own store),
// checkpoint (the latest kept, or one signed now) and backup (of its own store). Each returns the
// response's `result` object or a Status naming the argument that is wrong. The read operations are
// read/ops.h's.
//
// Thread-safe for concurrent readers of the same ledger and fact base.
#ifndef HATCHERY_SERVER_AUDIT_OPS_H_
#define HATCHERY_SERVER_AUDIT_OPS_H_

#include <boost/json/object.hpp>

#include "domain/fold/fact_base.h"
#include "hatchery/ledger.h"
#include "hatchery/note.h"

namespace hatchery::server {

// `verify` (AUDIT.md §4) of the ledger's store, from event 1 through `to_seq` (default: the head
// when asked); `from_seq` names the range the caller cares about, but the check always starts at
// event 1, since a link is only as good as the chain before it. Reads the whole range: run it off
// the network thread.
StatusOr<boost::json::object> VerifyOp(const Ledger& ledger, const boost::json::object& args);

// `checkpoint`: with `"sign": true` (the caller checked the role), a new checkpoint of the head
// with its state lines, signed with `key` and kept (kUnavailable without a key); otherwise the
// latest kept signed checkpoint, or, when none is kept, the unsigned one of the head.
// {"note", "signed"}.
StatusOr<boost::json::object> CheckpointOp(Ledger& ledger, const domain::FactBase& facts,
                                           const note::SigningKey* key,
                                           const boost::json::object& args);

// `backup` (docs/operations.md): a new backup of the ledger's store into `backup_dir`, keeping
// the newest `keep` (optional, default all); the backup's description (backup.h ToJson). Copies
// files: run it off the network thread, one at a time.
StatusOr<boost::json::object> BackupOp(Ledger& ledger, const std::string& backup_dir,
                                       const boost::json::object& args);

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_AUDIT_OPS_H_
