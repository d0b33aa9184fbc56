#include "server/audit_ops.h"

#include <boost/json.hpp>

#include "domain/checks/policy_rules.h"
#include "hatchery/backup.h"
#include "hatchery/verify.h"
#include "read/arguments.h"
#include "replay/checkpoint_state.h"

namespace hatchery::server {

namespace bj = boost::json;
using read::BadArgument;
using read::Count;

StatusOr<bj::object> VerifyOp(const Ledger& ledger, const bj::object& args) {
  std::uint64_t head = ledger.head().seq;
  ASSIGN_OR_RETURN(std::uint64_t to_seq, Count(args, "to_seq", head));
  ASSIGN_OR_RETURN(std::uint64_t from_seq, Count(args, "from_seq", 1));
  if (to_seq > head)
    return BadArgument("to_seq", "is beyond the head (" + std::to_string(head) + ")");
  if (from_seq < 1 || from_seq > to_seq) {
    return BadArgument("from_seq", "must be between 1 and to_seq (" + std::to_string(to_seq) + ")");
  }
  VerifyOptions options;
  options.to_seq = to_seq;
  options.validate_event = [](const Event& event) { return domain::ValidateRecorded(event); };
  ASSIGN_OR_RETURN(VerifyReport report, VerifyStore(ledger.dir(), options));
  bj::object out = ToJson(report);
  out["from_seq"] = from_seq;
  out["to_seq"] = to_seq;
  out["checked_from"] = 1;
  return out;
}

StatusOr<bj::object> CheckpointOp(Ledger& ledger, const domain::FactBase& facts,
                                  const note::SigningKey* key, const bj::object& args) {
  const bj::value* sign = args.if_contains("sign");
  if (sign && !sign->is_bool()) return BadArgument("sign", "must be true or false");
  if (sign && sign->as_bool()) {
    if (!key) {
      return Status(Code::kUnavailable,
                    "this server holds no signing key (hatchery serve --signing-key FILE)");
    }
    ASSIGN_OR_RETURN(std::string note, replay::SignAndKeep(ledger, facts, *key));
    return bj::object{{"note", std::move(note)}, {"signed", true}};
  }
  ASSIGN_OR_RETURN(auto kept, ledger.Checkpoints());
  if (!kept.empty()) return bj::object{{"note", kept.back()}, {"signed", true}};
  ASSIGN_OR_RETURN(std::string note, replay::StateCheckpoint(ledger, facts));
  return bj::object{{"note", std::move(note)}, {"signed", false}};
}

StatusOr<bj::object> BackupOp(Ledger& ledger, const std::string& backup_dir,
                              const bj::object& args) {
  ASSIGN_OR_RETURN(std::uint64_t keep, Count(args, "keep", 0));
  if (keep > 10'000) return BadArgument("keep", "must be at most 10000");
  ASSIGN_OR_RETURN(BackupInfo info,
                   CreateBackup(ledger, backup_dir, static_cast<std::uint32_t>(keep)));
  return ToJson(info);
}

}  // namespace hatchery::server
