// A horizontal bar chart as inline SVG: one labelled bar per entry, its length proportional to
// its value, the value's text at its end, a tooltip (<title>) per bar. Scales to its container's
// width and prints as vectors. What report.html draws its charts with.
//
// Pure; thread-safe.
#ifndef HATCHERY_HTML_BAR_CHART_H_
#define HATCHERY_HTML_BAR_CHART_H_

#include <cstdint>
#include <string>
#include <vector>

namespace hatchery::html {

struct Bar {
  std::string label;       // left of the bar
  std::int64_t value = 0;  // its length (negative values draw as 0)
  std::string value_text;  // right of the bar
  std::string tooltip;     // where the value comes from
};

// `id` names the chart (the svg's id) and `caption` describes it (its <title>).
std::string BarChart(const std::string& id, const std::string& caption,
                     const std::vector<Bar>& bars);

}  // namespace hatchery::html

#endif  // HATCHERY_HTML_BAR_CHART_H_
