// verify: the store's integrity (AUDIT.md §4), then the timeline conflicts of an old store.
#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "domain/checks/policy_rules.h"
#include "domain/views/projections.h"
#include "hatchery/files.h"
#include "hatchery/key_files.h"
#include "hatchery/verify.h"
#include "read/ops.h"
#include "replay/replay.h"
#include "witness/witness.h"

namespace hatchery::cli {
namespace {

// The timeline_conflict flags of the store in `dir` with every event, folded from event 1.
StatusOr<std::vector<domain::Flag>> TimelineConflicts(const std::string& dir) {
  ASSIGN_OR_RETURN(auto ledger, OpenReadOnly(dir));
  ASSIGN_OR_RETURN(replay::Folded folded,
                   replay::Fold(*ledger, ledger->head().seq, replay::Path::kFromStart));
  const domain::FactBase& facts = *folded.facts;
  domain::Projection all = read::ProjectionAt(facts, ledger->head().seq, std::nullopt);
  std::vector<domain::Flag> conflicts;
  for (const domain::CarrierOutcome& c : all.carriers) {
    for (const domain::Flag& f : c.flags) {
      if (f.flag == "timeline_conflict") conflicts.push_back(f);
    }
  }
  std::sort(conflicts.begin(), conflicts.end(),
            [](const domain::Flag& a, const domain::Flag& b) { return a.seqs < b.seqs; });
  return conflicts;
}

struct VerifyArgs {
  std::string dir;
  std::vector<std::string> pubkeys;
  std::string witness_log, witness_key;
};

// The witness's cosigner key from a file holding it as a cosigner key (0x04, as `hatchery
// witness` prints it) or as the verifier key of its key pair (`hatchery keygen`'s .pub).
StatusOr<note::VerifierKey> ReadCosignerKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, files::Read(path));
  text = text.substr(0, text.find('\n'));
  if (auto cosigner = note::ParseCosignerKey(text); cosigner.ok()) return cosigner;
  ASSIGN_OR_RETURN(note::VerifierKey key, note::ParseVerifierKey(text));
  return note::VerifierKey{key.name, note::CosignerKeyId(key.name, key.key), key.key};
}

// Who wrote: the server-only setting, and the local writes by OS user.
void PrintWriters(const VerifyReport& report) {
  if (report.server_only_since) {
    std::cout << "writes: server only after event " << *report.server_only_since << "; ";
  } else {
    std::cout << "writes: local writes allowed; ";
  }
  std::uint64_t local = 0;
  for (const auto& [os_user, events] : report.local_writes) local += events;
  if (local == 0) {
    std::cout << "no local writes\n";
    return;
  }
  std::cout << local << " local writes, the last at event " << report.last_local_write
            << " (OS users:";
  for (const auto& [os_user, events] : report.local_writes) {
    std::cout << " " << os_user << " " << events;
  }
  std::cout << ")\n";
}

int RunVerify(const VerifyArgs& args) {
  const std::string& dir = args.dir;
  const std::vector<std::string>& pubkeys = args.pubkeys;
  VerifyOptions options;
  for (const std::string& file : pubkeys) {
    auto key = ReadVerifierKeyFile(file);
    if (!key.ok()) return Fail(key.status());
    options.trusted_keys.push_back(*key);
  }
  if (!args.witness_log.empty()) {
    auto witness = ReadCosignerKeyFile(args.witness_key);
    if (!witness.ok()) return Fail(witness.status());
    auto cosigned = witness::ReadCosigned(args.witness_log, *witness);
    if (!cosigned.ok()) return Fail(cosigned.status());
    options.witnessed = std::move(cosigned).value();
    std::stable_sort(options.witnessed.begin(), options.witnessed.end(),
                     [](const Checkpoint& a, const Checkpoint& b) { return a.size < b.size; });
  }
  options.validate_event = [](const Event& event) { return domain::ValidateRecorded(event); };
  const replay::ProgressFn progress = TerminalProgress("verifying");
  options.progress = progress;
  auto report = VerifyStore(dir, options);
  if (progress) progress(1, 1);  // the line's end, wherever the check stopped
  if (!report.ok()) return Fail(report.status());
  if (report->ok()) {
    auto conflicts = TimelineConflicts(dir);
    if (!conflicts.ok()) return Fail(conflicts.status());
    std::cout << "ok: " << report->events_checked << " events verified; head seq "
              << report->head.seq << " hash " << ToHex(report->head.hash) << "; ";
    if (report->checkpoints_checked == 0) {
      std::cout << "no signed checkpoint kept yet (hatchery checkpoint --sign)\n";
    } else {
      std::cout << report->checkpoints_checked << " signed checkpoints match"
                << (pubkeys.empty() ? "" : ", each signed by a trusted key") << "\n";
    }
    if (!args.witness_log.empty()) {
      std::cout << report->witnessed_checked << " checkpoints cosigned by the witness match\n";
    }
    if (report->simulated_clock) {
      std::cout << "demo store: event 1 declares its clock simulated — recorded times follow the "
                   "demo's invented history, not a real clock\n";
    }
    PrintWriters(*report);
    // Integrity holds; events recorded before the one-timeline rule that break it are named, for
    // an auditor to see and a correcting event to answer (the chain is not at fault).
    std::cout << conflicts->size() << " timeline conflicts (EVENTS.md \"One timeline\")"
              << (conflicts->empty() ? "" : ":") << "\n";
    for (const domain::Flag& f : *conflicts) {
      std::cout << "  event " << f.seqs.front() << " (" << f.carrier_id << "): " << f.detail;
      if (f.seqs.size() > 1) {
        std::cout << " [facts";
        for (std::size_t i = 1; i < f.seqs.size(); ++i) std::cout << " " << f.seqs[i];
        std::cout << "]";
      }
      std::cout << "\n";
    }
    return 0;
  }
  std::cout << "FAILED at seq " << report->first_bad_seq << ": " << report->problem << "\n"
            << "(" << report->events_checked << " events before it verified)\n";
  return 1;
}

}  // namespace

void AddVerifyCommand(CLI::App& app, int* exit_code) {
  auto* verify = app.add_subcommand(
      "verify",
      "check every event's hash, the chain, seq gaps, time order, the indexes, the Merkle tree "
      "and every kept checkpoint's root and signatures; exits 1 naming the first bad seq");
  auto verify_args = std::make_shared<VerifyArgs>();
  AddDataOption(verify, &verify_args->dir);
  verify->add_option("--pubkey", verify_args->pubkeys,
                     "a verifier key file the auditor trusts (repeatable): every kept checkpoint "
                     "must then be signed by one of them");
  auto* log = verify->add_option("--witness-log", verify_args->witness_log,
                                 "a witness's log of cosigned checkpoints (hatchery witness): the "
                                 "store must hold each one's tree");
  auto* key = verify->add_option("--witness-key", verify_args->witness_key,
                                 "the witness's cosigner key (or its .pub) to check them with");
  log->needs(key);
  key->needs(log);
  verify->callback([verify_args, exit_code] { *exit_code = RunVerify(*verify_args); });
}

}  // namespace hatchery::cli
