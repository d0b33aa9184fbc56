#include "read/explain.h"

#include <algorithm>

#include "domain/views/derive.h"
#include "domain/views/projections.h"

namespace hatchery::read {
namespace {

namespace bj = boost::json;

Status Cite(const Ledger& ledger, std::uint64_t seq, Explanation* out) {
  if (seq == 0 || out->events.contains(seq)) return Status::Ok();
  ASSIGN_OR_RETURN(Event e, ledger.Get(seq));
  out->events.emplace(seq, EventRef{seq, e.type, e.effective_date, e.recorded_at, e.hash});
  return Status::Ok();
}

}  // namespace

StatusOr<Explanation> Explain(const Ledger& ledger, const domain::FactBase& facts,
                              const domain::Cut& cut, std::string_view entitlement_id) {
  // An id without its rule ("tl-inc-003") is read as the carrier's, to say what its ids are.
  const std::size_t colon = entitlement_id.find(':');
  const bool whole_id = colon != std::string_view::npos;
  std::string_view carrier_id = whole_id ? entitlement_id.substr(colon + 1) : entitlement_id;
  const domain::StreamFacts* stream = facts.Carrier(carrier_id);
  auto not_found = [&](const std::string& why) {
    return Status(Code::kNotFound,
                  "no entitlement \"" + std::string(entitlement_id) + "\" as of seq " +
                      std::to_string(std::min(cut.max_seq, facts.last_seq())) + ": " + why,
                  bj::object{{"field", "entitlement_id"}});
  };
  if (!stream) {
    return not_found("ids are <rule>:<carrier>, e.g. R1:tl-inc-001, and no carrier \"" +
                     std::string(carrier_id) + "\" is recorded");
  }
  domain::Policy policy(facts.policy(), cut);
  auto outcome = domain::DeriveCarrier(*stream, policy, cut);
  if (!outcome) return not_found("carrier " + std::string(carrier_id) + " is not registered yet");
  auto it = std::find_if(outcome->entitlements.begin(), outcome->entitlements.end(),
                         [&](const auto& e) { return e.id == entitlement_id; });
  if (it == outcome->entitlements.end()) {
    std::string has;
    for (const auto& e : outcome->entitlements) has += (has.empty() ? "" : ", ") + e.id;
    std::string which = whole_id ? "the carrier"
                                 : "that is carrier " + std::string(carrier_id) +
                                       "; ids are <rule>:<carrier>, and the carrier";
    return not_found(which + (has.empty() ? " has no entitlement" : " has " + has));
  }

  Explanation out;
  out.cut = cut;
  out.entitlement = *it;
  out.carrier_name = outcome->profile.name.value_or("");
  for (const domain::Ruleset* r : policy.rulesets()) {
    if (r->seq == it->ruleset_seq) {
      out.ruleset_title = r->title;
      out.ruleset_effective_from = r->effective_from;
      if (const domain::Rule* rule = r->FindRule(it->rule_id)) out.clause_text = rule->clause_text;
    }
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

  RETURN_IF_ERROR(Cite(ledger, it->ruleset_seq, &out));
  for (std::uint64_t seq : it->seqs) RETURN_IF_ERROR(Cite(ledger, seq, &out));
  for (const auto& h : it->history) RETURN_IF_ERROR(Cite(ledger, h.seq, &out));
  for (const auto& p : out.payouts) {
    RETURN_IF_ERROR(Cite(ledger, p.approved_seq, &out));
    RETURN_IF_ERROR(Cite(ledger, p.disbursed_seq, &out));
  }
  for (const auto& c : out.clawbacks) RETURN_IF_ERROR(Cite(ledger, c.seq, &out));
  return out;
}

bj::object ToJson(const Explanation& x) {
  bj::object entitlement = domain::EntitlementRow(x.entitlement);
  entitlement["clause_text"] = x.clause_text;
  entitlement["upgrade_of"] =
      x.entitlement.upgrade_of.empty() ? bj::value(nullptr) : bj::value(x.entitlement.upgrade_of);
  bj::array payouts, clawbacks, events;
  for (const auto& p : x.payouts) payouts.push_back(domain::PayoutRow(p));
  for (const auto& c : x.clawbacks) {
    clawbacks.push_back({{"seq", c.seq},
                         {"date", domain::FormatDate(c.date)},
                         {"voucher_no", c.voucher_no},
                         {"amount_fen", c.amount_fen}});
  }
  for (const auto& [seq, e] : x.events) {
    events.push_back({{"seq", seq},
                      {"type", e.type},
                      {"effective_date", e.effective_date},
                      {"recorded_at", e.recorded_at},
                      {"hash", ToHex(e.hash)}});
  }
  return {{"as_of_seq", x.cut.max_seq},
          {"effective_on",
           x.cut.effective_on ? bj::value(domain::FormatDate(*x.cut.effective_on)) : nullptr},
          {"today", domain::FormatDate(x.cut.today)},
          {"carrier_name", x.carrier_name},
          {"entitlement", std::move(entitlement)},
          {"ruleset",
           {{"id", x.entitlement.ruleset_id},
            {"title", x.ruleset_title},
            {"seq", x.entitlement.ruleset_seq},
            {"effective_from", domain::FormatDate(x.ruleset_effective_from)}}},
          {"payouts", std::move(payouts)},
          {"clawbacks", std::move(clawbacks)},
          {"events", std::move(events)}};
}

}  // namespace hatchery::read
