#include "read/cells.h"

#include <map>

#include "domain/fold/counties.h"
#include "domain/fold/measures.h"
#include "domain/views/county_rollup.h"
#include "read/filter.h"

namespace hatchery::read {
namespace {

namespace bj = boost::json;
using Shown = Column::Shown;

// The key of row field `path`: the path itself, but a money field's without its "_fen" (the
// key names the money, the path its unit) — unless that is another field's name (see below).
Column Field(std::string path, Shown shown = Shown::kText, bool searched = false) {
  constexpr std::string_view kFen = "_fen";
  std::string key = path;
  if (key.ends_with(kFen)) {
    key.resize(key.size() - kFen.size());
    shown = Shown::kMoney;
  }
  return Column{std::move(key), std::move(path), shown, searched};
}

Column Searched(std::string path) { return Field(std::move(path), Shown::kText, true); }

struct ViewKeys {
  std::vector<Column> shown;  // the table's columns
  std::vector<Column> all;    // shown, then the rest
};

ViewKeys Make(std::vector<Column> shown, std::vector<Column> rest) {
  ViewKeys keys;
  keys.all = shown;
  keys.all.insert(keys.all.end(), rest.begin(), rest.end());
  keys.shown = std::move(shown);
  return keys;
}

// Adds to `keys->all` the column "values/<name>" of every name it has not.
template <typename Names>
void AddValues(const Names& names, ViewKeys* keys) {
  for (const auto& name : names) {
    Column value = Field("values/" + std::string(name));
    bool has = false;
    for (const Column& c : keys->all) has = has || c.path == value.path;
    if (!has) keys->all.push_back(std::move(value));
  }
}

std::map<std::string, ViewKeys, std::less<>> MakeViewKeys() {
  std::map<std::string, ViewKeys, std::less<>> views;
  views["carriers"] = Make(
      {Searched("carrier_id"), Searched("name"), Field("kind"), Field("category"),
       Field("county", Shown::kCounty), Field("levels", Shown::kLevels), Field("registered_on")},
      {Field("assessment_class"), Field("host_type"), Field("industry"), Field("operator"),
       Field("operators"), Field("county_history"), Searched("operator/name"),
       Field("operator/mode"), Field("area_m2"), Field("registered_seq"), Field("stations"),
       Field("funds"), Field("agreements"), Field("investors"), Field("city_fund_support")});
  views["entitlements"] =
      Make({Searched("entitlement_id"), Searched("carrier_name"), Field("status"),
            Field("ruleset_id"), Field("triggered_on"), Field("amount_fen"), Field("approved_fen"),
            Field("disbursed_fen"), Field("outstanding_fen"), Field("clawback_due_fen")},
           {Searched("carrier_id"), Field("rule_id"), Field("ruleset_seq"), Field("clause"),
            Field("recovered_fen")});
  views["payouts"] =
      Make({Searched("payout_id"), Searched("entitlement_id"), Searched("carrier_name"),
            Field("amount_fen"), Field("status"), Field("approved_on"), Field("approved_by"),
            Field("disbursed_on"), Field("disbursed_by"), Searched("voucher_no")},
           {Searched("carrier_id"), Field("approved_seq"), Field("disbursed_seq"),
            Field("approved_by_os_user"), Field("disbursed_by_os_user")});
  views["compliance"] = Make({Searched("carrier_id"), Searched("carrier_name"), Field("flag"),
                              Field("year"), Field("detail")},
                             {});
  views["indicators"] = Make(
      {Field("year"), Field("assessment_class"), Searched("carrier_id"), Searched("carrier_name"),
       Field("values/carriers"), Field("values/incubated_firms"), Field("values/graduated_firms"),
       Field("values/jobs"), Field("values/entitlements_fen"), Field("values/disbursed_fen"),
       Field("values/clawed_back_fen"), Field("values/brand_output_unfiled_starts")},
      {});
  AddValues(domain::kMeasureNames, &views["indicators"]);
  views["assessment"] = Make({Field("year"), Field("assessment_class"), Field("rank"),
                              Searched("carrier_id"), Searched("carrier_name"),
                              Column{"score", "score_centi", Shown::kPoints}, Field("ruleset_id")},
                             {});
  views["counties"] = Make({Field("year"), Searched("county_name"), Field("values/carriers"),
                            Field("values/accreditations"), Field("values/awards_created"),
                            Field("values/disbursed_fen"), Field("values/unpaid_fen"),
                            Field("values/disbursement_days_median"), Field("values/flags")},
                           {Field("county", Shown::kCounty, true)});
  AddValues(domain::CountyValueNames(), &views["counties"]);
  views["carrier"] = views["carriers"];
  // A money field whose key would be another field's name ("values/entitlements_pending_fen" and
  // the count "values/entitlements_pending") keeps its path as its key, in fen.
  for (auto& [name, keys] : views) {
    for (std::vector<Column>* list : {&keys.shown, &keys.all}) {
      for (Column& c : *list) {
        if (c.shown != Shown::kMoney) continue;
        for (const Column& other : keys.all) {
          if (other.path == c.key) {
            c.key = c.path;
            c.shown = Shown::kText;
          }
        }
      }
    }
  }
  return views;
}

const ViewKeys* Find(std::string_view view) {
  static const auto* views = new std::map<std::string, ViewKeys, std::less<>>(MakeViewKeys());
  auto it = views->find(view);
  return it == views->end() ? nullptr : &it->second;
}

std::string Grouped(std::uint64_t whole) {
  std::string text = std::to_string(whole);
  for (int i = static_cast<int>(text.size()) - 3; i > 0; i -= 3) text.insert(i, ",");
  return text;
}

// `abs` hundredths as "whole.hundredths", with `negative`'s sign.
std::string Hundredths(bool negative, std::uint64_t abs) {
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + Grouped(abs / 100) + "." + cents;
}

}  // namespace

std::string Yuan(std::int64_t fen) {
  bool negative = fen < 0;
  return Hundredths(negative, negative ? 0 - static_cast<std::uint64_t>(fen) : fen);
}

std::string Money(std::int64_t fen, Unit unit) {
  if (unit == Unit::kYuan) return Yuan(fen);
  bool negative = fen < 0;
  std::uint64_t abs = negative ? 0 - static_cast<std::uint64_t>(fen) : fen;
  // 万元 to the hundredth: 10,000 fen a hundredth of a 万元, half of it rounding away from zero.
  std::uint64_t hundredths = abs / 10'000 + (abs % 10'000 >= 5'000 ? 1 : 0);
  return Hundredths(negative && hundredths != 0, hundredths);
}

std::string LevelsText(const bj::array& levels) {
  std::string text;
  for (const bj::value& level : levels) {
    if (!text.empty()) text += ", ";
    text += Plain(level.at("level")) + " (" + Plain(level.at("mode")) + ")";
  }
  return text;
}

const std::vector<Column>& Columns(std::string_view view) {
  static const std::vector<Column> kNone;
  const ViewKeys* keys = Find(view);
  return keys ? keys->shown : kNone;
}

const std::vector<Column>& Keys(std::string_view view) {
  static const std::vector<Column> kNone;
  const ViewKeys* keys = Find(view);
  return keys ? keys->all : kNone;
}

std::string Cell(const bj::object& row, const Column& column, Unit unit) {
  const bj::value* v = At(row, column.path);
  if (!v || v->is_null()) return "";
  // Built here a count may be unsigned; parsed from a server's answer it is signed.
  auto hundredths = [&](auto show) {
    if (v->is_int64()) return show(v->as_int64());
    if (v->is_uint64()) return show(static_cast<std::int64_t>(v->as_uint64()));
    return Plain(*v);
  };
  switch (column.shown) {
    case Shown::kMoney: return hundredths([&](std::int64_t fen) { return Money(fen, unit); });
    case Shown::kPoints: return hundredths([](std::int64_t centi) { return Yuan(centi); });
    case Shown::kLevels: return LevelsText(v->as_array());
    case Shown::kCounty: return std::string(domain::CountyName(Plain(*v)));
    case Shown::kText: return Plain(*v);
  }
  return "";
}

}  // namespace hatchery::read
