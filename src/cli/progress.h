// A progress line on stderr when it is a terminal — what, how many of how many, the rate and the
// time left — once the work has taken kQuietSeconds, and nothing when piped. For the long commands
// (demo, verify, replay, export, verify-export). A call with done == total ends it (the line is
// cleared).
#ifndef HATCHERY_CLI_PROGRESS_H_
#define HATCHERY_CLI_PROGRESS_H_

#include <string>

#include "replay/replay.h"

namespace hatchery::cli {

inline constexpr double kQuietSeconds = 2;

// `what` names the work ("replaying", "exporting"); the counts are events.
replay::ProgressFn TerminalProgress(std::string what);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_PROGRESS_H_
