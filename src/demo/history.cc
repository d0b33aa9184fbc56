#include "demo/history.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "domain/fold/counties.h"
#include "domain/fold/fact_base.h"
#include "domain/fold/ruleset.h"
#include "domain/views/projections.h"
#include "hatchery/time.h"

namespace hatchery::demo {
namespace {

namespace bj = boost::json;

// Who records: clerks record the acts, payouts are approved and disbursed by two other people.
constexpr std::string_view kClerk = "clerk.zhang";
// The history ends in mid-2026: payouts up to kLastPayout, then the two corrections.
constexpr const char* kLastPayout = "2026-06-10";
constexpr std::string_view kApprover = "finance.li";
constexpr std::string_view kCashier = "cashier.wang";

Actor Admin(std::string_view id) { return Actor{std::string(id), "admin"}; }

using domain::County;
using domain::kCounties;

struct Industry {
  const char* id;
  const char* name;
};
constexpr std::array<Industry, 6> kIndustries{{{"corn_bio", "玉米生物"},
                                               {"culture_tourism", "文化旅游"},
                                               {"coal_chemical", "现代煤化工"},
                                               {"medicine", "蒙中医药"},
                                               {"emerging", "新兴产业"},
                                               {"other", "创新创业"}}};
constexpr std::array<const char*, 5> kHosts{"university_institute", "leading_enterprise", "county",
                                            "introduced_institution", "other"};

// splitmix64: small, fast, and the same on every platform (std distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return Between(1, 100) <= percent; }

 private:
  std::uint64_t state_;
};

std::string Date(int year, int month, int day) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return text;
}

// A date `days` after `date` (months taken as 30 days; good enough for a plausible history).
std::string After(const std::string& date, int days) {
  int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2)),
      d = std::stoi(date.substr(8, 2));
  int total = (y * 12 + (m - 1)) * 28 + (std::min(d, 28) - 1) + days;
  return Date(total / (12 * 28), total / 28 % 12 + 1, total % 28 + 1);
}

