#include "export/database/schema.h"

#include "domain/fold/measures.h"
#include "domain/views/county_rollup.h"

namespace hatchery::exporting::database {
namespace {

Column Text(int level, std::string name, std::string key) {
  return Column{std::move(name), Type::kText, false, level, std::move(key)};
}
Column Int(int level, std::string name, std::string key) {
  return Column{std::move(name), Type::kInteger, false, level, std::move(key)};
}
// A member of the same name.
Column Text(int level, const std::string& name) { return Text(level, name, name); }
Column Int(int level, const std::string& name) { return Int(level, name, name); }
Column Required(Column column) {
  column.required = true;
  return column;
}
// An element's position in its array (from 1).
Column Ord(int level, std::string name = "ord") {
  return Required(Int(level, std::move(name), "#"));
}
// The key of a carrier's child tables.
Column CarrierId() { return Required(Text(0, "carrier_id")); }

std::string ForeignKey(std::string_view columns, std::string_view table, std::string_view keys) {
  return "FOREIGN KEY (" + std::string(columns) + ") REFERENCES " + std::string(table) + " (" +
         std::string(keys) + ")";
}
const std::string kCarrierKey = ForeignKey("carrier_id", "carriers", "carrier_id");

// A child table of the carriers view: one row per element of the row's `array`, keyed by the
// carrier and the element's position.
Table CarrierChild(std::string name, std::string array, std::vector<Column> columns) {
  columns.insert(columns.begin(), {CarrierId(), Ord(1)});
  return Table{std::move(name),
               Source::kProjection,
               "carriers",
               {std::move(array)},
               Table::Rows::kAll,
               std::move(columns),
               {"PRIMARY KEY (carrier_id, ord)", kCarrierKey}};
}

// A station's child table: one row per element of each station's `array`.
Table StationChild(std::string name, std::string array, std::vector<Column> columns) {
  columns.insert(columns.begin(),
                 {CarrierId(), Ord(1, "station_ord"), Required(Text(1, "station_id")), Ord(2)});
  return Table{std::move(name),
               Source::kProjection,
               "carriers",
               {"stations", std::move(array)},
               Table::Rows::kAll,
               std::move(columns),
               {"PRIMARY KEY (carrier_id, station_ord, ord)",
                ForeignKey("carrier_id, station_ord", "carrier_stations", "carrier_id, ord")}};
}

// A tie's since, seq, until (null while it holds) and until_seq, at `level`.
std::vector<Column> Tenure(int level) {
  return {Text(level, "since"), Int(level, "seq"), Text(level, "until"), Int(level, "until_seq")};
}

std::vector<Column> Concat(std::vector<Column> a, const std::vector<Column>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Every measure of an indicators row, NULL where the row has none.
std::vector<Column> Measures() {
  std::vector<Column> columns;
  for (std::string_view name : domain::kMeasureNames) {
    columns.push_back(Int(0, std::string(name), "values." + std::string(name)));
  }
  return columns;
}

std::vector<Table> MakeTables() {
  std::vector<Table> t;
  t.push_back({"events",
               Source::kEvents,
               "",
               {},
               Table::Rows::kAll,
               {Required(Int(0, "seq")), Required(Text(0, "event_id")), Required(Text(0, "type")),
                Required(Text(0, "stream")), Required(Int(0, "stream_version")),
                Required(Int(0, "schema_version")), Text(0, "carrier_id"),
                Required(Text(0, "effective_date")), Required(Text(0, "recorded_at")),
                Required(Text(0, "actor_id")), Required(Text(0, "actor_role")),
                Text(0, "actor_os_user"), Text(0, "document_ref"), Text(0, "note"),
                Required(Text(0, "command_id")), Required(Text(0, "hash")),
                Required(Text(0, "prev_hash")), Required(Text(0, "canonical_json"))},
               {"PRIMARY KEY (seq)"}});
  t.push_back(
      {"carriers",
       Source::kProjection,
       "carriers",
       {},
       Table::Rows::kAll,
       {CarrierId(), Text(0, "name"), Text(0, "kind"), Text(0, "category"),
        Text(0, "assessment_class"), Text(0, "host_type"), Text(0, "industry"), Text(0, "county"),
        Text(0, "operator_name", "operator.name"), Text(0, "operator_mode", "operator.mode"),
        Int(0, "area_m2"), Text(0, "registered_on"), Int(0, "registered_seq")},
       {"PRIMARY KEY (carrier_id)"}});
  t.push_back(CarrierChild("carrier_counties", "county_history",
                           {Text(1, "since"), Int(1, "seq"), Text(1, "county")}));
  t.push_back(CarrierChild("carrier_operators", "operators",
                           {Text(1, "since"), Int(1, "seq"), Text(1, "name"), Text(1, "mode")}));
  t.push_back(CarrierChild(
      "carrier_levels", "levels",
      {Text(1, "level"), Text(1, "mode"), Text(1, "tier"), Text(1, "since"), Int(1, "seq")}));
  t.push_back(CarrierChild(
      "carrier_level_history", "timeline",
      {Int(1, "seq"), Text(1, "date"), Text(1, "action"), Text(1, "level"), Text(1, "detail")}));
  t.push_back(CarrierChild(
      "carrier_evaluations", "evaluations",
      {Int(1, "seq"), Text(1, "date"), Text(1, "level"), Int(1, "year"), Text(1, "grade")}));
  t.push_back(CarrierChild("carrier_stations", "stations",
                           Concat({Required(Text(1, "station_id")), Text(1, "name")},
                                  Concat(Tenure(1), {Text(1, "closure")}))));
  t.push_back(StationChild(
      "station_brokers", "brokers",
      Concat(Concat({Text(2, "broker_ref")}, Tenure(2)), {Text(2, "end_reason", "end")})));
  t.push_back(StationChild(
      "station_deals", "deals",
      {Text(2, "deal_id"), Text(2, "contract_kind"), Text(2, "seller"), Text(2, "buyer"),
       Text(2, "broker_ref"), Int(2, "amount_fen"), Text(2, "date"), Int(2, "seq")}));
  t.push_back(CarrierChild("carrier_funds", "funds",
                           {Text(1, "fund_id"), Text(1, "fund_type"), Int(1, "size_fen"),
                            Int(1, "social_capital_fen"), Text(1, "date"), Int(1, "seq")}));
  t.push_back(CarrierChild("carrier_agreements", "agreements",
                           Concat(Concat({Text(1, "agreement_id"), Text(1, "partner"),
                                          Text(1, "partner_kind"), Int(1, "credit_line_fen")},
                                         Tenure(1)),
                                  {Text(1, "end_reason")})));
  t.push_back(CarrierChild(
      "carrier_investors", "investors",
      Concat({Text(1, "investor_id"), Text(1, "name"), Text(1, "investor_type")}, Tenure(1))));
  t.push_back(CarrierChild(
      "carrier_city_fund_support", "city_fund_support",
      {Text(1, "support_id"), Text(1, "city_fund"), Text(1, "recipient"), Text(1, "recipient_kind"),
       Int(1, "amount_fen"), Text(1, "date"), Int(1, "seq")}));
  const std::string kEntitlementKey =
      ForeignKey("entitlement_id", "entitlements", "entitlement_id");
  t.push_back(
      {"entitlements",
       Source::kProjection,
       "entitlements",
       {},
       Table::Rows::kAll,
       {Required(Text(0, "entitlement_id")), CarrierId(), Text(0, "rule_id"), Text(0, "ruleset_id"),
        Int(0, "ruleset_seq"), Text(0, "clause"), Text(0, "status"), Text(0, "triggered_on"),
        Int(0, "amount_fen"), Int(0, "approved_fen"), Int(0, "disbursed_fen"),
        Int(0, "outstanding_fen"), Int(0, "clawback_due_fen"), Int(0, "recovered_fen")},
       {"PRIMARY KEY (entitlement_id)", kCarrierKey}});
  t.push_back({"entitlement_seqs",
               Source::kProjection,
               "entitlements",
               {"seqs"},
               Table::Rows::kAll,
               {Required(Text(0, "entitlement_id")), Ord(1), Int(1, "seq", "")},
               {"PRIMARY KEY (entitlement_id, ord)", kEntitlementKey}});
  t.push_back({"entitlement_history",
               Source::kProjection,
               "entitlements",
               {"history"},
               Table::Rows::kAll,
               {Required(Text(0, "entitlement_id")), Ord(1), Int(1, "seq"), Text(1, "date"),
                Text(1, "status"), Text(1, "reason")},
               {"PRIMARY KEY (entitlement_id, ord)", kEntitlementKey}});
  t.push_back({"payouts",
               Source::kProjection,
               "payouts",
               {},
               Table::Rows::kAll,
               {Required(Text(0, "payout_id")), CarrierId(), Required(Text(0, "entitlement_id")),
                Int(0, "amount_fen"), Text(0, "status"), Int(0, "approved_seq"),
                Text(0, "approved_on"), Text(0, "approved_by"), Text(0, "approved_by_os_user"),
                Int(0, "disbursed_seq"), Text(0, "disbursed_on"), Text(0, "disbursed_by"),
                Text(0, "disbursed_by_os_user"), Text(0, "voucher_no")},
               {"PRIMARY KEY (payout_id)", kCarrierKey, kEntitlementKey}});
  t.push_back({"compliance",
               Source::kProjection,
               "compliance",
               {},
               Table::Rows::kAll,
               {Ord(0, "flag_no"), CarrierId(), Text(0, "flag"), Int(0, "year"), Text(0, "detail")},
               {"PRIMARY KEY (flag_no)", kCarrierKey}});
  t.push_back({"compliance_seqs",
               Source::kProjection,
               "compliance",
               {"seqs"},
               Table::Rows::kAll,
               {Ord(0, "flag_no"), Ord(1), Int(1, "seq", "")},
               {"PRIMARY KEY (flag_no, ord)", ForeignKey("flag_no", "compliance", "flag_no")}});
  t.push_back(
      {"indicators",
       Source::kProjection,
       "indicators",
       {},
       Table::Rows::kCarrier,
       Concat({CarrierId(), Required(Int(0, "year")), Text(0, "assessment_class")}, Measures()),
       {"PRIMARY KEY (carrier_id, year)", kCarrierKey}});
  t.push_back(
      {"class_indicators",
       Source::kProjection,
       "indicators",
       {},
       Table::Rows::kClassTotal,
       Concat({Required(Int(0, "year")), Required(Text(0, "assessment_class"))}, Measures()),
       {"PRIMARY KEY (year, assessment_class)"}});
  t.push_back({"assessment",
               Source::kProjection,
               "assessment",
               {},
               Table::Rows::kAll,
               {Required(Int(0, "year")), CarrierId(), Text(0, "assessment_class"), Int(0, "rank"),
                Int(0, "score_centi"), Text(0, "ruleset_id")},
               {"PRIMARY KEY (year, carrier_id)",
                ForeignKey("carrier_id, year", "indicators", "carrier_id, year")}});
  t.push_back({"assessment_contributions",
               Source::kProjection,
               "assessment",
               {"contributions"},
               Table::Rows::kAll,
               {Required(Int(0, "year")), CarrierId(), Ord(1), Text(1, "indicator"),
                Int(1, "value"), Int(1, "points_centi")},
               {"PRIMARY KEY (year, carrier_id, ord)",
                ForeignKey("year, carrier_id", "assessment", "year, carrier_id")}});
  std::vector<Column> counties{Required(Int(0, "year")), Text(0, "county"), Text(0, "county_name")};
  for (const std::string& name : domain::CountyValueNames()) {
    counties.push_back(Int(0, name, "values." + name));
  }
  t.push_back({"counties", Source::kProjection, "counties", {}, Table::Rows::kAll, counties, {}});
  t.push_back({"meta",
               Source::kMeta,
               "",
               {},
               Table::Rows::kAll,
               {Required(Text(0, "key")), Text(0, "value")},
               {"PRIMARY KEY (key)"}});
  return t;
}

std::string CreateTable(const Table& table) {
  std::string sql = "CREATE TABLE " + table.name + " (";
  bool first = true;
  auto line = [&](const std::string& text) {
    sql += (first ? "\n  " : ",\n  ") + text;
    first = false;
  };
  for (const Column& c : table.columns) {
    line(c.name + (c.type == Type::kInteger ? " INTEGER" : " TEXT") +
         (c.required ? " NOT NULL" : ""));
  }
  for (const std::string& constraint : table.constraints) line(constraint);
  return sql + "\n)";
}

// The indexes of the obvious joins and lookups beyond the primary keys.
constexpr std::string_view kIndexes[] = {
    "CREATE INDEX events_by_type ON events (type)",
    "CREATE INDEX events_by_carrier ON events (carrier_id)",
    "CREATE INDEX events_by_effective_date ON events (effective_date)",
    "CREATE INDEX entitlements_by_carrier ON entitlements (carrier_id)",
    "CREATE INDEX payouts_by_entitlement ON payouts (entitlement_id)",
    "CREATE INDEX payouts_by_carrier ON payouts (carrier_id)",
    "CREATE INDEX compliance_by_carrier ON compliance (carrier_id)",
    "CREATE INDEX indicators_by_year ON indicators (year, assessment_class)",
    "CREATE INDEX assessment_by_rank ON assessment (year, assessment_class, rank)",
    "CREATE INDEX counties_by_year ON counties (year, county)",
};

// The views for the common questions (docs/export.md, "The database").
constexpr std::string_view kViews[] = {
    // Every award with each of its payouts (one row with NULL payout columns for an award without
    // any): the carrier's county now and when the award became owed, the approval's document and
    // the days from the award becoming owed to its approval and disbursement.
    R"(CREATE VIEW awards_with_payouts AS
SELECT e.entitlement_id, e.carrier_id, c.name AS carrier_name, c.county,
  (SELECT h.county FROM carrier_counties AS h
    WHERE h.carrier_id = e.carrier_id AND h.since <= e.triggered_on
    ORDER BY h.since DESC, h.ord DESC LIMIT 1) AS county_when_owed,
  e.rule_id, e.clause, e.status AS award_status, e.triggered_on, e.amount_fen AS award_fen,
  e.disbursed_fen AS award_disbursed_fen, e.outstanding_fen, e.clawback_due_fen,
  p.payout_id, p.amount_fen AS payout_fen, p.status AS payout_status, p.approved_seq,
  p.approved_on, p.approved_by, a.document_ref AS approval_document, p.disbursed_seq,
  p.disbursed_on, p.disbursed_by, p.voucher_no,
  CAST(julianday(p.approved_on) - julianday(e.triggered_on) AS INTEGER) AS days_to_approval,
  CAST(julianday(p.disbursed_on) - julianday(e.triggered_on) AS INTEGER) AS days_to_disbursal
FROM entitlements AS e
JOIN carriers AS c ON c.carrier_id = e.carrier_id
LEFT JOIN payouts AS p ON p.entitlement_id = e.entitlement_id
LEFT JOIN events AS a ON a.seq = p.approved_seq
ORDER BY e.entitlement_id, p.approved_seq)",
    // A carrier's county moves, accreditations granted and revoked and evaluations, in date order,
    // each with the document of its event.
    R"(CREATE VIEW carrier_history AS
SELECT h.carrier_id, c.name AS carrier_name, h.since AS date, h.seq, 'county' AS change,
  h.county, NULL AS level, NULL AS detail, v.document_ref
FROM carrier_counties AS h JOIN carriers AS c ON c.carrier_id = h.carrier_id
LEFT JOIN events AS v ON v.seq = h.seq
UNION ALL
SELECT t.carrier_id, c.name, t.date, t.seq, 'level ' || t.action, NULL, t.level, t.detail,
  v.document_ref
FROM carrier_level_history AS t JOIN carriers AS c ON c.carrier_id = t.carrier_id
LEFT JOIN events AS v ON v.seq = t.seq
UNION ALL
SELECT x.carrier_id, c.name, x.date, x.seq, 'evaluation', NULL, x.level,
  x.grade || ' (' || x.year || ')', v.document_ref
FROM carrier_evaluations AS x JOIN carriers AS c ON c.carrier_id = x.carrier_id
LEFT JOIN events AS v ON v.seq = x.seq
ORDER BY 1, 3, 4)",
    // Every retraction with the event it retracted.
    R"(CREATE VIEW retractions AS
SELECT r.seq AS retraction_seq, r.effective_date, r.recorded_at, r.actor_id, r.document_ref,
  json_extract(r.canonical_json, '$.data.reason') AS reason,
  json_extract(r.canonical_json, '$.data.retracted_seq') AS retracted_seq,
  x.type AS retracted_type, x.stream AS retracted_stream,
  x.effective_date AS retracted_effective_date
FROM events AS r
LEFT JOIN events AS x ON x.seq = json_extract(r.canonical_json, '$.data.retracted_seq')
WHERE r.type = 'EventRetracted'
ORDER BY r.seq)",
};

}  // namespace

const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = MakeTables();
  return tables;
}

std::size_t MetaTable() { return Tables().size() - 1; }

std::vector<std::string> CreateTables() {
  std::vector<std::string> sql;
  for (const Table& table : Tables()) sql.push_back(CreateTable(table));
  return sql;
}

std::vector<std::string> CreateIndexesAndViews() {
  std::vector<std::string> sql;
  for (std::string_view index : kIndexes) sql.emplace_back(index);
  for (std::string_view view : kViews) sql.emplace_back(view);
  return sql;
}

}  // namespace hatchery::exporting::database
