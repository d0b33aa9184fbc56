#include "export/source.h"

namespace hatchery::exporting {
namespace {

class FromLedger : public Source {
 public:
  explicit FromLedger(const Ledger& ledger) : ledger_(ledger) {}

  const std::string& origin() const override { return ledger_.origin(); }
  StatusOr<std::uint64_t> PointSeq(const replay::Point& point) override {
    return replay::PointSeq(ledger_, point);
  }
  Status ForEachRecord(
      std::uint64_t from, std::uint64_t to,
      const std::function<Status(std::uint64_t, std::string_view)>& visit) override {
    return ledger_.ForEachRecord(from, to, visit);
  }
  StatusOr<std::unique_ptr<domain::FactBase>> Facts(std::uint64_t size) override {
    ASSIGN_OR_RETURN(replay::Folded folded,
                     replay::Fold(ledger_, size, replay::Path::kFromSnapshot));
    return std::move(folded.facts);
  }
  StatusOr<Hash> Root(std::uint64_t size) override { return ledger_.MerkleRoot(size); }
  StatusOr<std::vector<Hash>> RangeProof(std::uint64_t from, std::uint64_t to,
                                         std::uint64_t size) override {
    return ledger_.RangeProof(from, to, size);
  }

 private:
  const Ledger& ledger_;
};

}  // namespace

std::unique_ptr<Source> LedgerSource(const Ledger& ledger) {
  return std::make_unique<FromLedger>(ledger);
}

}  // namespace hatchery::exporting
