// A folder as a tar archive (POSIX ustar): what the console hands a bundle out as, one download
// that any `tar -xf` unpacks. Deterministic: the files in name order, each as `prefix/name` with
// mode 0644, owner 0, time 0, so the same folder gives the same bytes.
//
// Pure function of the folder's files; thread-safe.
#ifndef HATCHERY_EXPORT_TAR_H_
#define HATCHERY_EXPORT_TAR_H_

#include <string>

#include "hatchery/status.h"

namespace hatchery::exporting {

// Writes the regular files directly in `dir` into `out_file` (created), under the folder `prefix`
// (at most 99 bytes with each name). Errors: kBadRequest (a name too long for ustar),
// kUnavailable (reading or writing).
Status WriteTar(const std::string& dir, const std::string& prefix, const std::string& out_file);

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_TAR_H_
