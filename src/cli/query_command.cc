// query: a projection of the store as a table for people or JSON for programs — the `query` read
// op (read/ops.h), asked of the store here or of a server.
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "cli/table.h"
#include "domain/views/projections.h"
#include "read/cells.h"
#include "read/filter.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct QueryArgs {
  std::string dir, view, format = "table", search, unit = "yuan";
  std::vector<std::string> filters;  // KEY=VALUE
  std::optional<std::uint64_t> offset, limit;
  PointArgs point;
  RemoteArgs remote;
};

StatusOr<bj::object> Request(const QueryArgs& args) {
  ASSIGN_OR_RETURN(bj::object request, PointRequest(args.point, "--as-of"));
  request["view"] = args.view;
  bj::object filter;
  for (const std::string& f : args.filters) {
    std::size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status(Code::kBadRequest, "--filter wants KEY=VALUE, got \"" + f + "\"",
                    bj::object{{"field", "--filter"}});
    }
    // The same key again: any of its values.
    bj::value& values = filter[f.substr(0, eq)];
    if (!values.is_array()) values = bj::array{};
    values.as_array().push_back(bj::string(f.substr(eq + 1)));
  }
  for (auto& [key, values] : filter) {
    if (values.as_array().size() == 1) values = bj::value(values.as_array().front());
  }
  if (!filter.empty()) request["filter"] = std::move(filter);
  if (!args.search.empty()) request["search"] = args.search;
  if (args.offset) request["offset"] = *args.offset;
  if (args.limit) request["limit"] = *args.limit;
  return request;
}

void PrintTable(const QueryArgs& args, const bj::object& answer) {
  const auto& columns = read::Columns(args.view);
  const read::Unit unit = args.unit == "wan" ? read::Unit::kWan : read::Unit::kYuan;
  std::vector<std::string> headers;
  bool money = false;
  for (const read::Column& c : columns) {
    headers.push_back(c.key);
    money = money || c.shown == read::Column::Shown::kMoney;
  }
  Table table(std::move(headers));
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].right_aligned()) table.AlignRight(i);
  }
  const bj::array& rows = answer.at("rows").as_array();
  const bj::value* names = answer.if_contains("carrier_names");
  for (const bj::value& row : rows) {
    bj::object shown = row.as_object();  // with the carrier's name beside its id
    const bj::value* id = shown.if_contains("carrier_id");
    if (names && id && id->is_string()) {
      if (const bj::value* name = names->as_object().if_contains(id->as_string())) {
        shown["carrier_name"] = *name;
      }
    }
    std::vector<std::string> cells;
    for (const read::Column& c : columns) cells.push_back(read::Cell(shown, c, unit));
    table.AddRow(std::move(cells));
  }
  std::cout << DemoStoreLine(answer);
  table.Print(std::cout);
  const bj::value* view_rows = answer.if_contains("view_rows");
  std::cout << rows.size() << (view_rows ? " of " + read::Plain(*view_rows) : std::string())
            << " rows; as of seq " << read::Plain(answer.at("as_of_seq"))
            << (args.point.effective_on.empty() ? std::string()
                                                : ", effective on " + args.point.effective_on)
            << (!money                     ? ""
                : unit == read::Unit::kWan ? "; money in 万元 (10,000 yuan), to the hundredth"
                                           : "; money in yuan")
            << "\n";
}

int RunQuery(const QueryArgs& args) {
  auto answer = ReadTarget::Ask(args.dir, args.remote, "query", Request(args));
  if (!answer.ok()) return Fail(answer.status());
  if (args.format == "json") {
    std::cout << bj::serialize(*answer) << "\n";
  } else {
    PrintTable(args, *answer);
  }
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
  query
      ->add_option("--filter", args->filters,
                   "KEY=VALUE: only rows whose KEY (a table heading, or another field of the "
                   "view) is VALUE; money keys in yuan; the same KEY again: any of the VALUEs; "
                   "an empty VALUE finds nulls")
      ->take_all();
  query->add_option("--search", args->search,
                    "only rows with TEXT in an id or a name (letters in any case)");
  query->add_option("--offset", args->offset,
                    "a page of the rows that pass: skip this many (the answer says how many "
                    "passed in all)");
  query->add_option("--limit", args->limit, "a page of the rows that pass: at most this many");
  query->add_option("--format", args->format, "table (money in --unit) or json (money in fen)")
      ->check(CLI::IsMember({"table", "json"}));
  query->add_option("--unit", args->unit, "a table's money: yuan (default) or wan (万元)")
      ->check(CLI::IsMember({"yuan", "wan"}));
  AddPointOptions(query, &args->point, "--as-of-seq", "--as-of");
  query->callback([args, exit_code] { *exit_code = RunQuery(*args); });
}

}  // namespace hatchery::cli
