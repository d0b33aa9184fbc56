// RocksDB without Hatchery, for baselines: a plain database, and the ledger's durable write
// pattern reproduced bare (no validation, rendering, hand-offs), to show what the pattern itself
// costs on this disk.
#ifndef HATCHERY_TOOLS_BENCH_RAW_H_
#define HATCHERY_TOOLS_BENCH_RAW_H_

#include <rocksdb/db.h>

#include <memory>
#include <string>

namespace hatchery::bench {

std::unique_ptr<rocksdb::DB> OpenRaw(const std::string& path);

// One thread writing synced WriteBatches of `group` events, each as the ledger writes it: the
// record (`value_bytes`), a stream index key, a command index key and — `with_tree` — the tree's
// hashing and one tree entry per event (the ledger writes one per 64 events, so this ceiling errs
// low).
// Events per second.
double RunRawGroups(const std::string& parent, int group, int events, std::size_t value_bytes,
                    bool with_tree);

}  // namespace hatchery::bench

#endif  // HATCHERY_TOOLS_BENCH_RAW_H_
