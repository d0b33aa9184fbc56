// init, append, read, verify: the ledger on a local data directory.
#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "domain/fold/ruleset.h"
#include "domain/views/projections.h"
#include "hatchery/json.h"
#include "hatchery/key_files.h"
#include "hatchery/ledger.h"
#include "hatchery/verify.h"
#include "read/ops.h"
#include "replay/replay.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

constexpr std::size_t kMaxLineBytes = 1 << 20;  // as the protocol's default max frame
constexpr std::size_t kAppendChunk = 1000;      // input lines per Ledger::Append call

// Creates a store and records its genesis: the activation of the ruleset in `ruleset_file`, or of
// the built-in TCB-2023-2 if empty.
int RunInit(const std::string& dir, const std::string& ruleset_file, const std::string& deployment,
            const Actor& actor) {
  bj::object ruleset = domain::DefaultRulesetData();
  if (!ruleset_file.empty()) {
    std::ifstream in(ruleset_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in) return Fail(Status(Code::kNotFound, "cannot read " + ruleset_file));
    auto parsed = json::ParseStrict(text);
    if (!parsed.ok()) return Fail(parsed.status());
    if (!parsed->is_object())
      return Fail(Status(Code::kBadRequest, "the ruleset is not an object"));
    ruleset = std::move(parsed->as_object());
  }
  if (Status valid = ValidateActor(actor); !valid.ok()) return Fail(valid);
  AppendCommand command = domain::RulesetCommand(std::move(ruleset));
  // Checked before anything is created, so a bad ruleset leaves no store behind.
  if (auto valid = domain::PolicyRules().Validate(command); !valid.ok()) {
    return Fail(valid.status());
  }
  if (Status created = Ledger::Create(dir, deployment); !created.ok()) return Fail(created);
  auto store = OpenForAppend(dir);
  if (!store.ok()) return Fail(store.status());
  std::string ruleset_id = command.command_id.substr(command.command_id.find('/') + 1);
  auto genesis = store->ledger->Append(actor, {std::move(command)});
  if (!genesis[0].ok()) return Fail(genesis[0].status());
  std::cout << "created a store in " << dir << "; event " << genesis[0]->seq
            << " activates ruleset " << ruleset_id << "\n";
  return 0;
}

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

int RunAppend(const std::string& dir, const Actor& actor, const std::string& file) {
  if (Status valid = ValidateActor(actor); !valid.ok()) return Fail(valid);
  auto store = OpenForAppend(dir);
  if (!store.ok()) return Fail(store.status());
  auto all_ok = ForEachChunk(file, kAppendChunk, [&](const auto& lines) {
    return AppendChunk(*store->ledger, actor, lines);
  });
  if (!all_ok.ok()) return Fail(all_ok.status());
  KeepSnapshotIfDue(*store);
  return *all_ok ? 0 : 1;
}

struct ReadArgs {
  std::string dir;
  std::uint64_t from = 1;
  std::uint64_t limit = UINT64_MAX;
  std::string stream;
  std::string command_id;
  RemoteArgs remote;
};

// Prints args.limit events from args.from on, a page (one `read` or `read_stream` op) at a time.
int PrintPages(const ReadArgs& args, ReadTarget& target) {
  const bool stream = !args.stream.empty();
  std::uint64_t next = args.from, left = args.limit;
  while (left > 0) {
    std::uint64_t want = std::min<std::uint64_t>(left, read::kMaxReadLimit);
    bj::object request{{"limit", want}};
    if (stream) {
      request["stream"] = args.stream;
      request["from_version"] = next;
    } else {
      request["from_seq"] = next;
    }
    auto page = target.Call(stream ? "read_stream" : "read", request);
    if (!page.ok()) return Fail(page.status());
    const bj::array& events = page->at("events").as_array();
    for (const bj::value& event : events) std::cout << json::Canonicalize(event) << "\n";
    if (events.size() < want) break;
    next = page->at(stream ? "next_version" : "next_seq").to_number<std::uint64_t>();
    left -= events.size();
  }
  return 0;
}

int RunRead(const ReadArgs& args) {
  if (!args.command_id.empty()) {
    if (args.remote.given()) {
      return Fail(Status(Code::kBadRequest,
                         "--command-id needs --data: the protocol reads by seq or stream"));
    }
    auto ledger = OpenReadOnly(args.dir);
    if (!ledger.ok()) return Fail(ledger.status());
    auto event = (*ledger)->GetByCommandId(args.command_id);
    if (!event.ok()) return Fail(event.status());
    std::cout << CanonicalForm(*event, true) << "\n";
    return 0;
  }
  auto target = ReadTarget::Open(args.dir, args.remote);
  if (!target.ok()) return Fail(target.status());
  return PrintPages(args, **target);
}

// The timeline_conflict flags of the store in `dir` with every event, folded from event 1.
StatusOr<std::vector<domain::Flag>> TimelineConflicts(const std::string& dir) {
  ASSIGN_OR_RETURN(auto ledger, OpenReadOnly(dir));
  ASSIGN_OR_RETURN(replay::Folded folded,
                   replay::Fold(*ledger, ledger->head().seq, replay::Path::kFromStart));
  const domain::FactBase& facts = *folded.facts;
  domain::Projection all =
      domain::Project(facts, domain::MakeCut(facts, std::nullopt, std::nullopt));
  std::vector<domain::Flag> conflicts;
  for (const domain::CarrierOutcome& c : all.carriers) {
    for (const domain::Flag& f : c.flags) {
      if (f.flag == "timeline_conflict") conflicts.push_back(f);
    }
  }
  std::sort(conflicts.begin(), conflicts.end(),
            [](const domain::Flag& a, const domain::Flag& b) { return a.seqs < b.seqs; });
  return conflicts;
}

