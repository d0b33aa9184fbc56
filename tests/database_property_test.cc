// bundle.sqlite's view tables against the bundle's own CSVs, for random demo histories at random
// cuts, with and without a `--year`. The model is written from docs/export.md alone ("CSV form" in
// "What a bundle holds", and "The database (`bundle.sqlite`)"), never from the writer's code: it
// reads every CSV of the bundle (exporting::ParseCsv) and says which rows each table must hold —
//   - column names: `.` made `_`, an indicator's or a county's `values.X` just `X`, no `_yuan`;
//   - values: NULL for an empty cell, INTEGER for an integer cell, TEXT otherwise, without the
//     apostrophe that protects a formula-like text cell; array members by their JSON type;
//   - an array cell as a child table, one row per element, `ord` from 1, the parent's key columns
//     first (an element that is a number: `seq`); a workstation's `brokers` and `deals` as its
//     children by `station_ord` and `station_id`, a broker's `end` as `end_reason`;
//   - compliance rows numbered `flag_no` from 1; indicator rows without a carrier in
//     `class_indicators`; the yearly files of every year (or the one `year`), in year order.
// Then the file, opened read-only with SQLite's C API, must pass PRAGMA integrity_check and
// foreign_key_check and hold exactly those rows in rowid order — value and typeof() alike — with
// NULL in every column the model gives a row no value for ("every table has the same columns in
// every bundle"), and no row in the tables no CSV maps to (events and meta are not written here).
// A yearly table is compared year by year, each year's rows in its file's order (the docs' order
// across years — `indicators` by carrier, then year — is not what the CSVs show, so the model does
// not lean on it); a class-totals row has no `carrier_id` column; and the CSV column of an object
// field that is null in some row (`operator`, beside `operator.name`) has no column of its own.
#include <rapidcheck.h>
#include <sqlite3.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "demo/history.h"
#include "domain/fold/fact_base.h"
#include "domain/views/cut.h"
#include "domain/views/projections.h"
#include "export/csv.h"
#include "export/database/database.h"
#include "export/database/rows.h"
#include "export/projection_files.h"
#include "property.h"
#include "test_util.h"

