#include "read/filter.h"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "read/arguments.h"

namespace hatchery::read {

namespace bj = boost::json;

const bj::value* At(const bj::object& row, std::string_view path) {
  const bj::object* object = &row;
  const bj::value* value = nullptr;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t slash = std::min(path.find('/', start), path.size());
    if (!object) return nullptr;
    value = object->if_contains(path.substr(start, slash - start));
    if (!value) return nullptr;
    object = value->if_object();
    start = slash + 1;
  }
  return value;
}

std::string Plain(const bj::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_null()) return "";
  return bj::serialize(value);
}

StatusOr<Filter> Filter::Of(const bj::object& filter, std::string_view field) {
  Filter out;
  for (const auto& [path, want] : filter) {
    if (path.empty()) return BadArgument(field, "names an empty field");
    out.terms_.emplace_back(std::string(path), Plain(want));
  }
  return out;
}

bool Filter::Passes(const bj::object& row) const {
  return std::all_of(terms_.begin(), terms_.end(), [&](const auto& term) {
    const bj::value* have = At(row, term.first);
    return have && Plain(*have) == term.second;
  });
}

std::optional<std::string> Filter::Wants(std::string_view path) const {
  for (const auto& [p, text] : terms_) {
    if (p == path) return text;
  }
  return std::nullopt;
}

}  // namespace hatchery::read
