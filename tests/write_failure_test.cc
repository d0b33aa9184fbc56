// A write that RocksDB cannot complete (here: the file-size limit, RLIMIT_FSIZE, standing in for a
// full disk) must leave the ledger read-only: the failed appends answer `unavailable`, later ones
// too, reads go on, and nothing half-written is visible after reopening.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "hatchery/ledger.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::kAdmin;
using testing::MakeCommand;
using testing::TempDir;

constexpr rlim_t kFileSizeLimit = 256 * 1024;

// Child exit codes.
enum : int { kChildOk = 0, kNoFailure = 10, kWrongCode = 11, kNotReadOnly = 12, kReadsBroken = 13 };

[[noreturn]] void ChildAppendUntilRefused(const std::string& path, int fd) {
  signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG instead of killing us
  auto ledger = std::move(Ledger::Open(path)).value();
  rlimit limit{kFileSizeLimit, kFileSizeLimit};
  setrlimit(RLIMIT_FSIZE, &limit);
  for (int i = 0;; ++i) {
    auto command = MakeCommand("big-" + std::to_string(i));
    command.data["padding"] = std::string(4000, 'p');
    auto results = ledger->Append(kAdmin, {command});
    if (results[0].ok()) {
      testing::WriteAck(fd, *results[0]);
      if (i > 10000) _exit(kNoFailure);
      continue;
    }
    if (results[0].status().code() != Code::kUnavailable) _exit(kWrongCode);
    auto again = ledger->Append(kAdmin, {MakeCommand("after-failure")});
    if (again[0].status().code() != Code::kUnavailable || !ledger->read_only()) _exit(kNotReadOnly);
    if (!ledger->Get(1).ok()) _exit(kReadsBroken);
    _exit(kChildOk);
  }
}

TEST_CASE("a failed write makes the ledger read-only and loses nothing acknowledged",
          "[ledger][fault]") {
  TempDir dir;
  std::string path = dir.Sub("s");
  REQUIRE(Ledger::Create(path).ok());
  testing::Child child = testing::ForkWithPipe([&](int fd) { ChildAppendUntilRefused(path, fd); });
  std::string acks;
  testing::ReadUntil(child.read_fd, &acks);
  close(child.read_fd);
  int status = 0;
  REQUIRE(waitpid(child.pid, &status, 0) == child.pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == kChildOk);

  testing::Acks acknowledged;
  CHECK(testing::ParseAcks(acks, &acknowledged) > 1);
  auto ledger = testing::RequireAcknowledgedIntact(path, acknowledged);
  // Reopened without the limit, the store takes appends again, chained onto what survived.
  std::uint64_t survived = ledger->head().seq;
  CHECK(survived >= acknowledged.rbegin()->first);
  CHECK(testing::AppendOk(*ledger, MakeCommand("after-reopen")).seq == survived + 1);
}

}  // namespace
}  // namespace hatchery
