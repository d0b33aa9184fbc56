// explain: why an entitlement is what it is as of a point, in words a finance-bureau auditor reads
// (or as JSON): rule, clause, ruleset, justifying events with their hashes, money, status history.
#include <boost/json.hpp>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/store.h"
#include "cli/table.h"
#include "replay/explain.h"
#include "replay/replay.h"

namespace hatchery::cli {
namespace {

struct ExplainArgs {
  std::string dir, entitlement_id, format = "table";
  PointArgs point;
};

std::string Cited(const replay::Explanation& x, std::uint64_t seq) {
  auto it = x.events.find(seq);
  if (it == x.events.end()) return "event " + std::to_string(seq);
  const replay::EventRef& e = it->second;
  return "event " + std::to_string(seq) + " " + e.type + ", effective " + e.effective_date +
         ", recorded " + e.recorded_at + ", hash " + ToHex(e.hash);
}

std::string Words(const replay::Explanation& x) {
  const domain::Entitlement& e = x.entitlement;
  std::ostringstream out;
  out << "Entitlement " << e.id << " of " << x.carrier_name << " (" << e.carrier_id << ")\n";
  out << "As known after event " << x.cut.max_seq
      << (x.cut.effective_on
              ? ", facts effective on or before " + domain::FormatDate(*x.cut.effective_on)
              : ", facts of every date")
      << "; deadlines judged on " << domain::FormatDate(x.cut.today) << ".\n\n";
  out << "Rule " << e.rule_id << " of ruleset " << e.ruleset_id << " \"" << x.ruleset_title
      << "\" (in force from " << domain::FormatDate(x.ruleset_effective_from)
      << ", activated by event " << e.ruleset_seq << "), clause " << e.clause << ":\n  "
      << e.clause_text << "\n";
  if (!e.upgrade_of.empty()) out << "It upgrades the award of rule " << e.upgrade_of << ".\n";
  out << "\nAmount ¥" << Yuan(e.amount_fen) << ", triggered on "
      << domain::FormatDate(e.triggered_on) << ". Status: " << e.status << ".\n";
  out << "Approved ¥" << Yuan(e.approved_fen) << ", disbursed ¥" << Yuan(e.disbursed_fen)
      << ", recovered ¥" << Yuan(e.recovered_fen) << "; outstanding ¥" << Yuan(e.outstanding_fen())
      << ", claw-back due ¥" << Yuan(e.clawback_due_fen()) << ".\n";
  out << "\nThe events that justify it:\n";
  for (std::uint64_t seq : e.seqs) out << "  " << Cited(x, seq) << "\n";
  out << "\nPayouts:" << (x.payouts.empty() ? " none\n" : "\n");
  for (const domain::Payout& p : x.payouts) {
    out << "  " << p.payout_id << " ¥" << Yuan(p.amount_fen) << ", approved by " << p.approved_by
        << " on " << domain::FormatDate(p.approved_on) << " (event " << p.approved_seq << ")";
    if (p.disbursed_seq) {
      out << ", disbursed by " << p.disbursed_by << " on " << domain::FormatDate(p.disbursed_on)
          << " under voucher " << p.voucher_no << " (event " << p.disbursed_seq << ")";
    }
    out << "; " << p.status << "\n";
  }
  out << "\nClaw-backs recovered:" << (x.clawbacks.empty() ? " none\n" : "\n");
  for (const replay::Clawback& c : x.clawbacks) {
    out << "  ¥" << Yuan(c.amount_fen) << " on " << domain::FormatDate(c.date) << " under voucher "
        << c.voucher_no << " (event " << c.seq << ")\n";
  }
  out << "\nStatus history:\n";
  for (const domain::StatusChange& h : e.history) {
    out << "  " << domain::FormatDate(h.date) << "  " << h.status << " — " << h.reason << " ("
        << Cited(x, h.seq) << ")\n";
  }
  return out.str();
}

int RunExplain(const ExplainArgs& args) {
  auto point = ToPoint(args.point, "--as-of");
  if (!point.ok()) return Fail(point.status());
  auto ledger = OpenReadOnly(args.dir);
  if (!ledger.ok()) return Fail(ledger.status());
  auto seq = replay::PointSeq(**ledger, *point);
  if (!seq.ok()) return Fail(seq.status());
  auto folded = replay::Fold(**ledger, *seq, replay::Path::kFromSnapshot);
  if (!folded.ok()) return Fail(folded.status());
  const domain::FactBase& facts = *folded->facts;
  auto explanation = replay::Explain(
      **ledger, facts, domain::MakeCut(facts, *seq, point->effective_on), args.entitlement_id);
  if (!explanation.ok()) return Fail(explanation.status());
  if (args.format == "json") {
    std::cout << boost::json::serialize(replay::ToJson(*explanation)) << "\n";
  } else {
    std::cout << Words(*explanation);
  }
  return 0;
}

}  // namespace

void AddExplainCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExplainArgs>();
  auto* cmd = app.add_subcommand(
      "explain",
      "why an entitlement is what it is as of a point: rule, clause, ruleset, the events that "
      "justify it with their hashes, payouts, claw-backs, status history (read-only)");
  cmd->add_option("--data", args->dir, "the store's directory")->required();
  cmd->add_option("entitlement_id", args->entitlement_id, "e.g. R2:tl-inc-003")->required();
  AddPointOptions(cmd, &args->point, "--as-of-seq", "--as-of");
  cmd->add_option("--format", args->format, "table (words) or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([args, exit_code] { *exit_code = RunExplain(*args); });
}

}  // namespace hatchery::cli
