// append: events from JSON lines of append envelopes (EVENTS.md), to the store here or through a
// server; one result or error line per input line.
#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>

#include "cli/appending.h"
#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/json.h"
#include "hatchery/ledger.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

constexpr std::size_t kMaxLineBytes = 1 << 20;  // as the protocol's default max frame
constexpr std::size_t kAppendChunk = 1000;      // input lines per Ledger::Append call

// A line of input as an append request, refusing what the server would refuse anyway.
StatusOr<bj::object> AppendRequest(const std::string& line) {
  if (line.size() > kMaxLineBytes) return Status(Code::kBadRequest, "line longer than 1 MiB");
  ASSIGN_OR_RETURN(bj::value parsed, json::ParseStrict(line));
  if (!parsed.is_object()) return Status(Code::kBadRequest, "an append envelope is a JSON object");
  return std::move(parsed.as_object());
}

// Appends the non-blank lines of `file` (- for stdin), numbered from 1, `kAppendChunk` at a time
// (one at a time through a server, so that each answer comes as its line is sent).
int RunAppend(const std::string& dir, const std::string& actor_id, const RemoteArgs& remote,
              const std::string& file) {
  std::ifstream in_file;
  if (file != "-") {
    in_file.open(file);
    if (!in_file) return Fail(Status(Code::kNotFound, "cannot read " + file));
  }
  auto target = AppendTarget::Open(dir, actor_id, remote);
  if (!target.ok()) return Fail(target.status());
  const std::size_t chunk_size = remote.given() ? 1 : kAppendChunk;
  std::istream& in = file == "-" ? std::cin : in_file;
  bool all_ok = true;
  std::vector<NumberedRequest> chunk;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
    chunk.emplace_back(number, AppendRequest(line));
    if (chunk.size() == chunk_size) {
      all_ok &= (*target)->Append(chunk);
      chunk.clear();
    }
  }
  if (!chunk.empty()) all_ok &= (*target)->Append(chunk);
  (*target)->Finish();
  return all_ok ? 0 : 1;
}

}  // namespace

void AddAppendCommand(CLI::App& app, int* exit_code) {
  auto* append = app.add_subcommand(
      "append",
      "append events from JSON lines of append envelopes (EVENTS.md); prints one result or error "
      "line per input line; exits 1 if any line was rejected");
  struct AppendArgs {
    std::string dir;
    std::string file;
    std::string actor_id{"local.admin"};
    RemoteArgs remote;
  };
  auto append_args = std::make_shared<AppendArgs>();
  AddDataOrRemoteOptions(append, &append_args->dir, &append_args->remote);
  append
      ->add_option("--actor", append_args->actor_id,
                   "who records these acts (a slug; default local.admin), recorded beside the OS "
                   "user running this command; with --connect the token's actor records them")
      ->excludes("--connect");
  append->add_option("file", append_args->file, "JSON lines file, or - for stdin")->required();
  append->callback([append_args, exit_code] {
    *exit_code =
        RunAppend(append_args->dir, append_args->actor_id, append_args->remote, append_args->file);
  });
}

}  // namespace hatchery::cli
