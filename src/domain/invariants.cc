#include "domain/invariants.h"

#include <algorithm>

#include "domain/json_fields.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

Status Violation(std::string_view invariant, const std::string& message, bj::object facts) {
  return Status(Code::kRuleViolation, std::string(invariant) + ": " + message,
                bj::object{{"invariant", invariant}, {"facts", std::move(facts)}});
}

const Entitlement* FindEntitlement(const CarrierOutcome& c, std::string_view id) {
  for (const Entitlement& e : c.entitlements) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

Status CheckRuleset(const bj::object& data, const FactBase& facts) {
  std::string id = TextField(data, "ruleset_id");
  auto from = ParseDate(TextField(data, "effective_from"));
  Cut all;
  Policy policy(facts.policy(), all);
  for (const auto& [seq, rs] : facts.policy().rulesets) {
    if (rs.id == id) {
      return Violation(
          "ruleset_id_unique",
          "ruleset " + id + " was already activated (event " + std::to_string(seq) + ")",
          {{"ruleset_id", id}, {"seq", seq}});
    }
  }
  for (const Ruleset* rs : policy.rulesets()) {
    if (from && *from <= rs->effective_from) {
      return Violation("ruleset_effective_from_increases",
                       "effective_from " + FormatDate(*from) + " is not after " +
                           FormatDate(rs->effective_from) + " of ruleset " + rs->id,
                       {{"effective_from", FormatDate(*from)},
                        {"previous_ruleset_id", rs->id},
                        {"previous_effective_from", FormatDate(rs->effective_from)}});
    }
  }
  return Status::Ok();
}

Status CheckUnique(const FactBase& facts, std::string_view kind, const std::string& id) {
  if (auto owner = facts.OwnerOf(kind, id)) {
    return Violation(
        "id_unique",
        std::string(kind) + " id \"" + id + "\" is already used by carrier " + std::string(*owner),
        {{"kind", kind}, {"id", id}, {"carrier_id", *owner}});
  }
  return Status::Ok();
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
                     {{"retracted_seq", target}});
  }
  for (const Fact& f : stream->facts) {
    auto* r = std::get_if<EventRetracted>(&f.body);
    if (r && r->retracted_seq == target) {
      return Violation("not_already_retracted",
                       "event " + std::to_string(target) + " was already retracted by event " +
                           std::to_string(f.seq),
                       {{"retracted_seq", target}, {"retracted_by", f.seq}});
    }
  }
  return Status::Ok();
}

