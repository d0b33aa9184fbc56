#include "domain/fold/facts.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <type_traits>

#include "hatchery/time.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

constexpr std::array<std::string_view, 3> kKinds{"incubator", "maker_space", "star_space"};
constexpr std::array<std::string_view, 3> kLevels{"national", "regional", "city"};
constexpr std::array<std::string_view, 2> kModes{"accredited", "filed"};
constexpr std::array<std::string_view, 3> kTiers{"untiered", "standard", "excellence"};
constexpr std::array<std::string_view, 4> kGrades{"excellent", "good", "pass", "fail"};
constexpr std::array<std::string_view, 4> kReasons{"failed_evaluation", "misconduct", "voluntary",
                                                   "other"};
constexpr std::array<std::string_view, 3> kFundTypes{"seed", "angel", "venture"};
constexpr std::array<std::string_view, 3> kPartnerKinds{"bank", "guarantor",
                                                        "investment_institution"};
constexpr std::array<std::string_view, 3> kAgreementEnds{"expired", "terminated", "other"};
constexpr std::array<std::string_view, 2> kCityFunds{"seed", "angel"};
constexpr std::array<std::string_view, 3> kSupported{"project", "team", "startup"};
constexpr std::array<std::string_view, 4> kClosures{"inactive", "carrier_request", "merged",
                                                    "other"};
constexpr std::array<std::string_view, 2> kDepartures{"left", "moved"};
constexpr std::array<std::string_view, 5> kContractKinds{"transfer", "license", "development",
                                                         "consulting", "service"};

template <typename E, std::size_t N>
std::optional<E> Lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  auto it = std::find(names.begin(), names.end(), s);
  if (it == names.end()) return std::nullopt;
  return static_cast<E>(it - names.begin());
}

// An object with no members, of either kind of JSON object a fact is read from.
template <typename Object>
const Object& EmptyObject() {
  static const Object kEmpty;
  return kEmpty;
}
template <>
const json::TapeObject& EmptyObject<json::TapeObject>() {
  static const json::Tape kTape = [] {
    json::Tape tape;
    (void)tape.Scan("{}");
    return tape;
  }();
  static const json::TapeObject kEmpty = kTape.root().as_object();
  return kEmpty;
}

// Reads the members of one event's data — a Boost.JSON object or a stored record's tape. The
// schema has already checked presence and types, so a mismatch here means data that bypassed
// validation: it is reported, never trusted.
template <typename Object>
class Reader {
 public:
  Reader(const Object& data, std::string_view type) : data_(data), type_(type) {}

  // A member object (a view for a tape: copied cheaply, valid while the tape is).
  auto Obj(std::string_view key)
      -> std::conditional_t<std::is_same_v<Object, bj::object>, const Object&, Object> {
    auto v = data_.if_contains(key);
    if (v && v->is_object()) return v->as_object();
    Fail(key);
    return EmptyObject<Object>();
  }
  std::string String(std::string_view key) { return String(data_, key, key); }
  std::optional<std::string> OptionalString(std::string_view key) {
    return data_.contains(key) ? std::optional(String(key)) : std::nullopt;
  }
  std::string String(const Object& in, std::string_view key, std::string_view path) {
    return std::string(View(in, key, path));
  }
  // The text of a string member, valid while the data is.
  std::string_view View(const Object& in, std::string_view key, std::string_view path) {
    auto v = in.if_contains(key);
    if (v && v->is_string()) return std::string_view{v->as_string()};
    Fail(path);
    return {};
  }
  std::int64_t Integer(std::string_view key) { return Integer(data_, key, key); }
  std::int64_t Integer(const Object& in, std::string_view key, std::string_view path) {
    auto v = in.if_contains(key);
    return v ? Integer(*v, path) : (Fail(path), 0);
  }
  template <typename Value>
  std::int64_t Integer(const Value& v, std::string_view path) {
    if (v.is_int64()) return v.as_int64();
    if constexpr (std::is_same_v<Value, bj::value>) {  // a DOM built in memory, not parsed
      if (v.is_uint64()) return static_cast<std::int64_t>(v.as_uint64());
    }
    Fail(path);
    return 0;
  }
  Date DateOf(std::string_view key) {
    auto date = ParseDate(View(data_, key, key));
    if (!date) Fail(key);
    return date.value_or(0);
  }
  std::string_view Text(std::string_view key) { return View(data_, key, key); }

