#include "domain/checks/invariants.h"

#include <algorithm>
#include <map>
#include <set>

#include "domain/fold/json_fields.h"
#include "domain/views/timeline.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

Status Violation(std::string_view invariant, const std::string& message, bj::object values,
                 bj::array facts = {}) {
  values["invariant"] = invariant;
  values["facts"] = std::move(facts);
  return Status(Code::kRuleViolation, std::string(invariant) + ": " + message, std::move(values));
}

Status CheckRuleset(const bj::object& data, const FactBase& facts, const Policy& policy) {
  std::string id = TextField(data, "ruleset_id");
  auto from = ParseDate(TextField(data, "effective_from"));
  for (const auto& [seq, rs] : facts.policy().rulesets) {
    if (rs.id == id) {
      return Violation(
          "ruleset_id_unique",
          "ruleset " + id + " was already activated (event " + std::to_string(seq) + ")",
          {{"ruleset_id", id}, {"seq", seq}}, {seq});
    }
  }
  for (const Ruleset* rs : policy.rulesets()) {
    if (from && *from <= rs->effective_from) {
      return Violation("ruleset_effective_from_increases",
                       "effective_from " + FormatDate(*from) + " is not after " +
                           FormatDate(rs->effective_from) + " of ruleset " + rs->id,
                       {{"effective_from", FormatDate(*from)},
                        {"previous_ruleset_id", rs->id},
                        {"previous_effective_from", FormatDate(rs->effective_from)}},
                       {rs->seq});
    }
  }
  return Status::Ok();
}

Status CheckUnique(const FactBase& facts, std::string_view kind, const std::string& id) {
  if (auto owner = facts.OwnerOf(kind, id)) {
    return Violation("id_unique",
                     "field /data/" + std::string(kind) + "_id: " + std::string(kind) + " id \"" +
                         id + "\" is already used by carrier " + std::string(*owner),
                     {{"field", "/data/" + std::string(kind) + "_id"},
                      {"kind", kind},
                      {"id", id},
                      {"carrier_id", *owner}});
  }
  return Status::Ok();
}

// `invariant` broken when the `kind` id `ident` (an agreement, a workstation) is another carrier's
// than `carrier`: the timeline would only say it is not this carrier's.
Status CheckOwn(const FactBase& facts, std::string_view kind, const std::string& ident,
                const std::string& carrier, std::string_view invariant) {
  auto owner = facts.OwnerOf(kind, ident);
  if (!owner || *owner == carrier) return Status::Ok();
  return Violation(invariant,
                   std::string(kind) + " " + ident + " is carrier " + std::string(*owner) +
                       "'s, not " + carrier + "'s",
                   {{"field", "/data/" + std::string(kind) + "_id"},
                    {std::string(kind) + "_id", ident},
                    {"owner", *owner}});
}

// recovered_within_disbursed: retracting a payout's approval or disbursement takes its money out
// of what was disbursed on its entitlement; what was recovered from the carrier must stay covered,
// or the books would show more recovered than ever paid. (Retract the claw-back first.)
Status CheckRecoveredStaysCovered(const StreamFacts& stream, const Fact& target) {
  std::string payout_id;
  if (auto* a = std::get_if<PayoutApproved>(&target.body)) payout_id = a->payout_id;
  if (auto* d = std::get_if<PayoutDisbursed>(&target.body)) payout_id = d->payout_id;
  if (payout_id.empty()) return Status::Ok();
  std::set<std::uint64_t> retracted{target.seq};
  for (const Fact& f : stream.facts) {
    if (auto* r = std::get_if<EventRetracted>(&f.body)) retracted.insert(r->retracted_seq);
  }
  std::map<std::string, const PayoutApproved*> approvals;  // by payout id, standing
  std::set<std::string> disbursed;
  for (const Fact& f : stream.facts) {
    if (retracted.count(f.seq) > 0) continue;
    if (auto* a = std::get_if<PayoutApproved>(&f.body)) approvals[a->payout_id] = a;
    if (auto* d = std::get_if<PayoutDisbursed>(&f.body)) disbursed.insert(d->payout_id);
  }
  const PayoutApproved* own = nullptr;
  for (const Fact& f : stream.facts) {
    auto* a = std::get_if<PayoutApproved>(&f.body);
    if (a && a->payout_id == payout_id) own = a;
  }
  if (!own) return Status::Ok();
  std::int64_t paid = 0, recovered = 0;
  for (const std::string& id : disbursed) {
    auto it = approvals.find(id);
    if (it != approvals.end() && it->second->entitlement_id == own->entitlement_id) {
      paid += it->second->amount_fen;
    }
  }
  bj::array recoveries;
  for (const Fact& f : stream.facts) {
    auto* c = std::get_if<ClawbackRecovered>(&f.body);
    if (c && c->entitlement_id == own->entitlement_id && retracted.count(f.seq) == 0) {
      recovered += c->amount_fen;
      recoveries.push_back(f.seq);
    }
  }
  if (recovered <= paid) return Status::Ok();
  return Violation("recovered_within_disbursed",
                   "without event " + std::to_string(target.seq) + ", " + own->entitlement_id +
                       " would have " + std::to_string(recovered) + " fen recovered but only " +
                       std::to_string(paid) + " fen disbursed; retract the claw-back first",
                   {{"entitlement_id", own->entitlement_id},
                    {"recovered_fen", recovered},
                    {"disbursed_fen", paid}},
                   std::move(recoveries));
}

