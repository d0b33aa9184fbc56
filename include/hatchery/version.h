// The software's name and version, as the server's hello and an export's manifest state it.
#ifndef HATCHERY_VERSION_H_
#define HATCHERY_VERSION_H_

#include <string_view>

namespace hatchery {

inline constexpr std::string_view kSoftwareVersion = "hatchery 0.1";

}  // namespace hatchery

#endif  // HATCHERY_VERSION_H_
