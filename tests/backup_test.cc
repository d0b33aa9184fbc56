// Backups of a real store, as processes: incremental backups record their heads, a restore gives
// back exactly the store of then and verifies it, and a backup whose file was damaged fails loudly
// — `backup --verify` and `restore` both — leaving nothing behind.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace hatchery {
namespace {

namespace fs = std::filesystem;
using testing::RunHatchery;

TEST_CASE("backup: incremental backups restore to the store of then, verified", "[backup]") {
  testing::TempDir dir;
  const std::string data = dir.Sub("s"), backups = dir.Sub("backups");
  REQUIRE(RunHatchery("demo --carriers 3 --data " + data).exit_code == 0);
  auto first = RunHatchery("backup --data " + data + " --to " + backups);
  INFO(first.out);
  REQUIRE(first.exit_code == 0);
  const std::string head_then = RunHatchery("read --data " + data).out;
  REQUIRE(RunHatchery("append --data " + data + " " HATCHERY_SAMPLE_EVENTS).exit_code == 0);
  REQUIRE(RunHatchery("backup --data " + data + " --to " + backups).exit_code == 0);
  auto listed = RunHatchery("backup --list --to " + backups);
  CHECK(testing::Lines(listed.out).size() == 4);  // a header, a rule, two backups

  auto restored =
      RunHatchery("restore --from " + backups + " --backup-id 1 --data " + dir.Sub("r"));
  INFO(restored.out);
  REQUIRE(restored.exit_code == 0);
  CHECK_THAT(restored.out, Catch::Contains("verified"));
  CHECK(RunHatchery("read --data " + dir.Sub("r")).out == head_then);
  CHECK(RunHatchery("verify --data " + dir.Sub("r")).exit_code == 0);
  CHECK(RunHatchery("restore --from " + backups + " --data " + dir.Sub("r")).exit_code == 2);

  // Two backups, the second sharing the first's unchanged files; --keep 1 drops the older.
  REQUIRE(RunHatchery("backup --data " + data + " --to " + backups + " --keep 1").exit_code == 0);
  CHECK(testing::Lines(RunHatchery("backup --list --to " + backups).out).size() == 3);
  CHECK(RunHatchery("restore --from " + backups + " --backup-id 1 --data " + dir.Sub("gone"))
            .exit_code == 2);
}

TEST_CASE("backup: a damaged backup fails verify and restore, loudly", "[backup]") {
  testing::TempDir dir;
  const std::string data = dir.Sub("s"), backups = dir.Sub("backups");
  REQUIRE(RunHatchery("demo --carriers 3 --data " + data).exit_code == 0);
  REQUIRE(RunHatchery("backup --data " + data + " --to " + backups).exit_code == 0);
  CHECK(RunHatchery("backup --verify --to " + backups).exit_code == 0);
  // One byte of the largest table file flipped, its size kept.
  fs::path largest;
  for (const auto& entry : fs::directory_iterator(backups + "/shared_checksum")) {
    if (largest.empty() || entry.file_size() > fs::file_size(largest)) largest = entry.path();
  }
  REQUIRE(!largest.empty());
  {
    std::fstream f(largest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);
    char c = 0;
    f.get(c);
    f.seekp(100);
    f.put(static_cast<char>(c ^ 0x20));
  }
  auto checked = RunHatchery("backup --verify --to " + backups);
  INFO(checked.out);
  CHECK(checked.exit_code == 1);
  CHECK_THAT(checked.out,
             Catch::Contains("FAILED: backup 1") && Catch::Contains("does not check out"));
  auto restored = RunHatchery("restore --from " + backups + " --data " + dir.Sub("r"));
  INFO(restored.out);
  CHECK(restored.exit_code == 2);
  CHECK_THAT(restored.out, Catch::Contains("corruption") && Catch::Contains("failed"));
  CHECK_FALSE(fs::exists(dir.Sub("r")));
}

}  // namespace
}  // namespace hatchery
