// Read replicas and failover as processes (docs/operations.md): `hatchery follow` keeps a copy of a
// served primary while a client appends, through a kill -9 of the replica and of the primary, and
// ends with the same log, byte for byte, both verifying; a replica refuses a primary whose stored
// event was rewritten and a primary whose history is another; promotion needs the fence confirmed
// and is recorded.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "client/connection.h"
#include "hatchery/sha256.h"
#include "hatchery/time.h"
#include "ledger/format.h"
#include "test_util.h"

namespace hatchery {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;
using testing::ServeProcess;
using testing::StartHatchery;

// A demo store served, with an auditor's and an admin's token.
struct Primary {
  testing::TempDir dir;
  std::string data = dir.Sub("p"), tokens = dir.Sub("tokens");
  std::string auditor, admin;
  ServeProcess process;
  std::string port;

  Primary() {
    REQUIRE(RunHatchery("demo --carriers 3 --data " + data).exit_code == 0);
    auditor = NewToken("aud", "auditor");
    admin = NewToken("ops", "admin");
    Start("0");
  }
  std::string NewToken(const std::string& actor, const std::string& role) const {
    auto added =
        RunHatchery("token add --tokens " + tokens + " --actor " + actor + " --role " + role);
    REQUIRE(added.exit_code == 0);
    return testing::Lines(added.out).front();
  }
  // Serves on `listen_port` (0: any; the same port again after a restart).
  void Start(const std::string& listen_port) {
    process = StartHatchery({"serve", "--data", data, "--tokens", tokens, "--listen",
                             "127.0.0.1:" + listen_port, "--log-level", "warn",
                             "--checkpoint-events", "40", "--backups", dir.Sub("backups")});
    port = process.port;
  }
  std::string address() const { return "127.0.0.1:" + port; }
  std::vector<std::string> FollowArgs(const std::string& replica) const {
    return {"follow",        "--connect",   address(), "--token",   auditor,
            "--primary-key", data + ".pub", "--data",  replica,     "--serve",
            "127.0.0.1:0",   "--tokens",    tokens,    "--backups", replica + "-backups",
            "--log-level",   "warn"};
  }
};

void Kill9(ServeProcess& process) {
  ::kill(process.child.pid, SIGKILL);
  int status = 0;
  ::waitpid(process.child.pid, &status, 0);
  ::close(process.child.read_fd);
}

// The exit code of a process that ends by itself, within a minute.
int ExitCode(ServeProcess& process) {
  testing::ReadUntil(process.child.read_fd, &process.out);
  int status = 0;
  ::waitpid(process.child.pid, &status, 0);
  ::close(process.child.read_fd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Requires `process` to be running still; if it ended, fails with what it printed.
void RequireRunning(ServeProcess& process) {
  int status = 0;
  if (::waitpid(process.child.pid, &status, WNOHANG) == 0) return;
  testing::ReadUntil(process.child.read_fd, &process.out);
  FAIL("the process ended (status " << status << "): " << process.out);
}

// Every stored record of the store at `dir`, in seq order.
std::vector<std::string> Records(const std::string& dir) {
  LedgerOptions read_only;
  read_only.read_only = true;
  auto ledger = Ledger::Open(dir, read_only);
  REQUIRE(ledger.ok());
  std::vector<std::string> out;
  REQUIRE((*ledger)
              ->ForEachRecord(1, (*ledger)->head().seq,
                              [&](std::uint64_t, std::string_view r) {
                                out.emplace_back(r);
                                return Status::Ok();
                              })
              .ok());
  return out;
}

bj::object Call(const std::string& address, const std::string& token, const std::string& op,
                bj::object args = {}) {
  auto connection = client::Connection::Open({address, token, ""});
  INFO(address << " " << op << ": " << connection.status().message());
  REQUIRE(connection.ok());
  auto answer = (*connection)->Call(op, std::move(args));
  INFO(answer.status().message());
  REQUIRE(answer.ok());
  return *answer;
}

std::uint64_t Number(const bj::object& o, std::string_view key) {
  return static_cast<std::uint64_t>(o.at(key).to_number<std::int64_t>());
}

// A valid CarrierRegistered envelope of carrier `id`.
bj::object Registration(const std::string& id) {
  return {{"command_id", "register-" + id},
          {"stream", "carrier/" + id},
          {"type", "CarrierRegistered"},
          {"effective_date", "2026-07-01"},
          {"data",
           {{"carrier_id", id},
            {"name", "Replica test " + id},
            {"kind", "incubator"},
            {"category", "comprehensive"},
            {"host_type", "other"},
            {"county", "horqin"}}}};
}

// Registers carriers at the primary, in batches, until stopped, reconnecting whenever it is down;
// keeps every acknowledged event's seq and hash.
class Appender {
 public:
  explicit Appender(const Primary& primary) : primary_(primary), thread_([this] { Run(); }) {}
  ~Appender() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::uint64_t acknowledged() const { return count_; }
  testing::Acks acks() {
    std::lock_guard lock(mu_);
    return acks_;
  }
  // Waits until `n` more events were acknowledged.
  void WaitFor(std::uint64_t n) {
    const std::uint64_t target = count_ + n;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (count_ < target && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mu_);
    INFO("the last refusal: " << last_error_);
    REQUIRE(count_ >= target);
  }

 private:
  void Run() {
    std::uint64_t next = 0;
    while (!stop_) {
      auto connection = client::Connection::Open({primary_.address(), primary_.admin, ""});
      if (!connection.ok()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      while (!stop_) {
        bj::array events;
        for (int i = 0; i < 10; ++i, ++next) {
          events.push_back(Registration("rep-" + std::to_string(next)));
        }
        auto answer = (*connection)->Call("append_batch", {{"events", std::move(events)}});
        if (!answer.ok()) {  // the primary went away (a retried command id is harmless), or not
          std::lock_guard lock(mu_);
          last_error_ = answer.status().message();
          break;
        }
        std::lock_guard lock(mu_);
        for (const auto& r : answer->at("results").as_array()) {
          acks_[Number(r.as_object(), "seq")] = std::string(r.as_object().at("hash").as_string());
          ++count_;
        }
      }
    }
  }

  const Primary& primary_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> count_{0};
  std::mutex mu_;
  testing::Acks acks_;
  std::string last_error_;
  std::thread thread_;
};

// Waits until the replica serving on `port` has the primary's head; returns the replica's stats.
bj::object WaitCaughtUp(const Primary& primary, const std::string& port) {
  const std::uint64_t head = Number(Call(primary.address(), primary.auditor, "stats"), "events");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (true) {
    bj::object stats = Call("127.0.0.1:" + port, primary.auditor, "stats");
    if (Number(stats, "events") >= head) return stats;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// A replica in `replica` that follows `primary` until it has the primary's head; then both are
// stopped.
void CopyThenStop(Primary& primary, const std::string& replica) {
  ServeProcess follower = StartHatchery(primary.FollowArgs(replica));
  WaitCaughtUp(primary, follower.port);
  testing::StopServe(follower);
  testing::StopServe(primary.process);
}

TEST_CASE("replica: kill -9 of the replica and of the primary lose and duplicate nothing",
          "[replica]") {
  Primary primary;
  const std::string replica = primary.dir.Sub("r");
  ServeProcess follower = StartHatchery(primary.FollowArgs(replica));
  Appender appender(primary);
  appender.WaitFor(200);
  Kill9(follower);  // mid-stream: events arrive all the time
  appender.WaitFor(100);
  follower = StartHatchery(primary.FollowArgs(replica));
  appender.WaitFor(100);
  Kill9(primary.process);
  const std::string port = primary.port;
  primary.Start(port);  // the same address: the replica reconnects by itself
  appender.WaitFor(200);
  appender.Stop();
  RequireRunning(primary.process);
  RequireRunning(follower);

  bj::object stats = WaitCaughtUp(primary, follower.port);
  const bj::object& lag = stats.at("replica").as_object();
  CHECK(Number(lag, "lag_events") == 0);
  CHECK(Number(lag, "checkpoints_checked") > 0);
  CHECK(Number(lag, "reconnects") > 0);
  // The primary sees the replica's acknowledgements.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bj::array replicas;
  while (replicas.empty() || Number(replicas.front().as_object(), "lag_events") != 0) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    replicas = Call(primary.address(), primary.auditor, "stats").at("replicas").as_array();
  }
  CHECK(Number(replicas.front().as_object(), "acked_seq") == Number(stats, "events"));
  // A replica takes no writes.
  auto refused = client::Connection::Open({"127.0.0.1:" + follower.port, primary.admin, ""});
  REQUIRE(refused.ok());
  auto append =
      (*refused)->Call("append_batch", {{"events", bj::array{Registration("on-replica")}}});
  CHECK(append.status().code() == Code::kForbidden);
  CHECK_THAT(append.status().message(), Catch::Contains(primary.address()));
  // It backs up its own copy, which holds the primary's newest checkpoint.
  bj::object backup = Call("127.0.0.1:" + follower.port, primary.admin, "backup");
  CHECK(Number(backup, "head_seq") == Number(stats, "events"));
  CHECK(backup.at("checkpoint").is_string());

  testing::StopServe(follower);
  testing::StopServe(primary.process);
  const auto from_primary = Records(primary.data);
  CHECK(Records(replica) == from_primary);  // nothing lost, nothing twice, byte for byte
  testing::RequireAcknowledgedIntact(primary.data, appender.acks());  // and so the replica
  for (const std::string& store : {primary.data, replica}) {
    auto verified = RunHatchery("verify --data " + store + " --pubkey " + primary.data + ".pub");
    INFO(verified.out);
    CHECK(verified.exit_code == 0);
  }
}

// The store at `dir` rewritten as an insider with its files but not its signing key would, so that
// it still opens: event 5 says another area, every hash from there on is recomputed, so that the
// chain, the indexes and the Merkle tree all agree with the new events, and the signed checkpoints
// (which no longer match) are left out.
void ForgeHistory(const testing::TempDir& scratch, const std::string& dir) {
  LedgerOptions read_only;
  read_only.read_only = true;
  auto original = Ledger::Open(dir, read_only);
  REQUIRE(original.ok());
  auto events = (*original)->Read(1, 100'000);
  REQUIRE(events.ok());
  original->reset();
  Event& changed = (*events)[4];
  REQUIRE(changed.data.contains("metrics"));
  changed.data["metrics"].as_object()["area_m2"] = 1;
  for (std::size_t i = 4; i < events->size(); ++i) {
    Event& e = (*events)[i];
    e.prev_hash = (*events)[i - 1].hash;
    e.hash = Sha256(CanonicalForm(e, false));
  }
  const std::string forged = scratch.Sub("forged");
  REQUIRE(Ledger::Create(forged).ok());
  {
    LedgerOptions copy;
    copy.replica = true;  // the one way to write events as they are
    auto ledger = Ledger::Open(forged, copy);
    REQUIRE(ledger.ok());
    REQUIRE((*ledger)->AppendRecorded(*events).ok());
  }
  testing::RawStore(forged).Delete("meta", "replica_of");
  std::filesystem::remove_all(dir);
  std::filesystem::rename(forged, dir);
}

TEST_CASE("replica: a primary whose history was rewritten behind its back is refused",
          "[replica]") {
  Primary primary;
  const std::string replica = primary.dir.Sub("r");
  ServeProcess follower = StartHatchery(primary.FollowArgs(replica));
  WaitCaughtUp(primary, follower.port);
  const auto copied = Records(replica);
  testing::StopServe(primary.process);  // the replica waits for it, retrying
  ForgeHistory(primary.dir, primary.data);
  primary.Start(primary.port);  // it opens: its checkpoints are gone
  CHECK(ExitCode(follower) == 1);
  INFO(follower.out);
  CHECK_THAT(follower.out, Catch::Contains("fork") && Catch::Contains("the histories differ"));
  CHECK(Records(replica) == copied);  // the genuine copy, kept as it was
  auto verified = RunHatchery("verify --data " + replica + " --pubkey " + primary.data + ".pub");
  INFO(verified.out);
  CHECK(verified.exit_code == 0);
  testing::StopServe(primary.process);
}

TEST_CASE("replica: a primary with another history is a fork, and the replica stops", "[replica]") {
  Primary primary;
  const std::string replica = primary.dir.Sub("r");
  CopyThenStop(primary, replica);
  const auto copied = Records(replica);
  // Another demo in the primary's place: the same origin and size, other events.
  std::filesystem::remove_all(primary.data);
  REQUIRE(RunHatchery("demo --carriers 3 --data " + primary.data).exit_code == 0);
  primary.Start(primary.port);
  ServeProcess follower = StartHatchery(primary.FollowArgs(replica));
  CHECK(ExitCode(follower) == 1);
  INFO(follower.out);
  CHECK_THAT(follower.out, Catch::Contains("fork") && Catch::Contains("the histories differ"));
  CHECK(Records(replica) == copied);  // kept as it was
  testing::StopServe(primary.process);
}

TEST_CASE("promote: only with the former primary fenced, and recorded as an event", "[replica]") {
  Primary primary;
  const std::string replica = primary.dir.Sub("r");
  CopyThenStop(primary, replica);
  const std::size_t copied = Records(replica).size();

  // A replica is neither served nor appended to as a primary.
  auto served = RunHatchery("serve --data " + replica + " --tokens " + primary.tokens);
  CHECK(served.exit_code == 2);
  CHECK_THAT(served.out, Catch::Contains("read replica of " + primary.address()));
  CHECK(
      RunHatchery("append --data " + replica + " --actor ops " HATCHERY_SAMPLE_EVENTS).exit_code ==
      2);
  auto unfenced = RunHatchery("promote --data " + replica + " --actor ops --document-ref X-1");
  CHECK(unfenced.exit_code != 0);
  CHECK_THAT(unfenced.out, Catch::Contains("--primary-fenced"));
  CHECK(Records(replica).size() == copied);

  auto promoted = RunHatchery("promote --data " + replica +
                              " --actor ops --document-ref X-1 --primary-fenced 'powered off'");
  INFO(promoted.out);
  REQUIRE(promoted.exit_code == 0);
  const auto records = Records(replica);
  REQUIRE(records.size() == copied + 1);
  auto decision = bj::parse(records.back()).as_object();
  CHECK(decision.at("type") == "LedgerPromoted");
  CHECK(decision.at("data").at("former_primary") == bj::value(primary.address()));
  CHECK(decision.at("data").at("fenced") == "powered off");
  CHECK(Number(decision.at("data").as_object(), "replicated_through_seq") == copied);
  CHECK(RunHatchery("verify --data " + replica).exit_code == 0);
  // Now a primary: it serves and appends, and is followed no more as a replica.
  CHECK(
      RunHatchery("append --data " + replica + " --actor ops " HATCHERY_SAMPLE_EVENTS).exit_code ==
      0);
  CHECK(RunHatchery("promote --data " + replica +
                    " --actor ops --document-ref X-2 --primary-fenced again")
            .exit_code == 2);
}

TEST_CASE("backup: online, through the server, recording the signed checkpoint it matches",
          "[backup][replica]") {
  Primary primary;
  bj::object backup = Call(primary.address(), primary.admin, "backup", {{"keep", 2}});
  const std::uint64_t head = Number(backup, "head_seq");
  REQUIRE(backup.at("checkpoint").is_string());  // the server signed its head first
  CHECK_THAT(std::string(backup.at("checkpoint").as_string()),
             Catch::StartsWith("tongliao.hatchery/main\n" + std::to_string(head) + "\n"));
  auto forbidden = client::Connection::Open({primary.address(), primary.auditor, ""});
  REQUIRE(forbidden.ok());
  CHECK((*forbidden)->Call("backup").status().code() == Code::kForbidden);

  const std::string backups = primary.dir.Sub("backups");
  auto checked =
      RunHatchery("backup --verify --to " + backups + " --pubkey " + primary.data + ".pub");
  INFO(checked.out);
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.out, Catch::Contains("signed checkpoint of " + std::to_string(head)));
  // Checked against a key that did not sign it, the same backup fails.
  REQUIRE(RunHatchery("keygen --out " + primary.dir.Sub("other")).exit_code == 0);
  auto foreign = RunHatchery("restore --from " + backups + " --data " + primary.dir.Sub("x") +
                             " --pubkey " + primary.dir.Sub("other") + ".pub");
  CHECK(foreign.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(primary.dir.Sub("x")));
  testing::StopServe(primary.process);
}

}  // namespace
}  // namespace hatchery
