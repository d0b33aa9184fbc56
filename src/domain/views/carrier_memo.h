// CarrierMemo: ProjectCarrier (projections.h) remembered per carrier, for a reader that asks about
// the same carriers again and again while the fact base grows (the server's per-carrier queries).
//
// ProjectCarrier reads nothing but the carrier's own stream and the policy stream, each up to the
// cut's max_seq, and the cut's effective_on and today. Facts only ever join a stream at its end, in
// seq order, so the last seq each stream has within the cut names exactly which facts it reads;
// those two seqs with effective_on and today are the whole input of a carrier's projection. A
// remembered projection is handed out again while its inputs are unchanged and derived afresh
// the moment one of them moves (an event of that carrier or of the policy stream, a later
// effective date among all events that moves today, another effective_on).
//
// Thread-compatible: one caller at a time, always with the same fact base, which must only grow
// (no FactBase::WithdrawAfter). Bounded: when `capacity` entries are held, the next new one starts
// it over.
#ifndef HATCHERY_DOMAIN_VIEWS_CARRIER_MEMO_H_
#define HATCHERY_DOMAIN_VIEWS_CARRIER_MEMO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/views/projections.h"

namespace hatchery::domain {

class CarrierMemo {
 public:
  explicit CarrierMemo(std::size_t capacity = 1 << 14) : capacity_(capacity) {}

  // ProjectCarrier(facts, cut, carrier_id), except that the projection's own `cut` is the one it
  // was first derived under (same rows).
  std::shared_ptr<const Projection> Get(const FactBase& facts, const Cut& cut,
                                        std::string_view carrier_id);

  std::size_t size() const { return entries_.size(); }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Inputs {
    std::uint64_t carrier_seq = 0;  // the carrier stream's last seq within the cut
    std::uint64_t policy_seq = 0;   // the policy stream's last seq within the cut
    std::optional<Date> effective_on;
    Date today = 0;
    bool operator==(const Inputs&) const = default;
  };
  struct Entry {
    Inputs inputs;
    std::shared_ptr<const Projection> projection;
  };

  std::size_t capacity_;
  std::unordered_map<std::string, Entry> entries_;  // by carrier id and effective_on
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_CARRIER_MEMO_H_
