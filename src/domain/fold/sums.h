// Sums of money and counts: every sum the domain computes stays within ±2^53, the integers a JSON
// document of Hatchery's may hold (AUDIT.md §1), or fails loudly — never wraps. The schemas bound
// every amount (≤ 10^13 fen) and count (≤ 10^9), so only thousands of implausible events summed
// into one figure can reach the bound; then the read that needs the figure answers an error naming
// it (CheckedAdd throws; the boundaries that answer requests — a server op, a CLI command, the
// policy rules' check of an append — turn it into a Status), rather than a wrong number.
//
// Pure; thread-safe.
#ifndef HATCHERY_DOMAIN_FOLD_SUMS_H_
#define HATCHERY_DOMAIN_FOLD_SUMS_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hatchery::domain {

// A sum that would leave ±2^53.
class SumOverflow : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

// a + b. Throws SumOverflow naming `what` (e.g. "funds_size_fen") if it leaves ±2^53.
inline std::int64_t CheckedAdd(std::int64_t a, std::int64_t b, std::string_view what) {
  constexpr std::int64_t kBound = std::int64_t{1} << 53;
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum) || sum > kBound || sum < -kBound) {
    throw SumOverflow("the sum of " + std::string(what) + " (" + std::to_string(a) + " + " +
                      std::to_string(b) +
                      ") leaves ±2^53: the recorded amounts are implausible, and no figure is "
                      "given rather than a wrong one");
  }
  return sum;
}

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_FOLD_SUMS_H_
