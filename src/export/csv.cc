#include "export/csv.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <unordered_map>
#include <vector>

#include "hatchery/json.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kFen = "_fen";

bool IsMoney(std::string_view name) { return name.size() > kFen.size() && name.ends_with(kFen); }

std::string YuanName(std::string_view name) {
  return std::string(name.substr(0, name.size() - kFen.size())) + "_yuan";
}

void AppendQuoted(std::string_view cell, std::string* out) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(cell);
    return;
  }
  out->push_back('"');
  for (char c : cell) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// A text cell a spreadsheet would take for a formula — one starting with = + - @, a tab or a
// carriage return (OWASP, "CSV Injection") — is written after an apostrophe, which spreadsheets
// show as text and do not evaluate.
void AppendText(std::string_view cell, std::string* out) {
  if (cell.empty() || std::string_view("=+-@\t\r").find(cell[0]) == std::string_view::npos) {
    AppendQuoted(cell, out);
    return;
  }
  AppendQuoted("'" + std::string(cell), out);
}

void AppendCell(const bj::value& v, std::string* out) {
  char digits[24];
  switch (v.kind()) {
    case bj::kind::null: return;
    case bj::kind::string: AppendText(v.as_string(), out); return;
    case bj::kind::bool_: out->append(v.as_bool() ? "true" : "false"); return;
    case bj::kind::int64:
      out->append(digits, std::to_chars(digits, digits + sizeof digits, v.as_int64()).ptr);
      return;
    case bj::kind::uint64:
      out->append(digits, std::to_chars(digits, digits + sizeof digits, v.as_uint64()).ptr);
      return;
    case bj::kind::array:
    case bj::kind::object: AppendQuoted(json::Canonicalize(v), out); return;
    default: AppendQuoted(bj::serialize(v), out); return;
  }
}

}  // namespace

std::string YuanText(std::int64_t fen) {
  bool negative = fen < 0;
  std::uint64_t abs = negative ? 0 - static_cast<std::uint64_t>(fen) : fen;
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + cents;
}

std::size_t CsvBuilder::Slot(Slots* slots, std::string_view parent, std::string_view key) {
  auto it = slots->find(key);
  if (it != slots->end()) return it->second;
  std::string name =
      parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
  std::size_t slot = columns_.size();
  slots->emplace(std::string(key), slot);
  columns_.push_back(name);
  if (IsMoney(name)) columns_.push_back(YuanName(name));  // slot + 1, right after it
  return slot;
}

void CsvBuilder::AddCell(std::size_t slot, const bj::value& value) {
  std::size_t before = cells_.size();
  AppendCell(value, &cells_);
  entries_.push_back(
      {static_cast<std::uint32_t>(slot), static_cast<std::uint32_t>(cells_.size() - before)});
  if (value.is_number() && IsMoney(columns_[slot])) {
    before = cells_.size();
    cells_ += YuanText(value.to_number<std::int64_t>());
    entries_.push_back(
        {static_cast<std::uint32_t>(slot + 1), static_cast<std::uint32_t>(cells_.size() - before)});
  }
}

void CsvBuilder::Add(const bj::object& row) {
  row_ends_.push_back(0);
  for (const auto& [key, value] : row) {
    if (!value.is_object()) {
      AddCell(Slot(&top_, "", key), value);
      continue;
    }
    auto nested = nested_.find(std::string_view{key});
    if (nested == nested_.end()) nested = nested_.emplace(std::string(key), Slots()).first;
    for (const auto& [child, v] : value.as_object()) AddCell(Slot(&nested->second, key, child), v);
  }
  row_ends_.back() = entries_.size();
}

std::string CsvBuilder::Text() const {
  std::string out(kBom);
  if (columns_.empty()) return out;
  // Columns in the order first seen: a slot is its column's position, money and yuan adjacent.
  auto end_line = [&] {  // every cell was followed by a comma: the last one becomes CRLF
    out.back() = '\r';
    out += '\n';
  };
  out.reserve(cells_.size() + row_ends_.size() * columns_.size() + 64);
  for (const std::string& name : columns_) {
    AppendQuoted(name, &out);
    out += ',';
  }
  end_line();
  std::vector<std::string_view> row(columns_.size());
  std::size_t entry = 0, offset = 0;
  for (std::size_t end : row_ends_) {
    std::fill(row.begin(), row.end(), std::string_view());
    for (; entry < end; ++entry) {
      row[entries_[entry].slot] = std::string_view{cells_}.substr(offset, entries_[entry].size);
      offset += entries_[entry].size;
    }
    for (std::string_view cell : row) {
      out += cell;
      out += ',';
    }
    end_line();
  }
  return out;
}

std::string RowsCsv(const bj::array& rows) {
  CsvBuilder csv;
  for (const bj::value& row : rows) csv.Add(row.as_object());
  return csv.Text();
}

std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') {
        cell.push_back(c);
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      record.push_back(std::move(cell));
      cell.clear();
      records.push_back(std::move(record));
      record.clear();
    } else {
      cell.push_back(c);
    }
  }
  if (!cell.empty() || !record.empty()) {
    record.push_back(std::move(cell));
    records.push_back(std::move(record));
  }
  return records;
}

CsvTable::CsvTable(std::string name, std::string_view text)
    : name_(std::move(name)), records_(ParseCsv(text)) {}

std::string_view CsvTable::Get(std::size_t row, std::string_view column) const {
  if (row >= size()) return "";
  const std::vector<std::string>& header = records_.front();
  auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end()) return "";
  const std::vector<std::string>& record = records_.at(row + 1);
  std::size_t i = static_cast<std::size_t>(at - header.begin());
  return i < record.size() ? std::string_view{record[i]} : std::string_view();
}

std::string CsvTable::Source(std::size_t row) const {
  return name_ + " row " + std::to_string(row + 2);
}

}  // namespace hatchery::exporting
