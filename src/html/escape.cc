#include "html/escape.h"

#include "hatchery/text.h"

namespace hatchery::html {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Visible(std::string_view text, bool keep_newlines) {
  return Escape(text::Printable(text, keep_newlines));
}

}  // namespace hatchery::html
