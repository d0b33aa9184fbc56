// A page's reads: each one op of the single read path (read/ops.h) — the same function, with the
// same arguments, that answers `query --format json`, `explain`, `diff`, `due`, `history` and
// `checkpoints` on the command line and over the TCP API — refused when the signed-in role may not
// run it, and kept, answer and all, for the page's JSON twin.
//
// Thread-compatible; on a thread where the facts may be read (the server's projector).
#ifndef HATCHERY_CONSOLE_READS_H_
#define HATCHERY_CONSOLE_READS_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "read/ops.h"

namespace hatchery::console {

class Reads {
 public:
  // `may`: whether the signed-in role may run an op (PROTOCOL.md "Roles").
  Reads(const read::Facts& at, std::function<bool(std::string_view op)> may)
      : at_(at), may_(std::move(may)) {}

  // The answer of `op` asked with `args`, kept as `name` for the twin; it lives as long as this.
  // Errors: kForbidden (the role may not), the op's.
  StatusOr<const boost::json::object*> Ask(std::string name, std::string_view op,
                                           const boost::json::object& args);

  // The page's JSON twin: the answer itself when the page made one read, else an object of every
  // answer by name — each exactly what the command line's --format json prints for the read.
  boost::json::value Twin() const;

  const read::Facts& facts() const { return at_; }

 private:
  const read::Facts& at_;
  std::function<bool(std::string_view)> may_;
  std::deque<std::pair<std::string, boost::json::object>> answers_;  // stable addresses
};

}  // namespace hatchery::console

#endif  // HATCHERY_CONSOLE_READS_H_
