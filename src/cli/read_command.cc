// read: events as their canonical JSON lines — the `read` and `read_stream` read ops, asked of the
// store here or of a server — or one event by its command id; `read` can select by actor, type and
// recorded time (who did what, when).
#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/json.h"
#include "hatchery/ledger.h"
#include "read/ops.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct ReadArgs {
  std::string dir;
  std::uint64_t from = 1;
  std::uint64_t limit = UINT64_MAX;
  std::string stream;
  std::string command_id;
  std::string actor, type, from_time, to_time;  // a selection (the `read` op's)
  RemoteArgs remote;

  bool selective() const {
    return !actor.empty() || !type.empty() || !from_time.empty() || !to_time.empty();
  }
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
      for (auto [field, value] :
           {std::pair{"actor", &args.actor}, std::pair{"type", &args.type},
            std::pair{"from_time", &args.from_time}, std::pair{"to_time", &args.to_time}}) {
        if (!value->empty()) request[field] = *value;
      }
    }
    auto page = target.Call(stream ? "read_stream" : "read", request);
    if (!page.ok()) return Fail(page.status());
    const bj::array& events = page->at("events").as_array();
    for (const bj::value& event : events) std::cout << json::Canonicalize(event) << "\n";
    // A selective read may answer fewer events than asked and still have more to look at.
    const bj::value* more = page->if_contains("more");
    if (more ? !more->as_bool() : events.size() < want) break;
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

}  // namespace

void AddReadCommand(CLI::App& app, int* exit_code) {
  auto* read = app.add_subcommand(
      "read", "print events as canonical JSON lines (read-only: works beside a running writer)");
  auto read_args = std::make_shared<ReadArgs>();
  AddDataOrRemoteOptions(read, &read_args->dir, &read_args->remote);
  read->add_option("--from", read_args->from, "first seq (or stream version with --stream)")
      ->check(CLI::PositiveNumber);
  read->add_option("--limit", read_args->limit, "at most this many events");
  read->add_option("--stream", read_args->stream, "only this stream, e.g. carrier/tl-inc-001");
  read->add_option("--command-id", read_args->command_id, "only the event of this command id");
  // Who did what: these select among the events (not with --stream or --command-id).
  auto* actor = read->add_option("--actor", read_args->actor, "only the events of this actor");
  auto* type = read->add_option("--type", read_args->type, "only events of this type");
  auto* from_time = read->add_option("--from-time", read_args->from_time,
                                     "only events recorded at or after (RFC 3339 UTC)");
  auto* to_time = read->add_option("--to-time", read_args->to_time,
                                   "only events recorded at or before (RFC 3339 UTC)");
  for (CLI::Option* o : {actor, type, from_time, to_time}) {
    o->excludes("--stream")->excludes("--command-id");
  }
  read->callback([read_args, exit_code] { *exit_code = RunRead(*read_args); });
}

}  // namespace hatchery::cli
