// due: what is due as of a point — payments outstanding with their age, claw-backs due, R5/R6
// awards awaiting their first evaluation, annual reports overdue — by carrier and county, as
// tables, JSON or one CSV. The `due` read op (read/due.h), asked of the store here or of a server.
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "cli/table.h"
#include "domain/fold/counties.h"
#include "export/csv.h"
#include "read/cells.h"
#include "read/filter.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct DueArgs {
  std::string dir, format = "table", unit = "yuan", county;
  PointArgs point;
  RemoteArgs remote;
  std::optional<std::uint64_t> limit;  // rows of each list answered
};

// One due-list: its key in the answer, its heading, and its columns beyond the carrier's
// (the row's key, and whether it is money in fen).
struct List {
  const char* key;
  const char* heading;
  std::vector<std::pair<const char*, bool>> columns;
};

const std::vector<List>& Lists() {
  static const std::vector<List> kLists{
      {"payments",
       "Payments outstanding 待拨付",
       {{"entitlement_id", false},
        {"since", false},
        {"age_days", false},
        {"outstanding_fen", true},
        {"approved_unpaid_fen", true},
        {"due_fen", true}}},
      {"clawbacks",
       "Claw-backs due 待追回",
       {{"entitlement_id", false},
        {"status", false},
        {"since", false},
        {"age_days", false},
        {"recovered_fen", true},
        {"clawback_due_fen", true}}},
      {"awaiting_evaluation",
       "Awaiting a first regional evaluation 待评价 (R5/R6)",
       {{"entitlement_id", false}, {"since", false}, {"age_days", false}, {"amount_fen", true}}},
      {"reports_overdue",
       "Annual reports overdue 年报逾期",
       {{"year", false}, {"deadline", false}, {"days_overdue", false}}}};
  return kLists;
}

// A money column's heading: its key without "_fen".
std::string Heading(const char* key, bool money) {
  std::string k = key;
  return money ? k.substr(0, k.size() - 4) : k;
}

bool InCounty(const bj::object& row, const std::string& county) {
  if (county.empty()) return true;
  return read::Plain(row.at("county")) == county || read::Plain(row.at("county_name")) == county;
}

void PrintTables(const bj::object& due, read::Unit unit, const std::string& county) {
  std::cout << DemoStoreLine(due);
  std::cout << "Due as of seq " << read::Plain(due.at("as_of_seq")) << "; ages in days to "
            << read::Plain(due.at("today")) << "; money in "
            << (unit == read::Unit::kWan ? "万元 (10,000 yuan)" : "yuan") << "\n";
  for (const List& list : Lists()) {
    std::vector<std::string> headers{"county", "carrier_id", "carrier_name"};
    for (const auto& [key, money] : list.columns) headers.push_back(Heading(key, money));
    Table table(headers);
    for (std::size_t i = 0; i < list.columns.size(); ++i) {
      if (list.columns[i].second ||
          std::string_view(list.columns[i].first).find("days") != std::string_view::npos) {
        table.AlignRight(i + 3);
      }
    }
    std::size_t rows = 0;
    for (const bj::value& v : due.at(list.key).as_array()) {
      const bj::object& row = v.as_object();
      if (!InCounty(row, county)) continue;
      std::vector<std::string> cells{read::Plain(row.at("county_name")),
                                     read::Plain(row.at("carrier_id")),
                                     read::Plain(row.at("carrier_name"))};
      for (const auto& [key, money] : list.columns) {
        cells.push_back(money ? read::Money(row.at(key).to_number<std::int64_t>(), unit)
                              : read::Plain(row.at(key)));
      }
      table.AddRow(std::move(cells));
      ++rows;
    }
    std::cout << "\n" << list.heading << ": " << rows << (rows == 1 ? " row" : " rows") << "\n";
    if (rows > 0) table.Print(std::cout);
  }
  Table counties({"county", "payments", "payments_due", "clawbacks", "clawbacks_due",
                  "awaiting_evaluation", "reports_overdue"});
  for (std::size_t i = 1; i < 7; ++i) counties.AlignRight(i);
  for (const auto& [id, v] : due.at("by_county").as_object()) {
    const bj::object& c = v.as_object();
    if (!county.empty() && id != county && read::Plain(c.at("county_name")) != county) continue;
    counties.AddRow({read::Plain(c.at("county_name")), read::Plain(c.at("payments")),
                     read::Money(c.at("payments_due_fen").to_number<std::int64_t>(), unit),
                     read::Plain(c.at("clawbacks")),
                     read::Money(c.at("clawbacks_due_fen").to_number<std::int64_t>(), unit),
                     read::Plain(c.at("awaiting_evaluation")),
                     read::Plain(c.at("reports_overdue"))});
  }
  std::cout << "\nBy county 按旗县区\n";
  counties.Print(std::cout);
}

// Every row of every list in one CSV (export/csv.h: BOM, CRLF, yuan beside fen), its list first.
std::string DueCsv(const bj::object& due, const std::string& county) {
  bj::array rows;
  for (const List& list : Lists()) {
    for (const bj::value& v : due.at(list.key).as_array()) {
      if (!InCounty(v.as_object(), county)) continue;
      bj::object row{{"list", list.key}};
      for (const auto& [key, value] : v.as_object()) row[key] = value;
      rows.push_back(std::move(row));
    }
  }
  return exporting::RowsCsv(rows);
}

int RunDue(const DueArgs& args) {
  auto request = PointRequest(args.point, "--as-of");
  if (request.ok() && args.limit) (*request)["limit"] = *args.limit;
  auto due = ReadTarget::Ask(args.dir, args.remote, "due", std::move(request));
  if (!due.ok()) return Fail(due.status());
  if (args.format == "json") {
    std::cout << bj::serialize(*due) << "\n";
  } else if (args.format == "csv") {
    std::cout << DueCsv(*due, args.county);
  } else {
    PrintTables(*due, args.unit == "wan" ? read::Unit::kWan : read::Unit::kYuan, args.county);
  }
  return 0;
}

}  // namespace

void AddDueCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DueArgs>();
  auto* cmd = app.add_subcommand(
      "due",
      "what is due as of a point: payments outstanding with their age, claw-backs due, R5/R6 "
      "awards awaiting a first evaluation, annual reports overdue — by carrier and county");
  AddDataOrRemoteOptions(cmd, &args->dir, &args->remote);
  AddPointOptions(cmd, &args->point, "--as-of-seq", "--as-of");
  cmd->add_option("--limit", args->limit,
                  "at most N rows of each list (the JSON's `listed` counts them all)");
  cmd->add_option("--county", args->county, "one county, by slug or name (kailu, 开鲁县)")
      ->check(CLI::Validator(
          [](const std::string& county) {
            return domain::IsCounty(county) ? std::string()
                                            : "not a county; the counties: " + domain::CountyList();
          },
          "COUNTY"));
  cmd->add_option("--format", args->format, "table, json (every list, every county) or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("--unit", args->unit, "money in yuan or wan (万元) in tables")
      ->check(CLI::IsMember({"yuan", "wan"}));
  cmd->callback([args, exit_code] { *exit_code = RunDue(*args); });
}

}  // namespace hatchery::cli
