// FactBase::Save and FactBase::Load: the fact base as a cereal portable binary archive. Only the
// streams (carrier id, facts, rulesets) and the first seq are archived; every index is rebuilt on
// load. Immutable shared parts (profiles, report metrics) are archived by value.
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/bitset.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>
#include <sstream>

#include "domain/fold/fact_base.h"

namespace hatchery::domain {

// A shared immutable part, by value; null archived as absent.
template <class Archive, class T>
void save(Archive& archive, const std::shared_ptr<const T>& part) {
  archive(part != nullptr);
  if (part) archive(*part);
}
template <class Archive, class T>
void load(Archive& archive, std::shared_ptr<const T>& part) {
  bool present = false;
  archive(present);
  if (!present) return part.reset();
  T value;
  archive(value);
  part = std::make_shared<const T>(std::move(value));
}

template <class Archive>
void serialize(Archive& a, Profile& p) {
  a(p.name, p.category, p.host_type, p.industry, p.county, p.operator_name, p.operator_mode,
    p.area_m2);
}
template <class Archive>
void serialize(Archive& a, Registered& f) {
  a(f.carrier_id, f.kind, f.profile);
}
template <class Archive>
void serialize(Archive& a, ProfileAmended& f) {
  a(f.changes);
}
template <class Archive>
void serialize(Archive& a, AccreditationGranted& f) {
  a(f.level, f.mode, f.tier, f.authority);
}
template <class Archive>
void serialize(Archive& a, AccreditationRevoked& f) {
  a(f.level, f.reason);
}
template <class Archive>
void serialize(Archive& a, EvaluationRecorded& f) {
  a(f.level, f.year, f.grade);
}
template <class Archive>
void serialize(Archive& a, BrandOutputFiled& f) {
  a(f.filing_id, f.recipient_name, f.service, f.planned_start);
}
template <class Archive>
void serialize(Archive& a, BrandOutputStarted& f) {
  a(f.recipient_name, f.filing_id);
}
template <class Archive>
void serialize(Archive& a, BrokerWorkstationOpened& f) {
  a(f.station_id, f.name);
}
template <class Archive>
void serialize(Archive& a, BrokerQualified& f) {
  a(f.station_id, f.broker_ref);
}
template <class Archive>
void serialize(Archive& a, BrokerWorkstationClosed& f) {
  a(f.station_id, f.reason);
}
template <class Archive>
void serialize(Archive& a, BrokerLeft& f) {
  a(f.station_id, f.broker_ref, f.reason);
}
template <class Archive>
void serialize(Archive& a, Deal& d) {
  a(d.broker_ref, d.seller, d.buyer);
}
template <class Archive>
void serialize(Archive& a, TechTransferDealRecorded& f) {
  a(f.deal_id, f.station_id, f.parties, f.kind, f.amount_fen);
}
template <class Archive>
void serialize(Archive& a, FundEstablished& f) {
  a(f.fund_id, f.fund_type, f.size_fen, f.social_capital_fen);
}
template <class Archive>
void serialize(Archive& a, AgreementSigned& f) {
  a(f.agreement_id, f.partner_name, f.partner_kind, f.credit_line_fen);
}
template <class Archive>
void serialize(Archive& a, AgreementEnded& f) {
  a(f.agreement_id, f.reason);
}
template <class Archive>
void serialize(Archive& a, InvestorJoined& f) {
  a(f.investor_id, f.name, f.investor_type);
}
template <class Archive>
void serialize(Archive& a, InvestorLeft& f) {
  a(f.investor_id);
}
template <class Archive>
void serialize(Archive& a, CityFundSupportGranted& f) {
  a(f.support_id, f.recipient_name, f.city_fund, f.recipient_kind, f.amount_fen);
}
template <class Archive>
void serialize(Archive& a, AnnualReportSubmitted& f) {
  a(f.year, f.metrics);
}
template <class Archive>
void serialize(Archive& a, Recorder& r) {
  a(r.actor_id, r.os_user);
}
template <class Archive>
void serialize(Archive& a, PayoutApproved& f) {
  a(f.payout_id, f.entitlement_id, f.amount_fen, f.approved_by);
}
template <class Archive>
void serialize(Archive& a, PayoutDisbursed& f) {
  a(f.payout_id, f.voucher_no, f.disbursed_by);
}
template <class Archive>
void serialize(Archive& a, ClawbackRecovered& f) {
  a(f.entitlement_id, f.voucher_no, f.amount_fen);
}
template <class Archive>
void serialize(Archive& a, EventRetracted& f) {
  a(f.retracted_seq);
}
template <class Archive>
void serialize(Archive& /*a*/, RulesetActivated& /*f*/) {}
template <class Archive>
void serialize(Archive& /*a*/, LedgerPromoted& /*f*/) {}
template <class Archive>
void serialize(Archive& a, Fact& f) {
  a(f.seq, f.effective, f.recorded, f.body);
}

template <class Archive>
void serialize(Archive& a, Rule& r) {
  a(r.id, r.clause, r.clause_text, r.amount_fen, r.kind, r.level, r.modes, r.first_evaluation_level,
    r.first_evaluation_grade, r.upgrade_of);
}
template <class Archive>
void serialize(Archive& a, Indicator& i) {
  a(i.id, i.name, i.shape, i.a, i.b, i.target, i.weight, i.dimension, i.sources.indicator,
    i.sources.weight, i.sources.target);
}
template <class Archive>
void serialize(Archive& a, AssessmentModel& m) {
  a(m.name, m.source, m.indicators);
}
template <class Archive>
void serialize(Archive& a, Ruleset& r) {
  a(r.seq, r.id, r.title, r.effective_from, r.rules, r.upgrade, r.void_on_revocation,
    r.national_tiers, r.report_deadline_mmdd, r.brand_output_late_days, r.payout_target_days,
    r.grade_scales, r.classes);
}
template <class Archive>
void serialize(Archive& a, StreamFacts& s) {
  a(s.carrier_id, s.facts, s.rulesets);
}

std::string FactBase::Save() const {
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive archive(out);
    archive(first_seq_, streams_);
  }
  return std::move(out).str();
}

StatusOr<std::unique_ptr<FactBase>> FactBase::Load(std::string_view bytes,
                                                   const SchemaRegistry& schemas) {
  auto facts = std::make_unique<FactBase>(schemas);
  try {
    std::istringstream in{std::string(bytes)};
    cereal::PortableBinaryInputArchive archive(in);
    archive(facts->first_seq_, facts->streams_);
  } catch (const std::exception& e) {
    return Status(Code::kCorruption, std::string("the fact base does not decode: ") + e.what());
  }
  RETURN_IF_ERROR(facts->Reindex());
  return facts;
}

}  // namespace hatchery::domain
