// The list pages: one view's rows a page at a time, with a search and the view's own filter.
#include <boost/json.hpp>

#include "console/pages/pages.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

// A list page's view, its word, and the filter keys its query string may set.
struct List {
  std::string_view view, word;
  std::vector<std::string_view> filters;
};

const List& ListOf(std::string_view view) {
  static const List kLists[] = {
      {"carriers", "carriers", {"kind", "county", "category"}},
      {"entitlements", "awards", {"status", "rule_id", "county"}},
      {"payouts", "payouts", {"status"}},
      {"compliance", "compliance", {"flag", "year"}},
      {"indicators", "indicators", {"year", "assessment_class"}},
  };
  for (const List& list : kLists) {
    if (list.view == view) return list;
  }
  return kLists[0];
}

}  // namespace

StatusOr<Page> ListPage(Reads& reads, const Location& at, std::string_view view) {
  const List& list = ListOf(view);
  bj::object args = at.Point();
  args["view"] = view;
  bj::object filter;
  for (std::string_view key : list.filters) {
    if (std::string value = at.Param(key); !value.empty()) filter[key] = value;
  }
  if (!filter.empty()) args["filter"] = std::move(filter);
  if (std::string search = at.Param("search"); !search.empty()) args["search"] = search;
  for (auto& [key, value] : at.PageArgs()) args[key] = value;
  ASSIGN_OR_RETURN(const bj::object* answer, reads.Ask(std::string(view), "query", args));
  Page page;
  page.title = Word(at.lang(), list.word);
  page.PointOf(*answer);
  page.body = "<form class=\"search no-print\" method=\"get\" action=\"/" + Safe(list.word) + "\">";
  page.body += KeptInputs(at);
  page.body += "<input type=\"search\" name=\"search\" id=\"search\" value=\"" +
               Safe(at.Param("search")) + "\" placeholder=\"" +
               Safe(Word(at.lang(), "search_hint")) + "\"><button type=\"submit\">" +
               Safe(Word(at.lang(), "search")) + "</button></form>";
  std::uint64_t matched = answer->at("matched").to_number<std::uint64_t>();
  page.body += RowsTable(*answer, view, at) + Pager(at, matched);
  return page;
}

}  // namespace hatchery::console
