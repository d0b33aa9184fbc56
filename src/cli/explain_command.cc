// explain: why an entitlement is what it is as of a point, in words a finance-bureau auditor reads
// (or as JSON): rule, clause, ruleset, justifying events with their documents, authorities,
// recorders and hashes (retracted ones marked), money, status history — or why there is none.
// The `explain` read op (read/ops.h), asked of the store here or of a server.
#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <sstream>

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

struct ExplainArgs {
  std::string dir, entitlement_id, format = "table";
  PointArgs point;
  RemoteArgs remote;
};

// A member of the explanation's JSON as text ("" for null or missing).
std::string Text(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v ? read::Plain(*v) : "";
}
std::string Money(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v && v->is_number() ? read::Yuan(v->to_number<std::int64_t>()) : Text(o, key);
}

// An event the explanation cites, in words: what, when, under which document and authority, who
// recorded it, its hash, and its retraction if it was retracted.
std::string Cited(const std::map<std::int64_t, const bj::object*>& events, const bj::value& seq) {
  auto it = events.find(seq.to_number<std::int64_t>());
  std::string text = "event " + bj::serialize(seq);
  if (it == events.end()) return text;
  const bj::object& ev = *it->second;
  text += " " + Text(ev, "type") + ", effective " + Text(ev, "effective_date");
  if (!Text(ev, "document_ref").empty()) text += ", " + Text(ev, "document_ref");
  if (!Text(ev, "authority").empty()) text += " by " + Text(ev, "authority");
  if (!Text(ev, "reason").empty()) text += ", reason: " + Text(ev, "reason");
  const bj::object& actor = ev.at("actor").as_object();
  text += "; recorded " + Text(ev, "recorded_at") + " by " + Text(actor, "id") + " (" +
          Text(actor, "role") +
          (Text(actor, "os_user").empty() ? "" : ", OS user " + Text(actor, "os_user")) +
          "), hash " + Text(ev, "hash");
  if (const bj::value& by = ev.at("retracted_by"); !by.is_null()) {
    text += "\n      RETRACTED by " + Cited(events, by);
  }
  return text;
}

