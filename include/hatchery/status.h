// The one error model of Hatchery: every fallible function returns a Status or a StatusOr<T>.
//
// A Status is a code, a one-sentence message for a person, and optional structured details (the
// field that was wrong, the current stream version, ...). The codes are exactly the error codes of
// the wire protocol (PROTOCOL.md), plus `corruption` for data that fails its own checks: corruption
// is never retried and never "fixed" by this software.
//
// Status and StatusOr are value types: thread-compatible, cheap to move.
#ifndef HATCHERY_STATUS_H_
#define HATCHERY_STATUS_H_

#include <boost/json/object.hpp>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace hatchery {

enum class Code {
  kOk,
  kBadRequest,           // malformed input: not JSON, missing or mistyped field, bad argument
  kUnauthenticated,      // no or unknown credentials
  kForbidden,            // the caller's role may not do this
  kUnknownType,          // event type not known to the ruleset
  kSchemaViolation,      // event data fails its schema
  kVersionConflict,      // expected_version differs from the stream's version
  kIdempotencyConflict,  // command_id reused with other content
  kRuleViolation,        // a policy invariant would break
  kNotFound,             // the thing asked for does not exist
  kAlreadyExists,        // creating something that is already there
  kFrameTooLarge,        // request line above the frame limit
  kOverloaded,           // too busy: retry later
  kUnavailable,          // the store refuses writes (read-only after a write error)
  kAborted,              // not applied because another command of an all-or-nothing batch failed
  kCorruption,           // stored data fails its own checks; never retried
  kInternal,             // a bug or an unexpected failure of a dependency
};

// The wire name of a code ("bad_request", ...), as PROTOCOL.md lists them.
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message, boost::json::object details = {})
      : code_(code), message_(std::move(message)), details_(std::move(details)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const boost::json::object& details() const { return details_; }

  // "<code>: <message>", for logs and command-line errors.
  std::string ToString() const;
  // {"code": ..., "message": ..., "details": {...}} as PROTOCOL.md's error object.
  boost::json::object ToJson() const;
  // The inverse, for a client reading an error object; an unknown or missing code is kInternal.
  static Status FromJson(const boost::json::object& error);

 private:
  Code code_ = Code::kOk;
  std::string message_;
  boost::json::object details_;
};

// Either a value or a non-OK Status. Accessing value() of an error is a contract violation and
// aborts (it is a bug, not a runtime condition).
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(v_).ok()) std::abort();     // an OK status carries no value
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return Get(); }
  const T& value() const& { return const_cast<StatusOr*>(this)->Get(); }
  T&& value() && { return std::move(Get()); }
  T* operator->() { return &Get(); }
  const T* operator->() const { return &const_cast<StatusOr*>(this)->Get(); }
  T& operator*() & { return Get(); }
  const T& operator*() const& { return const_cast<StatusOr*>(this)->Get(); }

 private:
  T& Get() {
    if (!ok()) std::abort();
    return std::get<T>(v_);
  }
  std::variant<Status, T> v_;
};

// What `work` answers, or kInternal saying what it threw: for the boundaries where a request is
// answered (a server op, a timer's task, a command), so that an exception — a sum beyond ±2^53
// (domain/fold/sums.h), memory — ends one answer, not the process. `work` returns a Status or a
// StatusOr.
template <typename Work>
auto Guarded(Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const std::exception& e) {
    return Status(Code::kInternal, e.what());
  }
}

namespace status_internal {
inline const Status& AsStatus(const Status& s) { return s; }
template <typename T>
const Status& AsStatus(const StatusOr<T>& s) {
  return s.status();
}
}  // namespace status_internal

}  // namespace hatchery

#define HATCHERY_CONCAT_INNER_(a, b) a##b
#define HATCHERY_CONCAT_(a, b) HATCHERY_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                                                            \
  do {                                                                                   \
    ::hatchery::Status hatchery_status_ = ::hatchery::status_internal::AsStatus((expr)); \
    if (!hatchery_status_.ok()) return hatchery_status_;                                 \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())`: declares x from the value of F(), or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(HATCHERY_CONCAT_(hatchery_statusor_, __LINE__), lhs, expr)
// `lhs` is a declaration and cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // HATCHERY_STATUS_H_
