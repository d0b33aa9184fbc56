#include "export/database/rows.h"

#include <array>
#include <boost/json.hpp>
#include <limits>

#include "export/database/schema.h"
#include "export/format.h"
#include "hatchery/checkpoint.h"
#include "hatchery/event.h"

namespace hatchery::exporting::database {
namespace {

namespace bj = boost::json;
using sqlite::Value;

// The member of `at` that `key` names ("a.b": member b of member a), or nullptr.
const bj::value* Member(const bj::object* at, std::string_view key) {
  if (!at) return nullptr;
  std::size_t dot = key.find('.');
  const bj::value* v = at->if_contains(key.substr(0, dot));
  if (!v || dot == std::string_view::npos) return v;
  return Member(v->if_object(), key.substr(dot + 1));
}

// A view row, or an element of one of its arrays (an object or a value), and its position (from
// 1).
struct Level {
  const bj::object* object = nullptr;
  const bj::value* value = nullptr;  // an element's (nullptr for the row)
  std::int64_t position = 0;
};

// The rows `table` makes of one view row (levels[0]), descending its arrays from `depth`.
class TableFiller {
 public:
  TableFiller(std::size_t index, RowSink& sink)
      : index_(index), table_(Tables()[index]), sink_(sink), cells_(table_.columns.size()) {}

  Status Add(const bj::object& row, std::int64_t position) {
    if (table_.rows != Table::Rows::kAll) {
      const bj::value* carrier = row.if_contains("carrier_id");
      bool total = !carrier || carrier->is_null();
      if (total != (table_.rows == Table::Rows::kClassTotal)) return Status::Ok();
    }
    std::array<Level, 3> levels{};
    levels[0] = {&row, nullptr, position};
    return Descend(0, &levels);
  }

 private:
  Status Descend(std::size_t depth, std::array<Level, 3>* levels) {
    if (depth == table_.arrays.size()) return Emit(*levels);
    const bj::value* array = Member((*levels)[depth].object, table_.arrays[depth]);
    if (!array || array->is_null()) return Status::Ok();
    if (!array->is_array()) return Mismatch(table_.arrays[depth], "an array");
    std::int64_t position = 0;
    for (const bj::value& element : array->as_array()) {
      (*levels)[depth + 1] = {element.if_object(), &element, ++position};
      RETURN_IF_ERROR(Descend(depth + 1, levels));
    }
    return Status::Ok();
  }

  Status Emit(const std::array<Level, 3>& levels) {
    for (std::size_t i = 0; i < table_.columns.size(); ++i) {
      const Column& column = table_.columns[i];
      const Level& at = levels[static_cast<std::size_t>(column.level)];
      if (column.key == "#") {
        cells_[i] = at.position;
        continue;
      }
      const bj::value* v = column.key.empty() ? at.value : Member(at.object, column.key);
      if (!v || v->is_null()) {
        cells_[i] = std::monostate{};
      } else if (column.type == Type::kText && v->is_string()) {
        cells_[i] = std::string_view(v->as_string());
      } else if (column.type == Type::kInteger && v->is_int64()) {
        cells_[i] = v->as_int64();
      } else if (column.type == Type::kInteger && v->is_uint64() &&
                 v->as_uint64() <=
                     static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        cells_[i] = static_cast<std::int64_t>(v->as_uint64());
      } else if (column.type == Type::kInteger && v->is_bool()) {
        cells_[i] = std::int64_t{v->as_bool() ? 1 : 0};
      } else {
        return Mismatch(column.key, column.type == Type::kText ? "a text" : "an integer");
      }
    }
    return sink_.Add(index_, cells_);
  }

  Status Mismatch(std::string_view key, std::string_view wanted) const {
    return Status(Code::kInternal, "bundle.sqlite: the " + table_.view + " view's member \"" +
                                       std::string(key) + "\" is not " + std::string(wanted) +
                                       " as table " + table_.name + " has it");
  }

