// diff: what changed between two points — rows added, removed and changed in every view, each
// changed field with its old and new value (money in yuan for people, fen in JSON), and the
// events responsible. The `diff` read op (read/ops.h), asked of the store here or of a server.
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/text.h"
#include "read/cells.h"
#include "read/filter.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct DiffArgs {
  std::string dir, from, to, from_effective_on, to_effective_on, format = "table";
  RemoteArgs remote;
};

std::string Shown(std::string_view field, const bj::value& v) {
  if (v.is_null()) return "-";
  if (v.is_array()) return std::to_string(v.as_array().size()) + " entries";
  if (v.is_number() && field.ends_with("_fen"))
    return "¥" + read::Yuan(v.to_number<std::int64_t>());
  return read::Plain(v);
}

// A point of the answer ({"as_of_seq", "effective_on", "today"}) in words.
std::string Described(const bj::object& point) {
  std::string text = "seq " + read::Plain(point.at("as_of_seq"));
  if (!point.at("effective_on").is_null()) {
    text += " effective on " + read::Plain(point.at("effective_on"));
  }
  return text;
}

std::string Delta(std::string_view field, std::int64_t delta) {
  if (field.ends_with("_fen")) {
    return " (" + std::string(delta >= 0 ? "+" : "-") + "¥" +
           read::Yuan(delta >= 0 ? delta : -delta) + ")";
  }
  return " (" + std::string(delta >= 0 ? "+" : "") + std::to_string(delta) + ")";
}

void PrintWords(const bj::object& diff) {
  const bj::object& from = diff.at("from").as_object();
  const bj::object& to = diff.at("to").as_object();
  std::printf("From %s to %s: %s events count at one point only", Described(from).c_str(),
              Described(to).c_str(), read::Plain(diff.at("events_total")).c_str());
  std::string types;
  for (const auto& [type, n] : diff.at("events_by_type").as_object()) {
    types += (types.empty() ? "" : ", ") + std::string(type) + " " + read::Plain(n);
  }
  std::printf("%s.\n", types.empty() ? "" : (" (" + types + ")").c_str());
  if (from.at("today") != to.at("today")) {
    std::printf("Deadlines are judged on %s at the first point and on %s at the second.\n",
                read::Plain(from.at("today")).c_str(), read::Plain(to.at("today")).c_str());
  }
  for (const auto& [view, changes] : diff.at("views").as_object()) {
    const bj::array& rows = changes.as_array();
    if (rows.empty()) {
      std::printf("\n%s: unchanged\n", std::string(view).c_str());
      continue;
    }
    std::map<std::string, int> counts;
    for (const bj::value& r : rows) counts[read::Plain(r.at("change"))]++;
    std::printf("\n%s: %d added, %d removed, %d changed\n", std::string(view).c_str(),
                counts["added"], counts["removed"], counts["changed"]);
    for (const bj::value& r : rows) {
      std::string change = read::Plain(r.at("change"));
      std::string line = (change == "added"     ? "  + "
                          : change == "removed" ? "  - "
                                                : "  ~ ") +
                         read::Plain(r.at("key"));
      const bj::array& fields = r.at("fields").as_array();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const bj::object& f = fields[i].as_object();
        std::string field = read::Plain(f.at("field"));
        line += (i == 0 ? "  " : "; ") + field + " " + Shown(field, f.at("from")) + " → " +
                Shown(field, f.at("to"));
        if (const bj::value* delta = f.if_contains("delta")) {
          line += Delta(field, delta->to_number<std::int64_t>());
        }
      }
      const bj::array& responsible = r.at("responsible_seqs").as_array();
      if (!responsible.empty()) {
        line += "  [events";
        for (const bj::value& seq : responsible) line += " " + read::Plain(seq);
        line += "]";
      } else if (r.at("carrier_id").is_null()) {
        line += "  [class totals]";
      } else {
        line += "  [no event: the date deadlines are judged on moved]";
      }
      std::printf("%s\n", text::Printable(line).c_str());
    }
  }
}

// The diff request: each point as the query of PROTOCOL.md names one.
StatusOr<bj::object> Request(const DiffArgs& args) {
  bj::object request;
  for (auto [name, text, on, on_flag] :
       {std::tuple{"from", &args.from, &args.from_effective_on, "--from-effective-on"},
        std::tuple{"to", &args.to, &args.to_effective_on, "--to-effective-on"}}) {
    ASSIGN_OR_RETURN(replay::Point point,
                     ParsePoint(*text, std::string("--") + name, *on, on_flag));
    bj::object side;
    if (point.seq) side["as_of"] = {{"seq", *point.seq}};
    if (point.recorded_by_us) side["as_of"] = {{"recorded_at", *text}};
    if (!on->empty()) side["effective_on"] = *on;
    request[name] = std::move(side);
  }
  return request;
}

int RunDiff(const DiffArgs& args) {
  auto diff = ReadTarget::Ask(args.dir, args.remote, "diff", Request(args));
  if (!diff.ok()) return Fail(diff.status());
  if (args.format == "json") {
    std::cout << bj::serialize(*diff) << "\n";
  } else {
    PrintWords(*diff);
  }
  return 0;
}

}  // namespace

void AddDiffCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand(
      "diff",
      "what changed between two points: entitlements, payouts, flags, indicators and scores "
      "added, removed or changed, by how much, and the events responsible (read-only)");
  AddDataOrRemoteOptions(cmd, &args->dir, &args->remote);
  cmd->add_option("--from", args->from, "the first point: a seq or an RFC 3339 UTC instant")
      ->required();
  cmd->add_option("--to", args->to, "the second point: a seq or an RFC 3339 UTC instant")
      ->required();
  cmd->add_option("--from-effective-on", args->from_effective_on,
                  "cut the first point on the business-time axis (YYYY-MM-DD)");
  cmd->add_option("--to-effective-on", args->to_effective_on,
                  "cut the second point on the business-time axis (YYYY-MM-DD)");
  cmd->add_option("--format", args->format, "table (words) or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([args, exit_code] { *exit_code = RunDiff(*args); });
}

}  // namespace hatchery::cli