// FNV-1a of `text`: a number the same on every machine, for choices that must not draw from the
// history's random stream (a draw added would change every act after it).
std::uint32_t Fnv1a(std::string_view text) {
  std::uint32_t h = 2166136261u;
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

class Builder {
 public:
  explicit Builder(const HistoryOptions& options) : random_(options.seed), options_(options) {}

  std::vector<Act> Run() {
    for (int i = 0; i < options_.carriers; ++i) Carrier(i);
    std::stable_sort(acts_.begin(), acts_.end(), ByDate);
    std::vector<Act> money = Payouts();
    acts_.insert(acts_.end(), money.begin(), money.end());
    std::stable_sort(acts_.begin(), acts_.end(), ByDate);
    Corrections();
    bj::object ruleset = domain::DefaultRulesetData();
    ruleset["clock"] = "simulated";
    acts_.insert(acts_.begin(), Act{Admin(kClerk), domain::RulesetCommand(std::move(ruleset))});
    Schedule();
    ReviseAssessmentModel();
    NameRetracted();
    return std::move(acts_);
  }

 private:
  static bool ByDate(const Act& a, const Act& b) {
    return a.command.effective_date < b.command.effective_date;
  }

  Act& Add(std::string_view recorder, const std::string& stream, const std::string& type,
           bj::object data, const std::string& date, const std::string& document_ref = "") {
    AppendCommand c;
    c.command_id = "demo-" + std::to_string(++commands_);
    c.stream = stream;
    c.type = type;
    c.data = std::move(data);
    c.effective_date = date;
    if (!document_ref.empty()) c.document_ref = document_ref;
    acts_.push_back(Act{Admin(recorder), std::move(c)});
    return acts_.back();
  }

  std::string Ref(const char* prefix, int year) {
    return std::string(prefix) + "〔" + std::to_string(year) + "〕" +
           std::to_string(++references_[prefix][year]) + "号";
  }

  void Carrier(int i) {
    Random& r = random_;
    std::int64_t roll = r.Between(1, 10);
    std::string kind = roll <= 4 ? "incubator" : roll <= 8 ? "maker_space" : "star_space";
    std::string prefix = kind == "incubator" ? "inc" : kind == "maker_space" ? "ms" : "ss";
    char id_text[32];
    std::snprintf(id_text, sizeof id_text, "tl-%s-%03d", prefix.c_str(), i + 1);
    std::string id = id_text, stream = "carrier/" + id;
    const County& county = kCounties[i % kCounties.size()];
    const Industry& industry =
        kind == "star_space" ? kIndustries[0] : kIndustries[(i / 2) % kIndustries.size()];
    std::string category = kind == "incubator" ? (r.Chance(55) ? "comprehensive" : "specialized")
                                               : (r.Chance(70) ? "social" : "university");
    std::string host =
        category == "university" ? "university_institute" : kHosts[r.Between(1, kHosts.size() - 1)];
    std::string kind_name = kind == "incubator"     ? "科技企业孵化器"
                            : kind == "maker_space" ? "众创空间"
                                                    : "星创天地";
    std::string name = std::string(county.name) + industry.name + kind_name;
    if (int n = ++names_[name]; n > 1) name += "（" + std::to_string(n) + "号）";
    std::int64_t area = kind == "incubator" ? r.Between(5, 30) * 1000 : r.Between(10, 50) * 100;

    std::string registered =
        Date(static_cast<int>(r.Between(2019, 2022)), static_cast<int>(r.Between(1, 12)),
             static_cast<int>(r.Between(1, 28)));
    bj::object profile{{"carrier_id", id},     {"name", name},      {"kind", kind},
                       {"category", category}, {"host_type", host}, {"industry", industry.id},
                       {"county", county.id},  {"area_m2", area}};
    if (r.Chance(40)) {
      profile["operator"] =
          bj::object{{"name", std::string(county.name) + "创新服务有限公司"},
                     {"mode", r.Chance(50) ? "market_team" : "professional_institution"}};
    }
    Add(kClerk, stream, "CarrierRegistered", profile, registered);
    int first_year = std::stoi(registered.substr(0, 4));
    // §2.1 市场化运营: every fifth carrier run by its own staff hands its running to a market team
    // 400 to 699 days (by After's reckoning) after registering — without a random draw, so the
    // other acts' data stay as they were (their command ids and later document numbers shift).
    if (!profile.contains("operator") && i % 5 == 2) {
      const std::string moved = After(registered, 400 + (i * 37) % 300);
      Add(kClerk, stream, "CarrierProfileAmended",
          bj::object{
              {"carrier_id", id},
              {"changes", bj::object{{"operator", bj::object{{"name", std::string(county.name) +
                                                                          "科创运营管理有限公司"},
                                                             {"mode", "market_team"}}}}}},
          moved, Ref("通科发", std::stoi(moved)));
    }
    // §4.3 属地管理: every thirteenth carrier moves to the next county 500 days after registering
    // (its earlier years stay with the county it was in).
    if (i % 13 == 6) {
      const std::string moved = After(registered, 500);
      Add(kClerk, stream, "CarrierProfileAmended",
          bj::object{{"carrier_id", id},
                     {"changes", bj::object{{"county", kCounties[(i + 1) % kCounties.size()].id}}}},
          moved, Ref("通科发", std::stoi(moved)));
    }

    // Accreditations: a city listing for some, a regional one for most, a national one later for
    // a quarter of those.
    std::string mode = kind == "incubator" ? "accredited" : (r.Chance(50) ? "filed" : "accredited");
    if (r.Chance(40)) {
      std::string date = After(registered, static_cast<int>(r.Between(60, 300)));
      Add(kClerk, stream, "AccreditationGranted",
          bj::object{{"carrier_id", id},
                     {"level", "city"},
                     {"mode", "filed"},
                     {"authority", "通辽市科学技术局"}},
          date, Ref("通科发", std::stoi(date)));
    }
    std::string regional, national;
    if (r.Chance(75)) {
      regional = Date(static_cast<int>(r.Between(std::max(first_year + 1, 2021), 2025)),
                      static_cast<int>(r.Between(3, 11)), static_cast<int>(r.Between(1, 28)));
      Add(kClerk, stream, "AccreditationGranted",
          bj::object{{"carrier_id", id},
                     {"level", "regional"},
                     {"mode", mode},
                     {"authority", "内蒙古自治区科学技术厅"}},
          regional, Ref("内科发", std::stoi(regional)));
      std::string later =
          Date(std::stoi(regional) + static_cast<int>(r.Between(1, 2)),
               static_cast<int>(r.Between(1, 12)), static_cast<int>(r.Between(1, 28)));
      if (r.Chance(30) && later <= "2026-06-30") {
        national = later;
        bj::object grant{
            {"carrier_id", id},
            {"level", "national"},
            {"mode", mode},
            {"authority",
             std::stoi(national) >= 2025 && r.Chance(30) ? "工业和信息化部" : "科学技术部"}};
        if (kind == "incubator" && std::stoi(national) >= 2025) {
          grant["tier"] = r.Chance(25) ? "excellence" : "standard";
        }
        Add(kClerk, stream, "AccreditationGranted", grant, national,
            Ref("国科火字", std::stoi(national)));
      }
    }
    Evaluations(i, id, stream, regional, "regional", "内科发");
    Evaluations(i + 1, id, stream, national, "national", "国科火字");

    if (!regional.empty() && r.Chance(35)) {
      std::string filed = After(std::max(regional, std::string("2023-06-01")), 90);
      if (filed < "2026-06-01") {
        std::string filing_id = "bf-" + id;
        bj::object recipient{{"name", std::string(kCounties[(i + 3) % 9].name) + "创业孵化基地"}};
        Add(kClerk, stream, "BrandOutputFiled",
            bj::object{{"filing_id", filing_id},
                       {"provider_id", id},
                       {"recipient", recipient},
                       {"service", r.Chance(50) ? "brand_output" : "management_service"},
                       {"planned_start", After(filed, 30)}},
            filed, Ref("通科备", std::stoi(filed)));
        // Half start on the planned day; one provider in four starts eight months late, and one
        // in four three weeks early (brand_output_off_schedule).
        std::string started = After(filed, i % 4 == 1 ? 270 : i % 4 == 2 ? 9 : 30);
        if (started > "2026-06-30") started = After(filed, 30);
        Add(kClerk, stream, "BrandOutputStarted",
            bj::object{{"provider_id", id}, {"recipient", recipient}, {"filing_id", filing_id}},
            started);
        if (!quoted_another_recipient_ && (i % 4 == 0 || i % 4 == 3)) {  // quoted for another
          quoted_another_recipient_ = true;
          Add(kClerk, stream, "BrandOutputStarted",
              bj::object{
                  {"provider_id", id},
                  {"recipient",
                   bj::object{{"name", std::string(kCounties[(i + 5) % 9].name) + "众创空间"}}},
                  {"filing_id", filing_id}},
              After(filed, 60));
        }
      }
    }
    if (i == 7) {  // brand output started without any filing (§3.2 compliance)
      Add(kClerk, stream, "BrandOutputStarted",
          bj::object{{"provider_id", id},
                     {"recipient", bj::object{{"name", "奈曼旗农业科技园"}}},
                     {"service", "branch"}},
          "2025-05-10");
    }
    if (r.Chance(30)) {
      std::string opened = After(registered, static_cast<int>(r.Between(200, 900)));
      std::string station = "ws-" + id;
      Add(kClerk, stream, "BrokerWorkstationOpened",
          bj::object{
              {"station_id", station}, {"carrier_id", id}, {"name", name + "技术经纪人工作站"}},
          opened);
      const int brokers = static_cast<int>(r.Between(1, 3));
      for (int b = 0; b < brokers; ++b) {
        Add(kClerk, stream, "BrokerQualified",
            bj::object{{"station_id", station},
                       {"broker_ref", "broker-" + id + "-" + std::to_string(b + 1)},
                       {"certificate_no", "NMJJR-" + std::to_string(r.Between(10000, 99999))}},
            After(opened, 30 + 60 * b));
      }
      BrokersWork(i, id, stream, station, opened, brokers, county, industry);
    }
    if (r.Chance(20)) {
      std::int64_t size = r.Between(5, 50) * 100'000'000;
      Add(kClerk, stream, "FundEstablished",
          bj::object{{"fund_id", "fund-" + id},
                     {"carrier_id", id},
                     {"fund_type", r.Chance(50) ? "seed" : "angel"},
                     {"size_fen", size},
                     {"social_capital_fen", size * r.Between(30, 90) / 100}},
          After(registered, static_cast<int>(r.Between(300, 1200))));
    }
    FinanceLinks(i, id, stream, registered, county, industry);
    Reports(id, stream, kind, category, first_year, area);
  }

  // §2.4 技术经纪, without a random draw: each workstation brokers three to five technology
  // contracts with the city's universities and institutes, about one a year while it is open; one
  // in three with two brokers or more sees its second move on, and one in ten closes after three
  // years (its brokers leave with it).
  void BrokersWork(int i, const std::string& id, const std::string& stream,
                   const std::string& station, const std::string& opened, int brokers,
                   const County& county, const Industry& industry) {
    static constexpr std::array<const char*, 4> kSellers{
        "内蒙古民族大学", "通辽职业学院", "通辽市农牧科学研究所", "内蒙古民族大学附属医院"};
    static constexpr std::array<const char*, 5> kKinds{"transfer", "license", "development",
                                                       "consulting", "service"};
    const std::string closes = After(opened, 3 * 336);
    const bool closing = i % 10 == 7 && closes <= "2026-06-30";
    const std::string last = closing ? closes : std::string("2026-06-30");
    for (int k = 0; k < i % 3 + 3; ++k) {
      const std::string signed_on = After(opened, 150 + 280 * k);
      if (signed_on >= last) break;
      Add(kClerk, stream, "TechTransferDealRecorded",
          bj::object{
              {"deal_id", "deal-" + id + "-" + std::to_string(k + 1)},
              {"carrier_id", id},
              {"station_id", station},
              {"broker_ref", "broker-" + id + "-1"},
              {"seller", bj::object{{"name", kSellers[(i + k) % kSellers.size()]}}},
              {"buyer",
               bj::object{{"name", std::string(county.name) + industry.name + "科技有限公司"}}},
              {"contract_kind", kKinds[(i + k) % kKinds.size()]},
              {"amount_fen", static_cast<std::int64_t>((i * 7 + k * 13) % 20 + 1) * 10'000'000}},
          signed_on,
          "1505" + std::to_string(std::stoi(signed_on)) + "000" + std::to_string(i) +
              std::to_string(k));
    }
    const std::string moved = After(opened, 400);
    if (brokers >= 2 && i % 3 == 1 && moved < last) {
      Add(kClerk, stream, "BrokerLeft",
          bj::object{
              {"station_id", station}, {"broker_ref", "broker-" + id + "-2"}, {"reason", "moved"}},
          moved);
    }
    if (closing) {
      Add(kClerk, stream, "BrokerWorkstationClosed",
          bj::object{{"station_id", station}, {"carrier_id", id}, {"reason", "inactive"}}, closes,
          Ref("通科发", std::stoi(closes)));
    }
  }

  // §3.3 投融资, without a random draw (so the other acts' data stay as they were): cooperation
  // agreements with banks (one carrier in four), guarantors (one in six) and investment
  // institutions (one in nine), some ending; a venture fund for one in eleven (in 2024 or 2025);
  // resident investment institutions for one in seven, every other one leaving, and one venture
  // investor at every ninth carrier; and the city seed and angel funds' support to a firm of one
  // carrier in five (in 2024 or 2025). (After counts a year as 336 days.)
  void FinanceLinks(int i, const std::string& id, const std::string& stream,
                    const std::string& registered, const County& county, const Industry& industry) {
    static constexpr std::array<const char*, 3> kBanks{"中国农业银行通辽分行", "内蒙古银行通辽分行",
                                                       "通辽农村商业银行"};
    auto agreement = [&](const char* suffix, const std::string& partner, const char* kind,
                         std::int64_t credit_line_fen, int after_days, bool ends) {
      const std::string signed_on = After(registered, after_days);
      if (signed_on > "2026-06-30") return;
      const std::string agreement_id = "coop-" + std::string(suffix) + "-" + id;
      bj::object data{{"agreement_id", agreement_id},
                      {"carrier_id", id},
                      {"partner", bj::object{{"name", partner}, {"kind", kind}}}};
      if (credit_line_fen > 0) data["credit_line_fen"] = credit_line_fen;
      Add(kClerk, stream, "CooperationAgreementSigned", std::move(data), signed_on,
          Ref("科金合作", std::stoi(signed_on)));
      const std::string ended = After(signed_on, 3 * 336);  // a three-year agreement
      if (ends && ended <= "2026-06-30") {
        Add(kClerk, stream, "CooperationAgreementEnded",
            bj::object{{"agreement_id", agreement_id}, {"carrier_id", id}, {"reason", "expired"}},
            ended);
      }
    };
    if (i % 4 == 1) {
      agreement("bank", kBanks[i % kBanks.size()], "bank",
                static_cast<std::int64_t>(i % 5 + 1) * 500'000'000, 200 + (i * 29) % 400,
                i % 8 == 1);
    }
    if (i % 6 == 3) {
      agreement("guar", "通辽市融资担保有限公司", "guarantor",
                static_cast<std::int64_t>(i % 3 + 1) * 300'000'000, 300 + (i * 23) % 300, false);
    }
    if (i % 9 == 4) {
      agreement("inv", "蒙东创业投资有限公司", "investment_institution", 0, 500, i % 18 == 4);
    }
    if (i % 11 == 5) {
      const std::string established =
          std::max(After(registered, 700), std::string(i % 22 == 5 ? "2025-03-15" : "2024-03-15"));
      if (established <= "2026-06-30") {
        const std::int64_t size = static_cast<std::int64_t>(i % 4 + 2) * 1'000'000'000;
        Add(kClerk, stream, "FundEstablished",
            bj::object{{"fund_id", "fund-vc-" + id},
                       {"carrier_id", id},
                       {"fund_type", "venture"},
                       {"size_fen", size},
                       {"social_capital_fen", size * (50 + i % 40) / 100}},
            established);
      }
    }
    // Resides from `joined`, leaving 672 days later when `leaves`.
    auto reside = [&](const std::string& investor_id, const std::string& name, const char* type,
                      const std::string& joined, bool leaves) {
      if (joined > "2026-06-30") return;
      Add(kClerk, stream, "ResidentInvestorJoined",
          bj::object{{"investor_id", investor_id},
                     {"carrier_id", id},
                     {"name", name},
                     {"investor_type", type}},
          joined);
      const std::string left = After(joined, 2 * 336);
      if (leaves && left <= "2026-06-30") {
        Add(kClerk, stream, "ResidentInvestorLeft",
            bj::object{{"investor_id", investor_id}, {"carrier_id", id}}, left);
      }
    };
    if (i % 7 == 2) {
      const bool angel = i % 2 == 0;
      reside(std::string(angel ? "angel-" : "seed-") + std::string(county.id),
             std::string(county.name) + (angel ? "天使投资合伙企业（有限合伙）" : "种子投资基金"),
             angel ? "angel" : "seed", After(registered, 300 + (i * 17) % 500), i % 14 == 2);
    }
    // One venture investor resident at several carriers of one county (counted once there).
    if (i % 9 == 4) {
      reside("venture-tongliao", "通辽市创业投资有限公司", "venture", After(registered, 500),
             false);
    }
    if (i % 5 == 3) {
      static constexpr std::array<const char*, 3> kSupported{"project", "team", "startup"};
      static constexpr std::array<const char*, 3> kWhat{"成果转化项目", "创业团队", "科技有限公司"};
      const std::string granted =
          std::max(After(registered, 400), std::string(i % 10 == 3 ? "2024-05-10" : "2025-05-10"));
      if (granted <= "2026-06-30") {
        Add(kClerk, stream, "CityFundSupportGranted",
            bj::object{{"support_id", "cfs-" + id},
                       {"carrier_id", id},
                       {"city_fund", i % 2 == 0 ? "seed" : "angel"},
                       {"recipient", bj::object{{"name", std::string(county.name) + industry.name +
                                                             kWhat[i % 3]},
                                                {"kind", kSupported[i % 3]}}},
                       {"amount_fen", static_cast<std::int64_t>(i % 4 + 1) * 50'000'000}},
            granted, Ref("通科基金", std::stoi(granted)));
      }
    }
  }

  // Evaluations from the year after `since`: every year at national level, in rounds (about a
  // third of carriers a year) at regional level.
  void Evaluations(int round, const std::string& id, const std::string& stream,
                   const std::string& since, const std::string& level, const char* ref) {
    if (since.empty()) return;
    int fails = 0;
    for (int year = std::stoi(since) + 1; year <= 2025; ++year) {
      if (level == "regional" && (round + year) % 3 != 0) continue;
      // National grades are 优秀/良好/合格/不合格; Inner Mongolia's regional ones have no 良好.
      std::int64_t roll = random_.Between(1, 100);
      std::string grade = roll <= 25                          ? "excellent"
                          : roll <= 55 && level != "regional" ? "good"
                          : roll <= 90                        ? "pass"
                                                              : "fail";
      std::string date = Date(year, 12, static_cast<int>(random_.Between(1, 20)));
      Add(kClerk, stream, "EvaluationRecorded",
          bj::object{{"carrier_id", id}, {"level", level}, {"year", year}, {"grade", grade}}, date,
          Ref(ref, year));
      fails = grade == "fail" ? fails + 1 : 0;
      if (fails == 2) {  // dynamic management: revoked after two failures in a row
        std::string revoked = Date(year + 1, 2, 15);
        Add(kClerk, stream, "AccreditationRevoked",
            bj::object{{"carrier_id", id}, {"level", level}, {"reason", "failed_evaluation"}},
            revoked, Ref(ref, year + 1));
        return;
      }
    }
  }

  void Reports(const std::string& id, const std::string& stream, const std::string& kind,
               const std::string& category, int first_year, std::int64_t area) {
    Random& r = random_;
    for (int year = first_year; year <= 2025; ++year) {
      if (year >= 2023 && r.Chance(8)) continue;  // a few reports never arrive
      std::int64_t grow = year - first_year;
      bj::object m;
      if (kind == "incubator") {
        m["incubated_firms"] = r.Between(20, 50) + 5 * grow;
        m["new_incubated_firms"] = r.Between(5, 20);
        m["graduated_firms"] = r.Between(1, 8);
        m["high_tech_firms"] = r.Between(1, 8);
        m["tech_sme_firms"] = r.Between(5, 25);
        m["rd_spend_fen"] = r.Between(50, 800) * 1'000'000;
        m["ip_granted"] = r.Between(5, 40);
        m["invention_patents"] = r.Between(0, 10);
        m["firms_financed"] = r.Between(1, 8);
        m["financing_fen"] = r.Between(0, 300) * 10'000'000;
        m["jobs"] = r.Between(100, 500);
        m["mentors"] = r.Between(5, 15);
        m["service_staff"] = r.Between(5, 15);
        m["events_held"] = r.Between(10, 40);
        m["incubation_fund_fen"] = r.Between(0, 10) * 100'000'000;
        if (category == "specialized") m["public_platforms"] = r.Between(0, 3);
      } else {
        m["incubated_firms"] = r.Between(3, 20);
        m["resident_teams"] = r.Between(10, 50);
        m["new_companies"] = r.Between(2, 15);
        m["seats"] = r.Between(50, 300);
        m["mentors"] = r.Between(3, 12);
        m["events_held"] = r.Between(6, 24);
        m["firms_financed"] = r.Between(0, 4);
        m["ip_granted"] = r.Between(0, 10);
        m["jobs"] = r.Between(20, 150);
      }
      if (year >= 2023) ResultsTransferred(kind, category, &m);
      std::int64_t income = r.Between(100, 2000) * 1'000'000;
      m["total_income_fen"] = income;
      m["non_rent_income_fen"] = income * r.Between(10, 80) / 100;
      m["area_m2"] = area;
      std::string submitted =
          Date(year + 1, static_cast<int>(r.Between(1, 3)), static_cast<int>(r.Between(1, 28)));
      // One report in seven for 2024 comes in May, after its deadline (late_annual_report).
      if (year == 2024 && Fnv1a(id) % 7 == 3)
        submitted = Date(2025, 5, std::stoi(submitted.substr(8)));
      Add(kClerk, stream, "AnnualReportSubmitted",
          bj::object{{"carrier_id", id}, {"year", year}, {"metrics", std::move(m)}}, submitted);
    }
  }

  // The results-transfer metrics of a report (成果转化, AnnualReportSubmitted v2, from 2023),
  // reckoned from the report's other figures rather than drawn (so the other acts stay as they
  // were): results taken on from universities and institutes, results transferred and their
  // income, and technology contracts and their amount.
  static void ResultsTransferred(const std::string& kind, const std::string& category,
                                 bj::object* m) {
    auto get = [&](const char* key) { return m->contains(key) ? m->at(key).as_int64() : 0; };
    std::int64_t transferred = 0, contracts = 0;
    if (kind == "incubator") {
      (*m)["university_results"] = get("ip_granted") / 8 + 1;
      transferred = get("graduated_firms") + 1;
      contracts = get("tech_sme_firms") / 3 + 1;
    } else {
      (*m)["university_results"] = get("ip_granted") / (category == "university" ? 3 : 5);
      transferred = get("new_companies") / 4;
      contracts = get("firms_financed");
    }
    (*m)["results_transferred"] = transferred;
    (*m)["results_transfer_income_fen"] =
        transferred * (kind == "incubator" ? 50'000'000 : 10'000'000);
    (*m)["tech_contracts"] = contracts;
    (*m)["tech_contract_fen"] = contracts * (kind == "incubator" ? 12'000'000 : 5'000'000);
  }

  // Every entitlement the acts so far earn (as the domain derives it) is paid, each instalment
  // disbursed two weeks after its approval by someone else than the approver. How fast varies with
  // the award (a hash of its id, not a random draw, so the other acts stay as they were): three in
  // ten are paid at once 20 to 79 days after becoming active, mostly within the 90-day target
  // (§4.2); the others 60 % after 60 to 119 days and the rest after 180 to 359.
  std::vector<Act> Payouts() {
    std::vector<Act> all = acts_;
    all.insert(all.begin(),
               Act{Admin(kClerk), domain::RulesetCommand(domain::DefaultRulesetData())});
    domain::FactBase facts;
    for (const Event& e : AsEvents(all)) {
      if (!facts.Apply(e).ok()) return {};
    }
    std::vector<Act> others = std::move(acts_);
    acts_.clear();
    auto projection = domain::Project(facts, domain::MakeCut(facts, std::nullopt, std::nullopt));
    for (const auto& carrier : projection.carriers) {
      for (const auto& e : carrier.entitlements) {
        if (e.status != "active") continue;
        std::string active = domain::FormatDate(e.history.back().date);
        const std::uint32_t h = Fnv1a(e.id);
        if (h % 10 < 3) {
          Instalment(e, 1, e.amount_fen, After(active, 20 + static_cast<int>(h / 10 % 60)));
          continue;
        }
        std::int64_t first = e.amount_fen * 6 / 10;
        Instalment(e, 1, first, After(active, 60 + static_cast<int>(h / 10 % 60)));
        Instalment(e, 2, e.amount_fen - first,
                   After(active, 180 + static_cast<int>(h / 600 % 180)));
      }
    }
    std::vector<Act> money = std::move(acts_);
    acts_ = std::move(others);
    return money;
  }

  void Instalment(const domain::Entitlement& e, int n, std::int64_t amount,
                  const std::string& date) {
    if (date > kLastPayout) return;
    std::string rule = e.rule_id;
    std::transform(rule.begin(), rule.end(), rule.begin(), [](char c) { return std::tolower(c); });
    std::string payout_id = "pay-" + rule + "-" + e.carrier_id + "-" + std::to_string(n);
    std::string stream = "carrier/" + e.carrier_id;
    int year = std::stoi(date);
    Add(kApprover, stream, "PayoutApproved",
        bj::object{{"payout_id", payout_id}, {"entitlement_id", e.id}, {"amount_fen", amount}},
        date, Ref("通科财", year));
    std::string paid = After(date, 14);
    if (paid > kLastPayout) return;
    char voucher[32];
    std::snprintf(voucher, sizeof voucher, "付〔%d〕%04d", std::stoi(paid),
                  ++references_["付"][std::stoi(paid)]);
    Add(kCashier, stream, "PayoutDisbursed",
        bj::object{{"payout_id", payout_id}, {"voucher_no", voucher}}, paid, voucher);
  }

  // The two corrections of the demo, recorded last: a regional accreditation found to have been
  // recorded in error (retracted after its award was partly paid), and a misconduct revocation
  // of a carrier that had been paid, with part of the money recovered.
  void Corrections() {
    std::vector<std::string> paid;  // carriers still regional with a disbursed regional award,
                                    // each once, in the order of their first disbursement
    std::set<std::string> lost;     // carriers whose regional accreditation was revoked
    for (const Act& a : acts_) {
      const auto& c = a.command;
      if (c.type == "AccreditationRevoked") lost.insert(c.stream);
      if (c.type == "PayoutDisbursed" && c.data.at("payout_id").as_string().starts_with("pay-r2") &&
          std::find(paid.begin(), paid.end(), c.stream) == paid.end()) {
        paid.push_back(c.stream);
      }
    }
    std::erase_if(paid, [&](const std::string& s) { return lost.contains(s); });
    if (paid.size() < 2) return;
    std::string wrong = paid.front(), stream = paid.back();
    std::string misconduct = stream.substr(std::string("carrier/").size());
    for (std::size_t k = 0; k < acts_.size(); ++k) {
      const auto& c = acts_[k].command;
      if (c.type == "AccreditationGranted" && c.stream == wrong &&
          c.data.at("level") == "regional") {
        retracted_command_ = c.command_id;  // its seq once the acts are in recording order
        Add(kClerk, wrong, "EventRetracted",
            bj::object{{"retracted_seq", 0},
                       {"reason", "自治区级认定录入错误：该载体未列入认定名单"}},
            "2026-06-15", Ref("通科发", 2026));
        break;
      }
    }
    Add(kClerk, stream, "AccreditationRevoked",
        bj::object{{"carrier_id", misconduct}, {"level", "regional"}, {"reason", "misconduct"}},
        "2026-06-18", Ref("内科发", 2026));
    Add(kClerk, stream, "ClawbackRecovered",
        bj::object{{"entitlement_id", "R2:" + misconduct},
                   {"amount_fen", 10'000'000},
                   {"voucher_no", "缴〔2026〕0001"}},
        "2026-06-28", "缴〔2026〕0001");
  }

  // When each act is recorded, on the store's simulated clock (the genesis declares it): the
  // store is set up a week after TCB-2023-2 took effect, and what happened before is entered from
  // the files over the two months after, in order; a later act is recorded one to thirty days
  // after it took effect — payouts and recoveries within three days, one act in eight two to
  // thirteen months late — and never before an earlier act of its stream (so each stream is
  // recorded in the same order as generated), nor after 2026-07-31. The acts are then put in
  // recording order.
  void Schedule() {
    constexpr std::int64_t kDay = 86'400'000'000, kHour = kDay / 24;
    const std::int64_t set_up = *ParseTimestamp("2023-04-03T01:00:00.000000Z");
    const std::int64_t recorded_by = *ParseTimestamp("2026-07-31T09:00:00.000000Z");
    std::size_t backlog = 0, entered = 0;
    for (const Act& a : acts_)
      backlog += NineInTheMorning(a.command.effective_date) < set_up ? 1 : 0;
    acts_[0].command.simulated_recorded_us = set_up;
    std::map<std::string, std::int64_t> stream_last;
    for (std::size_t i = 1; i < acts_.size(); ++i) {
      AppendCommand& c = acts_[i].command;
      std::int64_t took_effect = NineInTheMorning(c.effective_date);
      std::int64_t at;
      if (took_effect < set_up) {
        at = set_up + kHour +
             static_cast<std::int64_t>(entered++) * 60 * kDay / static_cast<std::int64_t>(backlog);
      } else {
        bool money = c.type.starts_with("Payout") || c.type == "ClawbackRecovered";
        std::int64_t days = money                ? random_.Between(0, 3)
                            : random_.Chance(12) ? random_.Between(60, 400)
                                                 : random_.Between(1, 30);
        at = took_effect + days * kDay + random_.Between(1, 9) * kHour;
      }
      auto last = stream_last.find(c.stream);
      if (last != stream_last.end()) at = std::max(at, last->second + 1'000'000);
      at = std::min(at, recorded_by);  // ties keep the stream's order (the sort below is stable)
      stream_last[c.stream] = at;
      c.simulated_recorded_us = at;
    }
    std::stable_sort(acts_.begin() + 1, acts_.end(), [](const Act& a, const Act& b) {
      return *a.command.simulated_recorded_us < *b.command.simulated_recorded_us;
    });
  }

  // The bureau's notice adopting the traceable assessment model TCB-2023-2-2025 (docs/domain.md)
  // is recorded on 2 January 2025, effective from the 1st: before any act of the year but money
  // paid on the 1st. It scores 2025 on, and 2023 and 2024 keep TCB-2023-2's model; its money rules
  // are TCB-2023-2's, so every award stays what it was.
  void ReviseAssessmentModel() {
    AppendCommand c =
        domain::RulesetCommand(domain::ShippedRulesetData("tcb-2023-2-2025.json").value());
    c.document_ref = Ref("通科发", 2025);
    c.simulated_recorded_us = *ParseTimestamp("2025-01-02T01:30:00.000000Z");
    auto after = std::upper_bound(
        acts_.begin() + 1, acts_.end(), *c.simulated_recorded_us,
        [](std::int64_t at, const Act& a) { return at < *a.command.simulated_recorded_us; });
    acts_.insert(after, Act{Admin(kClerk), std::move(c)});
  }

  // The retraction names its target's seq: its position once the acts are in recording order.
  void NameRetracted() {
    for (Act& a : acts_) {
      if (a.command.type != "EventRetracted") continue;
      for (std::size_t k = 0; k < acts_.size(); ++k) {
        if (acts_[k].command.command_id == retracted_command_) {
          a.command.data["retracted_seq"] = static_cast<std::int64_t>(k + 1);
        }
      }
    }
  }

  // 09:00 in Tongliao (01:00 UTC) of `date`, in Unix microseconds.
  static std::int64_t NineInTheMorning(const std::string& date) {
    return *ParseTimestamp(date + "T01:00:00.000000Z");
  }

  Random random_;
  HistoryOptions options_;
  std::string retracted_command_;          // the act the correction retracts
  bool quoted_another_recipient_ = false;  // a start quoting a filing made for someone else
  std::vector<Act> acts_;
  int commands_ = 0;
  std::map<std::string, int> names_;
  std::map<std::string, std::map<int, int>> references_;
};

}  // namespace