  std::shared_ptr<const Profile> ProfileOf(const Object& in) {
    auto shared = std::make_shared<Profile>();
    Profile& p = *shared;
    auto text = [&](std::string_view key, std::optional<std::string>* out) {
      if (in.contains(key)) *out = String(in, key, key);
    };
    text("name", &p.name);
    text("category", &p.category);
    text("host_type", &p.host_type);
    text("industry", &p.industry);
    text("county", &p.county);
    if (auto op = in.if_contains("operator"); op && op->is_object()) {
      p.operator_name = String(op->as_object(), "name", "operator/name");
      p.operator_mode = String(op->as_object(), "mode", "operator/mode");
    }
    if (in.contains("area_m2")) p.area_m2 = Integer(in, "area_m2", "area_m2");
    return shared;
  }

  std::string RecipientName() {
    auto recipient = data_.if_contains("recipient");
    if (!recipient || !recipient->is_object()) return String("recipient");
    return String(recipient->as_object(), "name", "recipient/name");
  }

  Status status() const {
    if (!failed_) return Status::Ok();
    return Status(
        Code::kSchemaViolation,
        std::string{type_} + ": field /data/" + failed_field_ + " is missing or not valid",
        bj::object{{"field", "/data/" + failed_field_}});
  }

  void Fail(std::string_view key) {
    if (!failed_) failed_field_ = std::string(key);
    failed_ = true;
  }

 private:
  const Object& data_;
  std::string_view type_;
  bool failed_ = false;
  std::string failed_field_;
};

// The enumerator named by member `key` of `in` (at `path` in the data), one of `names`.
template <typename E, std::size_t N, typename R, typename Object>
E Enum(R& r, const std::array<std::string_view, N>& names, const Object& in, std::string_view key,
       std::string_view path) {
  auto value = Lookup<E>(names, r.View(in, key, path));
  if (!value) r.Fail(path);
  return value.value_or(E{});
}
// The enumerator named by the data's member `key`.
template <typename E, std::size_t N, typename R>
E Enum(R& r, const std::array<std::string_view, N>& names, std::string_view key) {
  auto value = Lookup<E>(names, r.Text(key));
  if (!value) r.Fail(key);
  return value.value_or(E{});
}

// The fact of the event `seq` of `type` with `data`, effective on `effective_date`, recorded at
// `recorded_at` (RFC 3339) by `actor_id` as `os_user` (a local write) — kept by the payouts alone
// (four-eyes), so that no other fact copies them.
template <typename Object>
StatusOr<Fact> MakeFact(std::uint64_t seq, std::string_view effective_date,
                        std::string_view recorded_at, std::string_view type, const Object& data,
                        std::string_view actor_id, std::optional<std::string_view> os_user) {
  Fact fact;
  fact.seq = seq;
  auto effective = ParseDate(effective_date);
  if (!effective) {
    return Status(Code::kBadRequest, "field \"effective_date\": not a real date",
                  bj::object{{"field", "effective_date"}});
  }
  fact.effective = *effective;
  auto recorded = ParseDate(recorded_at.substr(0, 10));
  if (!recorded) {
    return Status(Code::kBadRequest, "field \"recorded_at\": not an RFC 3339 time",
                  bj::object{{"field", "recorded_at"}});
  }
  fact.recorded = *recorded;
  ASSIGN_OR_RETURN(fact.body, DecodeData(type, data));
  auto recorder = [&] {
    return Recorder{std::string(actor_id), std::string(os_user.value_or(""))};
  };
  if (auto* p = std::get_if<PayoutApproved>(&fact.body)) p->approved_by = recorder();
  if (auto* d = std::get_if<PayoutDisbursed>(&fact.body)) d->disbursed_by = recorder();
  return fact;
}

}  // namespace

