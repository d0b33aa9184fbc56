// Writing a JSON value once and getting it two ways: DomWriter builds a Boost.JSON value (query
// answers, CSV rows); CanonicalWriter appends its RFC 8785 canonical text straight to a string
// (state digests of million-row views, with no DOM in between). A row function is a template over
// the writer, so each row has one definition.
//
// CanonicalWriter's contract: members are written in canonical key order (UTF-16 code units;
// byte order for the ASCII keys rows use), integers only. tests/json_writer_test.cc checks every
// row written this way against json::Canonicalize of the same row from DomWriter.
//
// Thread-compatible value types.
#ifndef HATCHERY_JSON_WRITER_H_
#define HATCHERY_JSON_WRITER_H_

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hatchery/json.h"

namespace hatchery::json {

class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key) {
    Separate();
    json::AppendCanonicalString(key, out_);
    out_->push_back(':');
    after_key_ = true;
  }
  void String(std::string_view s) {
    Separate();
    json::AppendCanonicalString(s, out_);
  }
  void Integer(std::int64_t v) {
    Separate();
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_->append(buf, end);
  }
  void Null() {
    Separate();
    out_->append("null");
  }

 private:
  // A comma before every value of a container but its first, and none after a key.
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_->push_back(',');
      first_.back() = false;
    }
  }
  void Open(char c) {
    Separate();
    out_->push_back(c);
    first_.push_back(true);
  }
  void Close(char c) {
    first_.pop_back();
    out_->push_back(c);
  }

  std::string* out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

class DomWriter {
 public:
  void BeginObject() { Push(boost::json::object()); }
  void EndObject() { stack_.pop_back(); }
  void BeginArray() { Push(boost::json::array()); }
  void EndArray() { stack_.pop_back(); }
  void Key(std::string_view key) { key_ = key; }
  void String(std::string_view s) { Slot() = s; }
  void Integer(std::int64_t v) { Slot() = v; }
  void Null() { Slot() = nullptr; }

  // The value written (moved out; the writer starts afresh).
  boost::json::value Take() {
    stack_.clear();
    return std::move(root_);
  }

 private:
  boost::json::value& Slot() {
    if (stack_.empty()) return root_;
    boost::json::value& top = *stack_.back();
    if (top.is_array()) return top.as_array().emplace_back(nullptr);
    return top.as_object()[key_];
  }
  template <typename Container>
  void Push(Container&& c) {
    boost::json::value& slot = Slot();
    slot = std::forward<Container>(c);
    stack_.push_back(&slot);
  }

  boost::json::value root_;
  std::vector<boost::json::value*> stack_;  // open containers, innermost last
  std::string key_;
};

}  // namespace hatchery::json

#endif  // HATCHERY_JSON_WRITER_H_
