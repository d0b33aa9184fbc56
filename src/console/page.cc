#include "console/page.h"

#include <boost/json.hpp>
#include <vector>

#include "hatchery/text.h"
#include "hatchery/version.h"
#include "html/escape.h"
#include "read/cells.h"
#include "read/filter.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

// The pages of the header, in order: path and word.
constexpr std::pair<std::string_view, std::string_view> kPages[] = {
    {"/", "dashboard"},
    {"/carriers", "carriers"},
    {"/awards", "awards"},
    {"/payouts", "payouts"},
    {"/compliance", "compliance"},
    {"/indicators", "indicators"},
    {"/assessment", "assessment"},
    {"/diff", "diff"},
    {"/export", "export"},
};

std::string Header(const Location& at, const Chrome& chrome) {
  Lang lang = at.lang();
  std::string out = "<header><a class=\"brand\" href=\"" + Safe(at.Link("/")) + "\">" +
                    Safe(Word(lang, "title")) + "</a><nav>";
  std::string_view first = at.segments().empty() ? "" : std::string_view(at.segments().front());
  for (const auto& [path, word] : kPages) {
    bool here = path.substr(1) == first;
    out += "<a href=\"" + Safe(at.Link(path)) + "\"" + (here ? " aria-current=\"page\"" : "") +
           ">" + Safe(Word(lang, word)) + "</a>";
  }
  out += "</nav><div class=\"who\">" + Safe(Word(lang, "signed_in_as")) + " <b>" +
         Safe(chrome.actor) + "</b> (" + Safe(chrome.role) +
         ") <form method=\"post\" action=\"/sign-out\"><input type=\"hidden\" name=\"csrf\" "
         "value=\"" +
         Safe(chrome.csrf) + "\"><button type=\"submit\">" + Safe(Word(lang, "sign_out")) +
         "</button></form></div></header>";
  return out;
}

// The time controls: a GET form back to this page with the other parameters kept.
std::string Controls(const Page& page, const Location& at, const Chrome& chrome) {
  Lang lang = at.lang();
  std::string seq = at.Param("as_of_seq"), time = at.Param("as_of_time");
  std::string shown_seq = !seq.empty() ? seq : page.as_of_seq;
  std::string out = "<form class=\"point no-print\" method=\"get\" action=\"" +
                    Safe(at.With({}).substr(0, at.With({}).find('?'))) + "\">";
  // Every parameter but the point's and the page number is carried through.
  out += HiddenInputs(
      at, {"search", "lang", "unit", "status", "flag", "year", "assessment_class", "kind", "county",
           "category", "rule_id", "to_as_of_seq", "to_as_of_time", "to_effective_on"});
  std::string head = std::to_string(chrome.head_seq);
  out += "<label>" + Safe(Word(lang, "known_at")) +
         " <input type=\"range\" id=\"seq-slider\" min=\"1\" max=\"" + head + "\" value=\"" +
         Safe(shown_seq.empty() ? head : shown_seq) + "\" aria-label=\"seq\"></label>";
  out += "<input type=\"number\" id=\"as-of-seq\" name=\"as_of_seq\" min=\"1\" max=\"" + head +
         "\" placeholder=\"" + Safe(Word(lang, "seq")) + " ≤ " + head + "\" value=\"" + Safe(seq) +
         "\">";
  out +=
      "<input type=\"text\" id=\"as-of-time\" name=\"as_of_time\" size=\"22\" "
      "placeholder=\"2026-01-10T08:00:00Z\" value=\"" +
      Safe(time) + "\">";
  out += "<label>" + Safe(Word(lang, "effective_on")) +
         " <input type=\"date\" id=\"effective-on\" name=\"effective_on\" value=\"" +
         Safe(at.Param("effective_on")) + "\"></label>";
  out += "<button type=\"submit\">" + Safe(Word(lang, "show")) + "</button>";
  out +=
      Anchor(at.With({{"as_of_seq", ""}, {"as_of_time", ""}, {"effective_on", ""}, {"page", ""}}),
             Word(lang, "head"));
  if (!at.AtHead() || !at.AtToday()) {
    out += Anchor(at.Link("/diff"), Word(lang, "what_changed"));
  }
  out += "<span class=\"toggles\">" +
         Anchor(at.With({{"lang", lang == Lang::kZh ? "en" : ""}}), Word(lang, "language")) +
         Anchor(at.With({{"unit", at.unit() == read::Unit::kYuan ? "wan" : ""}}),
                Word(lang, "unit_toggle") + " " +
                    Word(lang, at.unit() == read::Unit::kYuan ? "wan" : "yuan")) +
         Anchor(at.With({{"format", "json"}}), "JSON") + "</span></form>";
  return out;
}

