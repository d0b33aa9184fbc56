#include "server/access_log.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "hatchery/json.h"
#include "hatchery/time.h"
#include "read/arguments.h"

namespace hatchery::server {

namespace bj = boost::json;

namespace {

constexpr std::uint64_t kMaxLimit = 1000;

void SetIf(bj::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

std::string Member(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

Login Login::Taken(std::string address, std::uint64_t connection, std::string actor,
                   std::string role, std::string token_id) {
  return Login{NowMicros(),      std::move(address), connection,          "ok",
               std::move(actor), std::move(role),    std::move(token_id), ""};
}

Login Login::Failed(std::string address, std::uint64_t connection, std::string token_id,
                    std::string reason) {
  return Login{NowMicros(), std::move(address),  connection,       "failed", "",
               "",          std::move(token_id), std::move(reason)};
}

Login Login::Refused(std::string address, std::string reason) {
  return Login{NowMicros(), std::move(address), 0, "refused", "", "", "", std::move(reason)};
}

bj::object Login::ToJson() const {
  bj::object o{{"at", FormatTimestamp(at_us)},
               {"address", address},
               {"connection", connection},
               {"outcome", outcome}};
  SetIf(o, "actor", actor);
  SetIf(o, "role", role);
  SetIf(o, "token_id", token_id);
  SetIf(o, "reason", reason);
  return o;
}

StatusOr<Login> Login::FromJson(const bj::value& json) {
  const bj::object* o = json.if_object();
  const std::optional<std::int64_t> at =
      o ? ParseTimestamp(Member(*o, "at")) : std::optional<std::int64_t>();
  const bj::value* connection = o ? o->if_contains("connection") : nullptr;
  if (!at || !connection || !read::CountOf(*connection)) {
    return Status(Code::kBadRequest, "not an access log entry");
  }
  Login login{*at,
              Member(*o, "address"),
              *read::CountOf(*connection),
              Member(*o, "outcome"),
              Member(*o, "actor"),
              Member(*o, "role"),
              Member(*o, "token_id"),
              Member(*o, "reason")};
  if (login.outcome != "ok" && login.outcome != "failed" && login.outcome != "refused") {
    return Status(Code::kBadRequest, "not an access log entry: outcome " + login.outcome);
  }
  return login;
}

StatusOr<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path, std::size_t keep) {
  if (path.empty()) return std::unique_ptr<AccessLog>(new AccessLog(path, -1, keep));
  std::deque<Login> kept;
  std::size_t skipped = 0;
  {
    std::ifstream in(path);
    std::string line;
    while (in && std::getline(in, line)) {
      auto parsed = json::ParseStrict(line);
      StatusOr<Login> login =
          parsed.ok() ? Login::FromJson(*parsed) : StatusOr<Login>(parsed.status());
      if (!login.ok()) {
        ++skipped;
        continue;
      }
      kept.push_back(std::move(*login));
      if (kept.size() > keep) kept.pop_front();
    }
    if (in.bad()) return Status(Code::kUnavailable, "cannot read the access log " + path);
  }
  if (skipped > 0) {
    spdlog::warn("access log {}: skipped {} lines that are no entries (cut off by a crash?)", path,
                 skipped);
  }
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(Code::kUnavailable,
                  "cannot open the access log " + path + " for appending: " + std::strerror(errno));
  }
  auto log = std::unique_ptr<AccessLog>(new AccessLog(path, fd, keep));
  log->kept_ = std::move(kept);
  const off_t size = ::lseek(fd, 0, SEEK_END);
  log->written_ = static_cast<std::uint64_t>(std::max<off_t>(size, 0));
  // A line a crash cut off is ended, so that the next entry is not glued onto it.
  char last = '\n';
  if (size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n') log->WriteLine("\n");
  return log;
}

void AccessLog::WriteLine(const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      spdlog::warn("access log {}: a line was not written: {}", path_,
                   n < 0 ? std::strerror(errno) : "no room");
      return;
    }
    done += static_cast<std::size_t>(n);
  }
  written_ += line.size();
}

void AccessLog::RotateIfFull() {
  if (written_ < kMaxFileBytes) return;
  // The file so far becomes FILE.1 (the one before is dropped), and a new FILE is begun: the disk
  // holds at most twice kMaxFileBytes however many connections are refused.
  const std::string old = path_ + ".1";
  int fresh = -1;
  if (::rename(path_.c_str(), old.c_str()) == 0) {
    fresh = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  }
  if (fresh < 0) {
    spdlog::warn("access log {}: not rotated: {}", path_, std::strerror(errno));
    return;
  }
  ::close(fd_);
  fd_ = fresh;
  written_ = 0;
  spdlog::info("access log {}: full, the earlier entries are in {}", path_, old);
}

AccessLog::~AccessLog() {
  if (fd_ >= 0) ::close(fd_);
}

void AccessLog::Record(Login login) {
  std::string line = fd_ >= 0 ? json::Canonicalize(login.ToJson()) + "\n" : std::string();
  std::lock_guard lock(mu_);
  if (login.outcome == "ok") {
    ++ok_;
  } else if (login.outcome == "failed") {
    ++failed_;
  } else {
    ++refused_;
  }
  kept_.push_back(std::move(login));
  if (kept_.size() > keep_) kept_.pop_front();
  if (fd_ < 0) return;
  RotateIfFull();
  WriteLine(line);  // under the lock: lines never interleave
}

StatusOr<bj::object> AccessLog::Answer(const bj::object& args) const {
  const bj::value* failed_arg = args.if_contains("failed");
  if (failed_arg && !failed_arg->is_bool()) return read::BadArgument("failed", "must be a boolean");
  const bool failed = failed_arg && failed_arg->as_bool();
  ASSIGN_OR_RETURN(std::string actor, read::Text(args, "actor", false));
  ASSIGN_OR_RETURN(std::string address, read::Text(args, "address", false));
  ASSIGN_OR_RETURN(auto from_us, read::Instant(args, "from_time"));
  ASSIGN_OR_RETURN(auto to_us, read::Instant(args, "to_time"));
  ASSIGN_OR_RETURN(std::uint64_t limit, read::Count(args, "limit", 100));
  if (limit > kMaxLimit) return read::BadArgument("limit", "must be at most 1000");

  std::lock_guard lock(mu_);
  bj::array logins;
  std::uint64_t matched = 0;
  for (auto it = kept_.rbegin(); it != kept_.rend(); ++it) {
    const Login& l = *it;
    if ((failed && l.outcome == "ok") || (!actor.empty() && l.actor != actor) ||
        (!address.empty() && l.address != address) || (from_us && l.at_us < *from_us) ||
        (to_us && l.at_us > *to_us)) {
      continue;
    }
    if (++matched <= limit) logins.push_back(l.ToJson());
  }
  return bj::object{{"logins", std::move(logins)},
                    {"matched", matched},
                    {"kept", kept_.size()},
                    {"kept_since", kept_.empty() ? bj::value(nullptr)
                                                 : bj::value(FormatTimestamp(kept_.front().at_us))},
                    {"since_start", {{"ok", ok_}, {"failed", failed_}, {"refused", refused_}}},
                    {"file", path_}};
}

}  // namespace hatchery::server
