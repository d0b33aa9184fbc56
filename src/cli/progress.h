// A progress line on stderr when it is a terminal — what, how many of how many, the rate and the
// time left — and nothing when piped. For the long commands (replay, export).
#ifndef HATCHERY_CLI_PROGRESS_H_
#define HATCHERY_CLI_PROGRESS_H_

#include <string>

#include "replay/replay.h"

namespace hatchery::cli {

// `what` names the work ("replaying", "exporting"); the counts are events.
replay::ProgressFn TerminalProgress(std::string what);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_PROGRESS_H_