namespace hatchery::testing {
namespace database_property {

namespace bj = boost::json;

// A value as SQLite holds it; kOther (REAL, BLOB) is never expected.
struct DbpValue {
  enum Kind { kNull, kInteger, kText, kOther } kind = kNull;
  std::int64_t integer = 0;
  std::string text;
  bool operator==(const DbpValue&) const = default;
};
DbpValue DbpInteger(std::int64_t i) { return {DbpValue::kInteger, i, ""}; }
DbpValue DbpText(std::string s) { return {DbpValue::kText, 0, std::move(s)}; }

std::string DbpShow(const DbpValue& v) {
  switch (v.kind) {
    case DbpValue::kNull: return "NULL";
    case DbpValue::kInteger: return "INTEGER " + std::to_string(v.integer);
    case DbpValue::kText: return "TEXT \"" + v.text + "\"";
    default: return "REAL/BLOB " + v.text;
  }
}

// A row the model expects: where it comes from, and its values by column (absent: NULL).
struct DbpRow {
  std::string source;
  std::map<std::string, DbpValue> cells;
};
using DbpModel = std::map<std::string, std::vector<DbpRow>>;  // table -> rows in order

// The docs' table of tables: a view's array columns and the child tables they become.
struct DbpChild {
  std::string_view view, column, table;
};
constexpr DbpChild kDbpChildren[] = {{"carriers", "county_history", "carrier_counties"},
                                     {"carriers", "operators", "carrier_operators"},
                                     {"carriers", "levels", "carrier_levels"},
                                     {"carriers", "timeline", "carrier_level_history"},
                                     {"carriers", "evaluations", "carrier_evaluations"},
                                     {"carriers", "stations", "carrier_stations"},
                                     {"carriers", "funds", "carrier_funds"},
                                     {"carriers", "agreements", "carrier_agreements"},
                                     {"carriers", "investors", "carrier_investors"},
                                     {"carriers", "city_fund_support", "carrier_city_fund_support"},
                                     {"entitlements", "seqs", "entitlement_seqs"},
                                     {"entitlements", "history", "entitlement_history"},
                                     {"compliance", "seqs", "compliance_seqs"},
                                     {"assessment", "contributions", "assessment_contributions"}};
// Every table the docs name, each empty unless a CSV gives it rows.
const std::vector<std::string> kDbpTables{"events",
                                          "carriers",
                                          "carrier_counties",
                                          "carrier_operators",
                                          "carrier_levels",
                                          "carrier_level_history",
                                          "carrier_evaluations",
                                          "carrier_stations",
                                          "station_brokers",
                                          "station_deals",
                                          "carrier_funds",
                                          "carrier_agreements",
                                          "carrier_investors",
                                          "carrier_city_fund_support",
                                          "entitlements",
                                          "entitlement_seqs",
                                          "entitlement_history",
                                          "payouts",
                                          "compliance",
                                          "compliance_seqs",
                                          "indicators",
                                          "class_indicators",
                                          "assessment",
                                          "assessment_contributions",
                                          "counties",
                                          "meta"};

// The tables of the yearly views.
const std::set<std::string> kDbpYearly{"indicators", "class_indicators", "assessment",
                                       "assessment_contributions", "counties"};

// A table's key columns ("key" column of the docs' table), the parent's part of its children's.
std::vector<std::string> DbpKeys(std::string_view table) {
  if (table == "carriers") return {"carrier_id"};
  if (table == "entitlements") return {"entitlement_id"};
  if (table == "compliance") return {"flag_no"};
  if (table == "assessment") return {"year", "carrier_id"};
  if (table == "carrier_stations") return {"carrier_id", "station_ord"};
  return {};
}
std::string DbpParentOf(std::string_view child) {
  if (child == "station_brokers" || child == "station_deals") return "carrier_stations";
  for (const DbpChild& c : kDbpChildren)
    if (c.table == child) return std::string(c.view);
  return "";
}

bool DbpParseInteger(std::string_view s, std::int64_t* out) {
  std::string_view digits = s.starts_with('-') ? s.substr(1) : s;
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return false;
  for (char ch : digits)
    if (ch < '0' || ch > '9') return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// A CSV cell as the database holds it ("CSV form": a formula-like text starts with an apostrophe).
DbpValue DbpCellValue(std::string_view cell) {
  if (cell.empty()) return {};
  std::int64_t i = 0;
  if (DbpParseInteger(cell, &i)) return DbpInteger(i);
  if (cell.size() >= 2 && cell[0] == '\'' &&
      std::string_view("=+-@\t\r").find(cell[1]) != std::string_view::npos) {
    cell.remove_prefix(1);
  }
  return DbpText(std::string(cell));
}

DbpValue DbpJsonValue(const bj::value& v, const std::string& where) {
  if (v.is_null()) return {};
  if (v.is_string()) return DbpText(std::string(v.get_string()));
  if (v.is_int64()) return DbpInteger(v.get_int64());
  if (v.is_uint64() &&
      v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return DbpInteger(static_cast<std::int64_t>(v.get_uint64()));
  RC_FAIL(where + ": a JSON value the docs give no column type for: " + bj::serialize(v));
}

void DbpPut(DbpRow& row, const std::string& column, DbpValue value) {
  if (!row.cells.emplace(column, std::move(value)).second)
    RC_FAIL(row.source + ": two values for column " + column);
}

// The rows of child table `table` from the array `cell` of a parent whose keys are `keys`.
void DbpAddChildren(DbpModel& model, const std::string& table,
                    const std::vector<std::pair<std::string, DbpValue>>& keys,
                    std::string_view cell, const std::string& source) {
  if (cell.empty()) return;  // null: no elements
  boost::system::error_code ec;
  const bj::value parsed = bj::parse(cell, ec);
  if (ec || !parsed.is_array()) RC_FAIL(source + ": not a JSON array: " + std::string(cell));
  const bj::array& elements = parsed.get_array();
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const std::int64_t ord = static_cast<std::int64_t>(i) + 1;
    DbpRow row{source + "[" + std::to_string(ord) + "]", {}};
    for (const auto& [k, v] : keys) DbpPut(row, k, v);
    DbpPut(row, "ord", DbpInteger(ord));
    const bj::value& element = elements[i];
    if (!element.is_object()) {
      DbpPut(row, "seq", DbpJsonValue(element, row.source));
      model[table].push_back(std::move(row));
      continue;
    }
    std::vector<std::pair<std::string, std::string>> grandchildren;  // table, array JSON
    for (const auto& member : element.get_object()) {
      const std::string key(member.key());
      if (table == "carrier_stations" && (key == "brokers" || key == "deals")) {
        grandchildren.emplace_back("station_" + key, bj::serialize(member.value()));
        continue;
      }
      if (member.value().is_array() || member.value().is_object())
        RC_FAIL(row.source + "." + key + ": an array or object the docs map to no table");
      const std::string column = (table == "station_brokers" && key == "end") ? "end_reason" : key;
      DbpPut(row, column, DbpJsonValue(member.value(), row.source + "." + key));
    }
    std::vector<std::pair<std::string, DbpValue>> station_keys;
    if (table == "carrier_stations") {
      station_keys = {keys.at(0), {"station_ord", DbpInteger(ord)}};
      const auto id = row.cells.find("station_id");
      station_keys.emplace_back("station_id", id == row.cells.end() ? DbpValue{} : id->second);
    }
    const std::string row_source = row.source;
    model[table].push_back(std::move(row));
    for (const auto& [child, json] : grandchildren) {
      const std::string child_source = row_source + "." + child.substr(8);
      DbpAddChildren(model, child, station_keys, json, child_source);
    }
  }
}

// The rows one CSV file of the bundle gives its tables.
void DbpAddCsv(DbpModel& model, const std::string& file, const std::string& text) {
  std::string view = file.substr(0, file.size() - 4);  // without ".csv"
  if (const auto dash = view.find('-'); dash != std::string::npos) view.resize(dash);
  if (view != "carriers" && view != "entitlements" && view != "payouts" && view != "compliance" &&
      view != "indicators" && view != "assessment" && view != "counties") {
    RC_FAIL(file + ": a CSV the docs map to no table");
  }
  const std::vector<std::vector<std::string>> records = exporting::ParseCsv(text);
  if (records.size() <= 1) return;
  const std::vector<std::string>& header = records[0];
  for (std::size_t r = 1; r < records.size(); ++r) {
    const std::vector<std::string>& record = records[r];
    const std::string source = file + " row " + std::to_string(r + 1);
    if (record.size() != header.size()) RC_FAIL(source + ": not as many cells as the header");
    // An indicators row that names no carrier is a class's totals.
    const auto carrier = std::find(header.begin(), header.end(), "carrier_id");
    std::string table = view;
    if (view == "indicators" &&
        (carrier == header.end() || record[carrier - header.begin()].empty())) {
      table = "class_indicators";
    }
    DbpRow row{source, {}};
    if (view == "compliance") DbpPut(row, "flag_no", DbpInteger(static_cast<std::int64_t>(r)));
    std::vector<std::pair<std::string, std::string_view>> arrays;  // child table, cell
    for (std::size_t c = 0; c < header.size(); ++c) {
      const std::string_view name = header[c];
      const auto child =
          std::find_if(std::begin(kDbpChildren), std::end(kDbpChildren),
                       [&](const DbpChild& d) { return d.view == view && d.column == name; });
      if (child != std::end(kDbpChildren)) {
        arrays.emplace_back(std::string(child->table), record[c]);
        continue;
      }
      std::string column(name);
      if ((view == "indicators" || view == "counties") && name.starts_with("values."))
        column = column.substr(7);
      std::replace(column.begin(), column.end(), '.', '_');
      if (column.ends_with("_yuan")) continue;
      // A class's totals are the rows "without a carrier": the docs give them no carrier column.
      if (table == "class_indicators" && column == "carrier_id") continue;
      DbpPut(row, column, DbpCellValue(record[c]));
    }
    std::vector<std::pair<std::string, DbpValue>> keys;
    for (const std::string& k : DbpKeys(table)) {
      const auto it = row.cells.find(k);
      keys.emplace_back(k, it == row.cells.end() ? DbpValue{} : it->second);
    }
    model[table].push_back(std::move(row));
    for (const auto& [child, cell] : arrays)
      DbpAddChildren(model, child, keys, cell, source + " " + child);
  }
}

// The database, read with the C API.
struct DbpCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct DbpFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
struct DbpResult {
  std::vector<std::string> columns;
  std::vector<std::vector<DbpValue>> rows;
};

DbpResult DbpQuery(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    RC_FAIL(sql + ": " + sqlite3_errmsg(db));
  std::unique_ptr<sqlite3_stmt, DbpFinalizer> stmt(raw);
  DbpResult result;
  const int n = sqlite3_column_count(raw);
  for (int i = 0; i < n; ++i) result.columns.emplace_back(sqlite3_column_name(raw, i));
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    std::vector<DbpValue> row;
    for (int i = 0; i < n; ++i) {
      // sqlite3_column_type before any conversion: the value's storage class, what typeof() says.
      switch (sqlite3_column_type(raw, i)) {
        case SQLITE_NULL: row.emplace_back(); break;
        case SQLITE_INTEGER: row.push_back(DbpInteger(sqlite3_column_int64(raw, i))); break;
        case SQLITE_TEXT:
          row.push_back(DbpText(reinterpret_cast<const char*>(sqlite3_column_text(raw, i))));
          break;
        default:
          row.push_back({DbpValue::kOther, 0, std::to_string(sqlite3_column_double(raw, i))});
      }
    }
    result.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) RC_FAIL(sql + ": " + sqlite3_errmsg(db));
  return result;
}

// Compares table `name` of the file with the model's rows for it.
void DbpCompareTable(sqlite3* db, const std::string& name, const std::vector<DbpRow>& want) {
  const DbpResult have = DbpQuery(db, "SELECT * FROM \"" + name + "\" ORDER BY rowid");
  // A child table: its parent's key columns first, then ord (the docs' "parent's key columns
  // first").
  if (const std::string parent = DbpParentOf(name); !parent.empty()) {
    std::vector<std::string> prefix = DbpKeys(parent);
    if (parent != "carrier_stations") prefix.push_back("ord");
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      if (i >= have.columns.size() || have.columns[i] != prefix[i])
        RC_FAIL("table " + name + ": column " + std::to_string(i + 1) + " is not " + prefix[i]);
    }
  }
  // A yearly table holds every year's file "in the CSV's order": each year's rows in its file's
  // order. How the years' rows interleave the docs do not say (see the report), so the file's rows
  // are taken year by year (a stable sort on `year`, rowid order within a year), as the model's
  // are.
  std::vector<std::size_t> order(have.rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto year = std::find(have.columns.begin(), have.columns.end(), "year");
  if (kDbpYearly.count(name) && year != have.columns.end()) {
    const std::size_t y = static_cast<std::size_t>(year - have.columns.begin());
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return have.rows[a][y].integer < have.rows[b][y].integer;
    });
  }
  const std::set<std::string> columns(have.columns.begin(), have.columns.end());
  for (std::size_t i = 0; i < std::min(order.size(), want.size()); ++i) {
    const std::vector<DbpValue>& h = have.rows[order[i]];
    const DbpRow& w = want[i];
    const std::string where =
        "table " + name + " row " + std::to_string(order[i] + 1) + " (" + w.source + ")";
    for (std::size_t c = 0; c < have.columns.size(); ++c) {
      const auto it = w.cells.find(have.columns[c]);
      const DbpValue expected = it == w.cells.end() ? DbpValue{} : it->second;
      if (h[c] != expected) {
        RC_FAIL(where + " column " + have.columns[c] + ": database " + DbpShow(h[c]) + ", CSV " +
                DbpShow(expected) + (it == w.cells.end() ? " (no such CSV column: NULL)" : ""));
      }
    }
    for (const auto& [column, value] : w.cells) {
      if (columns.count(column)) continue;
      // A CSV column of an object field where a row holds null instead (`operator` beside
      // `operator.name`): empty, and the object's members are columns `<column>_…` (see report).
      const bool null_object =
          value.kind == DbpValue::kNull &&
          std::any_of(columns.begin(), columns.end(),
                      [&](const std::string& c) { return c.starts_with(column + "_"); });
      if (!null_object)
        RC_FAIL(where + ": no column " + column + " for the CSV's " + DbpShow(value));
    }
  }
  if (have.rows.size() != want.size()) {
    RC_FAIL("table " + name + ": database " + std::to_string(have.rows.size()) + " rows, CSV " +
            std::to_string(want.size()) +
            (have.rows.size() > want.size()
                 ? " (first extra: row " + std::to_string(order[want.size()] + 1) + ")"
                 : " (first missing: " + want[have.rows.size()].source + ")"));
  }
}

