// Projection rows as CSV for the bureau's spreadsheet programs (AUDIT.md §5): UTF-8 with a byte
// order mark, RFC 4180 quoting, CRLF line ends. The header names the rows' fields in the order
// they first appear; a nested object is flattened one level ("values.jobs"); an array is written
// as its canonical JSON; null is an empty cell. Beside every money column in fen (`…_fen`) comes
// the same amount in yuan (`…_yuan`, e.g. "1234.56"), so a person reads yuan and a program
// recomputes from fen. Text is written as recorded (Chinese names included), except that a text
// cell a spreadsheet would take for a formula (starting with = + - @, a tab or CR) gets a leading
// apostrophe.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_EXPORT_CSV_H_
#define HATCHERY_EXPORT_CSV_H_

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hatchery::exporting {

// The CSV of a set of rows, built one row at a time (no row is kept: its cells are rendered as it
// is added), for views too big to hold as JSON.
class CsvBuilder {
 public:
  void Add(const boost::json::object& row);
  std::string Text() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Slots = std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>>;
  struct Entry {
    std::uint32_t slot, size;  // a cell of a row: its column, its text's length in cells_
  };

  // The column of field `key` (of the object `parent`, "" for the row itself), added if new.
  std::size_t Slot(Slots* slots, std::string_view parent, std::string_view key);
  void AddCell(std::size_t slot, const boost::json::value& value);

  std::vector<std::string> columns_;  // by slot
  Slots top_;
  std::unordered_map<std::string, Slots, Hash, std::equal_to<>> nested_;
  std::string cells_;                  // every cell's text, row after row
  std::vector<Entry> entries_;         // every cell, row after row
  std::vector<std::size_t> row_ends_;  // each row's end in entries_
};

// The same for rows at hand.
std::string RowsCsv(const boost::json::array& rows);

// The records of a CSV as RowsCsv writes it, each a list of cells: a leading byte order mark is
// skipped, quoted cells are unquoted, CRLF or LF ends a record. (An unterminated quote runs to the
// end of the text.) For naming the cell where two CSVs differ.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text);

// A CSV read back for lookups by column name: what report.html is made from, so that every
// number in it is a cell of a bundle file, which it can name.
class CsvTable {
 public:
  // `name` is the file's name, used in Source(); `text` its content ("" for none: no rows).
  CsvTable(std::string name, std::string_view text);
  std::size_t size() const { return records_.empty() ? 0 : records_.size() - 1; }
  // The cell of data row `row` (0-based) in `column`; "" if there is no such row or column.
  std::string_view Get(std::size_t row, std::string_view column) const;
  // Where data row `row` is, as a spreadsheet numbers it (the header is row 1): "payouts.csv row
  // 7".
  std::string Source(std::size_t row) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<std::vector<std::string>> records_;
};

// "1234.56", "-0.05": fen as yuan with two decimals, no grouping.
std::string YuanText(std::int64_t fen);

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_CSV_H_
