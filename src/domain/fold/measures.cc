#include "domain/fold/measures.h"

#include <unordered_map>

namespace hatchery::domain {

std::optional<std::size_t> MeasureIndex(std::string_view name) {
  static const std::unordered_map<std::string_view, std::size_t> kIndex = [] {
    std::unordered_map<std::string_view, std::size_t> map;
    for (std::size_t i = 0; i < kMeasureCount; ++i) map.emplace(kMeasureNames[i], i);
    return map;
  }();
  auto it = kIndex.find(name);
  if (it == kIndex.end()) return std::nullopt;
  return it->second;
}

}  // namespace hatchery::domain
