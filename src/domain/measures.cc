#include "domain/measures.h"

#include <algorithm>

namespace hatchery::domain {

std::optional<std::size_t> MeasureIndex(std::string_view name) {
  auto it = std::find(kMeasureNames.begin(), kMeasureNames.end(), name);
  if (it == kMeasureNames.end()) return std::nullopt;
  return static_cast<std::size_t>(it - kMeasureNames.begin());
}

}  // namespace hatchery::domain
