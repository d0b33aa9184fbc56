// Text made safe for HTML (and the SVG inside it): the five characters that could end a text or
// an attribute value escaped. Pure; thread-safe.
#ifndef HATCHERY_HTML_ESCAPE_H_
#define HATCHERY_HTML_ESCAPE_H_

#include <string>
#include <string_view>

namespace hatchery::html {

std::string Escape(std::string_view text);

}  // namespace hatchery::html

#endif  // HATCHERY_HTML_ESCAPE_H_
