#include "domain/measures.h"

#include <unordered_map>

namespace hatchery::domain {

std::optional<std::size_t> MeasureIndex(std::string_view name) {
  static const auto* index = [] {
    auto* map = new std::unordered_map<std::string_view, std::size_t>();
    for (std::size_t i = 0; i < kMeasureCount; ++i) map->emplace(kMeasureNames[i], i);
    return map;
  }();
  auto it = index->find(name);
  if (it == index->end()) return std::nullopt;
  return it->second;
}

}  // namespace hatchery::domain
