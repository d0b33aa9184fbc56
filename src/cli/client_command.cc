// client: request lines from stdin to a running server (after a hello with the token), every line
// the server sends to stdout as it comes — the protocol by hand, or a script's way in.
//
// Requests are sent as they are read, without waiting for answers; answers (in request order) and a
// subscription's pushes (`{"push": …}`) are printed as they arrive, so a push is never taken for an
// answer. At the end of stdin the client waits for every answer; if a subscription is still open
// it goes on printing its pushes until the server closes the connection (or Ctrl-C).
#include <poll.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <chrono>
#include <deque>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

// The op of a request line ("" when it has none or is not JSON: the server answers it anyway).
std::string OpOf(const std::string& line) {
  boost::system::error_code ec;
  bj::value request = bj::parse(line, ec);
  if (ec || !request.is_object()) return "";
  const bj::value* op = request.as_object().if_contains("op");
  return op && op->is_string() ? std::string(op->as_string()) : "";
}

// What the client is waiting for: the ops of the requests sent and not yet answered (answers come
// in request order), and whether a subscription is open.
struct Pending {
  std::deque<std::string> ops;
  bool subscribed = false;

  // Takes one line from the server: a push, or the answer to the oldest request.
  void Received(const std::string& line) {
    boost::system::error_code ec;
    bj::value message = bj::parse(line, ec);
    if (ec || !message.is_object() || message.as_object().contains("push") || ops.empty()) return;
    const bool ok = !message.as_object().contains("error");
    if (ok && ops.front() == "subscribe") subscribed = true;
    if (ok && ops.front() == "unsubscribe") subscribed = false;
    ops.pop_front();
  }
};

// Request lines from stdin: what was read and not sent yet, and whether stdin goes on.
struct Input {
  std::string buffered;
  bool open = true;

  bool HasLine() const { return buffered.find('\n') != std::string::npos; }

  // Reads what stdin has now, if anything (without waiting).
  Status Read() {
    pollfd in{STDIN_FILENO, POLLIN, 0};
    if (::poll(&in, 1, 0) <= 0) return Status::Ok();
    char chunk[65536];
    ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) return Status::Ok();
    if (n < 0) return Status(Code::kUnavailable, "cannot read stdin");
    if (n == 0) {
      open = false;
      if (!buffered.empty()) buffered += '\n';  // a last line without its newline
    }
    buffered.append(chunk, static_cast<std::size_t>(n));
    return Status::Ok();
  }
};

// At most this many requests unanswered: the client reads answers between its writes, so neither
// side waits on a full socket for the other.
constexpr std::size_t kWindow = 64;

// Sends the whole lines read while the window has room; whether it sent any.
StatusOr<bool> SendLines(client::Connection& connection, Input& input, Pending& pending) {
  bool sent = false;
  for (std::size_t end;
       pending.ops.size() < kWindow && (end = input.buffered.find('\n')) != std::string::npos;) {
    std::string line = input.buffered.substr(0, end);
    input.buffered.erase(0, end + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    RETURN_IF_ERROR(connection.Send(line));
    pending.ops.push_back(OpOf(line));
    sent = true;
  }
  return sent;
}

int RunClient(const RemoteArgs& args) {
  auto connection = Connect(args);
  if (!connection.ok()) return Fail(connection.status());
  client::Connection& server = **connection;
  std::cerr << bj::serialize(server.hello()) << "\n";
  Input input;
  Pending pending;
  while (input.open || input.HasLine() || !pending.ops.empty() || pending.subscribed) {
    if (input.open && !input.HasLine()) {
      if (Status read = input.Read(); !read.ok()) return Fail(read);
    }
    auto sent = SendLines(server, input, pending);
    if (!sent.ok()) return Fail(sent.status());
    // Every line the server has sent, waiting a little for one when there is nothing to send.
    auto wait = *sent ? std::chrono::milliseconds(0) : std::chrono::milliseconds(20);
    for (;; wait = std::chrono::milliseconds(0)) {
      auto line = server.NextLine(wait);
      if (!line.ok()) {
        if (pending.ops.empty()) {
          std::cerr << "hatchery: the server closed the connection\n";
          return 0;
        }
        return Fail(Status(Code::kUnavailable, "the server closed the connection with " +
                                                   std::to_string(pending.ops.size()) +
                                                   " request(s) unanswered"));
      }
      if (!*line) break;
      std::cout << **line << std::endl;
      pending.Received(**line);
    }
  }
  return 0;
}

}  // namespace

void AddClientCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RemoteArgs>();
  auto* cmd = app.add_subcommand(
      "client",
      "send request lines from stdin to a server (after hello); print its answers and a "
      "subscription's pushes as they come");
  AddRemoteOptions(cmd, args.get())->required();
  cmd->callback([args, exit_code] { *exit_code = RunClient(*args); });
}

}  // namespace hatchery::cli
