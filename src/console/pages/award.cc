// One award's page: what it is and why (explain), or why nothing is owed.
#include <boost/json.hpp>

#include "console/pages/pages.h"
#include "read/filter.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

// The award's money and status, each amount with its fen for a reader that checks it.
std::string Summary(const bj::object& e, const Location& at) {
  Lang lang = at.lang();
  std::string out = "<dl class=\"profile\" id=\"award\"><dt>" + Safe(Word(lang, "status")) +
                    "</dt><dd data-key=\"status\">" + Safe(Word(lang, Field(e, "status"))) +
                    "</dd><dt>" + Safe(Word(lang, "triggered_on")) + "</dt><dd>" +
                    Safe(Field(e, "triggered_on")) + "</dd>";
  for (std::string_view key : {"amount", "approved", "disbursed", "outstanding", "clawback_due"}) {
    std::string path = std::string(key) + "_fen";
    const bj::value* fen = e.if_contains(path);
    if (!fen || !fen->is_int64()) continue;
    out += "<dt>" + Safe(Word(lang, key) + UnitSuffix(at)) + "</dt><dd class=\"n\" data-key=\"" +
           Safe(path) + "\" data-fen=\"" + Safe(read::Plain(*fen)) + "\">" +
           Safe(Money(at, fen->as_int64())) + "</dd>";
  }
  return out + "</dl>";
}

std::string Declines(const bj::array& declines, const Location& at) {
  std::string out = "<table class=\"rows\" id=\"declines\"><thead><tr><th>" +
                    Safe(Word(at.lang(), "seq")) + "</th><th>" + Safe(Word(at.lang(), "date")) +
                    "</th><th>" + Safe(Word(at.lang(), "reason")) + "</th><th>" +
                    Safe(Word(at.lang(), "detail")) + "</th></tr></thead><tbody>";
  for (const bj::value& d : declines) {
    const bj::object& o = d.as_object();
    out += "<tr><td class=\"n\">" + Safe(Field(o, "seq")) + "</td><td>" + Safe(Field(o, "date")) +
           "</td><td>" + Safe(Field(o, "reason")) + "</td><td>" + Safe(Field(o, "detail")) +
           "</td></tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace

StatusOr<Page> AwardPage(Reads& reads, const Location& at, std::string_view entitlement_id) {
  Lang lang = at.lang();
  bj::object args = at.Point();
  args["entitlement_id"] = entitlement_id;
  ASSIGN_OR_RETURN(const bj::object* x, reads.Ask("explain", "explain", args));
  Page page;
  page.PointOf(*x);
  page.title = std::string(entitlement_id) + " · " + Field(*x, "carrier_name");
  const bj::object& rule = x->at("rule").as_object();
  const bj::object& ruleset = x->at("ruleset").as_object();
  std::string carrier = Field(*x, "carrier_id");
  page.body = "<p>" +
              Anchor(at.Link("/carriers/" + UrlEncode(carrier)),
                     Field(*x, "carrier_name") + " (" + carrier + ")") +
              "</p>";
  if (x->at("entitlement").is_object()) {
    page.body += Summary(x->at("entitlement").as_object(), at);
  } else {
    page.body += "<p class=\"why-not\" id=\"why-not\">" + Safe(Word(lang, "why_not")) + "</p>";
  }
  page.body += "<h2>" + Safe(Word(lang, "rule")) + " " + Safe(Field(rule, "id")) + " · " +
               Safe(Field(rule, "clause")) + "</h2><blockquote class=\"clause\">" +
               Safe(Field(rule, "clause_text")) + "</blockquote><p>" + Safe(Word(lang, "ruleset")) +
               ": " + Safe(Field(ruleset, "title")) + " (" + Safe(Field(ruleset, "id")) + ", " +
               Safe(Word(lang, "from")) + " " + Safe(Field(ruleset, "effective_from")) + ")</p>";
  if (const bj::array& declines = x->at("declines").as_array(); !declines.empty()) {
    page.body += "<h2>" + Safe(Word(lang, "declines")) + "</h2>" + Declines(declines, at);
  }
  page.body += "<h2>" + Safe(Word(lang, "events")) + "</h2>" +
               EventTable(x->at("events").as_array(), at, "events", "hash");
  bj::object payouts{{"rows", x->at("payouts")},
                     {"carrier_names", {{carrier, x->at("carrier_name")}}}};
  page.body += "<h2>" + Safe(Word(lang, "payouts")) + "</h2>" + RowsTable(payouts, "payouts", at);
  return page;
}

}  // namespace hatchery::console
