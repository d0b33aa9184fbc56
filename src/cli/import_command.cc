// import: the bureau's spreadsheets — accreditation lists, evaluation results, annual reports — as
// events, one a row (src/import/rows.h), appended to the store here or through a server and
// answered row by row as `append` answers lines; --dry-run checks and shows them without appending.
#include <boost/json.hpp>
#include <iostream>

#include "cli/appending.h"
#include "cli/commands.h"
#include "domain/fold/schema_registry.h"
#include "hatchery/files.h"
#include "import/rows.h"
#include "import/spreadsheet.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct ImportArgs {
  std::string dir, kind, file, actor_id{"local.admin"};
  bool dry_run = false;
  RemoteArgs remote;
};

// What an append would check of a request before the policy's invariants: its envelope and its
// data against the type's schema.
Status Check(const bj::object& request) {
  ASSIGN_OR_RETURN(AppendCommand command, ParseAppendCommand(bj::value(request)));
  return domain::SchemaRegistry::Default().Validate(command.type, command.data).status();
}

int RunImport(const ImportArgs& args) {
  auto bytes = files::Read(args.file);
  if (!bytes.ok()) return Fail(Status(Code::kNotFound, "cannot read " + args.file));
  auto sheet = importing::ParseSpreadsheet(*bytes);
  if (!sheet.ok()) return Fail(sheet.status());
  auto requests = importing::ImportRequests(args.kind, *sheet);
  if (!requests.ok()) return Fail(requests.status());
  std::size_t refused = 0;
  if (args.dry_run) {
    for (const auto& [line, request] : *requests) {
      Status checked = request.ok() ? Check(*request) : request.status();
      bj::object out{{"line", line}, {"ok", checked.ok()}};
      if (checked.ok()) {
        out["request"] = *request;
      } else {
        out["error"] = checked.ToJson();
        ++refused;
      }
      std::cout << bj::serialize(out) << "\n";
    }
    std::cerr << args.file << " (" << sheet->encoding << "): " << requests->size()
              << " rows checked, " << refused << " with problems; nothing appended (--dry-run: "
              << "the policy's rules are judged on append)\n";
    return refused == 0 ? 0 : 1;
  }
  auto target = AppendTarget::Open(args.dir, args.actor_id, args.remote);
  if (!target.ok()) return Fail(target.status());
  bool all_ok = (*target)->Append(*requests);
  (*target)->Finish();
  std::cerr << args.file << " (" << sheet->encoding << "): " << requests->size() << " rows, "
            << (all_ok ? "every one recorded or already there" : "some refused (see above)")
            << "\n";
  return all_ok ? 0 : 1;
}

}  // namespace

void AddImportCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand(
      "import",
      "append the bureau's spreadsheets (CSV, UTF-8 or GB18030): accreditation lists, evaluation "
      "results or annual reports, one event a row, columns by header; a row imported again is a "
      "duplicate, never a second event; one result line per row, as append prints them");
  AddDataOrRemoteOptions(cmd, &args->dir, &args->remote);
  std::vector<std::string> kinds(importing::ImportKinds().begin(), importing::ImportKinds().end());
  cmd->add_option("--kind", args->kind, "accreditations, evaluations or annual-reports")
      ->required()
      ->check(CLI::IsMember(kinds));
  cmd->add_option("file", args->file, "the spreadsheet saved as CSV")->required();
  cmd->add_flag("--dry-run", args->dry_run,
                "check every row (columns, values, envelope, schema) and print the events it "
                "would append, appending nothing");
  cmd->add_option("--actor", args->actor_id,
                  "who records these acts (default local.admin), beside the OS user running "
                  "this command; with --connect the token's actor")
      ->excludes("--connect");
  cmd->callback([args, exit_code] { *exit_code = RunImport(*args); });
}

}  // namespace hatchery::cli
