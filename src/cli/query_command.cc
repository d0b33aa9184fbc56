// query: a projection of the store as a table for people or JSON for programs.
#include <boost/json.hpp>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "cli/table.h"
#include "domain/projections.h"
#include "hatchery/sha256.h"
#include "replay/replay.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

enum class Shown { kText, kYuan, kLevels, kPoints };

struct Column {
  std::string header;
  std::string path;  // member names joined by '/', e.g. "values/jobs"
  Shown shown = Shown::kText;
};

// The columns of each view's table; JSON output has every field.
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

const bj::value* At(const bj::object& row, const std::string& path) {
  const bj::object* object = &row;
  const bj::value* value = nullptr;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t slash = std::min(path.find('/', start), path.size());
    if (!object) return nullptr;
    value = object->if_contains(path.substr(start, slash - start));
    if (!value) return nullptr;
    object = value->if_object();
    start = slash + 1;
  }
  return value;
}

std::string Plain(const bj::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  return bj::serialize(v);
}

std::string Cell(const bj::object& row, const Column& column) {
  const bj::value* v = At(row, column.path);
  if (!v || v->is_null()) return "";
  switch (column.shown) {
    case Shown::kYuan:
    case Shown::kPoints:  // hundredths of a point print like fen as yuan
      return v->is_int64() ? Yuan(v->as_int64()) : Plain(*v);
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

struct QueryArgs {
  std::string dir, view, format = "table";
  std::vector<std::string> filters;  // KEY=VALUE
  PointArgs point;
  RemoteArgs remote;
};

// What a query answers, here or from a server: the JSON output's members but the rows, the rows
// that pass the filters, and how many rows the view has (when known).
struct Answer {
  bj::object meta;
  bj::array rows;
  std::optional<std::size_t> of_rows;
};

StatusOr<Answer> QueryHere(const QueryArgs& args,
                           const std::vector<std::pair<std::string, std::string>>& filters) {
  ASSIGN_OR_RETURN(replay::Point point, ToPoint(args.point, "--as-of"));
  ASSIGN_OR_RETURN(auto ledger, OpenReadOnly(args.dir));
  ASSIGN_OR_RETURN(std::uint64_t as_of_seq, replay::PointSeq(*ledger, point));
  ASSIGN_OR_RETURN(replay::Folded folded,
                   replay::Fold(*ledger, as_of_seq, replay::Path::kFromSnapshot));
  const domain::FactBase& facts = *folded.facts;
  domain::Cut cut = domain::MakeCut(facts, as_of_seq, point.effective_on);
  domain::Projection projection = domain::Project(facts, cut);
  ASSIGN_OR_RETURN(bj::array rows, domain::ViewRows(projection, args.view));
  Answer answer;
  answer.of_rows = rows.size();
  answer.meta = {
      {"view", args.view},
      {"as_of_seq", std::min(cut.max_seq, facts.last_seq())},
      {"effective_on", point.effective_on ? bj::value(args.point.effective_on) : nullptr},
      {"today", domain::FormatDate(cut.today)},
      {"digest", ToHex(domain::ViewDigest(rows))}};  // of the whole view
  for (bj::value& row : rows) {
    bool match = std::all_of(filters.begin(), filters.end(), [&](const auto& f) {
      const bj::value* v = At(row.as_object(), f.first);
      return v && Plain(*v) == f.second;
    });
    if (match) answer.rows.push_back(std::move(row));
  }
  return answer;
}

StatusOr<Answer> QueryThere(const QueryArgs& args,
                            const std::vector<std::pair<std::string, std::string>>& filters) {
  ASSIGN_OR_RETURN(bj::object request, PointRequest(args.point, "--as-of"));
  request["view"] = args.view;
  bj::object filter;
  for (const auto& [key, value] : filters) filter[key] = value;
  request["filter"] = std::move(filter);
  ASSIGN_OR_RETURN(auto connection, Connect(args.remote));
  ASSIGN_OR_RETURN(bj::object result, connection->Call("query", std::move(request)));
  Answer answer;
  if (bj::value* rows = result.if_contains("rows"); rows && rows->is_array()) {
    answer.rows = std::move(rows->as_array());
  }
  result.erase("rows");
  answer.meta = {
      {"view", args.view},
      {"effective_on",
       args.point.effective_on.empty() ? bj::value(nullptr) : bj::value(args.point.effective_on)}};
  for (auto& [key, value] : result) answer.meta[key] = std::move(value);
  return answer;
}

int RunQuery(const QueryArgs& args) {
  std::vector<std::pair<std::string, std::string>> filters;
  for (const std::string& f : args.filters) {
    std::size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(Status(Code::kBadRequest, "--filter wants KEY=VALUE, got \"" + f + "\""));
    }
    filters.emplace_back(f.substr(0, eq), f.substr(eq + 1));
  }
  auto answer = args.remote.given() ? QueryThere(args, filters) : QueryHere(args, filters);
  if (!answer.ok()) return Fail(answer.status());
  if (args.format == "json") {
    bj::object out = std::move(answer->meta);
    out["rows"] = std::move(answer->rows);
    std::cout << bj::serialize(out) << "\n";
    return 0;
  }
  const auto& columns = TableColumns().at(args.view);
  std::vector<std::string> headers;
  for (const Column& c : columns) headers.push_back(c.header);
  Table table(std::move(headers));
  for (const bj::value& row : answer->rows) {
    std::vector<std::string> cells;
    for (const Column& c : columns) cells.push_back(Cell(row.as_object(), c));
    table.AddRow(std::move(cells));
  }
  table.Print(std::cout);
  std::cout << answer->rows.size()
            << (answer->of_rows ? " of " + std::to_string(*answer->of_rows) : std::string())
            << " rows; as of seq " << Plain(answer->meta.at("as_of_seq"))
            << (args.point.effective_on.empty() ? std::string()
                                                : ", effective on " + args.point.effective_on)
            << "\n";
  return 0;
}

}  // namespace

void AddQueryCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<QueryArgs>();
  std::string views;
  for (std::string_view v : domain::kViews) views += (views.empty() ? "" : ", ") + std::string(v);
  auto* query = app.add_subcommand(
      "query", "show a projection: " + views + " (read-only: works beside a running writer)");
  AddDataOrRemoteOptions(query, &args->dir, &args->remote);
  query->add_option("view", args->view, "the projection")->required();
  query->add_option("--filter", args->filters, "KEY=VALUE: only rows whose field equals VALUE")
      ->take_all();
  query->add_option("--format", args->format, "table (money in yuan) or json (money in fen)")
      ->check(CLI::IsMember({"table", "json"}));
  AddPointOptions(query, &args->point, "--as-of-seq", "--as-of");
  query->callback([args, exit_code] { *exit_code = RunQuery(*args); });
}

}  // namespace hatchery::cli
