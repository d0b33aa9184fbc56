#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace hatchery::cli {

replay::ProgressFn TerminalProgress(std::string what) {
  if (!::isatty(STDERR_FILENO)) return {};
  auto start = std::chrono::steady_clock::now();
  return [start, what = std::move(what)](std::uint64_t done, std::uint64_t total) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
    std::fprintf(stderr, "\r  %s %llu / %llu events  %.0f events/s  %.0f s left   ", what.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 rate, left);
    if (done == total) std::fprintf(stderr, "\r%72s\r", "");
  };
}

}  // namespace hatchery::cli
