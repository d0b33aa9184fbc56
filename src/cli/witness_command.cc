// witness: follows a log's signed checkpoints over the TCP API and cosigns each one that extends
// the newest it cosigned (witness/witness.h), appending it to its own log file; an alarm — a
// checkpoint not signed by the log's key, a rollback, a fork — is printed and stops it with exit
// code 3. Run by someone other than the log's operator, with a key only they hold.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/key_files.h"
#include "hatchery/proof.h"
#include "witness/witness.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

constexpr int kAlarm = 3;

struct WitnessArgs {
  RemoteArgs remote;
  std::string key, log_key, log;
  double interval_s = 30;
  bool once = false;
};

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One look at the log: its newest kept checkpoint (which shows a rollback or a fork at once), then
// every kept one after the newest cosigned, in order. Returns the first alarm or failure.
Status Round(client::Connection& log_server, const note::VerifierKey& log_key,
             const note::SigningKey& witness_key, witness::WitnessLog* log) {
  witness::ConsistencyFetcher fetch = [&](std::uint64_t first,
                                          std::uint64_t second) -> StatusOr<std::vector<Hash>> {
    ASSIGN_OR_RETURN(bj::object answer, log_server.Call("proof", bj::object{{"kind", "consistency"},
                                                                            {"first", first},
                                                                            {"second", second}}));
    ASSIGN_OR_RETURN(Proof proof, ParseProof(answer));
    const auto* consistency = std::get_if<ConsistencyProof>(&proof);
    if (!consistency) return Status(Code::kBadRequest, "the log answered another kind of proof");
    return consistency->path;
  };
  auto observe = [&](std::string_view note) -> Status {
    ASSIGN_OR_RETURN(witness::Outcome outcome,
                     witness::Observe(note, log_key, witness_key, fetch, Now(), log));
    if (outcome == witness::Outcome::kCosigned) {
      std::printf("cosigned the checkpoint of %llu events\n",
                  static_cast<unsigned long long>(log->latest()->size));
      std::fflush(stdout);
    }
    return Status::Ok();
  };
  ASSIGN_OR_RETURN(bj::object newest, log_server.Call("checkpoint"));
  if (newest.at("signed").as_bool()) RETURN_IF_ERROR(observe(newest.at("note").as_string()));
  const std::uint64_t since = log->latest() ? log->latest()->size : 0;
  ASSIGN_OR_RETURN(bj::object kept, log_server.Call("checkpoints", bj::object{{"since", since}}));
  for (const bj::value& entry : kept.at("checkpoints").as_array()) {
    RETURN_IF_ERROR(observe(entry.at("note").as_string()));
  }
  return Status::Ok();
}

int RunWitness(const WitnessArgs& args) {
  auto witness_key = ReadSigningKeyFile(args.key);
  if (!witness_key.ok()) return Fail(witness_key.status());
  auto log_key = ReadVerifierKeyFile(args.log_key);
  if (!log_key.ok()) return Fail(log_key.status());
  auto log = witness::WitnessLog::Open(args.log);
  if (!log.ok()) return Fail(log.status());
  std::printf("witness %s: cosigner key %s\n", witness_key->name.c_str(),
              note::FormatCosignerKey(note::CosignerOf(*witness_key)).c_str());
  std::fflush(stdout);
  while (true) {
    auto log_server = Connect(args.remote);
    Status round =
        log_server.ok() ? Round(**log_server, *log_key, *witness_key, &*log) : log_server.status();
    if (!round.ok() && round.details().contains("alarm")) {
      std::cerr << "hatchery witness: " << round.message() << "; nothing more is cosigned\n";
      return kAlarm;
    }
    if (args.once) return round.ok() ? 0 : Fail(round);
    if (!round.ok()) std::cerr << "hatchery witness: " << round.ToString() << "; trying again\n";
    std::this_thread::sleep_for(std::chrono::duration<double>(args.interval_s));
  }
}

}  // namespace

void AddWitnessCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<WitnessArgs>();
  auto* cmd = app.add_subcommand(
      "witness",
      "follow a log's signed checkpoints and cosign each that extends the last one cosigned "
      "(C2SP tlog-cosignature); exit 3 on a fork or a rollback");
  AddRemoteOptions(cmd, &args->remote)->required();
  cmd->add_option("--key", args->key, "the witness's own key (hatchery keygen)")->required();
  cmd->add_option("--log-key", args->log_key, "the log's verifier key (DIR.pub of the store)")
      ->required();
  cmd->add_option("--log", args->log,
                  "the witness's log of cosigned checkpoints (created if missing)")
      ->required();
  cmd->add_option("--interval", args->interval_s, "seconds between looks (default 30)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--once", args->once, "look once and exit (0, 2 on a failure, 3 on an alarm)");
  cmd->callback([args, exit_code] { *exit_code = RunWitness(*args); });
}

}  // namespace hatchery::cli
