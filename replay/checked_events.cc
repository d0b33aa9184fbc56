#include "replay/checked_events.h"

#include <functional>
#include <future>

#include "hatchery/chain.h"

namespace hatchery::replay {
namespace {

void Check(const std::vector<std::string>& lines, std::size_t begin, std::size_t end,
           std::vector<CheckedEvent>* out) {
  for (std::size_t i = begin; i < end; ++i) {
    CheckedEvent& checked = (*out)[i];
    checked.event = ParseEvent(lines[i]);
    if (checked.event.ok()) checked.content_problem = CheckEventContent(*checked.event, lines[i]);
  }
}

}  // namespace

std::vector<CheckedEvent> ParseAndCheck(const std::vector<std::string>& lines) {
  std::vector<CheckedEvent> out(lines.size());
  std::size_t half = lines.size() / 2;
  auto first = std::async(std::launch::async, Check, std::cref(lines), std::size_t{0}, half, &out);
  Check(lines, half, lines.size(), &out);
  first.get();
  return out;
}

}  // namespace hatchery::replay
