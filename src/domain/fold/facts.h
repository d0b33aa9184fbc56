// Facts: the typed form of recorded events that the policy logic works on. Decoding happens once
// per event (the fold keeps facts, not JSON); every decoded fact carries its seq and effective
// date so that rules can order facts by (effective_date, seq) as EVENTS.md requires.
//
// Value types; functions are pure and thread-safe.
#ifndef HATCHERY_DOMAIN_FOLD_FACTS_H_
#define HATCHERY_DOMAIN_FOLD_FACTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/fold/measures.h"
#include "hatchery/event.h"
#include "hatchery/status.h"

namespace hatchery::domain {

// A business date as the integer YYYYMMDD (orders like the date; 0 = none).
using Date = std::int32_t;
std::optional<Date> ParseDate(std::string_view text);  // "YYYY-MM-DD", a real date
std::string FormatDate(Date date);
inline int YearOf(Date date) { return date / 10000; }
// 31 December of `year`.
inline Date YearEnd(int year) { return year * 10000 + 1231; }
// The day after `date`.
Date NextDay(Date date);
// The days from `from` to `to` (negative when `to` is earlier): both real dates.
std::int64_t DaysBetween(Date from, Date to);

enum class Kind { kIncubator, kMakerSpace, kStarSpace };
enum class Level { kNational, kRegional, kCity };
enum class Mode { kAccredited, kFiled };
enum class Tier { kUntiered, kStandard, kExcellence };
enum class Grade { kExcellent, kGood, kPass, kFail };
enum class RevocationReason { kFailedEvaluation, kMisconduct, kVoluntary, kOther };
// §3.3: the kind of a fund, or of a resident investment institution.
enum class FundType { kSeed, kAngel, kVenture };
enum class PartnerKind { kBank, kGuarantor, kInvestmentInstitution };
enum class AgreementEnd { kExpired, kTerminated, kOther };
enum class CityFund { kSeed, kAngel };  // 市种子基金, 市天使投资基金
enum class Supported { kProject, kTeam, kStartup };
// §2.4: why a workstation closed, why a broker left it, what kind of technology contract a deal is.
enum class StationClosure { kInactive, kCarrierRequest, kMerged, kOther };
enum class BrokerDeparture { kLeft, kMoved };
enum class ContractKind { kTransfer, kLicense, kDevelopment, kConsulting, kService };

// Wire names (EVENTS.md), and their inverses (nullopt for anything else).
std::string_view Name(Kind v);
std::string_view Name(Level v);
std::string_view Name(Mode v);
std::string_view Name(Tier v);
std::string_view Name(Grade v);
std::string_view Name(RevocationReason v);
std::string_view Name(FundType v);
std::string_view Name(PartnerKind v);
std::string_view Name(AgreementEnd v);
std::string_view Name(CityFund v);
std::string_view Name(Supported v);
std::string_view Name(StationClosure v);
std::string_view Name(BrokerDeparture v);
std::string_view Name(ContractKind v);
std::optional<Kind> ParseKind(std::string_view s);
std::optional<Level> ParseLevel(std::string_view s);
std::optional<Mode> ParseMode(std::string_view s);
std::optional<Tier> ParseTier(std::string_view s);  // "untiered" included
std::optional<Grade> ParseGrade(std::string_view s);
std::optional<RevocationReason> ParseRevocationReason(std::string_view s);

// The registered facts of a carrier that may change (CarrierProfileAmended.changes).
struct Profile {
  std::optional<std::string> name, category, host_type, industry, county, operator_name,
      operator_mode;
  std::optional<std::int64_t> area_m2;
};

// Large, rare parts of a fact are shared and immutable, so that every fact stays small.
struct Registered {
  std::string carrier_id;
  Kind kind = Kind::kIncubator;
  std::shared_ptr<const Profile> profile;  // every required field set
};
struct ProfileAmended {
  std::shared_ptr<const Profile> changes;
};
struct AccreditationGranted {
  Level level = Level::kNational;
  Mode mode = Mode::kAccredited;
  Tier tier = Tier::kUntiered;
  std::string authority;
};
struct AccreditationRevoked {
  Level level = Level::kNational;
  RevocationReason reason = RevocationReason::kOther;
};
struct EvaluationRecorded {
  Level level = Level::kNational;
  int year = 0;
  Grade grade = Grade::kPass;
};
struct BrandOutputFiled {
  std::string filing_id, recipient_name, service;
  Date planned_start = 0;
};
struct BrandOutputStarted {
  std::string recipient_name;
  std::optional<std::string> filing_id;
};
struct BrokerWorkstationOpened {
  std::string station_id, name;  // name: "" when not given
};
struct BrokerQualified {
  std::string station_id, broker_ref;
};
struct BrokerWorkstationClosed {
  std::string station_id;
  StationClosure reason = StationClosure::kOther;
};
struct BrokerLeft {
  std::string station_id, broker_ref;
  BrokerDeparture reason = BrokerDeparture::kLeft;
};
// TechTransferDealRecorded: the parties and the broker are kept as shared text, so that the fact
// stays small.
struct Deal {
  std::string broker_ref, seller, buyer;  // broker_ref: "" when none brokered it
};
struct TechTransferDealRecorded {
  std::string deal_id, station_id;
  std::shared_ptr<const Deal> parties;
  ContractKind kind = ContractKind::kTransfer;
  std::int64_t amount_fen = 0;
};
struct FundEstablished {
  std::string fund_id;
  FundType fund_type = FundType::kSeed;
  std::int64_t size_fen = 0, social_capital_fen = 0;
};
// CooperationAgreementSigned
struct AgreementSigned {
  std::string agreement_id, partner_name;
  PartnerKind partner_kind = PartnerKind::kBank;
  std::int64_t credit_line_fen = 0;  // 0: none named
};
// CooperationAgreementEnded
struct AgreementEnded {
  std::string agreement_id;
  AgreementEnd reason = AgreementEnd::kOther;
};
// ResidentInvestorJoined
struct InvestorJoined {
  std::string investor_id, name;
  FundType investor_type = FundType::kSeed;
};
// ResidentInvestorLeft
struct InvestorLeft {
  std::string investor_id;
};
struct CityFundSupportGranted {
  std::string support_id, recipient_name;
  CityFund city_fund = CityFund::kSeed;
  Supported recipient_kind = Supported::kProject;
  std::int64_t amount_fen = 0;
};
struct AnnualReportSubmitted {
  int year = 0;
  std::shared_ptr<const ReportMetrics> metrics;
};
// Who recorded an event, as four-eyes (经办与审核分离) compares them: the actor it names and, for a
// local write, the operating-system account that ran it ("" for a server's: its token's actor).
struct Recorder {
  std::string actor_id, os_user;
  // Whether the two may be one person: a name of one (actor id or OS user) is a name of the other.
  // Two local writes by one OS account share a name whatever actors they claim.
  bool SharesNameWith(const Recorder& other) const;
  // "finance.li", or "cashier.wang (OS user li)".
  std::string Describe() const;
  bool operator==(const Recorder&) const = default;
};

struct PayoutApproved {
  std::string payout_id, entitlement_id;
  std::int64_t amount_fen = 0;
  Recorder approved_by;  // four-eyes
};
struct PayoutDisbursed {
  std::string payout_id, voucher_no;
  Recorder disbursed_by;
};
struct ClawbackRecovered {
  std::string entitlement_id, voucher_no;
  std::int64_t amount_fen = 0;
};
struct EventRetracted {
  std::uint64_t retracted_seq;
};
// PolicyRulesetActivated is kept as its parsed Ruleset by the fact base (ruleset.h).
struct RulesetActivated {};
// LedgerPromoted records an operator's decision about the log itself (a read replica made the
// primary: docs/operations.md), not a fact of the policy: nothing is derived from it.
struct LedgerPromoted {};

using FactBody =
    std::variant<Registered, ProfileAmended, AccreditationGranted, AccreditationRevoked,
                 EvaluationRecorded, BrandOutputFiled, BrandOutputStarted, BrokerWorkstationOpened,
                 BrokerQualified, BrokerWorkstationClosed, BrokerLeft, TechTransferDealRecorded,
                 FundEstablished, AgreementSigned, AgreementEnded, InvestorJoined, InvestorLeft,
                 CityFundSupportGranted, AnnualReportSubmitted, PayoutApproved, PayoutDisbursed,
                 ClawbackRecovered, EventRetracted, RulesetActivated, LedgerPromoted>;

struct Fact {
  std::uint64_t seq = 0;
  Date effective = 0;
  Date recorded = 0;  // the (UTC) day of its recorded_at
  FactBody body;
};

// The event type a fact body is decoded from (EVENTS.md), e.g. "CarrierRegistered".
std::string_view TypeName(const FactBody& body);

// The typed form of `data` of `type` (newest schema version, already schema-valid).
// Errors: kUnknownType; kSchemaViolation naming a field the schema cannot fully check (an
// impossible calendar date).
// `Object` is boost::json::object or json::TapeObject (a stored record's data, read in place).
template <typename Object>
StatusOr<FactBody> DecodeData(std::string_view type, const Object& data);

// The fact of `event`, whose data must be of the newest schema version of its type (upcast
// first). Errors: kUnknownType; kSchemaViolation for data the schema cannot express as invalid
// (an impossible calendar date), naming the field.
StatusOr<Fact> DecodeFact(const Event& event);
StatusOr<Fact> DecodeFact(const EventView& event);
// The fact `command` (schema-valid, newest version) would be as event `seq`, recorded at
// `recorded_at` (RFC 3339) by `actor`. Errors: as DecodeFact.
StatusOr<Fact> DecodeCommand(const AppendCommand& command, const Actor& actor, std::uint64_t seq,
                             std::string_view recorded_at);

// "carrier/<id>" → id; "" for any other stream.
std::string_view CarrierOfStream(std::string_view stream);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_FOLD_FACTS_H_
