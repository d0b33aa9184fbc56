// Strict JSON parsing: Boost.JSON's basic_parser with a handler that builds the value (through
// Boost's value_stack) while tracking the JSON pointer of the current value, so that duplicate keys
// and numbers outside the accepted subset are rejected with the pointer that names them.
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <set>
#include <vector>

#include "hatchery/json.h"

namespace hatchery::json {
namespace {

namespace bj = boost::json;

// Escapes one reference token of a JSON pointer (RFC 6901).
std::string PointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

class StrictHandler {
 public:
  // Names and signatures below are the handler concept of boost::json::basic_parser.
  // NOLINTBEGIN(readability-identifier-naming)
  static constexpr std::size_t max_object_size = bj::object::max_size();
  static constexpr std::size_t max_array_size = bj::array::max_size();
  static constexpr std::size_t max_key_size = bj::string::max_size();
  static constexpr std::size_t max_string_size = bj::string::max_size();

  // NOLINTEND(readability-identifier-naming)

  bj::value_stack st;
  std::string problem;  // set when the handler itself rejects the input

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }

  bool on_object_begin(bj::error_code&) {
    frames_.push_back(Frame{true, {}, 0, {}, {}});
    return true;
  }
  bool on_object_end(std::size_t n, bj::error_code&) {
    frames_.pop_back();
    st.push_object(n);
    return ValueDone();
  }
  bool on_array_begin(bj::error_code&) {
    frames_.push_back(Frame{false, {}, 0, {}, {}});
    return true;
  }
  bool on_array_end(std::size_t n, bj::error_code&) {
    frames_.pop_back();
    st.push_array(n);
    return ValueDone();
  }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    key_.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code& ec) {
    key_.append(s.data(), s.size());
    Frame& f = frames_.back();
    f.key = std::move(key_);
    key_.clear();
    if (!f.Unique(f.key)) return Reject("duplicate key", ec);
    st.push_key(s);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    st.push_string(s);
    return ValueDone();
  }
  bool on_number_part(bj::string_view, bj::error_code&) { return true; }
  bool on_int64(std::int64_t i, bj::string_view, bj::error_code& ec) {
    if (i > kMaxJsonInteger || i < -kMaxJsonInteger) {
      return Reject("integer outside ±2^53", ec);
    }
    st.push_int64(i);
    return ValueDone();
  }
  bool on_uint64(std::uint64_t, bj::string_view, bj::error_code& ec) {
    return Reject("integer outside ±2^53", ec);  // uint64 only arises above INT64_MAX
  }
  bool on_double(double, bj::string_view, bj::error_code& ec) {
    return Reject("number is not an integer (fractions, exponents and overflow are refused)", ec);
  }
  bool on_bool(bool b, bj::error_code&) {
    st.push_bool(b);
    return ValueDone();
  }
  bool on_null(bj::error_code&) {
    st.push_null();
    return ValueDone();
  }
  bool on_comment_part(bj::string_view, bj::error_code&) { return false; }
  bool on_comment(bj::string_view, bj::error_code&) { return false; }

 private:
  struct Frame {
    bool is_object;
    std::string key;    // current key, objects only
    std::size_t index;  // current index, arrays only
    // Keys seen so far, objects only. While they arrive in ascending order (as in every canonical
    // document) a new key is unique if it is above the last one; the first key out of order moves
    // them all into a set, which answers from then on.
    std::vector<std::string> in_order;
    std::set<std::string> keys;

    bool Unique(const std::string& k) {
      if (keys.empty()) {
        if (in_order.empty() || k > in_order.back()) {
          in_order.push_back(k);
          return true;
        }
        keys.insert(std::make_move_iterator(in_order.begin()),
                    std::make_move_iterator(in_order.end()));
        in_order.clear();
      }
      return keys.insert(k).second;
    }
  };

  bool ValueDone() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    return true;
  }

  bool Reject(std::string_view what, bj::error_code& ec) {
    std::string pointer;
    for (const Frame& f : frames_) {
      pointer += '/';
      pointer += f.is_object ? PointerToken(f.key) : std::to_string(f.index);
    }
    problem = std::string(what) + " at \"" + pointer + "\"";
    ec = bj::error::syntax;  // stops the parser; `problem` carries the real reason
    return false;
  }

  std::vector<Frame> frames_;
  std::string key_;
};

}  // namespace

StatusOr<bj::value> ParseStrict(std::string_view text) {
  bj::parse_options options;
  options.max_depth = kMaxJsonDepth;
  bj::basic_parser<StrictHandler> parser(options);
  parser.handler().st.reset();
  bj::error_code ec;
  std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = bj::error::extra_data;
  if (ec) {
    std::string message =
        parser.handler().problem.empty()
            ? "invalid JSON at byte " + std::to_string(consumed) + ": " + ec.message()
            : "invalid JSON: " + parser.handler().problem;
    return Status(Code::kBadRequest, std::move(message));
  }
  return parser.handler().st.release();
}

}  // namespace hatchery::json
