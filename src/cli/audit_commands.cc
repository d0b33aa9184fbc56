// merkle, keygen, checkpoint, proof, verify-proof: tamper evidence on the command line
// (AUDIT.md §2–§3). Everything an auditor needs to check a proof offline is in verify-proof, which
// reads only files: the proof, signed checkpoints, a public key and optionally the event.
#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/checkpoint.h"
#include "hatchery/files.h"
#include "hatchery/json.h"
#include "hatchery/key_files.h"
#include "hatchery/merkle.h"
#include "hatchery/note.h"
#include "hatchery/proof.h"
#include "replay/checkpoint_state.h"
#include "replay/replay.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

// --- merkle: the test mode over arbitrary leaf inputs -------------------------------------------

// Leaf hashes of the leaf inputs in `path`: lowercase hex, one per line (an empty line is the
// empty input).
StatusOr<std::vector<Hash>> ReadLeaves(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, files::Read(path));
  std::vector<Hash> leaves;
  std::istringstream lines(text);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto bytes = BytesFromHex(line);
    if (!bytes) {
      return Status(Code::kBadRequest,
                    path + " line " + std::to_string(n) + " is not lowercase hex");
    }
    leaves.push_back(merkle::LeafHash(*bytes));
  }
  return leaves;
}

struct MerkleArgs {
  std::string leaves;
  std::uint64_t a = 0;
  std::optional<std::uint64_t> b;
};

// `what`: "root" (a = size, optional), "inclusion" (a = leaf index, b = size) or "consistency".
int RunMerkle(const std::string& what, const MerkleArgs& args, bool a_given) {
  auto leaves = ReadLeaves(args.leaves);
  if (!leaves.ok()) return Fail(leaves.status());
  merkle::MemoryTree tree(*leaves);
  std::uint64_t size = leaves->size();
  if (what == "root" && a_given) size = args.a;
  if (what != "root" && args.b) size = *args.b;
  if (size > leaves->size()) {
    return Fail(Status(Code::kBadRequest, "the file has only " + std::to_string(leaves->size()) +
                                              " leaves, not " + std::to_string(size)));
  }
  StatusOr<std::vector<Hash>> out = std::vector<Hash>();
  if (what == "root") {
    auto root = merkle::Root(size, tree.reader());
    out = root.ok() ? StatusOr<std::vector<Hash>>(std::vector<Hash>{*root}) : root.status();
  } else {
    auto ranges = what == "inclusion" ? merkle::InclusionRanges(args.a, size)
                                      : merkle::ConsistencyRanges(args.a, size);
    if (!ranges.ok()) return Fail(ranges.status());
    out = merkle::HashRanges(*ranges, tree.reader());
  }
  if (!out.ok()) return Fail(out.status());
  for (const Hash& h : *out) std::cout << ToHex(h) << "\n";
  return 0;
}

void AddMerkleCommand(CLI::App& app, int* exit_code) {
  auto* merkle = app.add_subcommand(
      "merkle",
      "test mode: RFC 6962 roots and proofs over arbitrary leaf inputs (a file of lowercase hex, "
      "one leaf input per line), so published test vectors run unchanged");
  merkle->require_subcommand(1);
  auto add = [&](const std::string& name, const std::string& help, const std::string& a_name,
                 const std::string& b_name) {
    auto args = std::make_shared<MerkleArgs>();
    auto* cmd = merkle->add_subcommand(name, help);
    cmd->add_option("--leaves", args->leaves, "the leaf inputs, hex, one per line")->required();
    auto* a = cmd->add_option(a_name, args->a, a_name);
    if (name != "root") a->required();
    if (!b_name.empty()) cmd->add_option(b_name, args->b, b_name);
    if (name == "consistency") cmd->get_option(b_name)->required();
    cmd->callback([=] { *exit_code = RunMerkle(name, *args, a->count() > 0); });
  };
  add("root", "the root hash of the first SIZE leaves (default: all)", "SIZE", "");
  add("inclusion",
      "the audit path of leaf INDEX (0-based) in the tree of SIZE leaves (default: "
      "all), one hash per line",
      "INDEX", "SIZE");
  add("consistency",
      "the consistency proof from the tree of FIRST leaves to that of SECOND, one "
      "hash per line",
      "FIRST", "SECOND");
}

// --- keygen, checkpoint
// ---------------------------------------------------------------------------

int RunKeygen(const std::string& prefix, const std::string& name) {
  auto key = note::GenerateKey(name);
  if (!key.ok()) return Fail(key.status());
  if (Status written = WriteKeyFiles(prefix, *key); !written.ok()) return Fail(written);
  std::cerr << "wrote " << prefix << ".key (the private key, mode 0600: keep it secret) and "
            << prefix << ".pub (the verifier key, below: give it to auditors)\n";
  std::cout << note::FormatVerifierKey(note::VerifierOf(*key)) << "\n";
  return 0;
}