Status CheckRetraction(const bj::object& data, const StreamFacts* stream, std::string_view name) {
  auto target = static_cast<std::uint64_t>(IntegerField(data, "retracted_seq"));
  const Fact* fact = stream ? stream->Find(target) : nullptr;
  if (!fact) {
    return Violation("retraction_target_exists",
                     "event " + std::to_string(target) + " is not on stream " + std::string(name),
                     {{"retracted_seq", target}, {"stream", name}});
  }
  if (std::holds_alternative<EventRetracted>(fact->body)) {
    return Violation("retraction_target_not_retraction",
                     "event " + std::to_string(target) + " is itself a retraction",
                     {{"retracted_seq", target}}, {target});
  }
  for (const Fact& f : stream->facts) {
    auto* r = std::get_if<EventRetracted>(&f.body);
    if (r && r->retracted_seq == target) {
      return Violation("not_already_retracted",
                       "event " + std::to_string(target) + " was already retracted by event " +
                           std::to_string(f.seq),
                       {{"retracted_seq", target}, {"retracted_by", f.seq}}, {target, f.seq});
    }
  }
  return CheckRecoveredStaysCovered(*stream, *fact);
}

// §2.2 / POLICY.md: a maker space or 星创天地 of category `university` (高校建设) is built by a
// university or research institute — its host_type is university_institute.
Status CheckCategoryFitsHost(const std::string& category, const std::string& host_type) {
  if (category != "university" || host_type == "university_institute") return Status::Ok();
  return Violation("category_fits_host",
                   "a space built by a university (category university) has host_type "
                   "university_institute, not " +
                       host_type,
                   {{"category", category}, {"host_type", host_type}});
}

// The invariants of a command on a registered carrier's stream that no place on the timeline
// decides.
Status CheckCarrierCommand(const AppendCommand& c, const FactBase& facts, const Walk& carrier) {
  const bj::object& d = c.data;
  const std::string& t = c.type;
  std::string id(CarrierOfStream(c.stream));
  if (t == "CarrierProfileAmended") {
    const bj::value* changes = d.if_contains("changes");
    std::string category = changes ? TextField(changes->as_object(), "category") : "";
    bool incubator = carrier.kind() == Kind::kIncubator;
    bool fits = category.empty() ||
                (incubator == (category == "comprehensive" || category == "specialized"));
    if (!fits) {
      return Violation("category_fits_kind",
                       "a " + std::string(Name(carrier.kind())) + " cannot be " + category,
                       {{"kind", Name(carrier.kind())}, {"category", category}});
    }
    std::string host = changes ? TextField(changes->as_object(), "host_type") : "";
    const Profile& now = carrier.profile();
    return CheckCategoryFitsHost(category.empty() ? now.category.value_or("") : category,
                                 host.empty() ? now.host_type.value_or("") : host);
  } else if (t == "BrandOutputFiled") {
    return CheckUnique(facts, "filing", TextField(d, "filing_id"));
  } else if (t == "BrokerWorkstationOpened") {
    return CheckUnique(facts, "station", TextField(d, "station_id"));
  } else if (t == "FundEstablished") {
    std::int64_t size = IntegerField(d, "size_fen"), social = IntegerField(d, "social_capital_fen");
    if (size < social) {
      return Violation("fund_size_covers_social_capital",
                       "size_fen " + std::to_string(size) + " is below social_capital_fen " +
                           std::to_string(social),
                       {{"size_fen", size}, {"social_capital_fen", social}});
    }
    return CheckUnique(facts, "fund", TextField(d, "fund_id"));
  } else if (t == "CooperationAgreementSigned") {
    return CheckUnique(facts, "agreement", TextField(d, "agreement_id"));
  } else if (t == "CooperationAgreementEnded") {
    return CheckOwn(facts, "agreement", TextField(d, "agreement_id"), id, "agreement_in_force");
  } else if (t == "BrokerQualified") {
    return CheckOwn(facts, "station", TextField(d, "station_id"), id, "station_exists");
  } else if (t == "BrokerWorkstationClosed" || t == "BrokerLeft") {
    return CheckOwn(facts, "station", TextField(d, "station_id"), id, "station_open");
  } else if (t == "TechTransferDealRecorded") {
    RETURN_IF_ERROR(CheckOwn(facts, "station", TextField(d, "station_id"), id, "station_open"));
    return CheckUnique(facts, "deal", TextField(d, "deal_id"));
  } else if (t == "CityFundSupportGranted") {
    return CheckUnique(facts, "support", TextField(d, "support_id"));
  } else if (t == "PayoutApproved") {
    RETURN_IF_ERROR(CheckUnique(facts, "payout", TextField(d, "payout_id")));
    std::string ent_id = TextField(d, "entitlement_id");
    if (ent_id.substr(ent_id.find(':') + 1) != id) {
      return Violation("entitlement_of_stream_carrier",
                       "entitlement " + ent_id + " is not one of " + id,
                       {{"carrier_id", id}, {"entitlement_id", ent_id}});
    }
  }
  return Status::Ok();
}

