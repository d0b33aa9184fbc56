// verify-export: the check of a bundle with nothing but the bundle and public keys
// (src/export/verify.h).
#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/store.h"
#include "export/verify.h"
#include "hatchery/key_files.h"

namespace hatchery::cli {
namespace {

struct VerifyExportArgs {
  std::string dir;
  std::vector<std::string> pubkeys;
  bool allow_unsigned = false;
};

// Prints each check's outcome, one line each: problems first, then what was not checked, then
// what held, then the warnings. Exit code 1 when there is a problem (an unchecked signature is
// one unless --allow-unsigned).
int RunVerifyExport(const VerifyExportArgs& args) {
  exporting::BundleVerifyOptions options;
  for (const std::string& file : args.pubkeys) {
    auto key = ReadVerifierKeyFile(file);
    if (!key.ok()) return Fail(key.status());
    options.keys.push_back(*key);
  }
  options.allow_unsigned = args.allow_unsigned;
  options.progress = TerminalProgress("verifying");
  exporting::BundleReport report = exporting::VerifyBundle(args.dir, options);
  for (const std::string& line : report.problems) std::cout << "FAIL  " << line << "\n";
  for (const std::string& line : report.skipped) std::cout << "skip  " << line << "\n";
  for (const std::string& line : report.passed) std::cout << "ok    " << line << "\n";
  for (const std::string& line : report.warnings) std::cout << "WARNING  " << line << "\n";
  if (!report.ok()) {
    std::cout << args.dir << ": " << report.problems.size() << " problem"
              << (report.problems.size() == 1 ? "" : "s") << "\n";
    return 1;
  }
  // Each warning's caveat in the verdict: an unchecked signature, projections not recomputed.
  bool unsigned_ok = false, not_recomputed = false;
  for (const std::string& line : report.warnings) {
    (line.starts_with("PROJECTIONS NOT RECOMPUTED") ? not_recomputed : unsigned_ok) = true;
  }
  std::cout << args.dir << ": the bundle checks out"
            << (unsigned_ok ? " BUT ITS SIGNATURE WAS NOT CHECKED" : "")
            << (not_recomputed ? " BUT ITS PROJECTIONS WERE NOT RECOMPUTED" : "")
            << (report.skipped.empty() ? "" : " (see what was not checked above)") << "\n";
  return 0;
}

}  // namespace

void AddVerifyExportCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<VerifyExportArgs>();
  auto* cmd = app.add_subcommand(
      "verify-export",
      "check an export bundle with nothing but the bundle: the manifest's sizes and hashes, every "
      "event's hash and link, the range against the root, the checkpoint and its signature, and "
      "(for a bundle from event 1) every CSV recomputed from the events");
  cmd->add_option("DIR", args->dir, "the bundle's folder")->required();
  cmd->add_option("--pubkey", args->pubkeys,
                  "a verifier key file the checkpoint must be signed by (one of them; repeatable)");
  cmd->add_flag("--allow-unsigned", args->allow_unsigned,
                "check a bundle without its signature (none on it, or no --pubkey): everything "
                "else is checked, and the output warns that nothing shows who made it");
  cmd->callback([args, exit_code] { *exit_code = RunVerifyExport(*args); });
}

}  // namespace hatchery::cli