int RunVerify(const std::string& dir, const std::vector<std::string>& pubkeys) {
  VerifyOptions options;
  for (const std::string& file : pubkeys) {
    auto key = ReadVerifierKeyFile(file);
    if (!key.ok()) return Fail(key.status());
    options.trusted_keys.push_back(*key);
  }
  auto report = VerifyStore(dir, options);
  if (!report.ok()) return Fail(report.status());
  if (report->ok()) {
    auto conflicts = TimelineConflicts(dir);
    if (!conflicts.ok()) return Fail(conflicts.status());
    std::cout << "ok: " << report->events_checked << " events verified; head seq "
              << report->head.seq << " hash " << ToHex(report->head.hash) << "; ";
    if (report->checkpoints_checked == 0) {
      std::cout << "no signed checkpoint kept yet (hatchery checkpoint --sign)\n";
    } else {
      std::cout << report->checkpoints_checked << " signed checkpoints match"
                << (pubkeys.empty() ? "" : ", each signed by a trusted key") << "\n";
    }
    // Integrity holds; events recorded before the one-timeline rule that break it are named, for
    // an auditor to see and a correcting event to answer (the chain is not at fault).
    std::cout << conflicts->size() << " timeline conflicts (EVENTS.md \"One timeline\")"
              << (conflicts->empty() ? "" : ":") << "\n";
    for (const domain::Flag& f : *conflicts) {
      std::cout << "  event " << f.seqs.front() << " (" << f.carrier_id << "): " << f.detail;
      if (f.seqs.size() > 1) {
        std::cout << " [facts";
        for (std::size_t i = 1; i < f.seqs.size(); ++i) std::cout << " " << f.seqs[i];
        std::cout << "]";
      }
      std::cout << "\n";
    }
    return 0;
  }
  std::cout << "FAILED at seq " << report->first_bad_seq << ": " << report->problem << "\n"
            << "(" << report->events_checked << " events before it verified)\n";
  return 1;
}

CLI::Option* AddDataOption(CLI::App* cmd, std::string* dir) {
  return cmd->add_option("--data", *dir, "the store's directory")->required();
}

}  // namespace

void AddLedgerCommands(CLI::App& app, int* exit_code) {
  auto* init = app.add_subcommand(
      "init", "create a store in a new or empty directory; its first event activates the ruleset");
  struct InitArgs {
    std::string dir, ruleset, deployment{Ledger::kDefaultDeployment};
    Actor actor{"local.admin", "admin"};
  };
  auto init_args = std::make_shared<InitArgs>();
  AddDataOption(init, &init_args->dir);
  init->add_option("--ruleset", init_args->ruleset,
                   "PolicyRulesetActivated data as a JSON file (default: the built-in TCB-2023-2, "
                   "schemas/policy/tcb-2023-2.json)");
  init->add_option("--actor", init_args->actor.id, "who records the genesis (default local.admin)");
  init->add_option("--deployment", init_args->deployment,
                   "the deployment's name: checkpoints carry the origin "
                   "tongliao.hatchery/<deployment> (default main)");
  init->callback([init_args, exit_code] {
    *exit_code =
        RunInit(init_args->dir, init_args->ruleset, init_args->deployment, init_args->actor);
  });

  auto* append = app.add_subcommand(
      "append",
      "append events from JSON lines of append envelopes (EVENTS.md); prints one result or error "
      "line per input line; exits 1 if any line was rejected");
  struct AppendArgs {
    std::string dir;
    std::string file;
    Actor actor{"local.admin", "admin"};
    RemoteArgs remote;
  };
  auto append_args = std::make_shared<AppendArgs>();
  AddDataOrRemoteOptions(append, &append_args->dir, &append_args->remote);
  append
      ->add_option("--actor", append_args->actor.id,
                   "who records these acts (a slug; default local.admin); with --connect the "
                   "token's actor records them")
      ->excludes("--connect");
  append->add_option("file", append_args->file, "JSON lines file, or - for stdin")->required();
  append->callback([append_args, exit_code] {
    *exit_code = append_args->remote.given()
                     ? RunRemoteAppend(append_args->remote, append_args->file)
                     : RunAppend(append_args->dir, append_args->actor, append_args->file);
  });

  auto* read = app.add_subcommand(
      "read", "print events as canonical JSON lines (read-only: works beside a running writer)");
  auto read_args = std::make_shared<ReadArgs>();
  AddDataOrRemoteOptions(read, &read_args->dir, &read_args->remote);
  read->add_option("--from", read_args->from, "first seq (or stream version with --stream)")
      ->check(CLI::PositiveNumber);
  read->add_option("--limit", read_args->limit, "at most this many events");
  read->add_option("--stream", read_args->stream, "only this stream, e.g. carrier/tl-inc-001");
  read->add_option("--command-id", read_args->command_id, "only the event of this command id");
  read->callback([read_args, exit_code] { *exit_code = RunRead(*read_args); });

  auto* verify = app.add_subcommand(
      "verify",
      "check every event's hash, the chain, seq gaps, time order, the indexes, the Merkle tree "
      "and every kept checkpoint's root and signatures; exits 1 naming the first bad seq");
  auto verify_args = std::make_shared<std::pair<std::string, std::vector<std::string>>>();
  AddDataOption(verify, &verify_args->first);
  verify->add_option("--pubkey", verify_args->second,
                     "a verifier key file the auditor trusts (repeatable): every kept checkpoint "
                     "must then be signed by one of them");
  verify->callback([verify_args, exit_code] {
    *exit_code = RunVerify(verify_args->first, verify_args->second);
  });
}

}  // namespace hatchery::cli
