// Where an export bundle's content comes from (bundle.h): a store opened here (LedgerSource), or
// the events a running server sends (RemoteSource, `export --connect`). Either way the bundle is
// the same bytes: its events are the log's canonical records, its projections folded from them,
// its proof and root computed over their hashes.
//
// Thread-compatible: one export at a time per source.
#ifndef HATCHERY_EXPORT_SOURCE_H_
#define HATCHERY_EXPORT_SOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/connection.h"
#include "domain/fold/fact_base.h"
#include "hatchery/ledger.h"
#include "replay/replay.h"

namespace hatchery::exporting {

class Source {
 public:
  virtual ~Source() = default;

  // The origin line of the log's checkpoints.
  virtual const std::string& origin() const = 0;
  // The seq `point` names on the recorded-time axis (the head if it names none). Errors:
  // kBadRequest for a seq beyond the log; reading errors.
  virtual StatusOr<std::uint64_t> PointSeq(const replay::Point& point) = 0;
  // Events from..to (within the point's), each as its canonical JSON with `hash` (AUDIT.md §1).
  virtual Status ForEachRecord(
      std::uint64_t from, std::uint64_t to,
      const std::function<Status(std::uint64_t seq, std::string_view json)>& visit) = 0;
  // Every event 1..size folded, each checked against its hash and the one before (kCorruption).
  virtual StatusOr<std::unique_ptr<domain::FactBase>> Facts(std::uint64_t size) = 0;
  // The Merkle root of the first `size` events, and the range proof of events from..to in it
  // (merkle::RangeProofRanges).
  virtual StatusOr<Hash> Root(std::uint64_t size) = 0;
  virtual StatusOr<std::vector<Hash>> RangeProof(std::uint64_t from, std::uint64_t to,
                                                 std::uint64_t size) = 0;
};

// A store opened here (read-only is fine); folds from its newest usable snapshot.
std::unique_ptr<Source> LedgerSource(const Ledger& ledger);

// A server's log over `connection` (a role that may read events and checkpoints: any). PointSeq
// reads every event up to the point (`read`, 10,000 a page), checks each hash and link as it
// comes (EventChain) and folds it; the other calls answer from what was read. The events are held
// in memory (about 0.7 KB each). `origin` comes from the server's checkpoint.
StatusOr<std::unique_ptr<Source>> RemoteSource(client::Connection& connection,
                                               const replay::ProgressFn& progress = {});

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_SOURCE_H_
