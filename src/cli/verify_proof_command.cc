// verify-proof: a proof checked offline, reading only files — the proof, signed checkpoints, the
// signer's public key and optionally the event (AUDIT.md §2–§3). Needs no store.
#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <set>

#include "cli/commands.h"
#include "cli/store.h"
#include "hatchery/checkpoint.h"
#include "hatchery/event.h"
#include "hatchery/files.h"
#include "hatchery/json.h"
#include "hatchery/key_files.h"
#include "hatchery/merkle.h"
#include "hatchery/note.h"
#include "hatchery/proof.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct VerifyProofArgs {
  std::string proof, pubkey, event;
  std::vector<std::string> checkpoints;
};

// The checks of verify-proof; returns the first problem, or "" when the proof holds.
StatusOr<std::string> CheckProofFiles(const VerifyProofArgs& args, std::string* summary) {
  ASSIGN_OR_RETURN(std::string proof_text, files::Read(args.proof));
  ASSIGN_OR_RETURN(bj::value proof_json, json::ParseStrict(proof_text));
  ASSIGN_OR_RETURN(Proof proof, ParseProof(proof_json));
  ASSIGN_OR_RETURN(note::VerifierKey key, ReadVerifierKeyFile(args.pubkey));
  if (Status math = CheckProof(proof); !math.ok())
    return "the proof does not hold: " + math.message();

  // Each root the proof states must be the signed root of a checkpoint of that size.
  std::map<std::uint64_t, Hash> roots;  // size → root the proof claims
  if (const auto* p = std::get_if<InclusionProof>(&proof)) {
    roots[p->tree_size] = p->root;
  } else {
    const auto& c = std::get<ConsistencyProof>(proof);
    roots[c.first] = c.first_root;
    roots[c.second] = c.second_root;
  }
  std::set<std::uint64_t> anchored;
  for (const std::string& file : args.checkpoints) {
    ASSIGN_OR_RETURN(std::string text, files::Read(file));
    ASSIGN_OR_RETURN(note::Note signed_note, note::Parse(text));
    if (Status s = note::Verify(signed_note, key); !s.ok()) return file + ": " + s.message();
    ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(signed_note.text));
    auto it = roots.find(checkpoint.size);
    if (it == roots.end()) {
      return file + " is a checkpoint of " + std::to_string(checkpoint.size) +
             " events; the proof is about other tree sizes";
    }
    if (it->second != checkpoint.root) {
      return "the proof's root for " + std::to_string(checkpoint.size) +
             " events is not the root signed in " + file;
    }
    anchored.insert(checkpoint.size);
  }
  for (const auto& [size, root] : roots) {
    if (!anchored.contains(size)) {
      return "no signed checkpoint of " + std::to_string(size) +
             " events was given, so the proof's root for that size is only claimed "
             "(pass it with --checkpoint)";
    }
  }
  if (const auto* p = std::get_if<InclusionProof>(&proof)) {
    *summary = "event " + std::to_string(p->seq) + " (hash " + ToHex(p->event_hash) +
               ") is in the log of " + std::to_string(p->tree_size) + " events signed by " +
               note::KeyLabel(key.name, key.id);
    if (!args.event.empty()) {
      ASSIGN_OR_RETURN(std::string event_text, files::Read(args.event));
      while (!event_text.empty() && event_text.back() == '\n') event_text.pop_back();
      ASSIGN_OR_RETURN(Event event, ParseEvent(event_text));
      if (ComputeEventHash(event) != event.hash) {
        return args.event + ": the event's content does not match its hash";
      }
      if (event.seq != p->seq || event.hash != p->event_hash) {
        return args.event + " is not the event the proof is about (seq " +
               std::to_string(event.seq) + ", hash " + ToHex(event.hash) + ")";
      }
      *summary += "; " + args.event + " is that event, byte for byte";
    }
  } else {
    const auto& c = std::get<ConsistencyProof>(proof);
    *summary = "the log of " + std::to_string(c.second) + " events extends the log of " +
               std::to_string(c.first) + " events, both signed by " +
               note::KeyLabel(key.name, key.id);
  }
  return std::string();
}

int RunVerifyProof(const VerifyProofArgs& args) {
  std::string summary;
  auto problem = CheckProofFiles(args, &summary);
  if (!problem.ok()) return Fail(problem.status());
  if (!problem->empty()) {
    std::cout << "FAILED: " << *problem << "\n";
    return 1;
  }
  std::cout << "ok: " << summary << "\n";
  return 0;
}

}  // namespace

void AddVerifyProofCommand(CLI::App& app, int* exit_code) {
  auto* verify_proof = app.add_subcommand(
      "verify-proof",
      "check a proof offline against signed checkpoints and the signer's public key (and, for an "
      "inclusion proof, optionally the event itself); needs no store");
  auto vp = std::make_shared<VerifyProofArgs>();
  verify_proof->add_option("--proof", vp->proof, "the proof (JSON, as `proof` prints it)")
      ->required();
  verify_proof
      ->add_option("--checkpoint", vp->checkpoints,
                   "a signed checkpoint of a tree size the proof names (repeat for a "
                   "consistency proof: one per size)")
      ->required();
  verify_proof->add_option("--pubkey", vp->pubkey, "the verifier key file (PREFIX.pub)")
      ->required();
  verify_proof->add_option("--event", vp->event, "the event as `read` prints it (one JSON line)");
  verify_proof->callback([=] { *exit_code = RunVerifyProof(*vp); });
}

}  // namespace hatchery::cli
