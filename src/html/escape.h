// Text made safe for HTML (and the SVG inside it): the five characters that could end a text or
// an attribute value escaped. Pure; thread-safe.
#ifndef HATCHERY_HTML_ESCAPE_H_
#define HATCHERY_HTML_ESCAPE_H_

#include <string>
#include <string_view>

namespace hatchery::html {

std::string Escape(std::string_view text);

// Text as a reader must see it: escaped, and every character a recorded text may not hold
// (control characters, bidirectional overrides: text.h) shown as a visible escape, line feeds
// kept with `keep_newlines`. What every recorded text on a page goes through.
std::string Visible(std::string_view text, bool keep_newlines = false);

}  // namespace hatchery::html

#endif  // HATCHERY_HTML_ESCAPE_H_
