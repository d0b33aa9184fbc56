// Text made safe for HTML (and the SVG inside it): the five characters that could end a text or
// an attribute value escaped. Pure; thread-safe.
#ifndef HATCHERY_EXPORT_HTML_H_
#define HATCHERY_EXPORT_HTML_H_

#include <string>
#include <string_view>

namespace hatchery::exporting {

std::string Escape(std::string_view text);

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_HTML_H_