// The invariants of commands on a registered carrier's stream.
Status CheckCarrierCommand(const AppendCommand& c, const Actor& actor, const FactBase& facts,
                           const CarrierOutcome& carrier) {
  const bj::object& d = c.data;
  const std::string& t = c.type;
  const std::string& id = carrier.carrier_id;
  if (t == "CarrierProfileAmended") {
    const bj::value* changes = d.if_contains("changes");
    std::string category = changes ? TextField(changes->as_object(), "category") : "";
    bool incubator = carrier.kind == Kind::kIncubator;
    bool fits = category.empty() ||
                (incubator == (category == "comprehensive" || category == "specialized"));
    if (!fits) {
      return Violation("category_fits_kind",
                       "a " + std::string(Name(carrier.kind)) + " cannot be " + category,
                       {{"kind", Name(carrier.kind)}, {"category", category}});
    }
  } else if (t == "AccreditationGranted" || t == "AccreditationRevoked") {
    std::string level = TextField(d, "level");
    auto held = carrier.holdings.find(*ParseLevel(level));
    bool granting = t == "AccreditationGranted";
    if (granting && held != carrier.holdings.end()) {
      return Violation(
          "level_not_held",
          id + " already holds level " + level + " (event " + std::to_string(held->second.seq) +
              ")",
          {{"carrier_id", id}, {"level", level}, {"held_since_seq", held->second.seq}});
    }
    if (!granting && held == carrier.holdings.end()) {
      return Violation("level_held", id + " does not hold level " + level,
                       {{"carrier_id", id}, {"level", level}});
    }
  } else if (t == "EvaluationRecorded") {
    Level level = *ParseLevel(TextField(d, "level"));
    auto year = static_cast<int>(IntegerField(d, "year"));
    bool ever = std::any_of(carrier.timeline.begin(), carrier.timeline.end(), [&](const auto& e) {
      return e.action == "granted" && e.level == level;
    });
    if (!ever) {
      return Violation("level_held_or_held_before",
                       id + " never held level " + std::string(Name(level)),
                       {{"carrier_id", id}, {"level", Name(level)}});
    }
    for (const Evaluation& e : carrier.evaluations) {
      if (e.level == level && e.year == year) {
        return Violation(
            "one_grade_per_year",
            id + " already has a " + std::string(Name(level)) + " grade for " +
                std::to_string(year) + " (event " + std::to_string(e.seq) + ")",
            {{"carrier_id", id}, {"level", Name(level)}, {"year", year}, {"seq", e.seq}});
      }
    }
  } else if (t == "BrandOutputFiled") {
    if (!carrier.holdings.contains(Level::kNational) &&
        !carrier.holdings.contains(Level::kRegional)) {
      return Violation("provider_accredited",
                       id + " holds no national or regional accreditation (§3.2: quality "
                            "carriers only)",
                       {{"carrier_id", id}});
    }
    return CheckUnique(facts, "filing", TextField(d, "filing_id"));
  } else if (t == "BrokerWorkstationOpened") {
    return CheckUnique(facts, "station", TextField(d, "station_id"));
  } else if (t == "BrokerQualified") {
    std::string station = TextField(d, "station_id");
    auto owner = facts.OwnerOf("station", station);
    if (!owner || *owner != id) {
      return Violation("station_exists", "no workstation \"" + station + "\" at " + id,
                       {{"carrier_id", id}, {"station_id", station}});
    }
  } else if (t == "FundEstablished") {
    std::int64_t size = IntegerField(d, "size_fen"), social = IntegerField(d, "social_capital_fen");
    if (size < social) {
      return Violation("fund_size_covers_social_capital",
                       "size_fen " + std::to_string(size) + " is below social_capital_fen " +
                           std::to_string(social),
                       {{"size_fen", size}, {"social_capital_fen", social}});
    }
    return CheckUnique(facts, "fund", TextField(d, "fund_id"));
  } else if (t == "PayoutApproved") {
    RETURN_IF_ERROR(CheckUnique(facts, "payout", TextField(d, "payout_id")));
    std::string ent_id = TextField(d, "entitlement_id");
    std::int64_t amount = IntegerField(d, "amount_fen");
    if (ent_id.substr(ent_id.find(':') + 1) != id) {
      return Violation("entitlement_of_stream_carrier",
                       "entitlement " + ent_id + " is not one of " + id,
                       {{"carrier_id", id}, {"entitlement_id", ent_id}});
    }
    const Entitlement* e = FindEntitlement(carrier, ent_id);
    if (!e || e->status != "active") {
      return Violation(
          "entitlement_active", "entitlement " + ent_id + " is " + (e ? e->status : "not derived"),
          {{"entitlement_id", ent_id}, {"status", e ? bj::value(e->status) : nullptr}});
    }
    if (amount > e->outstanding_fen()) {
      return Violation("payout_within_outstanding",
                       "amount_fen " + std::to_string(amount) + " exceeds the outstanding " +
                           std::to_string(e->outstanding_fen()) + " of " + ent_id,
                       {{"entitlement_id", ent_id},
                        {"amount_fen", amount},
                        {"outstanding_fen", e->outstanding_fen()},
                        {"approved_fen", e->approved_fen}});
    }
  } else if (t == "PayoutDisbursed") {
    std::string payout_id = TextField(d, "payout_id");
    auto p = std::find_if(carrier.payouts.begin(), carrier.payouts.end(),
                          [&](const Payout& p) { return p.payout_id == payout_id; });
    if (p == carrier.payouts.end()) {
      return Violation("payout_approved", "no approved payout \"" + payout_id + "\" at " + id,
                       {{"carrier_id", id}, {"payout_id", payout_id}});
    }
    if (p->status != "approved") {
      return Violation(
          "payout_not_disbursed",
          "payout " + payout_id + " is " + p->status +
              (p->status == "void" ? " (its entitlement was voided)" : ""),
          {{"payout_id", payout_id}, {"status", p->status}, {"entitlement_id", p->entitlement_id}});
    }
    if (p->approved_by == actor.id) {
      return Violation("four_eyes",
                       actor.id + " approved payout " + payout_id +
                           " and may not also disburse it (经办与审核分离)",
                       {{"payout_id", payout_id},
                        {"approved_by", p->approved_by},
                        {"approved_seq", p->approved_seq}});
    }
  } else if (t == "ClawbackRecovered") {
    std::string ent_id = TextField(d, "entitlement_id");
    std::int64_t amount = IntegerField(d, "amount_fen");
    const Entitlement* e = FindEntitlement(carrier, ent_id);
    std::int64_t due = e ? e->clawback_due_fen() : 0;
    if (amount > due) {
      return Violation("clawback_within_due",
                       "amount_fen " + std::to_string(amount) + " exceeds the claw-back due " +
                           std::to_string(due) + " on " + ent_id,
                       {{"entitlement_id", ent_id}, {"amount_fen", amount}, {"due_fen", due}});
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckInvariants(const AppendCommand& c, const Actor& actor, const FactBase& facts,
                       const OutcomeLookup& outcome) {
  std::string_view carrier_id = CarrierOfStream(c.stream);
  if (c.type == "PolicyRulesetActivated") return CheckRuleset(c.data, facts);
  if (c.type == "EventRetracted") {
    const StreamFacts* stream = carrier_id.empty() ? &facts.policy() : facts.Carrier(carrier_id);
    return CheckRetraction(c.data, stream, c.stream);
  }
  if (c.type == "CarrierRegistered") {
    const StreamFacts* stream = facts.Carrier(carrier_id);
    if (stream && !stream->facts.empty()) {
      return Violation(
          "first_event_of_stream",
          "stream " + c.stream + " already has " + std::to_string(stream->facts.size()) + " events",
          {{"stream", c.stream}, {"first_seq", stream->facts.front().seq}});
    }
    return Status::Ok();
  }
  const CarrierOutcome* carrier = outcome(carrier_id);
  if (!carrier) {
    return Violation("carrier_exists", "no registered carrier \"" + std::string(carrier_id) + "\"",
                     {{"carrier_id", carrier_id}});
  }
  return CheckCarrierCommand(c, actor, facts, *carrier);
}

}  // namespace hatchery::domain
