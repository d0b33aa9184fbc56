// diff: what changed between two points — rows added, removed and changed in every view, each
// changed field with its old and new value (money in yuan for people, fen in JSON), and the
// events responsible.
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/store.h"
#include "cli/table.h"
#include "replay/diff.h"
#include "replay/replay.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct DiffArgs {
  std::string dir, from, to, from_effective_on, to_effective_on, format = "table";
};

std::string Shown(const std::string& field, const bj::value& v) {
  if (v.is_null()) return "-";
  if (v.is_array()) return std::to_string(v.as_array().size()) + " entries";
  if (v.is_int64() && field.ends_with("_fen")) return "¥" + Yuan(v.as_int64());
  if (v.is_string()) return std::string(v.as_string());
  return bj::serialize(v);
}

std::string Described(const domain::Cut& cut) {
  std::string text = "seq " + std::to_string(cut.max_seq);
  if (cut.effective_on) text += " effective on " + domain::FormatDate(*cut.effective_on);
  return text;
}

void PrintWords(const replay::Diff& diff) {
  std::map<std::string, int> by_type;
  for (const auto& [seq, type] : diff.events) by_type[type]++;
  std::printf("From %s to %s: %zu events count at one point only", Described(diff.from).c_str(),
              Described(diff.to).c_str(), diff.events.size());
  std::string types;
  for (const auto& [type, n] : by_type) {
    types += (types.empty() ? "" : ", ") + type + " " + std::to_string(n);
  }
  std::printf("%s.\n", types.empty() ? "" : (" (" + types + ")").c_str());
  if (diff.from.today != diff.to.today) {
    std::printf("Deadlines are judged on %s at the first point and on %s at the second.\n",
                domain::FormatDate(diff.from.today).c_str(),
                domain::FormatDate(diff.to.today).c_str());
  }
  for (const replay::ViewDiff& vd : diff.views) {
    if (vd.rows.empty()) {
      std::printf("\n%s: unchanged\n", vd.view.c_str());
      continue;
    }
    std::map<std::string, int> counts;
    for (const auto& r : vd.rows) counts[r.change]++;
    std::printf("\n%s: %d added, %d removed, %d changed\n", vd.view.c_str(), counts["added"],
                counts["removed"], counts["changed"]);
    for (const replay::RowChange& r : vd.rows) {
      std::string line = (r.change == "added"     ? "  + "
                          : r.change == "removed" ? "  - "
                                                  : "  ~ ") +
                         r.key;
      for (std::size_t i = 0; i < r.fields.size(); ++i) {
        const replay::FieldChange& f = r.fields[i];
        line += (i == 0 ? "  " : "; ") + f.field + " " + Shown(f.field, f.from) + " → " +
                Shown(f.field, f.to);
        if (f.delta && f.field.ends_with("_fen")) {
          line += " (" + std::string(*f.delta >= 0 ? "+" : "-") + "¥" +
                  Yuan(*f.delta >= 0 ? *f.delta : -*f.delta) + ")";
        } else if (f.delta) {
          line += " (" + std::string(*f.delta >= 0 ? "+" : "") + std::to_string(*f.delta) + ")";
        }
      }
      if (!r.responsible.empty()) {
        line += "  [events";
        for (std::uint64_t seq : r.responsible) line += " " + std::to_string(seq);
        line += "]";
      } else if (r.carrier_id.empty()) {
        line += "  [class totals]";
      } else {
        line += "  [no event: the date deadlines are judged on moved]";
      }
      std::printf("%s\n", line.c_str());
    }
  }
}

int RunDiff(const DiffArgs& args) {
  auto from = ParsePoint(args.from, "--from", args.from_effective_on, "--from-effective-on");
  if (!from.ok()) return Fail(from.status());
  auto to = ParsePoint(args.to, "--to", args.to_effective_on, "--to-effective-on");
  if (!to.ok()) return Fail(to.status());
  auto ledger = OpenReadOnly(args.dir);
  if (!ledger.ok()) return Fail(ledger.status());
  auto from_seq = replay::PointSeq(**ledger, *from);
  if (!from_seq.ok()) return Fail(from_seq.status());
  auto to_seq = replay::PointSeq(**ledger, *to);
  if (!to_seq.ok()) return Fail(to_seq.status());
  auto folded = replay::Fold(**ledger, std::max(*from_seq, *to_seq), replay::Path::kFromSnapshot);
  if (!folded.ok()) return Fail(folded.status());
  const domain::FactBase& facts = *folded->facts;
  replay::Diff diff = replay::Compare(facts, domain::MakeCut(facts, *from_seq, from->effective_on),
                                      domain::MakeCut(facts, *to_seq, to->effective_on));
  if (args.format == "json") {
    std::cout << bj::serialize(replay::ToJson(diff)) << "\n";
  } else {
    PrintWords(diff);
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
  cmd->add_option("--data", args->dir, "the store's directory")->required();
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
