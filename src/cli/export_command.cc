// export: a compliance bundle (AUDIT.md §5) of a store in a new folder — events, projections as
// CSV, the range's proof, the checkpoint it is tied to, the manifest (src/export/bundle.h).
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/progress.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "export/bundle.h"
#include "hatchery/key_files.h"

namespace hatchery::cli {
namespace {

struct ExportArgs {
  std::string dir, out, key_file, issuer;
  RemoteArgs remote;
  std::uint64_t from_seq = 1, to_seq = 0;
  std::optional<int> year;
  bool sign = false;
  PointArgs point;
};

int RunExport(const ExportArgs& args) {
  auto point = ToPoint(args.point, "--as-of");
  if (!point.ok()) return Fail(point.status());
  exporting::ExportOptions options;
  options.as_of = *point;
  options.from_seq = args.from_seq;
  options.to_seq = args.to_seq;
  options.year = args.year;
  options.issuer = args.issuer;
  options.progress = TerminalProgress("exporting");
  if (args.sign) {
    auto key = ReadSigningKeyFile(args.key_file);
    if (!key.ok()) return Fail(key.status());
    options.key = *key;
  }
  StatusOr<exporting::ExportSummary> summary = Status(Code::kInternal, "no source");
  if (args.remote.given()) {
    auto connection = Connect(args.remote);
    if (!connection.ok()) return Fail(connection.status());
    auto source = exporting::RemoteSource(**connection, TerminalProgress("reading"));
    if (!source.ok()) return Fail(source.status());
    summary = exporting::WriteBundle(**source, options, args.out);
  } else {
    auto ledger = OpenReadOnly(args.dir);
    if (!ledger.ok()) return Fail(ledger.status());
    summary = exporting::WriteBundle(*exporting::LedgerSource(**ledger), options, args.out);
  }
  if (!summary.ok()) return Fail(summary.status());
  std::cout << "exported events " << summary->from_seq << ".." << summary->to_seq << " of "
            << summary->tree_size << " to " << args.out << ": " << summary->files.size()
            << " files, " << summary->bytes << " bytes; checkpoint "
            << (summary->signed_checkpoint
                    ? "and manifest signed"
                    : "and manifest NOT signed: verifiers refuse it without --allow-unsigned "
                      "(sign with --sign --key KEY)")
            << "\n";
  double total = 0;
  std::string laps;
  for (const auto& [phase, seconds] : summary->seconds) {
    total += seconds;
    char lap[64];
    std::snprintf(lap, sizeof lap, "%s%s %.2f s", laps.empty() ? "" : ", ", phase.c_str(), seconds);
    laps += lap;
  }
  std::printf("in %.2f s (%s)\n", total, laps.c_str());
  return 0;
}

}  // namespace

void AddExportCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand(
      "export",
      "a self-verifying compliance bundle in a new folder: events.jsonl, the projections as CSV, "
      "proof.json, checkpoint.txt, manifest.json (AUDIT.md §5)");
  AddDataOrRemoteOptions(cmd, &args->dir, &args->remote);
  cmd->add_option("--out", args->out, "the bundle's folder (must not exist)")->required();
  cmd->add_option("--from-seq", args->from_seq, "first event (default 1)");
  cmd->add_option("--to-seq", args->to_seq, "last event (default: the export point)");
  cmd->add_option("--year", args->year,
                  "the yearly assessment of YEAR: that year's indicators, assessment and "
                  "report (without: every year's files and the latest year's report)")
      ->check(CLI::Range(2000, 2999));
  cmd->add_option("--issuer", args->issuer,
                  "who issues the report, as its header shows it (e.g. \"通辽市科学技术局 · "
                  "2026-04-01\"); kept in the signed manifest");
  AddPointOptions(cmd, &args->point, "--as-of-seq", "--as-of");
  auto* sign = cmd->add_flag("--sign", args->sign,
                             "sign the bundle: checkpoint.txt, which binds the root, the state and "
                             "the manifest (an unsigned bundle is for trying things out)");
  cmd->add_option("--key", args->key_file, "the private key file (from keygen)")->needs(sign);
  sign->needs(cmd->get_option("--key"));
  cmd->callback([args, exit_code] { *exit_code = RunExport(*args); });
}

}  // namespace hatchery::cli
