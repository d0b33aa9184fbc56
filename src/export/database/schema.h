// The schema of bundle.sqlite (docs/export.md, "The database"): the events of the bundle's range,
// every view of the projection at the export point as typed tables — one per view, and one per
// array a view's rows hold (a carrier's county history, an entitlement's status history, ...) —
// and a meta table of the bundle's point. Money is integer fen, dates ISO text (YYYY-MM-DD),
// times RFC 3339 text; a child table names its parent by key and its element's position (`ord`,
// from 1). Foreign keys tie the view tables together; the `seq` columns name events (joined to
// events.seq, not declared as foreign keys, because a bundle of a range holds only some events).
//
// The tables are data (Table), so that the writer, the checker and the documentation read one
// list. Thread-safe (immutable after first use).
#ifndef HATCHERY_EXPORT_DATABASE_SCHEMA_H_
#define HATCHERY_EXPORT_DATABASE_SCHEMA_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hatchery::exporting::database {

// "PRAGMA application_id" of a bundle database ("HTCH"), and "PRAGMA user_version": the schema's
// version, raised with every change of the tables, indexes or views.
inline constexpr std::int32_t kApplicationId = 0x48544348;
inline constexpr std::int32_t kSchemaVersion = 1;

enum class Type { kInteger, kText };

// A column, and where its value is in a view's row.
struct Column {
  std::string name;
  Type type = Type::kText;
  bool required = false;  // NOT NULL
  // 0: the view's row; 1: an element of the table's first array; 2: of the array within that.
  int level = 0;
  // The member at that level ("operator.name": a member of a member object); "#": the element's
  // position (from 1; at level 0, the row's in its view); "": the element itself.
  std::string key;
};

// Where a table's rows come from.
enum class Source {
  kEvents,      // the events of events.jsonl, one row each
  kProjection,  // a view's rows
  kMeta,        // the bundle's point
};

struct Table {
  std::string name;
  Source source = Source::kProjection;
  std::string view;  // the view whose rows fill it (kProjection)
  // The arrays descended from each view row, one row per element at the last: {} one row per view
  // row; {"stations", "deals"} one per deal of each station of each row.
  std::vector<std::string> arrays;
  // Rows of the view taken: all, or only those whose carrier_id is (not) null (the indicators
  // view's carrier rows and class totals).
  enum class Rows { kAll, kCarrier, kClassTotal } rows = Rows::kAll;
  std::vector<Column> columns;
  std::vector<std::string> constraints;  // PRIMARY KEY and FOREIGN KEY clauses
};

// Every table, in the order they are created and filled: events first, meta last.
const std::vector<Table>& Tables();
inline constexpr std::size_t kEventsTable = 0;
std::size_t MetaTable();

// The statements that make the schema: first the tables (CreateTables, before the rows), then the
// indexes and views (CreateIndexesAndViews, after them: an index is faster built once).
std::vector<std::string> CreateTables();
std::vector<std::string> CreateIndexesAndViews();

}  // namespace hatchery::exporting::database

#endif  // HATCHERY_EXPORT_DATABASE_SCHEMA_H_
