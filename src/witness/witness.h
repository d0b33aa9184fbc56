// A witness: a process run apart from the log — by the audit bureau, on another machine — that
// follows the log's signed checkpoints and vouches that they only ever grow. For each new one it
// checks the log's signature, asks the log for an RFC 6962 consistency proof from the newest
// checkpoint it cosigned, and only if the proof holds cosigns it (C2SP tlog-cosignature/v1,
// note.h) and appends it to its own log file. A checkpoint not signed by the log's key, of fewer
// events than the newest cosigned (a rollback), or whose tree is not an extension of it (the log
// rewritten) is refused — never cosigned — and reported as an alarm. `hatchery verify
// --witness-log` then checks a store against the cosigned checkpoints, trusting neither the store
// nor its host: rewriting any cosigned event is caught.
//
// The witness log: one JSON line per cosigned checkpoint, oldest first,
//   {"size": <tree size>, "note": "<the checkpoint with the log's signature and the cosignature>"}
// appended and synced; its last line is the witness's state.
//
// Thread-compatible.
#ifndef HATCHERY_WITNESS_WITNESS_H_
#define HATCHERY_WITNESS_WITNESS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hatchery/checkpoint.h"
#include "hatchery/note.h"
#include "hatchery/sha256.h"
#include "hatchery/status.h"

namespace hatchery::witness {

class WitnessLog {
 public:
  // The log at `path` (a missing file is an empty log). Errors: kBadRequest naming a line that is
  // not a cosigned checkpoint, or one smaller than the line before.
  static StatusOr<WitnessLog> Open(const std::string& path);

  // The newest cosigned checkpoint, if any.
  const std::optional<Checkpoint>& latest() const { return latest_; }
  // Appends a cosigned checkpoint and syncs the file. Errors: kUnavailable.
  Status Append(const Checkpoint& checkpoint, std::string_view cosigned_note);

 private:
  std::string path_;
  std::optional<Checkpoint> latest_;
};

// The checkpoints a witness log holds, each line's cosignature by `witness` checked, oldest first.
// Errors: kNotFound (no such file), kBadRequest (a malformed line), kCorruption (a cosignature that
// is missing or does not verify, naming the line).
StatusOr<std::vector<Checkpoint>> ReadCosigned(const std::string& path,
                                               const note::VerifierKey& witness);

// The consistency proof between the log's trees of `first` and `second` events, as the log gives
// it (the witness checks it).
using ConsistencyFetcher =
    std::function<StatusOr<std::vector<Hash>>(std::uint64_t first, std::uint64_t second)>;

enum class Outcome {
  kCosigned,     // new, consistent: cosigned and logged
  kAlreadySeen,  // the newest cosigned one again
};

// Judges `signed_note`, a checkpoint the log handed out, against `log` and cosigns it with
// `witness_key` at `now` (POSIX seconds) if it extends the newest cosigned. Errors: kCorruption —
// an alarm, with details.alarm "signature" (not signed by `log_key`, or of another origin),
// "rollback" (fewer events than the newest cosigned) or "fork" (the same size with another root,
// or a consistency proof that does not hold); other codes are a failure to fetch or to write,
// after which the witness may try again.
StatusOr<Outcome> Observe(std::string_view signed_note, const note::VerifierKey& log_key,
                          const note::SigningKey& witness_key, const ConsistencyFetcher& fetch,
                          std::int64_t now, WitnessLog* log);

}  // namespace hatchery::witness

#endif  // HATCHERY_WITNESS_WITNESS_H_
