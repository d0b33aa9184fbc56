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
  std::string dir, view, format = "table";
  std::vector<std::string> filters;  // KEY=VALUE
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
    filter[f.substr(0, eq)] = f.substr(eq + 1);
  }
  if (!filter.empty()) request["filter"] = std::move(filter);
  return request;
}

void PrintTable(const QueryArgs& args, const bj::object& answer) {
  const std::string view = args.view == "carrier" ? "carriers" : args.view;
  const auto& columns = read::Columns(view);
  std::vector<std::string> headers;
  for (const read::Column& c : columns) headers.push_back(c.header);
  Table table(std::move(headers));
  const bj::array& rows = answer.at("rows").as_array();
  for (const bj::value& row : rows) {
    std::vector<std::string> cells;
    for (const read::Column& c : columns) cells.push_back(read::Cell(row.as_object(), c));
    table.AddRow(std::move(cells));
  }
  table.Print(std::cout);
  const bj::value* view_rows = answer.if_contains("view_rows");
  std::cout << rows.size() << (view_rows ? " of " + read::Plain(*view_rows) : std::string())
            << " rows; as of seq " << read::Plain(answer.at("as_of_seq"))
            << (args.point.effective_on.empty() ? std::string()
                                                : ", effective on " + args.point.effective_on)
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
                   "KEY=VALUE: only rows whose field equals VALUE (a nested field as "
                   "values/jobs; an empty VALUE finds nulls)")
      ->take_all();
  query->add_option("--format", args->format, "table (money in yuan) or json (money in fen)")
      ->check(CLI::IsMember({"table", "json"}));
  AddPointOptions(query, &args->point, "--as-of-seq", "--as-of");
  query->callback([args, exit_code] { *exit_code = RunQuery(*args); });
}

}  // namespace hatchery::cli