struct CheckpointArgs {
  std::string dir, key_file;
  bool sign = false, latest = false;
  RemoteArgs remote;
};

// From a server: with --sign, one the server signs with its key now; otherwise the latest it keeps
// signed, or the unsigned one of its head when none is kept.
int RunRemoteCheckpoint(const CheckpointArgs& args) {
  if (!args.key_file.empty()) {
    return Fail(Status(Code::kBadRequest, "--key is for --data: a server signs with its own key"));
  }
  auto connection = Connect(args.remote);
  if (!connection.ok()) return Fail(connection.status());
  bj::object request;
  if (args.sign) request["sign"] = true;
  auto result = (*connection)->Call("checkpoint", std::move(request));
  if (!result.ok()) return Fail(result.status());
  if (args.latest && result->at("signed") != true) {
    return Fail(Status(Code::kNotFound, "no signed checkpoint is kept yet"));
  }
  std::cout << std::string_view(result->at("note").as_string());
  return 0;
}

int RunCheckpoint(const CheckpointArgs& args) {
  if (args.remote.given()) return RunRemoteCheckpoint(args);
  if (args.sign && args.key_file.empty()) {
    return Fail(Status(Code::kBadRequest, "--sign with --data needs --key (hatchery keygen)"));
  }
  std::optional<note::SigningKey> key;
  if (args.sign) {
    auto read = ReadSigningKeyFile(args.key_file);
    if (!read.ok()) return Fail(read.status());
    key = *read;
  }
  LedgerOptions options;
  options.read_only = !args.sign;
  auto ledger = Ledger::Open(args.dir, options);
  if (!ledger.ok()) return Fail(ledger.status());
  if (args.latest) {
    auto kept = (*ledger)->Checkpoints();
    if (!kept.ok()) return Fail(kept.status());
    if (kept->empty()) return Fail(Status(Code::kNotFound, "no signed checkpoint is kept yet"));
    std::cout << kept->back();
    return 0;
  }
  auto folded = replay::Fold(**ledger, (*ledger)->head().seq, replay::Path::kFromSnapshot);
  if (!folded.ok()) return Fail(folded.status());
  auto note = key ? replay::SignAndKeep(**ledger, *folded->facts, *key)
                  : replay::StateCheckpoint(**ledger, *folded->facts);
  if (!note.ok()) return Fail(note.status());
  std::cout << *note;
  return 0;
}

// --- proof, verify-proof
// --------------------------------------------------------------------------

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
  auto target = ReadTarget::Open(where.dir, where.remote);
  if (!target.ok()) return Fail(target.status());
  auto proof = (*target)->Call("proof", request);
  if (!proof.ok()) return Fail(proof.status());
  std::cout << bj::serialize(*proof) << "\n";
  return 0;
}

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

void AddAuditCommands(CLI::App& app, int* exit_code) {
  AddMerkleCommand(app, exit_code);

  auto* keygen = app.add_subcommand(
      "keygen", "create an Ed25519 checkpoint-signing key: PREFIX.key (private) and PREFIX.pub");
  auto keygen_args = std::make_shared<std::pair<std::string, std::string>>(
      "", std::string(kOriginPrefix) + std::string(Ledger::kDefaultDeployment));
  keygen->add_option("--out", keygen_args->first, "path prefix of the two key files")->required();
  keygen->add_option("--name", keygen_args->second,
                     "the key's name in signatures (default tongliao.hatchery/main)");
  keygen->callback([=] { *exit_code = RunKeygen(keygen_args->first, keygen_args->second); });

  auto* checkpoint = app.add_subcommand(
      "checkpoint",
      "the checkpoint of the log as it is now (AUDIT.md §3), with the digest of every "
      "projection; --sign signs it and keeps it in the store");
  auto cp_args = std::make_shared<CheckpointArgs>();
  AddDataOrRemoteOptions(checkpoint, &cp_args->dir, &cp_args->remote);
  auto* sign = checkpoint->add_flag(
      "--sign", cp_args->sign,
      "sign it and keep it in the store (with --connect: the server signs, for an admin)");
  checkpoint->add_option("--key", cp_args->key_file, "the private key file (from keygen)")
      ->needs(sign);
  checkpoint->add_flag("--latest", cp_args->latest, "print the latest kept signed checkpoint")
      ->excludes(sign);
  checkpoint->callback([=] { *exit_code = RunCheckpoint(*cp_args); });

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
