// logins: who logged in to a server, and who tried and failed — the server's `logins` op
// (server/access_log.h), newest first, as a table or JSON. Only a server knows: there is no --data.
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "cli/table.h"
#include "hatchery/text.h"
#include "read/filter.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct LoginsArgs {
  RemoteArgs remote;
  bool failed = false;
  std::string actor, address, from_time, to_time, format = "table";
  std::uint64_t limit = 100;
};

std::string Cell(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v ? text::Printable(read::Plain(*v)) : std::string();
}

void PrintTable(const bj::object& answer) {
  Table table({"at", "outcome", "address", "connection", "actor", "role", "token id", "reason"});
  for (const bj::value& v : answer.at("logins").as_array()) {
    const bj::object& l = v.as_object();
    table.AddRow({Cell(l, "at"), Cell(l, "outcome"), Cell(l, "address"), Cell(l, "connection"),
                  Cell(l, "actor"), Cell(l, "role"), Cell(l, "token_id"), Cell(l, "reason")});
  }
  table.Print(std::cout);
  const bj::object& start = answer.at("since_start").as_object();
  std::cout << answer.at("logins").as_array().size() << " shown of "
            << read::Plain(answer.at("matched")) << " matching, newest first; "
            << read::Plain(answer.at("kept")) << " kept"
            << (answer.at("kept_since").is_null()
                    ? std::string()
                    : " since " + read::Plain(answer.at("kept_since")))
            << (answer.at("file").as_string().empty() ? " (in memory: since the server started)"
                                                      : " (from its access log)")
            << "\nsince the server started: " << read::Plain(start.at("ok")) << " ok, "
            << read::Plain(start.at("failed")) << " failed, " << read::Plain(start.at("refused"))
            << " refused\n";
}

int RunLogins(const LoginsArgs& args) {
  auto connection = Connect(args.remote);
  if (!connection.ok()) return Fail(connection.status());
  bj::object request{{"failed", args.failed}, {"limit", args.limit}};
  if (!args.actor.empty()) request["actor"] = args.actor;
  if (!args.address.empty()) request["address"] = args.address;
  if (!args.from_time.empty()) request["from_time"] = args.from_time;
  if (!args.to_time.empty()) request["to_time"] = args.to_time;
  auto answer = (*connection)->Call("logins", std::move(request));
  if (!answer.ok()) return Fail(answer.status());
  if (args.format == "json") {
    std::cout << bj::serialize(*answer) << "\n";
  } else {
    PrintTable(*answer);
  }
  return 0;
}

}  // namespace

void AddLoginsCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<LoginsArgs>();
  auto* cmd = app.add_subcommand(
      "logins",
      "who logged in to a server and who was refused — times, addresses, token ids, reasons "
      "(admins and auditors; kept across restarts with `serve --access-log FILE`)");
  AddRemoteOptions(cmd, &args->remote)->required();
  cmd->add_flag("--failed", args->failed, "only the failed and refused ones");
  cmd->add_option("--actor", args->actor, "only this actor's logins");
  cmd->add_option("--address", args->address, "only those from this IP address");
  cmd->add_option("--from-time", args->from_time, "at or after this instant (RFC 3339 UTC)");
  cmd->add_option("--to-time", args->to_time, "at or before this instant (RFC 3339 UTC)");
  cmd->add_option("--limit", args->limit, "at most this many (default 100, at most 1000)");
  cmd->add_option("--format", args->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([args, exit_code] { *exit_code = RunLogins(*args); });
}

}  // namespace hatchery::cli
