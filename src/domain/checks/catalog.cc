#include "domain/checks/catalog.h"

#include <array>

#include "domain/fold/facts.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

constexpr std::array<TypeRules, 25> kTypes{{
    {"PolicyRulesetActivated", true, true, ""},
    {"CarrierRegistered", false, false, "carrier_id"},
    {"CarrierProfileAmended", false, false, "carrier_id"},
    {"AccreditationGranted", false, true, "carrier_id"},
    {"AccreditationRevoked", false, true, "carrier_id"},
    {"EvaluationRecorded", false, true, "carrier_id"},
    {"BrandOutputFiled", false, true, "provider_id"},
    {"BrandOutputStarted", false, false, "provider_id"},
    {"BrokerWorkstationOpened", false, false, "carrier_id"},
    {"BrokerQualified", false, false, ""},
    {"BrokerWorkstationClosed", false, false, "carrier_id"},
    {"BrokerLeft", false, false, ""},
    {"TechTransferDealRecorded", false, true, "carrier_id"},
    {"FundEstablished", false, false, "carrier_id"},
    {"CooperationAgreementSigned", false, true, "carrier_id"},
    {"CooperationAgreementEnded", false, false, "carrier_id"},
    {"ResidentInvestorJoined", false, false, "carrier_id"},
    {"ResidentInvestorLeft", false, false, "carrier_id"},
    {"CityFundSupportGranted", false, true, "carrier_id"},
    {"AnnualReportSubmitted", false, false, "carrier_id"},
    {"PayoutApproved", false, true, ""},
    {"PayoutDisbursed", false, true, ""},
    {"ClawbackRecovered", false, true, ""},
    {"EventRetracted", false, true, ""},
    {"LedgerPromoted", true, true, ""},
}};

}  // namespace

const TypeRules* FindTypeRules(std::string_view type) {
  for (const TypeRules& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

Status CheckEnvelope(const AppendCommand& c) {
  const TypeRules* rules = FindTypeRules(c.type);
  if (!rules) {
    return Status(Code::kUnknownType, "unknown event type \"" + c.type + "\"",
                  bj::object{{"field", "type"}, {"type", c.type}});
  }
  std::string_view carrier = CarrierOfStream(c.stream);
  // EventRetracted goes on the stream of the event it retracts, whichever that is.
  if (c.type != "EventRetracted" && rules->on_policy_stream != carrier.empty()) {
    return Status(Code::kBadRequest,
                  "field \"stream\": " + c.type + " goes on " +
                      (rules->on_policy_stream ? "the \"policy\" stream"
                                               : "a \"carrier/<carrier_id>\" stream"),
                  bj::object{{"field", "stream"}});
  }
  if (rules->document_ref_required && !c.document_ref) {
    return Status(Code::kBadRequest,
                  "field \"document_ref\": required for " + c.type +
                      " (the official reference: 文号 or voucher number)",
                  bj::object{{"field", "document_ref"}});
  }
  if (!rules->stream_id_field.empty()) {
    const bj::value* id = c.data.if_contains(rules->stream_id_field);
    if (id && id->is_string() && id->as_string() != carrier) {
      std::string field(rules->stream_id_field);
      return Status(Code::kRuleViolation,
                    "id_matches_stream: data." + field + " is \"" + std::string(id->as_string()) +
                        "\" but the stream is \"" + c.stream + "\"",
                    bj::object{{"invariant", "id_matches_stream"},
                               {"field", "/data/" + field},
                               {"stream", c.stream},
                               {field, id->as_string()},
                               {"facts", bj::array{}}});
    }
  }
  return Status::Ok();
}

}  // namespace hatchery::domain
