// merkle: the RFC 6962 test mode — roots and proofs over arbitrary leaf inputs, for checking
// another implementation against this one (AUDIT.md §2).
#include <boost/json.hpp>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/store.h"
#include "hatchery/files.h"
#include "hatchery/merkle.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

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

}  // namespace

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

}  // namespace hatchery::cli
