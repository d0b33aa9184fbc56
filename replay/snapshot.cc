#include "replay/snapshot.h"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <sstream>

namespace hatchery::replay {
namespace {

constexpr std::string_view kMagic = "hatchery-snapshot";
// 2: a fact keeps the day it was recorded; 3: payouts keep their recorders' OS users; 4: rulesets
// keep brand_output_late_days, payout_target_days and grade_scales; 5: measures renumbered; 6: the
// finance-link facts; 7: the brokers'-work facts; 8: five more report metrics (docs/format.md).
constexpr std::uint32_t kVersion = 9;

}  // namespace
}  // namespace hatchery::replay

namespace hatchery::domain {
template <class Archive>
void serialize(Archive& archive, ViewState& state) {
  archive(state.view, state.rows, state.digest);
}
}  // namespace hatchery::domain

namespace hatchery::replay {

std::string EncodeSnapshot(const SnapshotHeader& header, const domain::FactBase& facts) {
  std::string body = facts.Save();
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive archive(out);
    archive(std::string(kMagic), kVersion, header.seq, header.event_hash, header.views,
            Sha256(body), body);
  }
  return std::move(out).str();
}

StatusOr<Snapshot> DecodeSnapshot(std::string_view bytes) {
  Snapshot snapshot;
  std::string magic, body;
  std::uint32_t version = 0;
  Hash checksum{};
  try {
    std::istringstream in{std::string(bytes)};
    cereal::PortableBinaryInputArchive archive(in);
    archive(magic);
    if (magic != kMagic) return Status(Code::kCorruption, "not a snapshot");
    archive(version);
    if (version != kVersion) {
      return Status(Code::kCorruption, "snapshot version " + std::to_string(version) +
                                           " (this hatchery reads " + std::to_string(kVersion) +
                                           ")");
    }
    archive(snapshot.header.seq, snapshot.header.event_hash, snapshot.header.views, checksum, body);
  } catch (const std::exception& e) {
    return Status(Code::kCorruption, std::string("the snapshot does not decode: ") + e.what());
  }
  if (Sha256(body) != checksum) {
    return Status(Code::kCorruption, "the snapshot's facts do not match its checksum");
  }
  ASSIGN_OR_RETURN(snapshot.facts, domain::FactBase::Load(body));
  if (snapshot.facts->last_seq() != snapshot.header.seq) {
    return Status(Code::kCorruption, "the snapshot's facts end at event " +
                                         std::to_string(snapshot.facts->last_seq()) +
                                         ", its header says " +
                                         std::to_string(snapshot.header.seq));
  }
  return snapshot;
}

StatusOr<SnapshotHeader> TakeSnapshot(Ledger& ledger, const domain::FactBase& facts) {
  LedgerHead head = ledger.head();
  if (head.seq == 0) return Status(Code::kBadRequest, "the log is empty: nothing to snapshot");
  if (facts.last_seq() != head.seq) {
    return Status(Code::kBadRequest, "the fact base ends at event " +
                                         std::to_string(facts.last_seq()) + ", the log at " +
                                         std::to_string(head.seq));
  }
  SnapshotHeader header{head.seq, head.hash, {}};
  header.views =
      domain::ViewStates(domain::Project(facts, domain::MakeCut(facts, head.seq, std::nullopt)));
  RETURN_IF_ERROR(ledger.PutSnapshot(head.seq, EncodeSnapshot(header, facts)));
  ASSIGN_OR_RETURN(auto seqs, ledger.SnapshotSeqs());
  for (std::size_t i = 0; i + kSnapshotsKept < seqs.size(); ++i) {
    RETURN_IF_ERROR(ledger.DeleteSnapshot(seqs[i]));
  }
  return header;
}

StatusOr<std::optional<SnapshotHeader>> SnapshotIfDue(Ledger& ledger, const domain::FactBase& facts,
                                                      std::uint64_t every) {
  ASSIGN_OR_RETURN(auto seqs, ledger.SnapshotSeqs());
  std::uint64_t newest = seqs.empty() ? 0 : seqs.back();
  if (ledger.head().seq < newest + every) return std::optional<SnapshotHeader>();
  ASSIGN_OR_RETURN(SnapshotHeader header, TakeSnapshot(ledger, facts));
  return std::optional<SnapshotHeader>(std::move(header));
}

StatusOr<std::optional<Snapshot>> NewestSnapshotAtOrBefore(const Ledger& ledger, std::uint64_t seq,
                                                           std::vector<std::string>* skipped) {
  ASSIGN_OR_RETURN(auto seqs, ledger.SnapshotSeqs());
  for (auto it = seqs.rbegin(); it != seqs.rend(); ++it) {
    if (*it > seq || *it == 0) continue;
    auto skip = [&](const std::string& why) {
      skipped->push_back("snapshot after event " + std::to_string(*it) + ": " + why);
    };
    ASSIGN_OR_RETURN(std::string bytes, ledger.GetSnapshot(*it));
    auto snapshot = DecodeSnapshot(bytes);
    if (!snapshot.ok()) {
      skip(snapshot.status().message());
      continue;
    }
    if (snapshot->header.seq != *it) {
      skip("it says it covers event " + std::to_string(snapshot->header.seq));
      continue;
    }
    ASSIGN_OR_RETURN(Event event, ledger.Get(*it));
    if (event.hash != snapshot->header.event_hash) {
      skip("its event hash is not the stored event's");
      continue;
    }
    return std::optional<Snapshot>(std::move(snapshot).value());
  }
  return std::optional<Snapshot>();
}

}  // namespace hatchery::replay
