// proof: an inclusion or consistency proof from the log as JSON (AUDIT.md §2) — the `proof` read
// op, asked of the store here or of a server.
#include <boost/json.hpp>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct ProofWhere {
  std::string dir;
  RemoteArgs remote;
};

// The `proof` read op's answer (the proof's JSON), from the store here or from a server.
int RunProof(const ProofWhere& where, const std::string& kind, std::uint64_t a,
             std::optional<std::uint64_t> b) {
  bj::object request{{"kind", kind}};
  if (kind == "inclusion") {
    request["seq"] = a;
    if (b) request["tree_size"] = *b;
  } else {
    request["first"] = a;
    request["second"] = b.value_or(0);  // required by the command line
  }
  auto proof = ReadTarget::Ask(where.dir, where.remote, "proof", request);
  if (!proof.ok()) return Fail(proof.status());
  std::cout << bj::serialize(*proof) << "\n";
  return 0;
}

}  // namespace

void AddProofCommand(CLI::App& app, int* exit_code) {
  auto* proof = app.add_subcommand("proof", "a Merkle proof from the store, as JSON");
  proof->require_subcommand(1);
  auto proof_where = std::make_shared<ProofWhere>();
  AddDataOrRemoteOptions(proof, &proof_where->dir, &proof_where->remote);
  struct ProofArgs {
    std::uint64_t a = 0;
    std::optional<std::uint64_t> b;
  };
  auto inc = std::make_shared<ProofArgs>();
  auto* inclusion = proof->add_subcommand(
      "inclusion", "that event SEQ is in the tree of TREE_SIZE events (default: all)");
  inclusion->add_option("SEQ", inc->a, "the event")->required();
  inclusion->add_option("TREE_SIZE", inc->b, "the tree size");
  inclusion->callback([=] { *exit_code = RunProof(*proof_where, "inclusion", inc->a, inc->b); });
  auto con = std::make_shared<ProofArgs>();
  auto* consistency = proof->add_subcommand(
      "consistency", "that the tree of FIRST events is a prefix of the tree of SECOND");
  consistency->add_option("FIRST", con->a, "the older tree size")->required();
  consistency->add_option("SECOND", con->b, "the newer tree size")->required();
  consistency->callback(
      [=] { *exit_code = RunProof(*proof_where, "consistency", con->a, con->b); });
}

}  // namespace hatchery::cli
