#include "replay/check.h"

#include <algorithm>
#include <random>

namespace hatchery::replay {

StatusOr<std::vector<Point>> RandomPoints(const Ledger& ledger, std::size_t count,
                                          std::uint64_t seed) {
  std::vector<Point> points;
  std::uint64_t head = ledger.head().seq;
  if (head == 0) return points;
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::uint64_t> seqs(1, head);
  for (std::size_t i = 0; i < count; ++i) {
    Point point{seqs(random), std::nullopt, std::nullopt};
    if (i % 2 == 1) {
      std::uniform_int_distribution<std::uint64_t> earlier(1, *point.seq);
      ASSIGN_OR_RETURN(Event e, ledger.Get(earlier(random)));
      point.effective_on = domain::ParseDate(e.effective_date);
    }
    points.push_back(point);
  }
  return points;
}

StatusOr<std::vector<PointCheck>> CheckPaths(const Ledger& ledger, const std::vector<Point>& points,
                                             const ProgressFn& progress) {
  std::vector<std::uint64_t> seqs;
  for (const Point& point : points) {
    ASSIGN_OR_RETURN(std::uint64_t seq, PointSeq(ledger, point));
    seqs.push_back(seq);
  }
  std::uint64_t last = seqs.empty() ? 0 : *std::max_element(seqs.begin(), seqs.end());
  ASSIGN_OR_RETURN(Folded from_start, Fold(ledger, last, Path::kFromStart, progress));
  const domain::FactBase& facts = *from_start.facts;

  std::vector<PointCheck> checks;
  for (std::size_t i = 0; i < points.size(); ++i) {
    PointCheck check{points[i], seqs[i], 0, true, ""};
    std::vector<domain::ViewState> expected = domain::ViewStates(
        domain::Project(facts, domain::MakeCut(facts, seqs[i], points[i].effective_on)));
    ASSIGN_OR_RETURN(Result fast, Replay(ledger, points[i], Path::kFromSnapshot));
    check.snapshot_seq = fast.folded.snapshot_seq;
    for (std::size_t v = 0; v < expected.size(); ++v) {
      if (fast.views[v].digest != expected[v].digest) {
        check.matches = false;
        check.difference = "view " + expected[v].view + ": " + ToHex(fast.views[v].digest) +
                           " from the snapshot, " + ToHex(expected[v].digest) + " from event 1";
        break;
      }
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace hatchery::replay
