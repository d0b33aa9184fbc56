// Crash safety: a child process appends from several threads and reports every acknowledged
// event on a pipe; the parent SIGKILLs it at a random moment, reopens the store, verifies the
// chain, and checks that every acknowledged event is present and intact. SIGKILL loses the
// process, not the OS page cache: this checks that an acknowledgement is never ahead of the
// WriteBatch, and that recovery after a torn group commit is clean.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "hatchery/ledger.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::kAdmin;
using testing::MakeCommand;
using testing::TempDir;

constexpr int kRounds = 20;
constexpr int kChildThreads = 4;

[[noreturn]] void ChildAppendForever(const std::string& path, int round, int fd) {
  auto ledger = Ledger::Open(path);
  if (!ledger.ok()) _exit(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < kChildThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        std::string id =
            "r" + std::to_string(round) + "-t" + std::to_string(t) + "-" + std::to_string(i);
        auto results =
            (*ledger)->Append(kAdmin, {MakeCommand(id, "carrier/t" + std::to_string(t))});
        if (!results[0].ok()) _exit(4);
        testing::WriteAck(fd, *results[0]);
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

TEST_CASE("every acknowledged append survives SIGKILL", "[crash]") {
  TempDir dir;
  std::string path = dir.Sub("s");
  REQUIRE(Ledger::Create(path).ok());
  std::mt19937 random(12345);
  testing::Acks acknowledged;

  for (int round = 0; round < kRounds; ++round) {
    testing::Child child =
        testing::ForkWithPipe([&](int fd) { ChildAppendForever(path, round, fd); });
    // Kill at a random moment once the child is appending (its first acknowledgement arrived).
    std::string acks;
    REQUIRE(testing::ReadUntil(child.read_fd, &acks, "\n"));  // else it died acknowledging nothing
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 60));
    REQUIRE(kill(child.pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child.pid, &status, 0) == child.pid);
    REQUIRE(WIFSIGNALED(status));  // it was appending until killed, not failing
    testing::ReadUntil(child.read_fd, &acks);
    close(child.read_fd);
    INFO("round " << round);
    CHECK(testing::ParseAcks(acks, &acknowledged) > 0);
    testing::RequireAcknowledgedIntact(path, acknowledged);
  }
  CHECK(acknowledged.size() >= kRounds);
}

}  // namespace
}  // namespace hatchery