// The invariants no place on the timeline decides, for every type.
Status CheckPlaceless(const AppendCommand& c, const LiveState& live, const Walk* carrier) {
  std::string_view carrier_id = CarrierOfStream(c.stream);
  if (c.type == "PolicyRulesetActivated") return CheckRuleset(c.data, live.facts, live.policy);
  if (c.type == "LedgerPromoted") return Status::Ok();  // a decision about the log: no invariant
  if (c.type == "EventRetracted") {
    const StreamFacts* stream =
        carrier_id.empty() ? &live.facts.policy() : live.facts.Carrier(carrier_id);
    return CheckRetraction(c.data, stream, c.stream);
  }
  if (c.type == "CarrierRegistered") {
    const StreamFacts* stream = live.facts.Carrier(carrier_id);
    if (stream && !stream->facts.empty()) {
      return Violation(
          "first_event_of_stream",
          "stream " + c.stream + " already has " + std::to_string(stream->facts.size()) + " events",
          {{"stream", c.stream}}, {stream->facts.front().seq});
    }
    return CheckCategoryFitsHost(TextField(c.data, "category"), TextField(c.data, "host_type"));
  }
  bool registered = carrier && (carrier->registered() || c.type == "ClawbackRecovered");
  if (!registered) {
    return Violation("carrier_exists", "no registered carrier \"" + std::string(carrier_id) + "\"",
                     {{"carrier_id", carrier_id}});
  }
  return CheckCarrierCommand(c, live.facts, *carrier);
}

}  // namespace

Status ViolationOf(const Breach& breach) {
  bj::array facts;
  for (std::uint64_t seq : breach.facts) {
    if (seq != breach.seq) facts.emplace_back(seq);
  }
  return Violation(breach.invariant, breach.message, breach.values, std::move(facts));
}

Status CheckInvariants(const AppendCommand& c, const Actor& actor, std::string_view recorded_at,
                       const LiveState& live) {
  std::string_view carrier_id = CarrierOfStream(c.stream);
  const Walk* carrier = carrier_id.empty() ? nullptr : live.carrier(carrier_id);
  RETURN_IF_ERROR(CheckPlaceless(c, live, carrier));
  ASSIGN_OR_RETURN(Fact fact, DecodeCommand(c, actor, live.facts.last_seq() + 1, recorded_at));
  if (auto breach = JudgeRecordedDay(fact)) return ViolationOf(*breach);
  if (c.type == "PolicyRulesetActivated") {
    ASSIGN_OR_RETURN(Ruleset ruleset, ParseRuleset(c.data, fact.seq));
    auto breach = JudgeRulesetAppend(live.facts, live.policy, live.carrier, ruleset, fact);
    return breach ? ViolationOf(*breach) : Status::Ok();
  }
  if (!carrier || c.type == "EventRetracted" || c.type == "CarrierRegistered") return Status::Ok();
  auto breach = JudgeAppend(*live.facts.Carrier(carrier_id), live.policy, *carrier, fact);
  return breach ? ViolationOf(*breach) : Status::Ok();
}

}  // namespace hatchery::domain
