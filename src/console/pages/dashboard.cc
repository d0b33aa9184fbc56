// The dashboard: the year at a glance, what is due, the flags, and the log's last signed
// checkpoint with whether it verifies.
#include <boost/json.hpp>

#include "console/pages/pages.h"
#include "hatchery/checkpoint.h"
#include "hatchery/sha256.h"
#include "html/bar_chart.h"
#include "read/filter.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

std::int64_t Value(const bj::object& row, std::string_view name) {
  const bj::value* v = read::At(row, "values/" + std::string(name));
  return v && v->is_int64() ? v->as_int64() : 0;
}

// Carriers by kind in the whole city's row of the year (the one without a county), as a bar
// chart.
std::string KindChart(const bj::object& counties, const Location& at) {
  const bj::object* city = nullptr;
  for (const bj::value& row : counties.at("rows").as_array()) {
    const bj::value* county = row.as_object().if_contains("county");
    if (!county || county->is_null()) city = &row.as_object();
  }
  std::vector<html::Bar> bars;
  for (std::string_view kind : {"incubator", "maker_space", "star_space"}) {
    std::int64_t n = city ? Value(*city, "carriers_" + std::string(kind)) : 0;
    bars.push_back({Word(at.lang(), kind), n, std::to_string(n),
                    "counties view, the whole city: values/carriers_" + std::string(kind)});
  }
  return html::BarChart("kinds", Word(at.lang(), "totals_by_class"), bars);
}

// Rows of each due-list the dashboard shows; `listed` counts them all.
constexpr std::size_t kDueShown = 10;

// One list of `due`'s answer as a small table: carrier, award, since, money.
std::string DueList(const bj::object& due, std::string_view list, std::string_view money,
                    const Location& at) {
  const bj::array& rows = due.at(list).as_array();
  std::string out = "<section class=\"due\" id=\"due-" + Safe(list) + "\"><h3>" +
                    Safe(Word(at.lang(), list == "payments"    ? "due_payments"
                                         : list == "clawbacks" ? "due_clawbacks"
                                                               : list)) +
                    " (" + read::Plain(due.at("listed").at(list)) + ") " + Safe(UnitSuffix(at)) +
                    "</h3>";
  if (rows.empty())
    return out + "<p class=\"empty\">" + Safe(Word(at.lang(), "no_rows")) + "</p></section>";
  out += "<table class=\"rows\"><tbody>";
  for (const bj::value& value : rows) {
    const bj::object& r = value.as_object();
    std::string id(r.at("entitlement_id").as_string());
    const bj::value* fen = r.if_contains(money);
    out += "<tr><td>" + Anchor(at.Link("/awards/" + UrlEncode(id)), id) + "</td><td>" +
           Safe(r.at("carrier_name").is_string() ? std::string(r.at("carrier_name").as_string())
                                                 : "") +
           "</td><td class=\"n\" data-fen=\"" + Safe(fen ? read::Plain(*fen) : "") + "\">" +
           Safe(fen && fen->is_int64() ? Money(at, fen->as_int64()) : "") + "</td></tr>";
  }
  return out + "</tbody></table></section>";
}

// The last signed checkpoint, and whether it verifies: its signature by the server's key, and its
// root the log's at its size (a consistency proof to the point's seq, whose first root it must
// equal).
StatusOr<std::string> CheckpointPart(Reads& reads, const Location& at, std::uint64_t seq,
                                     const std::optional<note::VerifierKey>& key) {
  Lang lang = at.lang();
  std::string out = "<section id=\"checkpoint\"><h2>" + Safe(Word(lang, "checkpoint")) + "</h2>";
  ASSIGN_OR_RETURN(const bj::object* kept, reads.Ask("checkpoints", "checkpoints", {}));
  const bj::object* last = nullptr;
  for (const bj::value& c : kept->at("checkpoints").as_array()) {
    if (c.at("size").to_number<std::uint64_t>() <= seq) last = &c.as_object();
  }
  if (!last) return out + "<p>" + Safe(Word(lang, "no_checkpoint")) + "</p></section>";
  std::string note(last->at("note").as_string());
  std::uint64_t size = last->at("size").to_number<std::uint64_t>();
  std::string verdict = "no_key";
  if (key) {
    auto parsed = note::Parse(note);
    auto checkpoint = CheckpointOfNote(note);
    bool good = parsed.ok() && checkpoint.ok() && note::Verify(*parsed, *key).ok();
    if (good) {
      bj::object proof_args{{"kind", "consistency"}, {"first", size}, {"second", seq}};
      ASSIGN_OR_RETURN(const bj::object* proof, reads.Ask("proof", "proof", proof_args));
      good = proof->at("first_root").as_string() == ToHex(checkpoint->root);
    }
    verdict = good ? "verifies" : "does_not_verify";
  }
  out += "<p class=\"verdict " + verdict + "\" id=\"checkpoint-verdict\">" +
         Safe(Word(lang, "seq")) + " " + std::to_string(size) + ": " + Safe(Word(lang, verdict)) +
         "</p><pre class=\"note\">" + Safe(note, true) + "</pre></section>";
  return out;
}

}  // namespace

StatusOr<Page> DashboardPage(Reads& reads, const Location& at,
                             const std::optional<note::VerifierKey>& key) {
  Lang lang = at.lang();
  bj::object due_args = at.Point();
  due_args["limit"] = kDueShown;
  ASSIGN_OR_RETURN(const bj::object* due, reads.Ask("due", "due", due_args));
  Page page;
  page.PointOf(*due);
  page.title = Word(lang, "dashboard");
  std::string year = page.today.substr(0, 4);
  bj::object county_args = at.Point();
  county_args["view"] = "counties";
  county_args["filter"] = bj::object{{"year", year}};
  ASSIGN_OR_RETURN(const bj::object* counties, reads.Ask("counties", "query", county_args));
  bj::object flag_args = at.Point();
  flag_args["view"] = "compliance";
  flag_args["offset"] = 0;
  flag_args["limit"] = 10;
  ASSIGN_OR_RETURN(const bj::object* flags, reads.Ask("compliance", "query", flag_args));

  page.body = "<div class=\"grid\"><section><h2>" + Safe(Word(lang, "totals_by_class")) + " · " +
              Safe(year) + "</h2>" + KindChart(*counties, at) + "</section><section><h2>" +
              Safe(Word(lang, "due")) + "</h2>" + DueList(*due, "payments", "due_fen", at) +
              DueList(*due, "clawbacks", "clawback_due_fen", at) +
              DueList(*due, "awaiting_evaluation", "amount_fen", at) + "</section></div>";
  page.body += "<h2>" + Safe(Word(lang, "totals_by_county")) + " · " + Safe(year) + "</h2>" +
               RowsTable(*counties, "counties", at);
  page.body += "<h2>" + Safe(Word(lang, "flags")) + " (" + read::Plain(flags->at("matched")) +
               ")</h2>" + RowsTable(*flags, "compliance", at) + "<p>" +
               Anchor(at.Link("/compliance"), Word(lang, "compliance") + " →") + "</p>";
  ASSIGN_OR_RETURN(std::string checkpoint,
                   CheckpointPart(reads, at, std::stoull(page.as_of_seq), key));
  page.body += checkpoint;
  return page;
}

}  // namespace hatchery::console
