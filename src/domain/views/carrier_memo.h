// CarrierMemo: ProjectCarrier (projections.h) remembered per carrier, for a reader that asks about
// the same carriers again and again while the fact base grows (the server's per-carrier queries);
// and the last few whole projections (GetAll), for the queries of every carrier.
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

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
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

  // Project(facts, cut): one of the last kWhole whole projections when its cut is the same (the
  // same max_seq within the facts, effective_on and today: facts only join at the end, so the same
  // inputs), else derived and remembered in place of the oldest. What every unfiltered query, a
  // list page and the dashboard read; a page moving between a few points derives each once.
  static constexpr std::size_t kWhole = 2;
  std::shared_ptr<const Projection> GetAll(const FactBase& facts, const Cut& cut);

  // The rows of `view` of GetAll(facts, cut), with their digest (ViewDigest), made once for each
  // whole projection remembered: a list read again — another page, another search — walks rows
  // already made. Errors: ForEachRow's (an unknown view).
  struct ViewRowsOf {
    boost::json::array rows;
    Hash digest{};
  };
  StatusOr<std::shared_ptr<const ViewRowsOf>> AllRows(const FactBase& facts, const Cut& cut,
                                                      std::string_view view);

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
  struct Whole {
    std::uint64_t max_seq = 0;
    std::optional<Date> effective_on;
    Date today = 0;
    std::shared_ptr<const Projection> projection;
    std::map<std::string, std::shared_ptr<const ViewRowsOf>, std::less<>> views;  // made so far
  };
  // The entry of GetAll(facts, cut), in front.
  Whole& Front(const FactBase& facts, const Cut& cut);

  std::size_t capacity_;
  std::array<Whole, kWhole> whole_;                 // whole_[0] the most recent
  std::unordered_map<std::string, Entry> entries_;  // by carrier id and effective_on
  std::uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_CARRIER_MEMO_H_