std::string_view TypeName(const FactBody& body) {
  static constexpr std::array<std::string_view, 25> kNames{"CarrierRegistered",
                                                           "CarrierProfileAmended",
                                                           "AccreditationGranted",
                                                           "AccreditationRevoked",
                                                           "EvaluationRecorded",
                                                           "BrandOutputFiled",
                                                           "BrandOutputStarted",
                                                           "BrokerWorkstationOpened",
                                                           "BrokerQualified",
                                                           "BrokerWorkstationClosed",
                                                           "BrokerLeft",
                                                           "TechTransferDealRecorded",
                                                           "FundEstablished",
                                                           "CooperationAgreementSigned",
                                                           "CooperationAgreementEnded",
                                                           "ResidentInvestorJoined",
                                                           "ResidentInvestorLeft",
                                                           "CityFundSupportGranted",
                                                           "AnnualReportSubmitted",
                                                           "PayoutApproved",
                                                           "PayoutDisbursed",
                                                           "ClawbackRecovered",
                                                           "EventRetracted",
                                                           "PolicyRulesetActivated",
                                                           "LedgerPromoted"};
  static_assert(kNames.size() == std::variant_size_v<FactBody>);
  return kNames[body.index()];
}

template <typename Object>
StatusOr<FactBody> DecodeData(std::string_view type, const Object& data) {
  Reader<Object> r(data, type);
  FactBody body;
  std::string_view t = type;
  if (t == "CarrierRegistered") {
    body = Registered{r.String("carrier_id"), Enum<Kind>(r, kKinds, "kind"), r.ProfileOf(data)};
  } else if (t == "CarrierProfileAmended") {
    body = ProfileAmended{r.ProfileOf(r.Obj("changes"))};
  } else if (t == "AccreditationGranted") {
    AccreditationGranted g{Enum<Level>(r, kLevels, "level"), Enum<Mode>(r, kModes, "mode"),
                           Tier::kUntiered, r.String("authority")};
    if (data.contains("tier")) g.tier = Enum<Tier>(r, kTiers, "tier");
    body = g;
  } else if (t == "AccreditationRevoked") {
    body = AccreditationRevoked{Enum<Level>(r, kLevels, "level"),
                                Enum<RevocationReason>(r, kReasons, "reason")};
  } else if (t == "EvaluationRecorded") {
    body = EvaluationRecorded{Enum<Level>(r, kLevels, "level"), static_cast<int>(r.Integer("year")),
                              Enum<Grade>(r, kGrades, "grade")};
  } else if (t == "BrandOutputFiled") {
    body = BrandOutputFiled{r.String("filing_id"), r.RecipientName(), r.String("service"),
                            r.DateOf("planned_start")};
  } else if (t == "BrandOutputStarted") {
    body = BrandOutputStarted{r.RecipientName(), r.OptionalString("filing_id")};
  } else if (t == "BrokerWorkstationOpened") {
    body = BrokerWorkstationOpened{r.String("station_id"), r.OptionalString("name").value_or("")};
  } else if (t == "BrokerQualified") {
    body = BrokerQualified{r.String("station_id"), r.String("broker_ref")};
  } else if (t == "BrokerWorkstationClosed") {
    body = BrokerWorkstationClosed{r.String("station_id"),
                                   Enum<StationClosure>(r, kClosures, "reason")};
  } else if (t == "BrokerLeft") {
    body = BrokerLeft{r.String("station_id"), r.String("broker_ref"),
                      Enum<BrokerDeparture>(r, kDepartures, "reason")};
  } else if (t == "TechTransferDealRecorded") {
    body = TechTransferDealRecorded{
        r.String("deal_id"), r.String("station_id"),
        std::make_shared<const Deal>(Deal{r.OptionalString("broker_ref").value_or(""),
                                          r.String(r.Obj("seller"), "name", "seller/name"),
                                          r.String(r.Obj("buyer"), "name", "buyer/name")}),
        Enum<ContractKind>(r, kContractKinds, "contract_kind"), r.Integer("amount_fen")};
  } else if (t == "FundEstablished") {
    body = FundEstablished{r.String("fund_id"), Enum<FundType>(r, kFundTypes, "fund_type"),
                           r.Integer("size_fen"), r.Integer("social_capital_fen")};
  } else if (t == "CooperationAgreementSigned") {
    const auto& partner = r.Obj("partner");
    AgreementSigned a{r.String("agreement_id"), r.String(partner, "name", "partner/name"),
                      Enum<PartnerKind>(r, kPartnerKinds, partner, "kind", "partner/kind"), 0};
    if (data.contains("credit_line_fen")) a.credit_line_fen = r.Integer("credit_line_fen");
    body = a;
  } else if (t == "CooperationAgreementEnded") {
    body =
        AgreementEnded{r.String("agreement_id"), Enum<AgreementEnd>(r, kAgreementEnds, "reason")};
  } else if (t == "ResidentInvestorJoined") {
    body = InvestorJoined{r.String("investor_id"), r.String("name"),
                          Enum<FundType>(r, kFundTypes, "investor_type")};
  } else if (t == "ResidentInvestorLeft") {
    body = InvestorLeft{r.String("investor_id")};
  } else if (t == "CityFundSupportGranted") {
    const auto& recipient = r.Obj("recipient");
    body = CityFundSupportGranted{
        r.String("support_id"), r.String(recipient, "name", "recipient/name"),
        Enum<CityFund>(r, kCityFunds, "city_fund"),
        Enum<Supported>(r, kSupported, recipient, "kind", "recipient/kind"),
        r.Integer("amount_fen")};
  } else if (t == "AnnualReportSubmitted") {
    auto metrics = std::make_shared<ReportMetrics>();
    const auto& reported = r.Obj("metrics");
    for (auto&& [key, value] : reported) {
      auto index = MeasureIndex(key);
      if (!index || *index >= kReportMetricCount) {
        r.Fail("metrics/" + std::string(key));
        continue;
      }
      metrics->Set(*index, r.Integer(value, key));
    }
    body = AnnualReportSubmitted{static_cast<int>(r.Integer("year")), std::move(metrics)};
  } else if (t == "PayoutApproved") {
    body = PayoutApproved{
        r.String("payout_id"), r.String("entitlement_id"), r.Integer("amount_fen"), {}};
  } else if (t == "PayoutDisbursed") {
    body = PayoutDisbursed{r.String("payout_id"), r.String("voucher_no"), {}};
  } else if (t == "ClawbackRecovered") {
    body = ClawbackRecovered{r.String("entitlement_id"), r.String("voucher_no"),
                             r.Integer("amount_fen")};
  } else if (t == "EventRetracted") {
    body = EventRetracted{static_cast<std::uint64_t>(r.Integer("retracted_seq"))};
  } else if (t == "PolicyRulesetActivated") {
    body = RulesetActivated{};
  } else if (t == "LedgerPromoted") {
    body = LedgerPromoted{};
  } else {
    return Status(Code::kUnknownType, "unknown event type \"" + std::string(t) + "\"",
                  bj::object{{"field", "type"}});
  }
  RETURN_IF_ERROR(r.status());
  return body;
}

