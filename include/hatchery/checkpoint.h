// The checkpoint of AUDIT.md §3: a C2SP tlog-checkpoint note body
// (https://c2sp.org/tlog-checkpoint)
//
//   <origin>\n
//   <tree size, decimal>\n
//   <base64 of the root hash>\n
//   <extension line>\n ...           (Hatchery's: "state <view> <hex digest of the view>")
//
// signed as a note (note.h). Pure functions; thread-safe.
#ifndef HATCHERY_CHECKPOINT_H_
#define HATCHERY_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hatchery/sha256.h"
#include "hatchery/status.h"

namespace hatchery {

// The origin line of a deployment: "tongliao.hatchery/<deployment>".
inline constexpr std::string_view kOriginPrefix = "tongliao.hatchery/";

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // each a non-empty line without its newline
};

// Origins: non-empty, at most 255 bytes of printable ASCII without spaces or '+'.
bool IsValidOrigin(std::string_view origin);

// The note text of `checkpoint`.
std::string FormatCheckpoint(const Checkpoint& checkpoint);
// Reads a note text (not the signatures). Errors: kBadRequest naming the line that is malformed.
StatusOr<Checkpoint> ParseCheckpoint(std::string_view text);
// The checkpoint a whole signed note carries (note.h), its signatures not checked. Errors:
// note::Parse's, ParseCheckpoint's.
StatusOr<Checkpoint> CheckpointOfNote(std::string_view signed_note);

}  // namespace hatchery

#endif  // HATCHERY_CHECKPOINT_H_
