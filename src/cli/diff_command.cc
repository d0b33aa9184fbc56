// diff: what changed between two points — rows added, removed and changed in every view, each
// changed field with its old and new value (money in yuan for people, fen in JSON), and the
// events responsible; beyond a screenful (or with --summary), counts and money per view and the
// largest changes instead. The `diff` read op (read/ops.h), asked of the store here or of a server.
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <tuple>
#include <vector>

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

// Beyond this many changed rows a diff in words is summarized unless --full is given.
constexpr std::size_t kScreenful = 40;

struct DiffArgs {
  std::string dir, from, to, from_effective_on, to_effective_on, format = "table";
  bool summary = false, full = false;
  std::optional<std::uint64_t> limit;  // changed rows of each view answered
  RemoteArgs remote;
};

std::string Shown(std::string_view field, const bj::value& v) {
  if (v.is_null()) return "-";
  if (v.is_array() && field == "levels") {
    std::string levels = read::LevelsText(v.as_array());
    return levels.empty() ? "none" : levels;
  }
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

void PrintHeader(const bj::object& diff) {
  const bj::object& from = diff.at("from").as_object();
  const bj::object& to = diff.at("to").as_object();
  std::printf("%s", DemoStoreLine(diff).c_str());
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
}

// The money a row change moved, field by field ("amount_fen": +delta), and in all (absolute).
std::map<std::string, std::int64_t> MoneyMoved(const bj::value& row, std::int64_t* total) {
  std::map<std::string, std::int64_t> moved;
  for (const bj::value& f : row.at("fields").as_array()) {
    std::string field = read::Plain(f.at("field"));
    const bj::value* delta = f.as_object().if_contains("delta");
    if (!delta || !field.ends_with("_fen")) continue;
    const std::int64_t d = delta->to_number<std::int64_t>();
    moved[field] += d;
    *total += d >= 0 ? d : -d;
  }
  return moved;
}

// Counts and money per view, then the rows that moved the most money (at most 10).
void PrintSummary(const bj::object& diff) {
  std::vector<std::tuple<std::int64_t, std::string, std::string>> largest;  // money, view, key
  for (const auto& [view, changes] : diff.at("views").as_object()) {
    std::map<std::string, int> counts;
    std::map<std::string, std::int64_t> money;
    for (const bj::value& r : changes.as_array()) {
      counts[read::Plain(r.at("change"))]++;
      std::int64_t total = 0;
      for (const auto& [field, d] : MoneyMoved(r, &total)) money[field] += d;
      if (total != 0) largest.emplace_back(total, std::string(view), read::Plain(r.at("key")));
    }
    std::string line = std::string(view) + ": ";
    line += changes.as_array().empty()
                ? "unchanged"
                : std::to_string(counts["added"]) + " added, " + std::to_string(counts["removed"]) +
                      " removed, " + std::to_string(counts["changed"]) + " changed";
    for (const auto& [field, d] : money) {
      if (d != 0) line += "; " + field.substr(0, field.size() - 4) + Delta(field, d);
    }
    std::printf("%s\n", text::Printable(line).c_str());
  }
  std::sort(largest.begin(), largest.end(), std::greater<>());
  if (largest.empty()) return;
  std::printf("\nLargest changes (money moved, in all fields):\n");
  for (std::size_t i = 0; i < largest.size() && i < 10; ++i) {
    const auto& [total, view, key] = largest[i];
    std::printf("  %s %s  ¥%s\n", view.c_str(), text::Printable(key).c_str(),
                read::Yuan(total).c_str());
  }
}

// Every changed row, with its fields and the events responsible.
void PrintRows(const bj::object& diff) {
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
      // An added or removed row is named by its key; its fields are the row's (JSON has them).
      const bj::array& fields = change == "changed" ? r.at("fields").as_array() : bj::array{};
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
  if (args.limit) request["limit"] = *args.limit;
  return request;
}

int RunDiff(const DiffArgs& args) {
  auto diff = ReadTarget::Ask(args.dir, args.remote, "diff", Request(args));
  if (!diff.ok()) return Fail(diff.status());
  if (args.format == "json") {
    std::cout << bj::serialize(*diff) << "\n";
    return 0;
  }
  PrintHeader(*diff);
  std::size_t changed = 0;
  for (const auto& [view, rows] : diff->at("views").as_object()) changed += rows.as_array().size();
  if (args.summary || (!args.full && changed > kScreenful)) {
    std::printf("\n");
    PrintSummary(*diff);
    if (!args.summary) {
      std::printf("\n%zu rows changed: a summary; --full lists every one.\n", changed);
    }
  } else {
    PrintRows(*diff);
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
  auto* summary =
      cmd->add_flag("--summary", args->summary,
                    "counts and money per view and the largest changes (the default beyond " +
                        std::to_string(kScreenful) + " changed rows)");
  cmd->add_flag("--full", args->full, "every changed row, however many")->excludes(summary);
  cmd->add_option("--limit", args->limit,
                  "at most N changed rows of each view (the JSON's rows_changed counts them all)");
  cmd->callback([args, exit_code] { *exit_code = RunDiff(*args); });
}

}  // namespace hatchery::cli