std::optional<Date> ParseDate(std::string_view text) {
  if (!IsValidDate(text)) return std::nullopt;
  auto digits = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  return digits(0, 4) * 10000 + digits(5, 2) * 100 + digits(8, 2);
}

Date NextDay(Date date) {
  int y = date / 10000, m = date / 100 % 100, d = date % 100;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int last = m == 2 && leap ? 29 : kDays[m - 1];
  if (d < last) return date + 1;
  return m < 12 ? y * 10000 + (m + 1) * 100 + 1 : (y + 1) * 10000 + 101;
}

std::int64_t DaysBetween(Date from, Date to) {
  auto days = [](Date d) {
    return std::chrono::sys_days(std::chrono::year{d / 10000} /
                                 std::chrono::month{static_cast<unsigned>(d / 100 % 100)} /
                                 std::chrono::day{static_cast<unsigned>(d % 100)});
  };
  return (days(to) - days(from)).count();
}

std::string FormatDate(Date date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
  return text;
}

std::string_view Name(Kind v) { return kKinds[static_cast<std::size_t>(v)]; }
std::string_view Name(Level v) { return kLevels[static_cast<std::size_t>(v)]; }
std::string_view Name(Mode v) { return kModes[static_cast<std::size_t>(v)]; }
std::string_view Name(Tier v) { return kTiers[static_cast<std::size_t>(v)]; }
std::string_view Name(Grade v) { return kGrades[static_cast<std::size_t>(v)]; }
std::string_view Name(FundType v) { return kFundTypes[static_cast<std::size_t>(v)]; }
std::string_view Name(PartnerKind v) { return kPartnerKinds[static_cast<std::size_t>(v)]; }
std::string_view Name(AgreementEnd v) { return kAgreementEnds[static_cast<std::size_t>(v)]; }
std::string_view Name(CityFund v) { return kCityFunds[static_cast<std::size_t>(v)]; }
std::string_view Name(Supported v) { return kSupported[static_cast<std::size_t>(v)]; }
std::string_view Name(StationClosure v) { return kClosures[static_cast<std::size_t>(v)]; }
std::string_view Name(BrokerDeparture v) { return kDepartures[static_cast<std::size_t>(v)]; }
std::string_view Name(ContractKind v) { return kContractKinds[static_cast<std::size_t>(v)]; }
std::string_view Name(RevocationReason v) { return kReasons[static_cast<std::size_t>(v)]; }
std::optional<Kind> ParseKind(std::string_view s) { return Lookup<Kind>(kKinds, s); }
std::optional<Level> ParseLevel(std::string_view s) { return Lookup<Level>(kLevels, s); }
std::optional<Mode> ParseMode(std::string_view s) { return Lookup<Mode>(kModes, s); }
std::optional<Tier> ParseTier(std::string_view s) { return Lookup<Tier>(kTiers, s); }
std::optional<Grade> ParseGrade(std::string_view s) { return Lookup<Grade>(kGrades, s); }
std::optional<RevocationReason> ParseRevocationReason(std::string_view s) {
  return Lookup<RevocationReason>(kReasons, s);
}

