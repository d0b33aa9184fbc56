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

void AppendCell(const bj::value& v, std::string* out) {
  char digits[24];
  switch (v.kind()) {
    case bj::kind::null: return;
    case bj::kind::string: AppendQuoted(v.as_string(), out); return;
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

// The columns of a set of rows: each field (a nested object's fields as "parent.child") in the
// order first seen, a yuan column right after each money column.
class Columns {
 public:
  // The value slot of field `name`, added if new.
  std::size_t Slot(const std::string& name) {
    auto it = slots_.find(name);
    if (it != slots_.end()) return it->second;
    std::size_t slot = slots_.size();
    slots_.emplace(name, slot);
    columns_.push_back({name, slot, false});
    if (IsMoney(name)) columns_.push_back({YuanName(name), slot, true});
    return slot;
  }
  // Calls visit(slot, value) for every field of `row`; `name` is scratch space.
  template <typename Visit>
  void ForEachField(const bj::object& row, std::string& name, Visit visit) {
    for (const auto& [key, value] : row) {
      if (!value.is_object()) {
        name.assign(key);
        visit(Slot(name), value);
        continue;
      }
      for (const auto& [child, v] : value.as_object()) {
        name.assign(key).append(".").append(child);
        visit(Slot(name), v);
      }
    }
  }
  std::size_t slots() const { return slots_.size(); }

  struct Column {
    std::string name;
    std::size_t slot;
    bool yuan;
  };
  const std::vector<Column>& columns() const { return columns_; }

 private:
  std::unordered_map<std::string, std::size_t> slots_;
  std::vector<Column> columns_;
};

}  // namespace

std::string YuanText(std::int64_t fen) {
  bool negative = fen < 0;
  std::uint64_t abs = negative ? 0 - static_cast<std::uint64_t>(fen) : fen;
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + cents;
}

std::string RowsCsv(const bj::array& rows) {
  Columns columns;
  std::string name;
  for (const bj::value& row : rows) columns.ForEachField(row.as_object(), name, [](auto, auto&) {});
  std::string out(kBom);
  if (columns.columns().empty()) return out;
  auto end_line = [&] {  // every cell was followed by a comma: the last one becomes CRLF
    out.back() = '\r';
    out += '\n';
  };
  for (const auto& column : columns.columns()) {
    AppendQuoted(column.name, &out);
    out += ',';
  }
  end_line();
  std::vector<const bj::value*> slots(columns.slots());
  for (const bj::value& row : rows) {
    std::fill(slots.begin(), slots.end(), nullptr);
    columns.ForEachField(row.as_object(), name,
                         [&](std::size_t slot, const bj::value& v) { slots[slot] = &v; });
    for (const auto& column : columns.columns()) {
      const bj::value* v = slots[column.slot];
      if (v && column.yuan) {
        if (v->is_number()) out += YuanText(v->to_number<std::int64_t>());
      } else if (v) {
        AppendCell(*v, &out);
      }
      out += ',';
    }
    end_line();
  }
  return out;
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
  return i < record.size() ? std::string_view(record[i]) : std::string_view();
}

std::string CsvTable::Source(std::size_t row) const {
  return name_ + " row " + std::to_string(row + 2);
}

}  // namespace hatchery::exporting