// The explanation (the explain op's answer) in words.
std::string Words(const bj::object& x) {
  const bj::value& found = x.at("entitlement");
  const bj::object& rule = x.at("rule").as_object();
  const bj::object& ruleset = x.at("ruleset").as_object();
  std::map<std::int64_t, const bj::object*> events;
  for (const bj::value& v : x.at("events").as_array()) {
    events[v.at("seq").to_number<std::int64_t>()] = &v.as_object();
  }
  auto cited = [&](const bj::value& seq) { return Cited(events, seq); };
  auto retracted = [&](const bj::value& seq) {
    auto it = events.find(seq.to_number<std::int64_t>());
    return it != events.end() && !it->second->at("retracted_by").is_null();
  };
  std::ostringstream out;
  out << DemoStoreLine(x);
  out << (found.is_null() ? "No entitlement " : "Entitlement ") << Text(x, "entitlement_id")
      << " of " << Text(x, "carrier_name") << " (" << Text(x, "carrier_id") << ")\n";
  std::string effective_on = Text(x, "effective_on");
  out << "As known after event " << Text(x, "as_of_seq")
      << (effective_on.empty() ? ", facts of every date"
                               : ", facts effective on or before " + effective_on)
      << "; deadlines judged on " << Text(x, "today") << ".\n\n";
  out << "Rule " << Text(rule, "id") << " of ruleset " << Text(ruleset, "id") << " \""
      << Text(ruleset, "title") << "\" (in force from " << Text(ruleset, "effective_from")
      << ", activated by event " << Text(ruleset, "seq") << "), clause " << Text(rule, "clause")
      << ":\n  " << Text(rule, "clause_text") << "\n";
  const bj::array& declines = x.at("declines").as_array();
  auto print_declines = [&] {
    for (const bj::value& v : declines) {
      const bj::object& d = v.as_object();
      out << "  " << (d.at("seq").is_null() ? "" : Text(d, "date") + " ") << Text(d, "reason")
          << ": " << Text(d, "detail") << "\n";
      if (!d.at("seq").is_null()) out << "    (" << cited(d.at("seq")) << ")\n";
    }
  };
  if (found.is_null()) {
    out << "\nWhy not:\n";
    print_declines();
    return out.str();
  }
  const bj::object& e = found.as_object();
  if (!Text(e, "upgrade_of").empty()) {
    out << "It upgrades the award of rule " << Text(e, "upgrade_of") << ".\n";
  }
  out << "\nAmount ¥" << Money(e, "amount_fen") << ", triggered on " << Text(e, "triggered_on")
      << ". Status: " << Text(e, "status") << ".\n";
  out << "Approved ¥" << Money(e, "approved_fen") << ", disbursed ¥" << Money(e, "disbursed_fen")
      << ", recovered ¥" << Money(e, "recovered_fen") << "; outstanding ¥"
      << Money(e, "outstanding_fen") << ", claw-back due ¥" << Money(e, "clawback_due_fen")
      << ".\n";
  std::vector<const bj::value*> standing, withdrawn;
  for (const bj::value& seq : e.at("seqs").as_array()) {
    (retracted(seq) ? withdrawn : standing).push_back(&seq);
  }
  out << "\nThe events that justify it:" << (standing.empty() ? " none\n" : "\n");
  for (const bj::value* seq : standing) out << "  " << cited(*seq) << "\n";
  if (!withdrawn.empty()) {
    out << "Retracted, so no longer justifying it:\n";
    for (const bj::value* seq : withdrawn) out << "  " << cited(*seq) << "\n";
  }
  const bj::array& payouts = x.at("payouts").as_array();
  out << "\nPayouts:" << (payouts.empty() ? " none\n" : "\n");
  for (const bj::value& v : payouts) {
    const bj::object& p = v.as_object();
    out << "  " << Text(p, "payout_id") << " ¥" << Money(p, "amount_fen") << ", approved by "
        << Text(p, "approved_by") << " on " << Text(p, "approved_on") << " (event "
        << Text(p, "approved_seq") << ")";
    if (!Text(p, "disbursed_seq").empty()) {
      out << ", disbursed by " << Text(p, "disbursed_by") << " on " << Text(p, "disbursed_on")
          << " under voucher " << Text(p, "voucher_no") << " (event " << Text(p, "disbursed_seq")
          << ")";
    }
    out << "; " << Text(p, "status") << "\n";
  }
  const bj::array& clawbacks = x.at("clawbacks").as_array();
  out << "\nClaw-backs recovered:" << (clawbacks.empty() ? " none\n" : "\n");
  for (const bj::value& v : clawbacks) {
    const bj::object& c = v.as_object();
    out << "  ¥" << Money(c, "amount_fen") << " on " << Text(c, "date") << " under voucher "
        << Text(c, "voucher_no") << " (event " << Text(c, "seq") << ")\n";
  }
  out << "\nStatus history:\n";
  for (const bj::value& v : e.at("history").as_array()) {
    const bj::object& h = v.as_object();
    out << "  " << Text(h, "date") << "  " << Text(h, "status") << " — " << Text(h, "reason")
        << "\n    (" << cited(h.at("seq")) << ")\n";
  }
  if (!declines.empty()) {
    out << "\nDeclined since (rule " << Text(rule, "id") << " for this carrier):\n";
    print_declines();
  }
  return out.str();
}

int RunExplain(const ExplainArgs& args) {
  auto request = PointRequest(args.point, "--as-of");
  if (request.ok()) (*request)["entitlement_id"] = args.entitlement_id;
  auto explanation = ReadTarget::Ask(args.dir, args.remote, "explain", request);
  if (!explanation.ok()) return Fail(explanation.status());
  if (args.format == "json") {
    std::cout << bj::serialize(*explanation) << "\n";
  } else {
    std::cout << text::Printable(Words(*explanation), /*keep_newlines=*/true);
  }
  return 0;
}

}  // namespace

void AddExplainCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExplainArgs>();
  auto* cmd = app.add_subcommand(
      "explain",
      "why an entitlement is what it is as of a point — rule, clause, ruleset, the events that "
      "justify it with documents, authorities, recorders and hashes, payouts, claw-backs, status "
      "history — or why the carrier has none (read-only)");
  AddDataOrRemoteOptions(cmd, &args->dir, &args->remote);
  cmd->add_option("entitlement_id", args->entitlement_id, "e.g. R2:tl-inc-003")->required();
  AddPointOptions(cmd, &args->point, "--as-of-seq", "--as-of");
  cmd->add_option("--format", args->format, "table (words) or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([args, exit_code] { *exit_code = RunExplain(*args); });
}

}  // namespace hatchery::cli
