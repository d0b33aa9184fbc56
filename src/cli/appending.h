// Where the command line's appends go — the store's files (a local write, for an actor beside the
// OS user running it) or a server (each as its token's actor) — and how each is answered: one
// output line per input line, {"line", "ok", "result" | "error"}, as `append` prints them. Shared
// by `append` (JSON lines) and `import` (spreadsheets).
#ifndef HATCHERY_CLI_APPENDING_H_
#define HATCHERY_CLI_APPENDING_H_

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/remote.h"
#include "cli/store.h"

namespace hatchery::cli {

// An input line's number and its append request (EVENTS.md envelope), or why the line is none
// (the same type as import/rows.h's).
using NumberedRequest = std::pair<std::size_t, StatusOr<boost::json::object>>;

class AppendTarget {
 public:
  // Opens the store in `dir` for a local write by `actor_id`, or connects to `remote` if given.
  // Errors: the actor's, the store's, the connection's.
  static StatusOr<std::unique_ptr<AppendTarget>> Open(const std::string& dir,
                                                      const std::string& actor_id,
                                                      const RemoteArgs& remote);
  ~AppendTarget();

  // Appends the requests in order (a local store: in one Ledger::Append; a server: one `append`
  // each), printing one line each; true if every one was accepted.
  bool Append(const std::vector<NumberedRequest>& requests);
  // After the last Append: a local store's snapshot and checkpoint upkeep (FinishWrites).
  void Finish();

 private:
  AppendTarget() = default;
  std::optional<WritableStore> store_;
  Actor actor_;
  std::unique_ptr<client::Connection> connection_;
};

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_APPENDING_H_
