#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>

namespace hatchery::cli {

replay::ProgressFn TerminalProgress(std::string what) {
  if (!::isatty(STDERR_FILENO)) return {};
  auto start = std::chrono::steady_clock::now();
  // Shared by the copies of the function (one may print, another end the line).
  auto shown = std::make_shared<bool>(false);
  return [start, what = std::move(what), shown](std::uint64_t done, std::uint64_t total) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (done >= total) {
      if (*shown) std::fprintf(stderr, "\r%78s\r", "");
      *shown = false;
      return;
    }
    if (seconds < kQuietSeconds) return;
    double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
    std::fprintf(stderr, "\r  %s %llu / %llu events  %.0f events/s  %.0f s left   ", what.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 rate, left);
    *shown = true;
  };
}

}  // namespace hatchery::cli