  std::size_t index_;
  const Table& table_;
  RowSink& sink_;
  std::vector<Value> cells_;
};

}  // namespace

Status EventRows::Add(std::string_view line, RowSink& sink) {
  ASSIGN_OR_RETURN(EventView e, ScanStoredEvent(line, &tape_));
  std::string hash = ToHex(e.hash), prev_hash = ToHex(e.prev_hash);
  auto optional = [](const std::optional<std::string_view>& text) -> Value {
    if (text) return *text;
    return std::monostate{};
  };
  Value carrier = std::monostate{};
  if (e.stream.starts_with("carrier/")) carrier = e.stream.substr(8);
  const std::array<Value, 18> cells{static_cast<std::int64_t>(e.seq),
                                    e.event_id,
                                    e.type,
                                    e.stream,
                                    static_cast<std::int64_t>(e.stream_version),
                                    e.schema_version,
                                    carrier,
                                    e.effective_date,
                                    e.recorded_at,
                                    e.actor.id,
                                    e.actor.role,
                                    optional(e.actor.os_user),
                                    optional(e.document_ref),
                                    optional(e.note),
                                    e.command_id,
                                    std::string_view(hash),
                                    std::string_view(prev_hash),
                                    line};
  return sink.Add(kEventsTable, cells);
}

Status AddProjection(const domain::Projection& projection, std::optional<int> year, RowSink& sink) {
  for (std::string_view view : domain::kViews) {
    std::vector<TableFiller> fillers;
    for (std::size_t i = 0; i < Tables().size(); ++i) {
      if (Tables()[i].view == view) fillers.emplace_back(i, sink);
    }
    const bool yearly = view == "indicators" || view == "assessment" || view == "counties";
    Status status = Status::Ok();
    std::int64_t position = 0;
    RETURN_IF_ERROR(domain::ForEachRow(projection, view, [&](bj::object&& row) {
      ++position;
      if (!status.ok()) return;
      if (yearly && year && row.at("year").to_number<std::int64_t>() != *year) return;
      for (TableFiller& filler : fillers) {
        status = filler.Add(row, position);
        if (!status.ok()) return;
      }
    }));
    RETURN_IF_ERROR(status);
  }
  return Status::Ok();
}

Status AddMeta(const ExportPoint& point, std::uint64_t from_seq, std::uint64_t to_seq,
               const std::vector<std::string>& state_lines, std::string_view software,
               RowSink& sink) {
  std::string checkpoint =
      FormatCheckpoint(Checkpoint{point.origin, point.tree_size, point.root, state_lines});
  std::string effective_on = point.effective_on ? domain::FormatDate(*point.effective_on) : "";
  std::string size = std::to_string(point.tree_size), root = ToHex(point.root);
  std::string from = std::to_string(from_seq), to = std::to_string(to_seq);
  std::string year = point.year ? std::to_string(*point.year) : "";
  std::string schema = std::to_string(kSchemaVersion);
  auto text_or_null = [](const std::string& text) -> Value {
    if (text.empty()) return std::monostate{};
    return std::string_view(text);
  };
  const std::pair<std::string_view, Value> rows[] = {
      {"bundle_format", kBundleFormat},
      {"schema_version", std::string_view(schema)},
      {"software", software},
      {"origin", std::string_view(point.origin)},
      {"tree_size", std::string_view(size)},
      {"root", std::string_view(root)},
      {"effective_on", text_or_null(effective_on)},
      {"from_seq", std::string_view(from)},
      {"to_seq", std::string_view(to)},
      {"year", text_or_null(year)},
      {"issuer", text_or_null(point.issuer)},
      {"checkpoint", std::string_view(checkpoint)},
  };
  for (const auto& [key, value] : rows) {
    const Value cells[] = {key, value};
    RETURN_IF_ERROR(sink.Add(MetaTable(), cells));
  }
  return Status::Ok();
}

}  // namespace hatchery::exporting::database
