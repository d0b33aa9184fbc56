#include "read/history.h"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "domain/fold/counties.h"
#include "domain/views/derive.h"
#include "domain/views/projections.h"
#include "hatchery/text.h"
#include "read/filter.h"

namespace hatchery::read {
namespace {

namespace bj = boost::json;

// A member as text (read::Plain), "" when missing.
std::string Str(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v ? Plain(*v) : "";
}

// What event `e` did, in words.
std::string What(const Event& e) {
  const bj::object& d = e.data;
  const std::string& t = e.type;
  if (t == "CarrierRegistered") {
    return "registered: " + Str(d, "name") + ", " + Str(d, "kind") + " (" + Str(d, "category") +
           "), " + std::string(domain::CountyName(Str(d, "county")));
  }
  if (t == "CarrierProfileAmended") {
    std::string changes;
    if (const bj::value* c = d.if_contains("changes"); c && c->is_object()) {
      for (const auto& [key, value] : c->as_object()) {
        changes += (changes.empty() ? "" : ", ") + std::string(key) + " " +
                   (value.is_string() ? std::string(value.as_string()) : bj::serialize(value));
      }
    }
    return "profile amended: " + changes;
  }
  if (t == "AccreditationGranted") {
    return "accredited " + Str(d, "level") + " (" + Str(d, "mode") +
           (Str(d, "tier").empty() ? "" : ", " + Str(d, "tier")) + ")";
  }
  if (t == "AccreditationRevoked") return "revoked " + Str(d, "level") + ": " + Str(d, "reason");
  if (t == "EvaluationRecorded") {
    return "evaluated " + Str(d, "level") + " for " + Str(d, "year") + ": " + Str(d, "grade");
  }
  if (t == "BrandOutputFiled") {
    const bj::value* r = d.if_contains("recipient");
    return "brand output filed (" + Str(d, "filing_id") + "): " + Str(d, "service") + " for " +
           (r && r->is_object() ? Str(r->as_object(), "name") : "") + ", planned start " +
           Str(d, "planned_start");
  }
  if (t == "BrandOutputStarted") {
    const bj::value* r = d.if_contains("recipient");
    return "brand output started for " + (r && r->is_object() ? Str(r->as_object(), "name") : "") +
           (Str(d, "filing_id").empty() ? ", without a filing" : " (" + Str(d, "filing_id") + ")");
  }
  if (t == "BrokerWorkstationOpened") return "broker workstation opened: " + Str(d, "station_id");
  if (t == "BrokerQualified") {
    return "broker qualified at " + Str(d, "station_id") + ", certificate " +
           Str(d, "certificate_no");
  }
  if (t == "BrokerWorkstationClosed") {
    return "broker workstation closed: " + Str(d, "station_id") + " (" + Str(d, "reason") + ")";
  }
  if (t == "BrokerLeft") {
    return "broker " + Str(d, "broker_ref") + " left " + Str(d, "station_id") +
           (Str(d, "to_station_id").empty() ? " (" + Str(d, "reason") + ")"
                                            : " for " + Str(d, "to_station_id"));
  }
  if (t == "TechTransferDealRecorded") {
    return "technology contract " + Str(d, "deal_id") + " (" + Str(d, "contract_kind") +
           ") through " + Str(d, "station_id") + ", " + Str(d, "amount_fen") + " fen";
  }
  if (t == "FundEstablished") {
    return Str(d, "fund_type") + " fund established: " + Str(d, "fund_id");
  }
  if (t == "CooperationAgreementSigned") {
    const bj::value* p = d.if_contains("partner");
    return "cooperation agreement " + Str(d, "agreement_id") + " signed with " +
           (p && p->is_object()
                ? Str(p->as_object(), "name") + " (" + Str(p->as_object(), "kind") + ")"
                : "");
  }
  if (t == "CooperationAgreementEnded") {
    return "cooperation agreement " + Str(d, "agreement_id") + " ended: " + Str(d, "reason");
  }
  if (t == "ResidentInvestorJoined") {
    return Str(d, "investor_type") + " investor " + Str(d, "name") + " (" + Str(d, "investor_id") +
           ") took up residence";
  }
  if (t == "ResidentInvestorLeft") return "resident investor " + Str(d, "investor_id") + " left";
  if (t == "CityFundSupportGranted") {
    const bj::value* r = d.if_contains("recipient");
    return "city " + Str(d, "city_fund") + " fund support " + Str(d, "support_id") + " to " +
           (r && r->is_object() ? Str(r->as_object(), "name") : "") + ", " + Str(d, "amount_fen") +
           " fen";
  }
  if (t == "AnnualReportSubmitted") return "annual report for " + Str(d, "year");
  if (t == "PayoutApproved") {
    return "payout " + Str(d, "payout_id") + " approved on " + Str(d, "entitlement_id");
  }
  if (t == "PayoutDisbursed") {
    return "payout " + Str(d, "payout_id") + " disbursed under voucher " + Str(d, "voucher_no");
  }
  if (t == "ClawbackRecovered") {
    return "recovered on " + Str(d, "entitlement_id") + " under voucher " + Str(d, "voucher_no");
  }
  if (t == "EventRetracted") {
    return "retracted event " + Str(d, "retracted_seq") + ": " + Str(d, "reason");
  }
  return t;
}

}  // namespace

std::string NearestCarrier(const domain::FactBase& facts, std::string_view id) {
  constexpr std::size_t kLongestId =
      64;  // a carrier id's longest (EVENTS.md): no longer one is near
  if (id.size() > kLongestId) return "";
  std::string nearest;
  std::size_t best = SIZE_MAX;
  for (const auto& [known, stream] : facts.carrier_index()) {
    std::size_t d = text::EditDistance(id, known);
    if (d < best) best = d, nearest = known;
  }
  return nearest;
}

StatusOr<bj::object> History(const Ledger& ledger, const domain::FactBase& facts,
                             const domain::Cut& cut, std::string_view carrier_id) {
  const domain::StreamFacts* stream = facts.Carrier(carrier_id);
  domain::Policy policy(facts.policy(), cut);
  auto outcome = stream ? domain::DeriveCarrier(*stream, policy, cut) : std::nullopt;
  if (!outcome) {
    std::string nearest = NearestCarrier(facts, carrier_id);
    return Status(Code::kNotFound,
                  "no carrier \"" + std::string(carrier_id) + "\" is registered as of seq " +
                      std::to_string(std::min(cut.max_seq, facts.last_seq())) +
                      (nearest.empty() ? std::string() : "; the nearest is " + nearest),
                  bj::object{{"field", "carrier_id"}});
  }
  // What each event did to the awards, and the money of each payout (for its disbursement).
  std::map<std::uint64_t, bj::array> awards;
  for (const domain::Entitlement& e : outcome->entitlements) {
    for (const domain::StatusChange& step : e.history) {
      awards[step.seq].push_back({{"entitlement_id", e.id},
                                  {"status", step.status},
                                  {"reason", step.reason},
                                  {"amount_fen", e.amount_fen}});
    }
  }
  std::map<std::string, std::int64_t> payout_amounts;
  for (const domain::Payout& p : outcome->payouts) payout_amounts[p.payout_id] = p.amount_fen;
  const auto retractions = domain::RetractionsIn(*stream, cut);

  std::vector<const domain::Fact*> timeline;
  for (const domain::Fact& f : stream->facts) {
    if (f.seq > cut.max_seq) break;
    if (cut.effective_on && f.effective > *cut.effective_on) continue;
    timeline.push_back(&f);
  }
  std::stable_sort(timeline.begin(), timeline.end(),
                   [](const auto* a, const auto* b) { return a->effective < b->effective; });
  bj::array events;
  for (const domain::Fact* f : timeline) {
    ASSIGN_OR_RETURN(Event e, ledger.Get(f->seq));
    bj::object money;
    if (e.type == "PayoutApproved") money["approved_fen"] = e.data.at("amount_fen");
    if (e.type == "ClawbackRecovered") money["recovered_fen"] = e.data.at("amount_fen");
    if (e.type == "PayoutDisbursed") {
      auto it = payout_amounts.find(Str(e.data, "payout_id"));
      if (it != payout_amounts.end()) money["disbursed_fen"] = it->second;
    }
    bj::object actor{{"id", e.actor.id}, {"role", e.actor.role}};
    if (e.actor.os_user) actor["os_user"] = *e.actor.os_user;
    auto retracted = retractions.find(f->seq);
    auto changed = awards.find(f->seq);
    events.push_back(
        {{"seq", e.seq},
         {"type", e.type},
         {"effective_date", e.effective_date},
         {"recorded_at", e.recorded_at},
         {"document_ref", e.document_ref ? bj::value(*e.document_ref) : nullptr},
         {"authority", Str(e.data, "authority").empty() ? bj::value(nullptr)
                                                        : bj::value(Str(e.data, "authority"))},
         {"actor", std::move(actor)},
         {"what", What(e)},
         {"money", std::move(money)},
         {"awards", changed == awards.end() ? bj::array() : changed->second},
         {"retracted_by",
          retracted == retractions.end() ? bj::value(nullptr) : bj::value(retracted->second)}});
  }
  bj::array entitlements;
  for (const domain::Entitlement& e : outcome->entitlements) {
    entitlements.push_back(domain::EntitlementRow(e));
  }
  const std::string county = outcome->profile.county.value_or("");
  return bj::object{{"carrier_id", outcome->carrier_id},
                    {"carrier_name", outcome->profile.name.value_or("")},
                    {"kind", std::string(domain::Name(outcome->kind))},
                    {"county", county},
                    {"county_name", std::string(domain::CountyName(county))},
                    {"as_of_seq", cut.max_seq},
                    {"effective_on",
                     cut.effective_on ? bj::value(domain::FormatDate(*cut.effective_on)) : nullptr},
                    {"today", domain::FormatDate(cut.today)},
                    {"events", std::move(events)},
                    {"entitlements", std::move(entitlements)}};
}

}  // namespace hatchery::read
