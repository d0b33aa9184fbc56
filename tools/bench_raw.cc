#include "bench_raw.h"

#include <rocksdb/write_batch.h>

#include <stdexcept>

#include "bench_drive.h"
#include "bench_util.h"
#include "hatchery/merkle.h"

namespace hatchery::bench {

std::unique_ptr<rocksdb::DB> OpenRaw(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, path, &raw).ok()) throw std::runtime_error("raw open");
  return std::unique_ptr<rocksdb::DB>(raw);
}

double RunRawGroups(const std::string& parent, int group, int events, std::size_t value_bytes,
                    bool with_tree) {
  ScratchDir dir(parent);
  auto db = OpenRaw(dir.path() + "/raw-groups");
  rocksdb::WriteOptions sync;
  sync.sync = true;
  std::string record(value_bytes, 'v'), seq(8, 's'), command_value(40, 'c');
  merkle::Frontier tree;
  auto start = Clock::now();
  for (int i = 0; i < events; i += group) {
    rocksdb::WriteBatch batch;
    for (int k = i; k < i + group && k < events; ++k) {
      std::string n = std::to_string(k);
      batch.Put("e" + n, record);
      batch.Put("carrier/bench-" + std::to_string(k % 40) + "/" + n, seq);
      batch.Put("bench-" + n, command_value);
      if (with_tree) {
        std::string nodes;
        tree.Append(merkle::LeafHash(record.substr(0, 32)), &nodes);
        char key[8];
        for (int b = 0; b < 8; ++b)
          key[b] = static_cast<char>(std::uint64_t(k + 1) >> (56 - 8 * b));
        batch.Put(rocksdb::Slice(key, 8), nodes);
      }
    }
    if (!db->Write(sync, &batch).ok()) throw std::runtime_error("raw group write");
  }
  double seconds = MicrosSince(start) / 1e6;
  db->Close().PermitUncheckedError();
  return events / seconds;
}

}  // namespace hatchery::bench
