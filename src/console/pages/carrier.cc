// One carrier's page: profile, timeline, awards, payouts, flags and yearly indicators.
#include <boost/json.hpp>

#include "console/pages/pages.h"
#include "read/cells.h"
#include "read/filter.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

std::string Str(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (!v || v->is_null()) return "";
  return v->is_string() ? std::string(v->as_string()) : read::Plain(*v);
}

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
    out += "<dt>operator</dt><dd>" + Safe(Str(op->as_object(), "name")) + " (" +
           Safe(Str(op->as_object(), "mode")) + ")</dd>";
  }
  return out + "</dl>";
}

// The history's events: each act with its document, authority and who recorded it.
std::string Timeline(const bj::object& history, const Location& at) {
  Lang lang = at.lang();
  std::string out = "<table class=\"rows\" id=\"timeline\"><thead><tr>";
  for (std::string_view h : {"seq", "effective_date", "type", "what", "document_ref", "authority",
                             "actor", "recorded_at"}) {
    out += "<th>" + Safe(Word(lang, h)) + "</th>";
  }
  out += "</tr></thead><tbody>";
  for (const bj::value& value : history.at("events").as_array()) {
    const bj::object& e = value.as_object();
    bool retracted = e.contains("retracted_by") && !e.at("retracted_by").is_null();
    std::string actor = e.at("actor").is_object() ? Str(e.at("actor").as_object(), "id") : "";
    out += std::string("<tr") + (retracted ? " class=\"retracted\"" : "") + "><td class=\"n\">" +
           Safe(Str(e, "seq")) + "</td><td>" + Safe(Str(e, "effective_date")) + "</td><td>" +
           Safe(Str(e, "type")) + "</td><td>" + Safe(Str(e, "what")) +
           (retracted ? " <em>(" + Safe(Word(lang, "retracted")) + ")</em>" : "") + "</td><td>" +
           Safe(Str(e, "document_ref")) + "</td><td>" + Safe(Str(e, "authority")) + "</td><td>" +
           Safe(actor) + "</td><td>" + Safe(Str(e, "recorded_at")) + "</td></tr>";
  }
  return out + "</tbody></table>";
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
  page.title = Str(row, "name").empty() ? std::string(carrier_id) : Str(row, "name");
  page.PointOf(*profile);
  page.body = Profile(row, at);
  page.body += "<h2>" + Safe(Word(lang, "timeline")) + "</h2>" + Timeline(*history, at);
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