std::string_view CarrierOfStream(std::string_view stream) {
  constexpr std::string_view kPrefix = "carrier/";
  return stream.starts_with(kPrefix) ? stream.substr(kPrefix.size()) : std::string_view();
}

template StatusOr<FactBody> DecodeData(std::string_view, const bj::object&);
template StatusOr<FactBody> DecodeData(std::string_view, const json::TapeObject&);

bool Recorder::SharesNameWith(const Recorder& other) const {
  auto named = [](const Recorder& r, const std::string& name) {
    return !name.empty() && (r.actor_id == name || r.os_user == name);
  };
  return named(other, actor_id) || named(other, os_user);
}

std::string Recorder::Describe() const {
  return os_user.empty() ? actor_id : actor_id + " (OS user " + os_user + ")";
}

StatusOr<Fact> DecodeFact(const Event& event) {
  return MakeFact(event.seq, event.effective_date, event.recorded_at, event.type, event.data,
                  event.actor.id, event.actor.os_user);
}
StatusOr<Fact> DecodeFact(const EventView& event) {
  return MakeFact(event.seq, event.effective_date, event.recorded_at, event.type, event.data,
                  event.actor.id, event.actor.os_user);
}
StatusOr<Fact> DecodeCommand(const AppendCommand& command, const Actor& actor, std::uint64_t seq,
                             std::string_view recorded_at) {
  return MakeFact(seq, command.effective_date, recorded_at, command.type, command.data, actor.id,
                  actor.os_user);
}

}  // namespace hatchery::domain
