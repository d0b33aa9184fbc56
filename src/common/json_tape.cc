// The canonical-form scanner behind json::Tape, and the views that read its tokens.
#include "hatchery/json_tape.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <limits>

#include "hatchery/json.h"

namespace hatchery::json {

// One pass over a document, checking each byte against the one canonical spelling it may have.
class TapeScanner {
 public:
  TapeScanner(std::string_view text, Tape* tape) : s_(text), tape_(*tape) {}

  Status Run() {
    tape_.text_ = s_;
    tape_.tokens_.clear();
    tape_.unescaped_.clear();
    tape_.decoded_.clear();
    if (s_.size() >= std::numeric_limits<std::uint32_t>::max()) {
      return Status(Code::kBadRequest, "not canonical JSON: longer than 4 GiB");
    }
    if (Value(0) && pos_ != s_.size()) Fail("bytes after the document");
    if (problem_ == nullptr) return Status::Ok();
    tape_.tokens_.clear();
    return Status(Code::kBadRequest,
                  "not canonical JSON at byte " + std::to_string(at_) + ": " + problem_);
  }

 private:
  using Kind = TapeValue::Kind;

  bool Fail(const char* what) {
    bool space = More() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r');
    problem_ = space ? "white space (the canonical form has none)" : what;
    at_ = pos_;
    return false;
  }
  bool More() const { return pos_ < s_.size(); }
  char Peek() const { return s_[pos_]; }

  std::uint32_t Push(Kind kind) {
    auto index = static_cast<std::uint32_t>(tape_.tokens_.size());
    auto at = static_cast<std::uint32_t>(pos_);
    tape_.tokens_.push_back(Tape::Token{kind, at, 0, index + 1, 0});
    return index;
  }
  void Close(std::uint32_t index) {
    Tape::Token& t = tape_.tokens_[index];
    t.length = static_cast<std::uint32_t>(pos_) - t.offset;
    t.next = static_cast<std::uint32_t>(tape_.tokens_.size());
  }

  bool Value(std::size_t depth) {
    if (!More()) return Fail("the document ends where a value should be");
    switch (Peek()) {
      case '{': return Object(depth + 1);
      case '[': return Array(depth + 1);
      case '"': return String().has_value();
      case 't': return Literal("true", Kind::kTrue);
      case 'f': return Literal("false", Kind::kFalse);
      case 'n': return Literal("null", Kind::kNull);
      default:
        if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) return Integer();
        return Fail("expected a value");
    }
  }