std::vector<Act> GenerateHistory(const HistoryOptions& options) { return Builder(options).Run(); }

Status Record(Ledger& ledger, const std::vector<Act>& acts,
              const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  constexpr std::size_t kBatch = 1000;
  for (std::size_t start = 0; start < acts.size();) {
    std::size_t end = start;
    std::vector<AppendCommand> batch;
    while (end < acts.size() && batch.size() < kBatch &&
           acts[end].actor.id == acts[start].actor.id) {
      batch.push_back(acts[end++].command);
    }
    auto results = ledger.Append(acts[start].actor, std::move(batch));
    for (std::size_t k = 0; k < results.size(); ++k) {
      if (!results[k].ok()) {
        const AppendCommand& refused = acts[start + k].command;
        return Status(Code::kInternal, "demo act " + refused.command_id + " (" + refused.type +
                                           ") was refused: " + results[k].status().ToString());
      }
    }
    start = end;
    if (progress) progress(start, acts.size());
  }
  return Status::Ok();
}

// When AsEvents' events without a simulated time are recorded: one microsecond apart from
// 2026-11-18 (after every act).
constexpr std::int64_t kRecordedFrom = 1'795'000'000'000'000;

std::vector<Event> AsEvents(const std::vector<Act>& acts) {
  std::vector<Event> events;
  events.reserve(acts.size());
  for (const Act& a : acts) {
    Event e;
    e.seq = events.size() + 1;
    e.command_id = a.command.command_id;
    e.stream = a.command.stream;
    e.stream_version = 0;
    e.type = a.command.type;
    e.data = a.command.data;
    e.effective_date = a.command.effective_date;
    e.document_ref = a.command.document_ref;
    e.actor = a.actor;
    e.recorded_at = FormatTimestamp(
        a.command.simulated_recorded_us.value_or(kRecordedFrom + static_cast<std::int64_t>(e.seq)));
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace hatchery::demo
