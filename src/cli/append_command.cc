// append: events from JSON lines of append envelopes (EVENTS.md), to the store here or through a
// server; one result or error line per input line.
#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>

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

// One output line per input line: {"line", "ok", "result" | "error"}.
void PrintResult(std::size_t line, const StatusOr<bj::object>& result) {
  bj::object out;
  out["line"] = line;
  out["ok"] = result.ok();
  if (result.ok()) {
    out["result"] = *result;
  } else {
    out["error"] = result.status().ToJson();
  }
  std::cout << bj::serialize(out) << "\n";
}

// A line of input as an append request, refusing what the server would refuse anyway.
StatusOr<bj::object> AppendRequest(const std::string& line) {
  if (line.size() > kMaxLineBytes) return Status(Code::kBadRequest, "line longer than 1 MiB");
  ASSIGN_OR_RETURN(bj::value parsed, json::ParseStrict(line));
  if (!parsed.is_object()) return Status(Code::kBadRequest, "an append envelope is a JSON object");
  return std::move(parsed.as_object());
}

// Appends one chunk of input lines; returns true if every line was accepted.
bool AppendChunk(Ledger& ledger, const Actor& actor,
                 const std::vector<std::pair<std::size_t, std::string>>& lines) {
  std::vector<StatusOr<AppendResult>> results(lines.size(), Status(Code::kInternal, ""));
  std::vector<AppendCommand> commands;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto command =
        lines[i].second.size() > kMaxLineBytes
            ? StatusOr<AppendCommand>(Status(Code::kBadRequest, "line longer than 1 MiB"))
            : ParseAppendCommand(lines[i].second);
    if (!command.ok()) {
      results[i] = command.status();
      continue;
    }
    commands.push_back(std::move(command).value());
    positions.push_back(i);
  }
  auto appended = ledger.Append(actor, std::move(commands));
  for (std::size_t k = 0; k < appended.size(); ++k) results[positions[k]] = std::move(appended[k]);
  bool all_ok = true;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    PrintResult(lines[i].first, results[i].ok() ? StatusOr<bj::object>(ToJson(*results[i]))
                                                : StatusOr<bj::object>(results[i].status()));
    all_ok = all_ok && results[i].ok();
  }
  return all_ok;
}

// The input's non-blank lines, numbered from 1, `chunk` at a time to `take` (which returns
// whether all were accepted); returns whether every line was. Errors: the file cannot be read.
StatusOr<bool> ForEachChunk(
    const std::string& file, std::size_t chunk_size,
    const std::function<bool(const std::vector<std::pair<std::size_t, std::string>>&)>& take) {
  std::ifstream in_file;
  if (file != "-") {
    in_file.open(file);
    if (!in_file) return Status(Code::kNotFound, "cannot read " + file);
  }
  std::istream& in = file == "-" ? std::cin : in_file;
  bool all_ok = true;
  std::vector<std::pair<std::size_t, std::string>> chunk;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
    chunk.emplace_back(number, std::move(line));
    if (chunk.size() == chunk_size) {
      all_ok &= take(chunk);
      chunk.clear();
    }
  }
  if (!chunk.empty()) all_ok &= take(chunk);
  return all_ok;
}

// Appends through a server, one `append` per line: the actor is the token's.
int RunRemoteAppend(const RemoteArgs& remote, const std::string& file) {
  auto connection = Connect(remote);
  if (!connection.ok()) return Fail(connection.status());
  auto all_ok = ForEachChunk(file, 1, [&](const auto& lines) {
    auto request = AppendRequest(lines[0].second);
    auto result = request.ok() ? (*connection)->Call("append", std::move(*request))
                               : StatusOr<bj::object>(request.status());
    PrintResult(lines[0].first, result);
    return result.ok();
  });
  if (!all_ok.ok()) return Fail(all_ok.status());
  return *all_ok ? 0 : 1;
}

// Appends to the store's files: a local write, recorded for `actor_id` and the OS user running it.
int RunAppend(const std::string& dir, const std::string& actor_id, const std::string& file) {
  const Actor actor = LocalActor(actor_id);
  if (Status valid = ValidateActor(actor); !valid.ok()) return Fail(valid);
  auto store = OpenForAppend(dir, Writer::kLocal);
  if (!store.ok()) return Fail(store.status());
  auto all_ok = ForEachChunk(file, kAppendChunk, [&](const auto& lines) {
    return AppendChunk(*store->ledger, actor, lines);
  });
  if (!all_ok.ok()) return Fail(all_ok.status());
  FinishWrites(*store);
  return *all_ok ? 0 : 1;
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
    *exit_code = append_args->remote.given()
                     ? RunRemoteAppend(append_args->remote, append_args->file)
                     : RunAppend(append_args->dir, append_args->actor_id, append_args->file);
  });
}

}  // namespace hatchery::cli
