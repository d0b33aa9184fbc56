// One carrier's page: profile, timeline, awards, payouts, flags and yearly indicators.
#include <boost/json.hpp>

#include "console/pages/pages.h"
#include "read/cells.h"
#include "read/filter.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

// The profile as a definition list, in the carriers view's own cells.
std::string Profile(const bj::object& row, const Location& at) {
  std::string out = "<dl class=\"profile\" id=\"profile\">";
  for (const read::Column& c : read::Columns("carrier")) {
    std::string cell = read::Cell(row, c, at.unit());
    if (c.path == "kind" || c.path == "category") cell = Word(at.lang(), cell);
    out += "<dt>" + Safe(Word(at.lang(), c.key)) + "</dt><dd data-key=\"" + Safe(c.path) + "\">" +
           Safe(cell) + "</dd>";
  }
  if (const bj::value* op = row.if_contains("operator"); op && op->is_object()) {
    out += "<dt>operator</dt><dd>" + Safe(Field(op->as_object(), "name")) + " (" +
           Safe(Field(op->as_object(), "mode")) + ")</dd>";
  }
  return out + "</dl>";
}

}  // namespace

StatusOr<Page> CarrierPage(Reads& reads, const Location& at, std::string_view carrier_id) {
  Lang lang = at.lang();
  bj::object one = at.Point();
  one["filter"] = bj::object{{"carrier_id", carrier_id}};
  bj::object profile_args = one;
  profile_args["view"] = "carrier";
  ASSIGN_OR_RETURN(const bj::object* profile, reads.Ask("carrier", "query", profile_args));
  if (profile->at("rows").as_array().empty()) {
    return Status(Code::kNotFound, "no carrier " + std::string(carrier_id) + " at this point",
                  bj::object{{"carrier_id", carrier_id}});
  }
  const bj::object& row = profile->at("rows").as_array().front().as_object();
  bj::object history_args = at.Point();
  history_args["carrier_id"] = carrier_id;
  ASSIGN_OR_RETURN(const bj::object* history, reads.Ask("history", "history", history_args));

  Page page;
  page.title = Field(row, "name").empty() ? std::string(carrier_id) : Field(row, "name");
  page.PointOf(*profile);
  page.body = Profile(row, at);
  page.body += "<h2>" + Safe(Word(lang, "timeline")) + "</h2>" +
               EventTable(history->at("events").as_array(), at, "timeline", "what");
  struct Part {
    std::string_view view, word;
  };
  for (Part part : {Part{"entitlements", "awards"}, Part{"payouts", "payouts"},
                    Part{"compliance", "flags"}, Part{"indicators", "indicators"}}) {
    bj::object args = one;
    args["view"] = part.view;
    ASSIGN_OR_RETURN(const bj::object* answer, reads.Ask(std::string(part.view), "query", args));
    page.body += "<h2 id=\"" + Safe(part.view) + "\">" + Safe(Word(lang, part.word)) + "</h2>" +
                 RowsTable(*answer, part.view, at);
  }
  return page;
}

}  // namespace hatchery::console
