// Small helpers of the benchmark programs: percentiles, medians, memory, a scratch directory.
#ifndef HATCHERY_TOOLS_BENCH_UTIL_H_
#define HATCHERY_TOOLS_BENCH_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

namespace hatchery::bench {

// The p-th percentile (0..100) of `values` (sorted in place), nearest rank.
double Percentile(std::vector<double>& values, double p);
double Median(std::vector<double> values);

// Resident set size and its peak, in MiB, from /proc/self/status.
double RssMb();
double PeakRssMb();
// The bytes the program has allocated and not freed, in MiB, as jemalloc counts them (whole
// allocations, touched or not); -1 when the program is not linked with jemalloc (the sanitizer
// builds).
double LiveHeapMb();
// CPU seconds this process has used so far, on all its threads.
double CpuSeconds();

// A fresh directory under `parent`, removed on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& parent);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace hatchery::bench

#endif  // HATCHERY_TOOLS_BENCH_UTIL_H_