TEST_CASE(
    "bundle.sqlite: every table holds its CSV's rows as the export docs say — random histories",
    "[export][property]") {
  testing::Prop(
      "bundle.sqlite equals the bundle's CSVs", 30,
      [] {
        const int carriers = *rc::gen::elementOf(std::vector<int>{2, 3, 5, 9, 14});
        const auto seed = *rc::gen::arbitrary<std::uint32_t>();
        const auto events = demo::AsEvents(demo::GenerateHistory({carriers, seed}));
        domain::FactBase facts;
        for (const Event& e : events) RC_ASSERT(facts.Apply(e).ok());
        const std::uint64_t max_seq =
            events.size() * *rc::gen::elementOf(std::vector<std::uint64_t>{40, 70, 100}) / 100;
        std::optional<domain::Date> effective_on;
        if (*rc::gen::arbitrary<bool>()) {
          effective_on = *rc::gen::elementOf(std::vector<domain::Date>{
              20231231, 20240615, 20241231, 20250331, 20251231, 20260630});
        }
        const domain::Projection projection =
            domain::Project(facts, domain::MakeCut(facts, max_seq, effective_on));
        std::optional<int> year;
        std::set<int> years;
        for (const auto& row : projection.indicators) years.insert(row.year);
        if (!years.empty() && *rc::gen::arbitrary<bool>())
          year = *rc::gen::elementOf(std::vector<int>(years.begin(), years.end()));

        exporting::ExportPoint point;
        point.origin = "test/db";
        point.tree_size = max_seq;
        point.effective_on = effective_on;
        point.year = year;
        const auto derived = exporting::ProjectionFiles(projection, point);
        if (!derived.ok()) RC_FAIL("ProjectionFiles: " + derived.status().ToString());

        TempDir dir;
        const std::string path = dir.Sub("bundle.sqlite");
        {
          auto writer = exporting::database::DatabaseWriter::Create(path);
          if (!writer.ok()) RC_FAIL("Create: " + writer.status().ToString());
          const Status added = exporting::database::AddProjection(projection, year, **writer);
          if (!added.ok()) RC_FAIL("AddProjection: " + added.ToString());
          const Status finished = (*writer)->Finish();
          if (!finished.ok()) RC_FAIL("Finish: " + finished.ToString());
        }

        // The model: every docs table, filled from the CSVs (a std::map: yearly files in year
        // order).
        DbpModel model;
        for (const std::string& t : kDbpTables) model[t];
        for (const auto& [file, text] : derived->files)
          if (file.ends_with(".csv")) DbpAddCsv(model, file, text);

        sqlite3* raw = nullptr;
        if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
          const std::string error = raw ? sqlite3_errmsg(raw) : "out of memory";
          sqlite3_close(raw);
          RC_FAIL("open " + path + ": " + error);
        }
        std::unique_ptr<sqlite3, DbpCloser> db(raw);
        const DbpResult integrity = DbpQuery(raw, "PRAGMA integrity_check");
        if (integrity.rows.size() != 1 || integrity.rows[0][0] != DbpText("ok"))
          RC_FAIL("integrity_check: " + DbpShow(integrity.rows.at(0).at(0)));
        const DbpResult foreign = DbpQuery(raw, "PRAGMA foreign_key_check");
        if (!foreign.rows.empty())
          RC_FAIL("foreign_key_check: a row of " + DbpShow(foreign.rows[0][0]) + " (rowid " +
                  DbpShow(foreign.rows[0][1]) + ") has no parent in " +
                  DbpShow(foreign.rows[0][2]));

        const DbpResult tables = DbpQuery(
            raw,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        std::set<std::string> present;
        for (const auto& row : tables.rows) present.insert(row.at(0).text);
        for (const auto& [name, rows] : model)
          if (!present.count(name))
            RC_FAIL("table " + name + " (docs/export.md) is not in the file");
        for (const std::string& name : present) {
          static const std::vector<DbpRow> kNone;
          const auto it = model.find(name);
          DbpCompareTable(raw, name, it == model.end() ? kNone : it->second);
        }
      },
      60);
}

}  // namespace database_property
}  // namespace hatchery::testing
