// keygen: a new Ed25519 checkpoint-signing key pair (AUDIT.md §3).
#include <iostream>

#include "cli/commands.h"
#include "cli/store.h"
#include "hatchery/checkpoint.h"
#include "hatchery/key_files.h"
#include "hatchery/ledger.h"
#include "hatchery/note.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

int RunKeygen(const std::string& prefix, const std::string& name) {
  auto key = note::GenerateKey(name);
  if (!key.ok()) return Fail(key.status());
  if (Status written = WriteKeyFiles(prefix, *key); !written.ok()) return Fail(written);
  std::cerr << "wrote " << prefix << ".key (the private key, mode 0600: keep it secret) and "
            << prefix << ".pub (the verifier key, below: give it to auditors)\n";
  std::cout << note::FormatVerifierKey(note::VerifierOf(*key)) << "\n";
  return 0;
}

}  // namespace

void AddKeygenCommand(CLI::App& app, int* exit_code) {
  auto* keygen = app.add_subcommand(
      "keygen", "create an Ed25519 checkpoint-signing key: PREFIX.key (private) and PREFIX.pub");
  auto keygen_args = std::make_shared<std::pair<std::string, std::string>>(
      "", std::string(kOriginPrefix) + std::string(Ledger::kDefaultDeployment));
  keygen->add_option("--out", keygen_args->first, "path prefix of the two key files")->required();
  keygen->add_option("--name", keygen_args->second,
                     "the key's name in signatures (default tongliao.hatchery/main)");
  keygen->callback([=] { *exit_code = RunKeygen(keygen_args->first, keygen_args->second); });
}

}  // namespace hatchery::cli
