// The Ledger's reads (ledger.h): events by seq, by stream, by command id, records as stored, and
// the seq recorded by an instant.
#include <algorithm>

#include "hatchery/ledger.h"
#include "hatchery/time.h"
#include "ledger/store.h"
#include "ledger/writer.h"

namespace hatchery {

using ledger::Cf;
using ledger::Store;

namespace {

// Calls `visit` with every stored record (tag and body) of events from_seq..to_seq, in seq order.
Status ScanRecords(const ledger::Store& store, std::uint64_t from_seq, std::uint64_t to_seq,
                   const std::function<Status(std::uint64_t, std::string_view)>& visit) {
  bool large = to_seq >= from_seq && to_seq - from_seq >= ledger::kScanAroundCacheEvents;
  auto it = store.NewIterator(Cf::kEvents, /*fill_cache=*/!large);
  for (it->Seek(ledger::EncodeFixed64(std::max<std::uint64_t>(from_seq, 1))); it->Valid();
       it->Next()) {
    auto seq = ledger::DecodeFixed64(std::string_view(it->key().data(), it->key().size()));
    if (!seq) {
      return Status(Code::kCorruption,
                    "a key of \"events\" is not an 8-byte seq (run `hatchery "
                    "verify` to locate the damage)");
    }
    if (*seq > to_seq) break;
    RETURN_IF_ERROR(visit(*seq, std::string_view(it->value().data(), it->value().size())));
  }
  return ledger::FromRocks(it->status(), "read failed");
}

}  // namespace

Status Ledger::ForEachRecord(
    std::uint64_t from_seq, std::uint64_t to_seq,
    const std::function<Status(std::uint64_t, std::string_view)>& visit) const {
  return ScanRecords(*store_, from_seq, to_seq, [&](std::uint64_t seq, std::string_view record) {
    ASSIGN_OR_RETURN(std::string_view body, ledger::StoredBody(seq, record));
    return visit(seq, body);
  });
}

Status Ledger::ForEach(std::uint64_t from_seq, std::uint64_t to_seq,
                       const std::function<Status(const Event&)>& visit) const {
  return ScanRecords(*store_, from_seq, to_seq, [&](std::uint64_t seq, std::string_view record) {
    ASSIGN_OR_RETURN(Event event, ledger::DecodeStoredEvent(seq, record));
    return visit(event);
  });
}

StatusOr<Event> Ledger::Get(std::uint64_t seq) const { return store_->GetEvent(seq); }

StatusOr<std::vector<Event>> Ledger::Read(std::uint64_t from_seq, std::size_t limit) const {
  std::vector<Event> events;
  if (limit == 0) return events;
  std::uint64_t from = std::max<std::uint64_t>(from_seq, 1);
  std::uint64_t to = limit - 1 > UINT64_MAX - from ? UINT64_MAX : from + (limit - 1);
  RETURN_IF_ERROR(ForEach(from, to, [&](const Event& e) {
    events.push_back(e);
    return Status::Ok();
  }));
  return events;
}

StatusOr<std::vector<Event>> Ledger::ReadStream(const std::string& stream,
                                                std::uint64_t from_version,
                                                std::size_t limit) const {
  std::vector<Event> events;
  std::string prefix = ledger::StreamPrefix(stream);
  auto it = store_->NewIterator(Cf::kStreams);
  for (it->Seek(ledger::StreamKey(stream, from_version));
       it->Valid() && it->key().starts_with(prefix) && events.size() < limit; it->Next()) {
    auto seq = ledger::DecodeFixed64(std::string_view(it->value().data(), it->value().size()));
    if (!seq) return Status(Code::kCorruption, "malformed stream index entry in " + stream);
    ASSIGN_OR_RETURN(Event event, store_->GetEvent(*seq));
    events.push_back(std::move(event));
  }
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "read failed"));
  return events;
}

StatusOr<Event> Ledger::GetByCommandId(const std::string& command_id) const {
  ASSIGN_OR_RETURN(auto entry, store_->GetCommand(command_id));
  if (!entry) return Status(Code::kNotFound, "no event for command_id \"" + command_id + "\"");
  return store_->GetEvent(entry->seq);
}

const std::string& Ledger::dir() const { return store_->dir(); }

LedgerHead Ledger::head() const { return writer_ ? writer_->head() : opened_head_; }

StatusOr<std::uint64_t> Ledger::LastSeqRecordedBy(std::int64_t micros) const {
  std::uint64_t low = 0,
                high = head().seq;  // invariant: low is recorded by micros, high + 1 is not
  while (low < high) {
    std::uint64_t mid = low + (high - low + 1) / 2;
    ASSIGN_OR_RETURN(Event event, Get(mid));
    auto recorded = ParseTimestamp(event.recorded_at);
    if (!recorded)
      return Status(Code::kCorruption,
                    "event " + std::to_string(mid) + " has no valid recorded_at");
    if (*recorded <= micros) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

}  // namespace hatchery
