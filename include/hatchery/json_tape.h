// Reading canonical JSON without building a DOM: a Tape scans one document that must already be
// in the RFC 8785 canonical form of AUDIT.md §1 (what every stored and exported event is), checks
// exactly that, and records its tokens in a flat array that views (TapeValue, TapeObject) read.
//
// A scan accepts `text` if and only if ParseStrict accepts it and Canonicalize gives `text` back
// byte for byte: no white space, object keys strictly ascending in UTF-16 code-unit order, strings
// in valid UTF-8 with only the minimal JCS escapes, integers in shortest decimal form within
// ±2^53, nesting at most kMaxJsonDepth. A test and a fuzz target hold it to that.
//
// A tape reuses its memory from scan to scan, so scanning record after record allocates nothing
// once it has grown. Views point into the tape and the scanned text, and are valid until the next
// Scan or the text's end of life.
//
// Thread-compatible: one tape per thread; views of one tape may be read concurrently.
#ifndef HATCHERY_JSON_TAPE_H_
#define HATCHERY_JSON_TAPE_H_

#include <array>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hatchery/status.h"

namespace hatchery::json {

class Tape;

// One value of a scanned document. Names follow boost::json::value where they mean the same, so
// that code reading schema-checked data can take either (domain/fold/facts.cc).
class TapeValue {
 public:
  enum class Kind : std::uint8_t { kObject, kArray, kString, kInteger, kTrue, kFalse, kNull };

  TapeValue() = default;  // reads as nothing: not to be read
  TapeValue(const Tape* tape, std::uint32_t index) : tape_(tape), index_(index) {}

  Kind kind() const;
  bool is_object() const {
    return kind() == Kind::kObject;
  }                                                         // NOLINT(readability-identifier-naming)
  bool is_array() const { return kind() == Kind::kArray; }  // NOLINT(readability-identifier-naming)
  bool is_string() const {
    return kind() == Kind::kString;
  }  // NOLINT(readability-identifier-naming)
  bool is_int64() const {
    return kind() == Kind::kInteger;
  }  // NOLINT(readability-identifier-naming)
  static bool is_uint64() {
    return false;
  }  // NOLINT(readability-identifier-naming): never above 2^53
  // The decoded text of a string (escapes resolved); contract: is_string().
  std::string_view as_string() const;  // NOLINT(readability-identifier-naming)
  // Contract: is_int64().
  std::int64_t as_int64() const;  // NOLINT(readability-identifier-naming)
  // Contract: is_object().
  class TapeObject as_object() const;  // NOLINT(readability-identifier-naming)
  // Members or elements of a container (0 for anything else).
  std::size_t size() const;
  // The exact bytes of this value in the scanned text.
  std::string_view text() const;

  // The same value as a Boost.JSON DOM (for the rare readers that need one).
  boost::json::value ToValue() const;

 private:
  friend class TapeObject;
  friend class TapeArray;
  const Tape* tape_ = nullptr;
  std::uint32_t index_ = 0;
};

// The members of an object, in their (canonical) order.
class TapeObject {
 public:
  struct Member {
    std::string_view key;
    TapeValue value;
  };
  class Iterator {
   public:
    Iterator(const Tape* tape, std::uint32_t key_index) : tape_(tape), key_(key_index) {}
    Member operator*() const;
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return key_ == other.key_; }

   private:
    const Tape* tape_;
    std::uint32_t key_;  // the token of the member's key
  };

  TapeObject() = default;  // reads as nothing: not to be read
  explicit TapeObject(TapeValue value) : value_(value) {}

  Iterator begin() const;
  Iterator end() const;
  std::size_t size() const { return value_.size(); }
  // The member named `key`, if any. Linear in the number of members (events have a dozen).
  std::optional<TapeValue> if_contains(
      std::string_view key) const;  // NOLINT(readability-identifier-naming)
  bool contains(std::string_view key) const { return if_contains(key).has_value(); }
  const TapeValue& value() const { return value_; }

 private:
  TapeValue value_;
};

// The members of one object gathered for repeated lookups by name: each lookup starts after the
// member found last, so a reader that asks in key order (the canonical order) pays one comparison
// per member. Objects of more than kMaxMembers members fall back to TapeObject::if_contains.
class TapeIndex {
 public:
  static constexpr std::size_t kMaxMembers = 32;

  explicit TapeIndex(const TapeObject& object);

  std::optional<TapeValue> if_contains(
      std::string_view key) const;  // NOLINT(readability-identifier-naming)
  bool contains(std::string_view key) const { return if_contains(key).has_value(); }
  // Every member, in order (however many).
  TapeObject::Iterator begin() const { return object_.begin(); }
  TapeObject::Iterator end() const { return object_.end(); }

 private:
  TapeObject object_;
  std::array<TapeObject::Member, kMaxMembers> members_;
  std::size_t size_ = 0;  // members gathered (0 when there are too many)
  mutable std::size_t next_ = 0;
};

class Tape {
 public:
  // Scans `text` (see the file comment). `text` must outlive every view of this scan. Errors:
  // kBadRequest with the byte offset and what is not canonical there; the tape is then empty.
  Status Scan(std::string_view text);

  // The document's root value. Contract: the last Scan succeeded.
  TapeValue root() const { return TapeValue(this, 0); }

 private:
  friend class TapeValue;
  friend class TapeObject;
  friend class TapeScanner;

  struct Token {
    TapeValue::Kind kind;
    std::uint32_t offset;  // the value's first byte in text_ (a string's: after its quote)
    std::uint32_t length;  // the value's bytes (a string's: between its quotes)
    std::uint32_t next;    // the token after this value (after a container's last member)
    // Containers: members or elements. Strings with escapes: 1 + their index in decoded_.
    std::uint32_t count;
  };

  // A string's decoded text.
  std::string_view Text(const Token& t) const {
    if (t.count == 0) return text_.substr(t.offset, t.length);
    auto [offset, length] = decoded_[t.count - 1];
    return std::string_view{unescaped_}.substr(offset, length);
  }

  std::string_view text_;
  std::vector<Token> tokens_;  // in document order; an object's members as key, value, key, ...
  std::string unescaped_;      // the decoded text of strings with escapes, one after another
  std::vector<std::pair<std::uint32_t, std::uint32_t>> decoded_;  // (offset, length) in it
};

}  // namespace hatchery::json

#endif  // HATCHERY_JSON_TAPE_H_
