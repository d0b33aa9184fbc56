// The yearly assessment: each class's ranking in a year, its top scores as a chart, and the
// ranked rows a page at a time.
#include <boost/json.hpp>
#include <cstdio>

#include "console/pages/pages.h"
#include "html/bar_chart.h"
#include "read/filter.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

// The assessment classes (domain::AssessmentClass), in their order.
constexpr std::string_view kClasses[] = {"incubator_comprehensive", "incubator_specialized",
                                         "space_social", "space_university"};

// Hundredths of a point as points: "89.20".
std::string Points(std::int64_t centi) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(centi) / 100.0);
  return text;
}

// The year and class selector: a GET form back to this page.
std::string Selector(const Location& at, const std::string& year, const std::string& klass) {
  Lang lang = at.lang();
  std::string out = "<form class=\"search no-print\" method=\"get\" action=\"/assessment\">";
  out += KeptInputs(at);
  out += "<label>" + Safe(Word(lang, "year")) +
         " <input type=\"number\" name=\"year\" id=\"year\" min=\"2000\" max=\"2100\" value=\"" +
         Safe(year) + "\"></label> <label>" + Safe(Word(lang, "assessment_class")) +
         " <select name=\"assessment_class\" id=\"class\"><option value=\"\">—</option>";
  for (std::string_view c : kClasses) {
    out += "<option value=\"" + Safe(c) + "\"" + (c == klass ? " selected" : "") + ">" +
           Safe(Word(lang, c)) + "</option>";
  }
  return out + "</select></label> <button type=\"submit\">" + Safe(Word(lang, "show")) +
         "</button></form>";
}

}  // namespace

StatusOr<std::string> YearBeforeToday(Reads& reads, const Location& at) {
  bj::object probe = at.Point();
  probe["view"] = "counties";
  probe["limit"] = 0;
  ASSIGN_OR_RETURN(const bj::object* today, reads.Ask("today", "query", probe));
  return std::to_string(std::stoi(Field(*today, "today").substr(0, 4)) - 1);
}

StatusOr<Page> AssessmentPage(Reads& reads, const Location& at) {
  Lang lang = at.lang();
  std::string year = at.Param("year");
  const std::string klass = at.Param("assessment_class");
  Page page;
  page.title = Word(lang, "assessment");
  if (year.empty()) {
    ASSIGN_OR_RETURN(year, YearBeforeToday(reads, at));
  }
  page.body = Selector(at, year, klass) + "<div class=\"grid charts\">";
  // Each class's top ten as a chart (or the chosen class's alone), from one read of the ranks
  // 1 to 10.
  bj::object args = at.Point();
  args["view"] = "assessment";
  bj::array ranks;
  for (int rank = 1; rank <= 10; ++rank) ranks.push_back(rank);
  bj::object top_filter{{"year", year}, {"rank", std::move(ranks)}};
  if (!klass.empty()) top_filter["assessment_class"] = klass;
  args["filter"] = std::move(top_filter);
  ASSIGN_OR_RETURN(const bj::object* top, reads.Ask("top", "query", args));
  page.PointOf(*top);
  const bj::value* names = top->if_contains("carrier_names");
  for (std::string_view c : kClasses) {
    if (!klass.empty() && klass != c) continue;
    std::vector<html::Bar> bars;
    for (const bj::value& value : top->at("rows").as_array()) {
      const bj::object& row = value.as_object();
      if (Field(row, "assessment_class") != c) continue;
      std::string id = Field(row, "carrier_id");
      const bj::value* name = names ? names->as_object().if_contains(id) : nullptr;
      std::int64_t centi = row.at("score_centi").to_number<std::int64_t>();
      // The id labels the bar (a name is too long for the chart); the name is its tooltip.
      bars.push_back({Field(row, "rank") + ". " + id, centi, Points(centi),
                      (name && name->is_string() ? std::string(name->as_string()) : id) +
                          " · score_centi " + std::to_string(centi)});
    }
    page.body +=
        "<section class=\"class-chart\"><h2>" + Safe(Word(lang, c)) + " · " + Safe(year) + "</h2>" +
        (bars.empty()
             ? "<p class=\"empty\">" + Safe(Word(lang, "no_rows")) + "</p>"
             : html::BarChart("chart-" + std::string(c), Word(lang, c) + " " + year, bars)) +
        "</section>";
  }
  page.body += "</div>";
  // The ranked rows, a page at a time.
  args = at.Point();
  args["view"] = "assessment";
  bj::object filter{{"year", year}};
  if (!klass.empty()) filter["assessment_class"] = klass;
  args["filter"] = std::move(filter);
  for (auto& [key, value] : at.PageArgs()) args[key] = value;
  ASSIGN_OR_RETURN(const bj::object* ranked, reads.Ask("assessment", "query", args));
  page.PointOf(*ranked);
  page.body += "<h2>" + Safe(Word(lang, "rank")) + "</h2>" + RowsTable(*ranked, "assessment", at) +
               Pager(at, ranked->at("matched").to_number<std::uint64_t>());
  return page;
}

}  // namespace hatchery::console