  // A container from its opening bracket: its elements, each read by `element`, separated by ','
  // up to `close`; its token's count set.
  template <typename Element>
  bool Container(std::size_t depth, Kind kind, char close, const Element& element) {
    if (depth > kMaxJsonDepth) return Fail("nested too deeply");
    std::uint32_t index = Push(kind);
    ++pos_;
    std::uint32_t count = 0;
    if (More() && Peek() == close) {
      ++pos_;
    } else {
      while (true) {
        if (!element()) return false;
        ++count;
        if (More() && Peek() == ',') {
          ++pos_;
          continue;
        }
        if (More() && Peek() == close) {
          ++pos_;
          break;
        }
        return Fail(close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
    Close(index);
    tape_.tokens_[index].count = count;
    return true;
  }

  bool Object(std::size_t depth) {
    std::optional<std::uint32_t> previous_key;
    bool previous_plain = false;
    return Container(depth, Kind::kObject, '}', [&] {
      if (!More() || Peek() != '"') return Fail("expected a member name");
      std::optional<std::uint32_t> key = String();
      if (!key) return false;
      bool plain = last_string_plain_;
      if (previous_key && !KeyOrdered(*previous_key, previous_plain && plain, *key)) {
        pos_ = tape_.tokens_[*key].offset;
        return Fail("member names not in ascending order (or repeated)");
      }
      previous_key = key;
      previous_plain = plain;
      if (!More() || Peek() != ':') return Fail("expected ':'");
      ++pos_;
      return Value(depth);
    });
  }

  // Whether key token `b` sorts after key token `a`. Keys that are both `plain` (ASCII, no
  // escapes) compare as their bytes, the same order; others in UTF-16 code units.
  bool KeyOrdered(std::uint32_t a, bool plain, std::uint32_t b) const {
    const Tape::Token& x = tape_.tokens_[a];
    const Tape::Token& y = tape_.tokens_[b];
    if (!plain) return KeyLess(tape_.Text(x), tape_.Text(y));
    std::uint32_t n = std::min(x.length, y.length);
    for (std::uint32_t i = 0; i < n; ++i) {
      auto p = static_cast<unsigned char>(s_[x.offset + i]);
      auto q = static_cast<unsigned char>(s_[y.offset + i]);
      if (p != q) return p < q;
    }
    return x.length < y.length;
  }

  bool Array(std::size_t depth) {
    return Container(depth, Kind::kArray, ']', [&] { return Value(depth); });
  }

  bool Literal(std::string_view word, Kind kind) {
    if (s_.substr(pos_, word.size()) != word) return Fail("expected true, false or null");
    std::uint32_t index = Push(kind);
    pos_ += word.size();
    Close(index);
    return true;
  }

  bool Integer() {
    std::uint32_t index = Push(Kind::kInteger);
    bool negative = Peek() == '-';
    if (negative) ++pos_;
    std::size_t first = pos_;
    std::uint64_t magnitude = 0;
    while (More() && Peek() >= '0' && Peek() <= '9' && pos_ - first <= 16) {
      magnitude = magnitude * 10 + static_cast<std::uint64_t>(Peek() - '0');
      ++pos_;
    }
    std::size_t digits = pos_ - first;
    if (digits == 0) return Fail("expected a digit");
    if (digits > 1 && s_[first] == '0') return Fail("a number with a leading zero");
    if (negative && magnitude == 0) return Fail("-0 is written 0");
    if (digits > 16 || magnitude > static_cast<std::uint64_t>(kMaxJsonInteger)) {
      return Fail("integer outside ±2^53");
    }
    if (More() && (Peek() == '.' || Peek() == 'e' || Peek() == 'E')) {
      return Fail("number is not an integer (fractions and exponents are refused)");
    }
    Close(index);
    return true;
  }

  // Scans a string at '"'; returns its token. Canonical strings escape exactly '"', '\\' and the
  // control characters (as \b \t \n \f \r, else \u00xx in lowercase hex), and nothing else.
  std::optional<std::uint32_t> String() {
    ++pos_;
    std::uint32_t index = Push(Kind::kString);
    bool escaped = false;
    last_string_plain_ = true;
    while (true) {
      // The common bytes: eight at a time while none of them is special, then one by one.
      while (pos_ + 8 <= s_.size() && !AnySpecial(s_.data() + pos_)) pos_ += 8;
      while (More()) {
        auto c = static_cast<unsigned char>(Peek());
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
        ++pos_;
      }
      if (!More()) return Failed("the document ends inside a string");
      auto c = static_cast<unsigned char>(Peek());
      if (c == '"') break;
      if (c < 0x20) {
        Fail("");
        problem_ = "a control character must be escaped";  // raw white space included
        return std::nullopt;
      }
      last_string_plain_ = false;
      if (c >= 0x80) {
        if (!Utf8()) return std::nullopt;
        continue;
      }
      escaped = true;  // a backslash
      if (!Escape()) return std::nullopt;
    }
    Tape::Token& t = tape_.tokens_[index];
    t.length = static_cast<std::uint32_t>(pos_) - t.offset;
    ++pos_;  // the closing quote
    if (escaped) Unescape(index);
    return index;
  }

  // Whether any of the 8 bytes at `p` is a control character, '"', '\\' or not ASCII (the
  // classic SWAR tests for a zero byte and a byte below n; exact as to whether one exists).
  static bool AnySpecial(const char* p) {
    constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    auto zero_byte = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
    return (zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\\')) | below_space |
            (w & kHighs)) != 0;
  }

  std::optional<std::uint32_t> Failed(const char* what) {
    Fail(what);
    return std::nullopt;
  }

  bool Escape() {
    if (pos_ + 1 >= s_.size()) return Fail("the document ends inside a string");
    char e = s_[pos_ + 1];
    if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
      pos_ += 2;
      return true;
    }
    if (e != 'u') return Fail("an escape the canonical form does not use");
    std::string_view hex = s_.substr(pos_ + 2, 4);
    auto lower_hex = [](char h) { return (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f'); };
    if (hex.size() < 4 || hex[0] != '0' || hex[1] != '0' || (hex[2] != '0' && hex[2] != '1') ||
        !lower_hex(hex[3])) {
      return Fail("\\u escapes only control characters, as \\u00xx in lowercase hex");
    }
    int code = (hex[2] - '0') * 16 + (hex[3] <= '9' ? hex[3] - '0' : hex[3] - 'a' + 10);
    if (code == '\b' || code == '\f' || code == '\n' || code == '\r' || code == '\t') {
      return Fail("this control character is written with its short escape");
    }
    pos_ += 6;
    return true;
  }

  // One UTF-8 sequence of two to four bytes, as RFC 3629 allows it.
  bool Utf8() {
    auto byte = [&](std::size_t k) {
      return pos_ + k < s_.size() ? static_cast<unsigned char>(s_[pos_ + k]) : 0;
    };
    unsigned char b = byte(0);
    std::size_t n;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      if (b == 0xE0) low = 0xA0;
      if (b == 0xED) high = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return Fail("invalid UTF-8");
    }
    if (byte(1) < low || byte(1) > high) return Fail("invalid UTF-8");
    for (std::size_t k = 2; k < n; ++k) {
      if (byte(k) < 0x80 || byte(k) > 0xBF) return Fail("invalid UTF-8");
    }
    pos_ += n;
    return true;
  }

  // Decodes a scanned string with escapes into the tape's side buffer.
  void Unescape(std::uint32_t index) {
    Tape::Token& t = tape_.tokens_[index];
    std::string& out = tape_.unescaped_;
    auto begin = static_cast<std::uint32_t>(out.size());
    std::string_view raw = s_.substr(t.offset, t.length);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '\\') {
        out.push_back(raw[i]);
        continue;
      }
      char e = raw[++i];
      switch (e) {
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          char h = raw[i + 4];
          out.push_back(
              static_cast<char>((raw[i + 3] - '0') * 16 + (h <= '9' ? h - '0' : h - 'a' + 10)));
          i += 4;
          break;
        }
        default: out.push_back(e);  // '"' or '\\'
      }
    }
    tape_.decoded_.emplace_back(begin, static_cast<std::uint32_t>(out.size()) - begin);
    t.count = static_cast<std::uint32_t>(tape_.decoded_.size());
  }

