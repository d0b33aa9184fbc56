#include "html/bar_chart.h"

#include <algorithm>

#include "html/escape.h"

namespace hatchery::html {

std::string BarChart(const std::string& id, const std::string& caption,
                     const std::vector<Bar>& bars) {
  // In the SVG's own units: a label column, the bars' track, room for the value text.
  constexpr int kWidth = 720, kLabel = 190, kTrack = 400, kRow = 22, kBar = 14, kTop = 6;
  const int height = kTop * 2 + kRow * static_cast<int>(bars.size());
  std::int64_t max = 1;
  for (const Bar& bar : bars) max = std::max(max, bar.value);
  std::string svg = "<svg class=\"chart\" id=\"" + Escape(id) + "\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(height) +
                    "\" role=\"img\"><title>" + Visible(caption) + "</title>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    int y = kTop + kRow * static_cast<int>(i);
    // Integer arithmetic, so the same data draws the same bytes on every machine.
    std::int64_t length = std::max<std::int64_t>(bar.value, 0) * kTrack / max;
    if (bar.value > 0 && length == 0) length = 1;
    std::string mid = std::to_string(y + kRow / 2 + 4);
    svg += "<g class=\"bar\"><title>";
    svg += Visible(bar.tooltip);
    svg += "</title><text x=\"" + std::to_string(kLabel - 8) + "\" y=\"";
    svg += mid;
    svg += "\" text-anchor=\"end\">";
    svg += Visible(bar.label);
    svg += "</text><rect x=\"" + std::to_string(kLabel);
    svg += "\" y=\"" + std::to_string(y + (kRow - kBar) / 2);
    svg += "\" width=\"" + std::to_string(length);
    svg += "\" height=\"" + std::to_string(kBar);
    svg += "\"/><text x=\"" + std::to_string(kLabel + length + 6);
    svg += "\" y=\"";
    svg += mid;
    svg += "\">";
    svg += Visible(bar.value_text);
    svg += "</text></g>";
  }
  svg += "<line x1=\"" + std::to_string(kLabel) + "\" y1=\"0\" x2=\"" + std::to_string(kLabel) +
         "\" y2=\"" + std::to_string(height) + "\" class=\"axis\"/></svg>";
  return svg;
}

}  // namespace hatchery::html