// "As of seq 556, effective on …, today 2026-06-28", under the controls.
std::string PointLine(const Page& page, const Location& at) {
  if (page.as_of_seq.empty()) return "";
  Lang lang = at.lang();
  std::string out = "<p class=\"as-of\" id=\"as-of\" data-seq=\"" + Safe(page.as_of_seq) + "\">" +
                    Safe(Word(lang, "as_of")) + " " + Safe(Word(lang, "seq")) + " " +
                    Safe(page.as_of_seq);
  if (!page.effective_on.empty()) {
    out += " · " + Safe(Word(lang, "effective_on")) + " " + Safe(page.effective_on);
  }
  if (!page.today.empty()) out += " · " + Safe(Word(lang, "today")) + " " + Safe(page.today);
  if (page.simulated) out += " · <em>" + Safe(Word(lang, "simulated")) + "</em>";
  return out + "</p>";
}

// Whether a column holds codes the page's language has words for (a kind, a status), not names.
bool IsCode(std::string_view path) {
  return path == "kind" || path == "status" || path == "flag" || path == "assessment_class" ||
         path == "category";
}

// A link to the page of the row an id names, or "" for a column that names none.
std::string LinkOf(const Location& at, std::string_view path, const std::string& id) {
  if (id.empty()) return "";
  if (path == "carrier_id") return at.Link("/carriers/" + UrlEncode(id));
  if (path == "entitlement_id") return at.Link("/awards/" + UrlEncode(id));
  return "";
}

}  // namespace

std::string Safe(std::string_view text, bool keep_newlines) {
  return html::Visible(text, keep_newlines);
}

void Page::PointOf(const bj::object& answer) {
  if (const bj::value* seq = answer.if_contains("as_of_seq")) as_of_seq = read::Plain(*seq);
  effective_on = Field(answer, "effective_on");
  today = Field(answer, "today");
  simulated = Field(answer, "clock") == "simulated";
}

std::string Head(Lang lang, std::string_view title, std::string_view nonce) {
  return std::string("<!doctype html><html lang=\"") + (lang == Lang::kZh ? "zh-CN" : "en") +
         "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\"><title>" +
         Safe(title) + " · " + Safe(Word(lang, "title")) +
         "</title><link rel=\"icon\" href=\"/assets/favicon.svg\"><link rel=\"stylesheet\" "
         "href=\"/assets/console.css\"><script src=\"/assets/console.js\" nonce=\"" +
         Safe(nonce) + "\" defer></script></head>";
}

std::string Document(const Page& page, const Location& at, const Chrome& chrome) {
  std::string out = Head(at.lang(), page.title, chrome.nonce) + "<body>";
  out += Header(at, chrome);
  out += Controls(page, at, chrome);
  out += PointLine(page, at);
  out += "<main><h1>" + Safe(page.title) + "</h1>" + page.body + "</main>";
  out += "<footer>" + Safe(kSoftwareVersion) + "</footer></body></html>";
  return out;
}

std::string Field(const bj::object& row, std::string_view key) {
  const bj::value* v = row.if_contains(key);
  if (!v || v->is_null()) return "";
  return v->is_string() ? std::string(v->as_string()) : read::Plain(*v);
}

std::string EventTable(const bj::array& events, const Location& at, std::string_view id,
                       std::string_view extra) {
  Lang lang = at.lang();
  std::string out = "<table class=\"rows\" id=\"" + Safe(id) + "\"><thead><tr>";
  for (std::string_view h : std::initializer_list<std::string_view>{
           "seq", "effective_date", "type", extra, "document_ref", "authority", "actor",
           "recorded_at"}) {
    out += "<th>" + Safe(Word(lang, h)) + "</th>";
  }
  out += "</tr></thead><tbody>";
  for (const bj::value& value : events) {
    const bj::object& e = value.as_object();
    const bool retracted = !Field(e, "retracted_by").empty();
    const bj::value* actor = e.if_contains("actor");
    std::string extra_cell = Safe(Field(e, extra));
    if (extra == "hash") {
      extra_cell = "<span class=\"hash\" title=\"" + extra_cell + "\">" +
                   Safe(Field(e, extra).substr(0, 12)) + "…</span>";
    }
    out += std::string("<tr") + (retracted ? " class=\"retracted\"" : "") + "><td class=\"n\">" +
           Safe(Field(e, "seq")) + "</td><td>" + Safe(Field(e, "effective_date")) + "</td><td>" +
           Safe(Field(e, "type")) +
           (retracted ? " <em>(" + Safe(Word(lang, "retracted")) + ")</em>" : "") + "</td><td>" +
           extra_cell + "</td><td>" + Safe(Field(e, "document_ref")) + "</td><td>" +
           Safe(Field(e, "authority")) + "</td><td>" +
           Safe(actor && actor->is_object() ? Field(actor->as_object(), "id") : "") + "</td><td>" +
           Safe(Field(e, "recorded_at")) + "</td></tr>";
  }
  return out + "</tbody></table>";
}