  std::string_view s_;
  Tape& tape_;
  std::size_t pos_ = 0;
  bool last_string_plain_ = false;  // the last string scanned was ASCII without escapes
  const char* problem_ = nullptr;
  std::size_t at_ = 0;
};

Status Tape::Scan(std::string_view text) { return TapeScanner(text, this).Run(); }

TapeValue::Kind TapeValue::kind() const { return tape_->tokens_[index_].kind; }

std::string_view TapeValue::as_string() const { return tape_->Text(tape_->tokens_[index_]); }

std::int64_t TapeValue::as_int64() const {
  std::string_view digits = text();
  bool negative = digits.front() == '-';
  std::int64_t v = 0;
  for (char c : digits.substr(negative ? 1 : 0)) v = v * 10 + (c - '0');
  return negative ? -v : v;
}

TapeObject TapeValue::as_object() const { return TapeObject(*this); }

std::size_t TapeValue::size() const {
  Kind k = kind();
  return k == Kind::kObject || k == Kind::kArray ? tape_->tokens_[index_].count : 0;
}

std::string_view TapeValue::text() const {
  const Tape::Token& t = tape_->tokens_[index_];
  if (t.kind == Kind::kString) return tape_->text_.substr(t.offset - 1, t.length + 2);
  return tape_->text_.substr(t.offset, t.length);
}

boost::json::value TapeValue::ToValue() const {
  switch (kind()) {
    case Kind::kObject: {
      boost::json::object object;
      object.reserve(size());
      for (auto [key, value] : as_object()) object.emplace(key, value.ToValue());
      return object;
    }
    case Kind::kArray: {
      boost::json::array array;
      array.reserve(size());
      const auto& tokens = tape_->tokens_;
      for (std::uint32_t i = index_ + 1; i < tokens[index_].next; i = tokens[i].next) {
        array.push_back(TapeValue(tape_, i).ToValue());
      }
      return array;
    }
    case Kind::kString: return boost::json::string(as_string());
    case Kind::kInteger: return as_int64();
    case Kind::kTrue: return true;
    case Kind::kFalse: return false;
    case Kind::kNull: return nullptr;
  }
  return nullptr;
}

TapeObject::Member TapeObject::Iterator::operator*() const {
  return Member{TapeValue(tape_, key_).as_string(), TapeValue(tape_, key_ + 1)};
}

TapeObject::Iterator& TapeObject::Iterator::operator++() {
  key_ = tape_->tokens_[key_ + 1].next;
  return *this;
}

TapeObject::Iterator TapeObject::begin() const { return Iterator(value_.tape_, value_.index_ + 1); }

TapeObject::Iterator TapeObject::end() const {
  return Iterator(value_.tape_, value_.tape_->tokens_[value_.index_].next);
}

std::optional<TapeValue> TapeObject::if_contains(std::string_view key) const {
  for (auto [name, value] : *this) {
    if (name == key) return value;
  }
  return std::nullopt;
}

TapeIndex::TapeIndex(const TapeObject& object) : object_(object) {
  if (object.size() > kMaxMembers) return;
  for (TapeObject::Member member : object) members_[size_++] = member;
}

std::optional<TapeValue> TapeIndex::if_contains(std::string_view key) const {
  if (size_ == 0) return object_.if_contains(key);
  for (std::size_t k = 0; k < size_; ++k) {
    std::size_t i = next_ + k < size_ ? next_ + k : next_ + k - size_;
    if (members_[i].key == key) {
      next_ = i + 1 == size_ ? 0 : i + 1;
      return members_[i].value;
    }
  }
  return std::nullopt;
}

}  // namespace hatchery::json
