#include "read/cells.h"

#include <map>

#include "read/filter.h"

namespace hatchery::read {
namespace {

namespace bj = boost::json;
using Shown = Column::Shown;

const std::map<std::string, std::vector<Column>, std::less<>>& TableColumns() {
  static const auto* columns = new std::map<std::string, std::vector<Column>, std::less<>>{
      {"carriers",
       {{"carrier", "carrier_id"},
        {"name", "name"},
        {"kind", "kind"},
        {"category", "category"},
        {"county", "county"},
        {"levels held", "levels", Shown::kLevels},
        {"registered", "registered_on"}}},
      {"entitlements",
       {{"entitlement", "entitlement_id"},
        {"status", "status"},
        {"ruleset", "ruleset_id"},
        {"triggered", "triggered_on"},
        {"amount ¥", "amount_fen", Shown::kYuan},
        {"approved ¥", "approved_fen", Shown::kYuan},
        {"disbursed ¥", "disbursed_fen", Shown::kYuan},
        {"outstanding ¥", "outstanding_fen", Shown::kYuan},
        {"claw-back due ¥", "clawback_due_fen", Shown::kYuan}}},
      {"payouts",
       {{"payout", "payout_id"},
        {"entitlement", "entitlement_id"},
        {"amount ¥", "amount_fen", Shown::kYuan},
        {"status", "status"},
        {"approved", "approved_on"},
        {"by", "approved_by"},
        {"disbursed", "disbursed_on"},
        {"by", "disbursed_by"},
        {"voucher", "voucher_no"}}},
      {"compliance",
       {{"carrier", "carrier_id"}, {"flag", "flag"}, {"year", "year"}, {"detail", "detail"}}},
      {"indicators",
       {{"year", "year"},
        {"class", "assessment_class"},
        {"carrier", "carrier_id"},
        {"carriers", "values/carriers"},
        {"in incubation", "values/incubated_firms"},
        {"graduated", "values/graduated_firms"},
        {"jobs", "values/jobs"},
        {"entitled ¥", "values/entitlements_fen", Shown::kYuan},
        {"disbursed ¥", "values/disbursed_fen", Shown::kYuan},
        {"clawed back ¥", "values/clawed_back_fen", Shown::kYuan},
        {"unfiled outputs", "values/brand_output_unfiled_starts"}}},
      {"assessment",
       {{"year", "year"},
        {"class", "assessment_class"},
        {"rank", "rank"},
        {"carrier", "carrier_id"},
        {"score", "score_centi", Shown::kPoints},
        {"ruleset", "ruleset_id"}}},
  };
  return *columns;
}

}  // namespace

std::string Yuan(std::int64_t fen) {
  bool negative = fen < 0;
  std::uint64_t abs = negative ? 0 - static_cast<std::uint64_t>(fen) : fen;
  std::string whole = std::to_string(abs / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(i, ",");
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + whole + "." + cents;
}

const std::vector<Column>& Columns(std::string_view view) {
  static const std::vector<Column> kNone;
  auto it = TableColumns().find(view);
  return it == TableColumns().end() ? kNone : it->second;
}

std::string Cell(const bj::object& row, const Column& column) {
  const bj::value* v = At(row, column.path);
  if (!v || v->is_null()) return "";
  switch (column.shown) {
    case Shown::kYuan:
    case Shown::kPoints:  // hundredths of a point print like fen as yuan
      // Built here a count may be unsigned; parsed from a server's answer it is signed.
      if (v->is_int64()) return Yuan(v->as_int64());
      if (v->is_uint64()) return Yuan(static_cast<std::int64_t>(v->as_uint64()));
      return Plain(*v);
    case Shown::kLevels: {
      std::string text;
      for (const bj::value& level : v->as_array()) {
        if (!text.empty()) text += ", ";
        text += Plain(level.at("level")) + " (" + Plain(level.at("mode")) + ")";
      }
      return text;
    }
    case Shown::kText: return Plain(*v);
  }
  return "";
}

}  // namespace hatchery::read
