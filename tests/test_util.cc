#include "test_util.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hatchery/files.h"
#include "hatchery/verify.h"

namespace hatchery::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/hatchery-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

RawStore::RawStore(const std::string& dir) {
  rocksdb::DBOptions options;
  REQUIRE(rocksdb::DB::ListColumnFamilies(options, dir, &names_).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names_) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, descriptors, &handles_, &db);
  REQUIRE(s.ok());
  db_.reset(db);
}

RawStore::~RawStore() {
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close().PermitUncheckedError();
}

rocksdb::ColumnFamilyHandle* RawStore::cf(const std::string& name) {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return handles_[i];
  }
  FAIL("no column family " << name);
  return nullptr;
}

std::string RawStore::Get(const std::string& cf_name, const std::string& key) {
  std::string value;
  REQUIRE(db_->Get(rocksdb::ReadOptions(), cf(cf_name), key, &value).ok());
  return value;
}

void RawStore::Put(const std::string& cf_name, const std::string& key, const std::string& value) {
  REQUIRE(db_->Put(rocksdb::WriteOptions(), cf(cf_name), key, value).ok());
}

void RawStore::Delete(const std::string& cf_name, const std::string& key) {
  REQUIRE(db_->Delete(rocksdb::WriteOptions(), cf(cf_name), key).ok());
}

void RawStore::DeleteAll(const std::string& cf_name) {
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(cf_name)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
  it.reset();
  for (const std::string& key : keys) Delete(cf_name, key);
}

AppendCommand MakeCommand(const std::string& command_id, const std::string& stream,
                          const std::string& type) {
  AppendCommand c;
  c.command_id = command_id;
  c.stream = stream;
  c.type = type;
  c.data = {{"carrier_id", "tl-inc-001"}, {"changes", {{"name", "通辽市科技企业孵化器"}}}};
  c.effective_date = "2024-05-01";
  return c;
}

std::unique_ptr<Ledger> NewLedger(const TempDir& dir, LedgerOptions options) {
  REQUIRE(Ledger::Create(dir.Sub("store")).ok());
  return OpenLedger(dir, std::move(options));
}

std::unique_ptr<Ledger> OpenLedger(const TempDir& dir, LedgerOptions options) {
  auto ledger = Ledger::Open(dir.Sub("store"), std::move(options));
  INFO(ledger.status().ToString());
  REQUIRE(ledger.ok());
  return std::move(ledger).value();
}

AppendResult AppendOk(Ledger& ledger, AppendCommand command, const Actor& actor) {
  auto results = ledger.Append(actor, {std::move(command)});
  REQUIRE(results.size() == 1);
  INFO(results[0].status().ToString());
  REQUIRE(results[0].ok());
  return *results[0];
}

Child ForkWithPipe(const std::function<void(int write_fd)>& body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    body(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

bool ReadUntil(int fd, std::string* into, const std::string& stop_at) {
  char buf[4096];
  while (stop_at.empty() || into->find(stop_at) == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return stop_at.empty();
    into->append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

void WriteAck(int fd, const AppendResult& result) {
  std::string line = std::to_string(result.seq) + " " + ToHex(result.hash) + "\n";
  if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(2);
}

int ParseAcks(const std::string& lines, Acks* acks) {
  std::istringstream in(lines);
  std::uint64_t seq;
  std::string hash;
  int added = 0;
  while (in >> seq >> hash) {
    (*acks)[seq] = hash;
    ++added;
  }
  return added;
}

std::unique_ptr<Ledger> RequireAcknowledgedIntact(const std::string& path, const Acks& acks) {
  auto report = VerifyStore(path);
  REQUIRE(report.ok());
  INFO(report->problem);
  REQUIRE(report->ok());
  auto ledger = Ledger::Open(path);
  REQUIRE(ledger.ok());
  for (const auto& [seq, hash] : acks) {
    auto event = (*ledger)->Get(seq);
    REQUIRE(event.ok());
    REQUIRE(ToHex(event->hash) == hash);
  }
  return std::move(ledger).value();
}

ServeProcess StartServe(const std::string& data, const std::string& tokens,
                        std::uint64_t file_size_limit) {
  return StartHatchery({"serve", "--data", data, "--tokens", tokens, "--listen", "127.0.0.1:0",
                        "--log-level", "warn"},
                       file_size_limit);
}

ServeProcess StartHatchery(const std::vector<std::string>& args, std::uint64_t file_size_limit) {
  ServeProcess serve;
  serve.child = ForkWithPipe([&](int fd) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    if (file_size_limit > 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // kept across exec: a write past the limit fails with EFBIG
      rlimit limit{file_size_limit, file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> argv{const_cast<char*>(HATCHERY_BINARY)};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(HATCHERY_BINARY, argv.data());
    ::_exit(127);
  });
  if (!ReadUntil(serve.child.read_fd, &serve.out, "stop with")) {
    FAIL("hatchery " << args.front() << " ended before it was ready: " << serve.out);
  }
  const std::string loopback = "127.0.0.1:";
  std::size_t at = serve.out.rfind(loopback, serve.out.find("stop with"));
  REQUIRE(at != std::string::npos);
  at += loopback.size();
  serve.port = serve.out.substr(at, serve.out.find_first_not_of("0123456789", at) - at);
  return serve;
}

int StopServe(ServeProcess& serve) {
  ::kill(serve.child.pid, SIGTERM);
  ReadUntil(serve.child.read_fd, &serve.out);
  int status = 0;
  ::waitpid(serve.child.pid, &status, 0);
  ::close(serve.child.read_fd);
  return status;
}

std::string Slurp(const std::string& path) {
  auto text = files::Read(path);
  REQUIRE(text.ok());
  return *text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

RunResult Run(const std::string& command, const std::string& input) {
  TempDir io;
  std::string in_path = io.Sub("stdin"), out_path = io.Sub("stdout");
  std::ofstream(in_path) << input;
  std::string line = command + " <" + in_path + " >" + out_path + " 2>&1";
  int status = std::system(line.c_str());
  std::ifstream out_file(out_path);
  std::string out((std::istreambuf_iterator<char>(out_file)), std::istreambuf_iterator<char>());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

RunResult RunHatchery(const std::string& args, const std::string& input) {
  return Run(std::string(HATCHERY_BINARY) + " " + args, input);
}

}  // namespace hatchery::testing
