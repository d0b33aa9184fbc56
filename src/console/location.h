// Where a console page is: its path, and what its query string asks — the point on both time axes
// (docs/replay.md: `as_of_seq` or `as_of_time` on the recorded-time axis, `effective_on` on the
// business-time axis), the language, the money unit, a page of a list, the JSON twin — and links
// that keep all of it, so that any view at any point is a URL an auditor can paste into a working
// paper.
//
// Value type; thread-compatible.
#ifndef HATCHERY_CONSOLE_LOCATION_H_
#define HATCHERY_CONSOLE_LOCATION_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hatchery/status.h"
#include "read/cells.h"

namespace hatchery::console {

enum class Lang { kZh, kEn };

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string UrlEncode(std::string_view text);

// The parameters of a query string or a form body (application/x-www-form-urlencoded), decoded;
// an empty value is left out. Errors: kBadRequest naming the parameter whose text is not
// percent-encoded UTF-8 or holds control characters.
StatusOr<std::map<std::string, std::string, std::less<>>> DecodeForm(std::string_view form);

// A parameter set or removed ("" removes it) by a link.
using Param = std::pair<std::string_view, std::string>;

class Location {
 public:
  // Rows a list page shows at once.
  static constexpr std::uint64_t kPageRows = 50;

  // A request target ("/carriers?search=%E5%BC%80&page=2"). Errors: kBadRequest naming the
  // parameter — bad percent-encoding, text that is not UTF-8 or holds control characters, a
  // malformed point, lang, unit or page.
  static StatusOr<Location> Parse(std::string_view target);

  const std::string& path() const { return path_; }
  // The path's segments: "/carriers/tl-inc-003" → {"carriers", "tl-inc-003"}; "/" → {}.
  const std::vector<std::string>& segments() const { return segments_; }
  // A parameter's value; "" when absent.
  std::string Param(std::string_view name) const;
  Lang lang() const { return lang_; }
  read::Unit unit() const { return unit_; }
  bool json() const { return json_; }
  // The list page asked for, from 1; and the read arguments that fetch it.
  std::uint64_t page() const { return page_; }
  boost::json::object PageArgs() const;

  // The point as a read's arguments (PROTOCOL.md): `as_of` and `effective_on`, each only when
  // given. `prefix` reads another point of the same query string ("to_": the later side of a
  // diff).
  boost::json::object Point(std::string_view prefix = "") const;
  // Whether the page is at the head (no `as_of`) and today's effective date (no `effective_on`).
  bool AtHead() const { return Param("as_of_seq").empty() && Param("as_of_time").empty(); }
  bool AtToday() const { return Param("effective_on").empty(); }

  // A link to `path` keeping the point, the language and the unit, with `params` set.
  std::string Link(std::string_view path, std::initializer_list<console::Param> params = {}) const;
  // This page (its path and every parameter) with `params` set.
  std::string With(std::initializer_list<console::Param> params) const;

 private:
  std::string Build(std::string_view path, std::map<std::string, std::string, std::less<>> kept,
                    std::initializer_list<console::Param> params) const;

  std::string path_;
  std::vector<std::string> segments_;
  std::map<std::string, std::string, std::less<>> params_;  // every non-empty one, decoded
  Lang lang_ = Lang::kZh;
  read::Unit unit_ = read::Unit::kYuan;
  bool json_ = false;
  std::uint64_t page_ = 1;
};

}  // namespace hatchery::console

#endif  // HATCHERY_CONSOLE_LOCATION_H_
