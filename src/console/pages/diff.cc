// What changed between two points: the page's point and the `to_` point (the head when none),
// per view the rows added, removed and changed with each field's old and new value, and the events
// responsible.
#include <boost/json.hpp>

#include "console/pages/pages.h"
#include "read/filter.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

constexpr std::size_t kRowsShown = 20;

// A field's value as a cell: text as it is, anything else as its JSON; a long one cut at 120 bytes
// (on a character boundary) with the whole of it in its tooltip and the page's twin.
std::string Shown(const bj::value& v) {
  std::string text = v.is_string() ? std::string(v.as_string()) : bj::serialize(v);
  if (text.size() <= 120) return Safe(text);
  std::size_t cut = 120;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "<span title=\"" + Safe(text) + "\">" + Safe(text.substr(0, cut)) + "…</span>";
}

// The changed rows of one view: key, change, each field from → to, the events responsible.
std::string ViewChanges(std::string_view view, const bj::array& rows, std::size_t changed,
                        const Location& at) {
  Lang lang = at.lang();
  std::string out = "<section class=\"view-diff\" id=\"diff-" + Safe(view) + "\"><h3>" +
                    Safe(Word(lang, view == "entitlements" ? "awards" : view)) + " (" +
                    std::to_string(changed) + ")</h3>";
  if (rows.empty())
    return out + "<p class=\"empty\">" + Safe(Word(lang, "no_changes")) + "</p></section>";
  out += "<table class=\"rows\"><thead><tr><th>key</th><th>" + Safe(Word(lang, "changed")) +
         "</th><th>" + Safe(Word(lang, "field")) + "</th><th>" + Safe(Word(lang, "before")) +
         "</th><th>" + Safe(Word(lang, "after")) + "</th><th>" + Safe(Word(lang, "caused_by")) +
         "</th></tr></thead><tbody>";
  for (const bj::value& value : rows) {
    const bj::object& row = value.as_object();
    std::string key(row.at("key").as_string());
    const bj::value& carrier = row.at("carrier_id");
    std::string key_cell = carrier.is_string()
                               ? Anchor(at.Link("/carriers/" + UrlEncode(carrier.as_string())), key)
                               : Safe(key);
    std::string fields_from, fields_to, fields;
    for (const bj::value& f : row.at("fields").as_array()) {
      fields += Safe(f.at("field").as_string()) + "<br>";
      fields_from += Shown(f.at("from")) + "<br>";
      fields_to += Shown(f.at("to")) + "<br>";
    }
    std::string seqs;
    for (const bj::value& seq : row.at("responsible_seqs").as_array()) {
      seqs += (seqs.empty() ? "" : ", ") + read::Plain(seq);
    }
    out += "<tr><td>" + key_cell + "</td><td>" + Safe(Word(lang, row.at("change").as_string())) +
           "</td><td>" + fields + "</td><td>" + fields_from + "</td><td>" + fields_to +
           "</td><td class=\"n\">" + Safe(seqs) + "</td></tr>";
  }
  out += "</tbody></table>";
  if (changed > rows.size()) out += "<p>" + Safe(Word(lang, "shown_first")) + "</p>";
  return out + "</section>";
}

}  // namespace

StatusOr<Page> DiffPage(Reads& reads, const Location& at) {
  Lang lang = at.lang();
  Page page;
  page.title = Word(lang, "diff");
  bj::object args{{"from", at.Point()}, {"to", at.Point("to_")}, {"limit", kRowsShown}};
  ASSIGN_OR_RETURN(const bj::object* diff, reads.Ask("diff", "diff", args));
  const bj::object& from = diff->at("from").as_object();
  const bj::object& to = diff->at("to").as_object();
  page.PointOf(from);
  page.body = "<p class=\"points\" id=\"points\">" + Safe(Word(lang, "from")) + " " +
              Safe(Word(lang, "seq")) + " " + read::Plain(from.at("as_of_seq")) + " → " +
              Safe(Word(lang, "to")) + " " + Safe(Word(lang, "seq")) + " " +
              read::Plain(to.at("as_of_seq")) + "</p>";
  if (at.AtHead() && at.AtToday() && at.Param("to_as_of_seq").empty() &&
      at.Param("to_as_of_time").empty()) {
    page.body += "<p>" + Safe(Word(lang, "choose_point")) + "</p>";
  }
  page.body += "<h2>" + Safe(Word(lang, "events_by_type")) + " (" +
               read::Plain(diff->at("events_total")) + ")</h2><ul class=\"types\">";
  for (const auto& [type, n] : diff->at("events_by_type").as_object()) {
    page.body += "<li>" + Safe(type) + ": " + read::Plain(n) + "</li>";
  }
  page.body += "</ul><h2>" + Safe(Word(lang, "rows_changed")) + "</h2>";
  const bj::object& changed = diff->at("rows_changed").as_object();
  for (const auto& [view, rows] : diff->at("views").as_object()) {
    page.body += ViewChanges(view, rows.as_array(), changed.at(view).to_number<std::size_t>(), at);
  }
  return page;
}

}  // namespace hatchery::console
