// A file compiled into the binary (cmake/EmbedFiles.cmake): the schemas and the default ruleset
// travel with the executable instead of being looked up in the source tree.
#ifndef HATCHERY_COMMON_EMBEDDED_H_
#define HATCHERY_COMMON_EMBEDDED_H_

#include <span>
#include <string_view>

namespace hatchery {

struct EmbeddedFile {
  std::string_view name;  // file name without directory, e.g. "CarrierRegistered.v1.schema.json"
  std::string_view text;
};

}  // namespace hatchery

#endif  // HATCHERY_COMMON_EMBEDDED_H_
