#include "export/csv.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
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

std::string Quoted(std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(cell);
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Cell(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::null: return "";
    case bj::kind::string: return std::string(v.as_string());
    case bj::kind::bool_: return v.as_bool() ? "true" : "false";
    case bj::kind::array:
    case bj::kind::object: return json::Canonicalize(v);
    default: return bj::serialize(v);
  }
}

// The row's cells by column name: nested objects flattened one level, yuan beside fen.
void Flatten(const bj::object& row, std::vector<std::string>* order,
             std::map<std::string, std::string>* cells) {
  auto put = [&](std::string name, const bj::value& v) {
    auto add = [&](const std::string& column, std::string text) {
      if (std::find(order->begin(), order->end(), column) == order->end()) {
        order->push_back(column);
      }
      (*cells)[column] = std::move(text);
    };
    add(name, Cell(v));
    if (IsMoney(name))
      add(YuanName(name), v.is_number() ? YuanText(v.to_number<std::int64_t>()) : "");
  };
  for (const auto& [key, value] : row) {
    if (value.is_object()) {
      for (const auto& [child, v] : value.as_object()) {
        put(std::string(key) + "." + std::string(child), v);
      }
    } else {
      put(std::string(key), value);
    }
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

std::string RowsCsv(const bj::array& rows) {
  std::vector<std::string> order;
  std::vector<std::map<std::string, std::string>> table(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) Flatten(rows[i].as_object(), &order, &table[i]);
  std::string out(kBom);
  if (order.empty()) return out;
  auto line = [&](auto cell_of) {
    for (std::size_t c = 0; c < order.size(); ++c) {
      if (c > 0) out += ',';
      out += Quoted(cell_of(order[c]));
    }
    out += "\r\n";
  };
  line([](const std::string& column) { return column; });
  for (const auto& cells : table) {
    line([&](const std::string& column) {
      auto it = cells.find(column);
      return it == cells.end() ? std::string() : it->second;
    });
  }
  return out;
}

}  // namespace hatchery::exporting
