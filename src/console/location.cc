#include "console/location.h"

#include <cctype>
#include <optional>

#include "hatchery/text.h"
#include "read/arguments.h"
#include "read/point.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

// The parameters every link keeps: the point, the language, the unit.
constexpr std::string_view kKept[] = {"as_of_seq",    "as_of_time",    "effective_on",
                                      "to_as_of_seq", "to_as_of_time", "to_effective_on",
                                      "lang",         "unit"};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded text: '+' is a space, %XX a byte. nullopt when malformed,
// not UTF-8, or holding a character a recorded text may not (text.h).
std::optional<std::string> Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexDigit(text[i + 1]), lo = HexDigit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  if (!text::IsValidUtf8(out) || text::FirstForbidden(out)) return std::nullopt;
  return out;
}

Status BadParameter(std::string_view name, const std::string& what) {
  return read::BadArgument(name, what);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && s.size() <= 19 &&
         s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Checks one point's parameters (prefix "" or "to_").
Status CheckPoint(const Location& at, std::string_view prefix) {
  std::string p(prefix);
  std::string seq = at.Param(p + "as_of_seq"), time = at.Param(p + "as_of_time");
  if (!seq.empty() && !time.empty()) {
    return BadParameter(p + "as_of_time", "cannot be given with " + p + "as_of_seq: one point");
  }
  if (!seq.empty() && !AllDigits(seq)) {
    return BadParameter(p + "as_of_seq", "must be a seq (a whole number)");
  }
  if (!time.empty() && !read::ParseInstant(time)) {
    return BadParameter(p + "as_of_time",
                        "must be an instant in RFC 3339 UTC, e.g. 2026-01-10T08:00:00Z");
  }
  return read::PointOf(at.Point(prefix), p).status();
}

}  // namespace

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

StatusOr<std::map<std::string, std::string, std::less<>>> DecodeForm(std::string_view form) {
  std::map<std::string, std::string, std::less<>> params;
  while (!form.empty()) {
    std::size_t amp = form.find('&');
    std::string_view pair = form.substr(0, amp);
    form = amp == std::string_view::npos ? "" : form.substr(amp + 1);
    std::size_t eq = pair.find('=');
    auto name = Decode(pair.substr(0, eq));
    auto value = Decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name) return BadParameter("query", "must be percent-encoded UTF-8 text");
    if (!value) return BadParameter(*name, "must be percent-encoded UTF-8 text");
    if (!value->empty()) params[*name] = std::move(*value);  // an empty field: not given
  }
  return params;
}

StatusOr<Location> Location::Parse(std::string_view target) {
  Location at;
  std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  auto decoded_path = Decode(path);
  if (!decoded_path || decoded_path->empty() || decoded_path->front() != '/') {
    return BadParameter("path", "must be a path of UTF-8 text");
  }
  at.path_ = std::move(*decoded_path);
  for (std::size_t start = 1; start <= at.path_.size();) {
    std::size_t slash = at.path_.find('/', start);
    if (slash == std::string::npos) slash = at.path_.size();
    if (slash > start) at.segments_.push_back(at.path_.substr(start, slash - start));
    start = slash + 1;
  }
  ASSIGN_OR_RETURN(
      at.params_,
      DecodeForm(question == std::string_view::npos ? "" : target.substr(question + 1)));
  std::string lang = at.Param("lang"), unit = at.Param("unit"), format = at.Param("format");
  if (!lang.empty() && lang != "zh" && lang != "en") return BadParameter("lang", "is zh or en");
  if (!unit.empty() && unit != "yuan" && unit != "wan") {
    return BadParameter("unit", "is yuan or wan");
  }
  if (!format.empty() && format != "html" && format != "json") {
    return BadParameter("format", "is html or json");
  }
  at.lang_ = lang == "en" ? Lang::kEn : Lang::kZh;
  at.unit_ = unit == "wan" ? read::Unit::kWan : read::Unit::kYuan;
  at.json_ = format == "json";
  if (std::string page = at.Param("page"); !page.empty()) {
    if (!AllDigits(page) || page.size() > 9 || std::stoull(page) == 0) {
      return BadParameter("page", "must be a page number from 1");
    }
    at.page_ = std::stoull(page);
  }
  RETURN_IF_ERROR(CheckPoint(at, ""));
  RETURN_IF_ERROR(CheckPoint(at, "to_"));
  return at;
}

std::string Location::Param(std::string_view name) const {
  auto it = params_.find(name);
  return it == params_.end() ? std::string() : it->second;
}

bj::object Location::PageArgs() const {
  return {{"offset", (page_ - 1) * kPageRows}, {"limit", kPageRows}};
}

bj::object Location::Point(std::string_view prefix) const {
  std::string p(prefix);
  bj::object args;
  if (std::string seq = Param(p + "as_of_seq"); AllDigits(seq)) {
    args["as_of"] = bj::object{{"seq", std::stoull(seq)}};
  } else if (std::string time = Param(p + "as_of_time"); !time.empty()) {
    args["as_of"] = bj::object{{"recorded_at", time}};
  }
  if (std::string date = Param(p + "effective_on"); !date.empty()) args["effective_on"] = date;
  return args;
}

std::string Location::Build(std::string_view path,
                            std::map<std::string, std::string, std::less<>> kept,
                            std::initializer_list<console::Param> params) const {
  for (const auto& [name, value] : params) {
    if (value.empty()) {
      kept.erase(std::string(name));
    } else {
      kept[std::string(name)] = value;
    }
  }
  std::string link(path);
  char separator = '?';
  for (const auto& [name, value] : kept) {
    link += separator + UrlEncode(name) + "=" + UrlEncode(value);
    separator = '&';
  }
  return link;
}

std::string Location::Link(std::string_view path,
                           std::initializer_list<console::Param> params) const {
  std::map<std::string, std::string, std::less<>> kept;
  for (std::string_view name : kKept) {
    if (auto it = params_.find(name); it != params_.end()) kept.emplace(it->first, it->second);
  }
  return Build(path, std::move(kept), params);
}

std::string Location::With(std::initializer_list<console::Param> params) const {
  std::string path;
  for (const std::string& segment : segments_) path += "/" + UrlEncode(segment);
  return Build(path.empty() ? "/" : path, params_, params);
}

}  // namespace hatchery::console
