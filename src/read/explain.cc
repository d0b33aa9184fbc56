#include "read/explain.h"

#include <algorithm>

#include "domain/views/derive.h"
#include "domain/views/projections.h"
#include "read/history.h"

namespace hatchery::read {
namespace {

namespace bj = boost::json;

std::string TextMember(const bj::object& data, std::string_view key) {
  const bj::value* v = data.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

// Cites event `seq` (and its retraction, if the cut holds one: `retractions` maps a retracted seq
// to its retraction's).
Status Cite(const Ledger& ledger, std::uint64_t seq,
            const std::map<std::uint64_t, std::uint64_t>& retractions, Explanation* out) {
  if (seq == 0 || out->events.contains(seq)) return Status::Ok();
  ASSIGN_OR_RETURN(Event e, ledger.Get(seq));
  EventRef ref{seq,
               e.type,
               e.effective_date,
               e.recorded_at,
               e.document_ref.value_or(""),
               TextMember(e.data, "authority"),
               TextMember(e.data, "reason"),
               e.actor,
               e.hash,
               0};
  if (auto it = retractions.find(seq); it != retractions.end()) ref.retracted_by = it->second;
  out->events.emplace(seq, std::move(ref));
  if (auto it = retractions.find(seq); it != retractions.end()) {
    return Cite(ledger, it->second, retractions, out);
  }
  return Status::Ok();
}

Status NotFound(std::string_view id, const domain::Cut& cut, const domain::FactBase& facts,
                const std::string& why) {
  return Status(Code::kNotFound,
                "no entitlement \"" + std::string(id) + "\" as of seq " +
                    std::to_string(std::min(cut.max_seq, facts.last_seq())) + ": " + why,
                bj::object{{"field", "entitlement_id"}});
}

// The ruleset whose rule `rule_id` explains an entitlement the carrier does not have: the one in
// force on the cut's today, else the latest with that rule.
const domain::Ruleset* RulesetOf(const domain::Policy& policy, const domain::Cut& cut,
                                 std::string_view rule_id) {
  const domain::Ruleset* in_force = policy.InForce(cut.today);
  if (in_force && in_force->FindRule(rule_id)) return in_force;
  const domain::Ruleset* found = nullptr;
  for (const domain::Ruleset* r : policy.rulesets()) {
    if (r->FindRule(rule_id)) found = r;
  }
  return found;
}

// What rule `rule` needs that `carrier` never had, when no trigger of it was declined.
domain::Decline NothingTriggered(const domain::Rule& rule, const domain::Ruleset& rs,
                                 const domain::CarrierOutcome& carrier) {
  if (rule.kind != carrier.kind) {
    return domain::Decline{rule.id,
                           0,
                           0,
                           "kind_not_eligible",
                           "rule " + rule.id + " is for a " + std::string(domain::Name(rule.kind)) +
                               "; " + carrier.carrier_id + " is a " +
                               std::string(domain::Name(carrier.kind)),
                           {}};
  }
  std::string modes;
  for (domain::Mode m : rule.modes) {
    modes += (modes.empty() ? "" : " or ") + std::string(domain::Name(m));
  }
  std::string needs = "rule " + rule.id + " needs a " + std::string(domain::Name(rule.level)) +
                      " accreditation (" + modes + ") on or after " +
                      domain::FormatDate(rs.effective_from);
  if (rule.first_evaluation_level) {
    needs += ", then a first " + std::string(domain::Name(*rule.first_evaluation_level)) +
             " evaluation graded " + std::string(domain::Name(rule.first_evaluation_grade));
  }
  return domain::Decline{rule.id,
                         0,
                         0,
                         "not_triggered",
                         needs + "; " + carrier.carrier_id + " has had none within this cut",
                         {}};
}

}  // namespace

StatusOr<Explanation> Explain(const Ledger& ledger, const domain::FactBase& facts,
                              const domain::Cut& cut, std::string_view entitlement_id) {
  // An id without its rule ("tl-inc-003") is read as the carrier's, to say what its ids are.
  const std::size_t colon = entitlement_id.find(':');
  const bool whole_id = colon != std::string_view::npos;
  std::string_view carrier_id = whole_id ? entitlement_id.substr(colon + 1) : entitlement_id;
  std::string rule_id(whole_id ? entitlement_id.substr(0, colon) : "");
  const domain::StreamFacts* stream = facts.Carrier(carrier_id);
  if (!stream) {
    std::string nearest = NearestCarrier(facts, carrier_id);
    return NotFound(entitlement_id, cut, facts,
                    "ids are <rule>:<carrier>, e.g. R1:tl-inc-001, and no carrier \"" +
                        std::string(carrier_id) + "\" is recorded" +
                        (nearest.empty() ? std::string() : "; the nearest is " + nearest));
  }
  domain::Policy policy(facts.policy(), cut);
  auto outcome = domain::DeriveCarrier(*stream, policy, cut, /*declines=*/true);
  if (!outcome) {
    return NotFound(entitlement_id, cut, facts,
                    "carrier " + std::string(carrier_id) + " is not registered yet");
  }
  auto it = std::find_if(outcome->entitlements.begin(), outcome->entitlements.end(),
                         [&](const auto& e) { return e.id == entitlement_id; });
  std::string has;
  for (const auto& e : outcome->entitlements) has += (has.empty() ? "" : ", ") + e.id;
  if (!whole_id) {
    return NotFound(entitlement_id, cut, facts,
                    "that is carrier " + std::string(carrier_id) +
                        "; ids are <rule>:<carrier>, and the carrier " +
                        (has.empty() ? "has no entitlement" : "has " + has));
  }
  const domain::Ruleset* ruleset = nullptr;
  if (it != outcome->entitlements.end()) {
    for (const domain::Ruleset* r : policy.rulesets()) {
      if (r->seq == it->ruleset_seq) ruleset = r;
    }
  } else {
    ruleset = RulesetOf(policy, cut, rule_id);
  }
  const domain::Rule* rule = ruleset ? ruleset->FindRule(rule_id) : nullptr;
  if (it == outcome->entitlements.end() && !rule) {
    std::string rules;
    if (const domain::Ruleset* r = policy.InForce(cut.today)) {
      for (const domain::Rule& known : r->rules) rules += (rules.empty() ? "" : ", ") + known.id;
    }
    return NotFound(entitlement_id, cut, facts,
                    "no ruleset has a rule \"" + rule_id + "\"" +
                        (rules.empty() ? std::string() : " (the rules in force: " + rules + ")") +
                        (has.empty() ? std::string() : "; the carrier has " + has));
  }

  Explanation out;
  out.cut = cut;
  out.entitlement_id = std::string(entitlement_id);
  out.carrier_id = std::string(carrier_id);
  out.carrier_name = outcome->profile.name.value_or("");
  out.rule_id = rule_id;
  if (it != outcome->entitlements.end()) out.entitlement = *it;
  if (ruleset) {
    out.ruleset_id = ruleset->id;
    out.ruleset_title = ruleset->title;
    out.ruleset_seq = ruleset->seq;
    out.ruleset_effective_from = ruleset->effective_from;
  }
  if (rule) {
    out.clause = rule->clause;
    out.clause_text = rule->clause_text;
  }
  for (const domain::Decline& d : outcome->declines) {
    // With a derived entitlement, the triggers declined after the one that created it; with a
    // row kept only for its money or history (its trigger retracted), every one.
    bool later = !out.entitlement || !out.entitlement->derived ||
                 std::pair(d.date, d.seq) >
                     std::pair(out.entitlement->triggered_on, out.entitlement->seqs.empty()
                                                                  ? std::uint64_t{0}
                                                                  : out.entitlement->seqs.front());
    if (d.rule_id == rule_id && later) out.declines.push_back(d);
  }
  if (!out.entitlement && out.declines.empty()) {
    out.declines.push_back(NothingTriggered(*rule, *ruleset, *outcome));
  }
  for (const domain::Payout& p : outcome->payouts) {
    if (p.entitlement_id == entitlement_id) out.payouts.push_back(p);
  }
  for (const domain::Fact* f : domain::CountingFacts(*stream, cut)) {
    if (auto* c = std::get_if<domain::ClawbackRecovered>(&f->body);
        c && c->entitlement_id == entitlement_id) {
      out.clawbacks.push_back({f->seq, f->effective, c->voucher_no, c->amount_fen});
    }
  }

  const auto retractions = domain::RetractionsIn(*stream, cut);
  RETURN_IF_ERROR(Cite(ledger, out.ruleset_seq, retractions, &out));
  if (out.entitlement) {
    for (std::uint64_t seq : out.entitlement->seqs) {
      RETURN_IF_ERROR(Cite(ledger, seq, retractions, &out));
    }
    for (const auto& h : out.entitlement->history) {
      RETURN_IF_ERROR(Cite(ledger, h.seq, retractions, &out));
    }
  }
  for (const domain::Decline& d : out.declines) {
    RETURN_IF_ERROR(Cite(ledger, d.seq, retractions, &out));
    for (std::uint64_t seq : d.facts) RETURN_IF_ERROR(Cite(ledger, seq, retractions, &out));
  }
  for (const auto& p : out.payouts) {
    RETURN_IF_ERROR(Cite(ledger, p.approved_seq, retractions, &out));
    RETURN_IF_ERROR(Cite(ledger, p.disbursed_seq, retractions, &out));
  }
  for (const auto& c : out.clawbacks) RETURN_IF_ERROR(Cite(ledger, c.seq, retractions, &out));
  return out;
}

bj::object ToJson(const Explanation& x) {
  bj::value entitlement = nullptr;
  if (x.entitlement) {
    bj::object row = domain::EntitlementRow(*x.entitlement);
    row["clause_text"] = x.clause_text;
    row["upgrade_of"] = x.entitlement->upgrade_of.empty() ? bj::value(nullptr)
                                                          : bj::value(x.entitlement->upgrade_of);
    entitlement = std::move(row);
  }
  bj::array declines, payouts, clawbacks, events;
  for (const domain::Decline& d : x.declines) {
    bj::array facts;
    for (std::uint64_t seq : d.facts) facts.push_back(seq);
    declines.push_back(
        {{"rule_id", d.rule_id},
         {"seq", d.seq == 0 ? bj::value(nullptr) : bj::value(d.seq)},
         {"date", d.date == 0 ? bj::value(nullptr) : bj::value(domain::FormatDate(d.date))},
         {"reason", d.reason},
         {"detail", d.detail},
         {"facts", std::move(facts)}});
  }
  for (const auto& p : x.payouts) payouts.push_back(domain::PayoutRow(p));
  for (const auto& c : x.clawbacks) {
    clawbacks.push_back({{"seq", c.seq},
                         {"date", domain::FormatDate(c.date)},
                         {"voucher_no", c.voucher_no},
                         {"amount_fen", c.amount_fen}});
  }
  auto text_or_null = [](const std::string& s) {
    return s.empty() ? bj::value(nullptr) : bj::value(s);
  };
  for (const auto& [seq, e] : x.events) {
    bj::object actor{{"id", e.actor.id}, {"role", e.actor.role}};
    if (e.actor.os_user) actor["os_user"] = *e.actor.os_user;
    events.push_back(
        {{"seq", seq},
         {"type", e.type},
         {"effective_date", e.effective_date},
         {"recorded_at", e.recorded_at},
         {"document_ref", text_or_null(e.document_ref)},
         {"authority", text_or_null(e.authority)},
         {"reason", text_or_null(e.reason)},
         {"actor", std::move(actor)},
         {"hash", ToHex(e.hash)},
         {"retracted_by", e.retracted_by == 0 ? bj::value(nullptr) : bj::value(e.retracted_by)}});
  }
  return {{"as_of_seq", x.cut.max_seq},
          {"effective_on",
           x.cut.effective_on ? bj::value(domain::FormatDate(*x.cut.effective_on)) : nullptr},
          {"today", domain::FormatDate(x.cut.today)},
          {"entitlement_id", x.entitlement_id},
          {"carrier_id", x.carrier_id},
          {"carrier_name", x.carrier_name},
          {"entitlement", std::move(entitlement)},
          {"rule", {{"id", x.rule_id}, {"clause", x.clause}, {"clause_text", x.clause_text}}},
          {"ruleset",
           {{"id", x.ruleset_id},
            {"title", x.ruleset_title},
            {"seq", x.ruleset_seq},
            {"effective_from", x.ruleset_effective_from == 0
                                   ? bj::value(nullptr)
                                   : bj::value(domain::FormatDate(x.ruleset_effective_from))}}},
          {"declines", std::move(declines)},
          {"payouts", std::move(payouts)},
          {"clawbacks", std::move(clawbacks)},
          {"events", std::move(events)}};
}

}  // namespace hatchery::read