std::string HiddenInputs(const Location& at, std::initializer_list<std::string_view> names) {
  std::string out;
  for (std::string_view name : names) {
    if (std::string v = at.Param(name); !v.empty()) {
      out += "<input type=\"hidden\" name=\"" + Safe(name) + "\" value=\"" + Safe(v) + "\">";
    }
  }
  return out;
}

std::string KeptInputs(const Location& at) {
  return HiddenInputs(at, {"as_of_seq", "as_of_time", "effective_on", "lang", "unit"});
}

std::string Anchor(std::string_view href, std::string_view text) {
  return "<a href=\"" + Safe(href) + "\">" + Safe(text) + "</a>";
}

std::string Money(const Location& at, std::int64_t fen) { return read::Money(fen, at.unit()); }

std::string UnitSuffix(const Location& at) {
  return "(" + Word(at.lang(), at.unit() == read::Unit::kWan ? "wan" : "yuan") + ")";
}

std::string RowsTable(const bj::object& answer, std::string_view view, const Location& at) {
  const bj::array& rows = answer.at("rows").as_array();
  if (rows.empty()) return "<p class=\"empty\">" + Safe(Word(at.lang(), "no_rows")) + "</p>";
  const std::vector<read::Column>& columns = read::Columns(view);
  std::string out = "<table class=\"rows\" data-view=\"" + Safe(view) + "\"><thead><tr>";
  for (const read::Column& c : columns) {
    std::string heading = Word(at.lang(), c.path.starts_with("values/") ? c.path : c.key);
    if (c.shown == read::Column::Shown::kMoney) heading += UnitSuffix(at);
    out += "<th>" + Safe(heading) + "</th>";
  }
  out += "</tr></thead><tbody>";
  const bj::value* names = answer.if_contains("carrier_names");
  for (const bj::value& value : rows) {
    const bj::object& row = value.as_object();
    const bj::value* id = row.if_contains("carrier_id");
    const bj::value* name =
        names && id && id->is_string() ? names->as_object().if_contains(id->as_string()) : nullptr;
    out += "<tr>";
    for (const read::Column& c : columns) {
      std::string cell;
      if (c.path == "carrier_name" && name) {
        cell = name->is_string() ? std::string(name->as_string()) : std::string();
      } else {
        cell = read::Cell(row, c, at.unit());
        if (IsCode(c.path)) cell = Word(at.lang(), cell);
      }
      std::string link = LinkOf(at, c.path, read::Cell(row, c));
      std::string attrs = c.right_aligned() ? " class=\"n\"" : "";
      attrs += " data-key=\"" + Safe(c.path) + "\"";
      const bj::value* fen = read::At(row, c.path);
      if (c.shown == read::Column::Shown::kMoney && fen) {
        attrs += " data-fen=\"" + Safe(read::Plain(*fen)) + "\"";
      }
      out += "<td" + attrs + ">" + (link.empty() ? Safe(cell) : Anchor(link, cell)) + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string Pager(const Location& at, std::uint64_t matched) {
  const std::uint64_t pages =
      std::max<std::uint64_t>(1, (matched + Location::kPageRows - 1) / Location::kPageRows);
  std::string text = Word(at.lang(), "page_of");
  auto replace = [&](std::string_view key, const std::string& value) {
    text.replace(text.find(key), key.size(), value);
  };
  replace("{page}", std::to_string(std::min(at.page(), pages)));
  replace("{pages}", std::to_string(pages));
  replace("{rows}", std::to_string(matched));
  std::string out = "<nav class=\"pager no-print\">";
  if (at.page() > 1) {
    out += Anchor(at.With({{"page", at.page() == 2 ? "" : std::to_string(at.page() - 1)}}),
                  Word(at.lang(), "previous"));
  }
  out += "<span>" + Safe(text) + "</span>";
  if (at.page() < pages) {
    out += Anchor(at.With({{"page", std::to_string(at.page() + 1)}}), Word(at.lang(), "next"));
  }
  return out + "</nav>";
}

}  // namespace hatchery::console
