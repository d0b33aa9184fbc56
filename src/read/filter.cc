#include "read/filter.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <limits>

#include "domain/fold/counties.h"
#include "read/arguments.h"

namespace hatchery::read {

namespace bj = boost::json;
using Shown = Column::Shown;

namespace {

// Hundredths (fen of yuan, hundredths of a point) from a number as people write it: "500000",
// "-12.5", "500,000.00".
std::optional<std::int64_t> ParseHundredths(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  std::int64_t yuan = 0, cents = 0;
  int digits = 0, decimals = -1;
  for (char c : text) {
    if (c == ',' && decimals < 0 && digits > 0) continue;
    if (c == '.' && decimals < 0 && digits > 0) {
      decimals = 0;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    if (decimals >= 0) {
      if (++decimals > 2) return std::nullopt;
      cents = cents * 10 + (c - '0');
    } else {
      if (yuan > std::numeric_limits<std::int64_t>::max() / 1000) return std::nullopt;
      yuan = yuan * 10 + (c - '0');
      ++digits;
    }
  }
  if (digits == 0 || decimals == 0) return std::nullopt;
  if (decimals == 1) cents *= 10;
  std::int64_t fen = yuan * 100 + cents;
  return negative ? -fen : fen;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string KeyList(std::string_view view) {
  std::string list;
  for (const Column& c : Keys(view)) list += (list.empty() ? "" : ", ") + c.key;
  return list;
}

}  // namespace

const bj::value* At(const bj::object& row, std::string_view path) {
  const bj::object* object = &row;
  const bj::value* value = nullptr;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t slash = std::min(path.find('/', start), path.size());
    if (!object) return nullptr;
    value = object->if_contains(path.substr(start, slash - start));
    if (!value) return nullptr;
    object = value->if_object();
    start = slash + 1;
  }
  return value;
}

std::string Plain(const bj::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_null()) return "";
  return bj::serialize(value);
}

StatusOr<Filter> Filter::Of(const bj::object& filter, std::string_view field, std::string_view view,
                            std::string_view search) {
  Filter out;
  const std::vector<Column>& keys = Keys(view);
  for (const auto& [name, want] : filter) {
    const std::string named = std::string(field) + "." + std::string(name);
    auto key =
        std::find_if(keys.begin(), keys.end(), [&](const Column& c) { return c.key == name; });
    auto path =
        std::find_if(keys.begin(), keys.end(), [&](const Column& c) { return c.path == name; });
    if (key == keys.end() && path == keys.end()) {
      return BadArgument(
          named, "is not a key of the " + std::string(view) + " view; its keys: " + KeyList(view));
    }
    Term term{key != keys.end() ? *key : *path, {}, {}};
    if (key == keys.end()) term.column.shown = Shown::kText;  // a path names the raw value
    const bj::array* any = want.if_array();
    if (any && any->empty()) return BadArgument(named, "lists no value");
    for (const bj::value& one : any ? *any : bj::array{want}) {
      if (one.is_object() || one.is_array()) {
        return BadArgument(named, "wants a value or a list of values");
      }
      term.texts.push_back(Plain(one));
      const Shown shown = term.column.shown;
      if (shown == Shown::kCounty && !term.texts.back().empty() &&
          !domain::IsCounty(term.texts.back())) {
        return BadArgument(named, "wants a county by slug or name: " + domain::CountyList());
      }
      if (shown != Shown::kMoney && shown != Shown::kPoints) continue;
      auto hundredths = ParseHundredths(term.texts.back());
      if (!hundredths) {
        return BadArgument(
            named, (shown == Shown::kMoney ? "wants an amount in yuan, e.g. 500000 or 500,000.00 ("
                                           : "wants points, e.g. 87 or 87.50 (") +
                       term.column.path + " takes hundredths)");
      }
      term.hundredths.push_back(*hundredths);
    }
    out.terms_.push_back(std::move(term));
  }
  out.search_ = Lower(search);
  if (!out.search_.empty()) {
    for (const Column& c : keys) {
      if (c.searched) out.searched_.push_back(c);
    }
  }
  return out;
}

bool Filter::Matches(const Term& term, const bj::value& have) {
  auto any_text = [&](const std::string& text) {
    return std::find(term.texts.begin(), term.texts.end(), text) != term.texts.end();
  };
  switch (term.column.shown) {
    case Shown::kMoney:
    case Shown::kPoints: {
      if (!have.is_number()) return false;
      std::int64_t n = have.is_uint64() ? static_cast<std::int64_t>(have.as_uint64())
                                        : have.to_number<std::int64_t>();
      return std::find(term.hundredths.begin(), term.hundredths.end(), n) != term.hundredths.end();
    }
    case Shown::kCounty:
      return any_text(Plain(have)) || any_text(std::string(domain::CountyName(Plain(have))));
    case Shown::kLevels: {
      if (!have.is_array()) return false;
      return std::any_of(have.as_array().begin(), have.as_array().end(), [&](const bj::value& l) {
        const bj::value* level = l.is_object() ? l.as_object().if_contains("level") : nullptr;
        return level && any_text(Plain(*level));
      });
    }
    case Shown::kText: return any_text(Plain(have));
  }
  return false;
}

bool Filter::Passes(const bj::object& row,
                    const std::function<const bj::object&()>& derived) const {
  auto at = [&](const std::string& path) {
    const bj::value* have = At(row, path);
    return have ? have : At(derived(), path);
  };
  for (const Term& term : terms_) {
    const bj::value* have = at(term.column.path);
    if (!have || !Matches(term, *have)) return false;
  }
  if (search_.empty()) return true;
  return std::any_of(searched_.begin(), searched_.end(), [&](const Column& c) {
    const bj::value* have = at(c.path);
    return have && Lower(Plain(*have)).find(search_) != std::string::npos;
  });
}

std::optional<std::string> Filter::Wants(std::string_view path) const {
  for (const Term& term : terms_) {
    if (term.column.path == path && term.texts.size() == 1 && !term.texts.front().empty() &&
        term.column.shown == Shown::kText) {
      return term.texts.front();
    }
  }
  return std::nullopt;
}

}  // namespace hatchery::read
