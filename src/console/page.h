// A console page as HTML: text made safe; the document around a page's body — the header (the
// pages, who is signed in, the sign-out form with its CSRF token), the two time controls (known at:
// a seq or an instant; effective on: a date) with the link to what changed since the point, the
// language and money-unit toggles, the JSON twin — and the parts pages share: a query's rows as a
// table in its view's columns (read/cells.h), a list's pager, money in the page's unit.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_CONSOLE_PAGE_H_
#define HATCHERY_CONSOLE_PAGE_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "console/labels.h"
#include "console/location.h"

namespace hatchery::console {

// `text` safe anywhere in HTML text or a quoted attribute: escaped (html/escape.h), and every
// character a recorded text may not hold (control characters, bidirectional overrides) shown as a
// visible escape (text::Printable) — a hostile name renders as exactly the text it is.
// Line feeds are kept with `keep_newlines` (the text of a <pre>).
std::string Safe(std::string_view text, bool keep_newlines = false);

// What the frame around every page shows beyond the page itself.
struct Chrome {
  std::string actor, role;
  std::string csrf;            // the session's token, which the sign-out form carries
  std::string nonce;           // this response's Content-Security-Policy nonce for its script
  std::uint64_t head_seq = 0;  // the log's head: the range of the known-at control
};

struct Page {
  unsigned status = 200;
  std::string title;  // plain text
  std::string body;   // HTML
  // The point the page's reads answered (their as_of_seq, effective_on and today); empty for none.
  std::string as_of_seq, effective_on, today;
  bool simulated = false;  // a demo store's ("clock": "simulated")
  // Takes the point of a read's answer.
  void PointOf(const boost::json::object& answer);
};

// The document's start to its <head>'s end: the language, the title, the icon, the stylesheet
// and the one script, with `nonce`.
std::string Head(Lang lang, std::string_view title, std::string_view nonce);

// The whole HTML document of `page` at `at`.
std::string Document(const Page& page, const Location& at, const Chrome& chrome);

// A field of a read's row as text: a string as it is, null or absent as "", anything else as its
// JSON (read::Plain).
std::string Field(const boost::json::object& row, std::string_view key);

// Events as the read path cites them — history's `events`, explain's `events` — as a table with
// `id`: seq, effective date, type, then `extra` ("what": history's words; "hash": the event's hash,
// shortened, whole in its tooltip), the document (文号), authority, who recorded it and when. A
// retracted event is struck through and says so.
std::string EventTable(const boost::json::array& events, const Location& at, std::string_view id,
                       std::string_view extra);

// Hidden form inputs carrying the parameters `names` of `at` that are given; KeptInputs those every
// link keeps (the point, the language, the unit): what a GET form of a page carries through.
std::string HiddenInputs(const Location& at, std::initializer_list<std::string_view> names);
std::string KeptInputs(const Location& at);

// An HTML link: <a href="href">text</a>, both made safe.
std::string Anchor(std::string_view href, std::string_view text);
// Money in the page's unit: "1,234,567.89" (元) or "123.46" (万元).
std::string Money(const Location& at, std::int64_t fen);
// The heading of money columns: "(元)" or "(万元)".
std::string UnitSuffix(const Location& at);

// A query answer's rows (`answer` of `view`, read/ops.h) as a table in the view's columns: ids link
// to their carrier's or award's page, money is in the page's unit, codes in the page's language.
std::string RowsTable(const boost::json::object& answer, std::string_view view, const Location& at);
// The pager of a list of `matched` rows, Location::kPageRows a page.
std::string Pager(const Location& at, std::uint64_t matched);

}  // namespace hatchery::console

#endif  // HATCHERY_CONSOLE_PAGE_H_
