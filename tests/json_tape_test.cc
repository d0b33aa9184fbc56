#include "hatchery/json_tape.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <random>

#include "hatchery/json.h"

namespace hatchery::json {
namespace {

namespace bj = boost::json;

// The reference: a text is canonical iff the strict parser takes it and renders it back unchanged.
bool IsCanonicalByReference(std::string_view text) {
  auto parsed = ParseStrict(text);
  return parsed.ok() && Canonicalize(*parsed) == text;
}

// Scans `text` and checks the tape against the reference: the same verdict, the same value.
void CheckAgainstReference(std::string_view text) {
  INFO("text: " << text);
  Tape tape;
  Status scanned = tape.Scan(text);
  INFO("scan: " << scanned.ToString());
  REQUIRE(scanned.ok() == IsCanonicalByReference(text));
  if (scanned.ok()) CHECK(tape.root().ToValue() == *ParseStrict(text));
}

std::string ScanError(std::string_view text) {
  Tape tape;
  Status scanned = tape.Scan(text);
  REQUIRE_FALSE(scanned.ok());
  CHECK(scanned.code() == Code::kBadRequest);
  return scanned.message();
}

// A random JSON value of the accepted subset, with keys and strings that exercise ordering,
// escapes and multi-byte UTF-8.
bj::value RandomValue(std::mt19937_64& rng, int depth) {
  static const std::vector<std::string> kTexts = {"",
                                                  "a",
                                                  "b",
                                                  "ab",
                                                  "\"",
                                                  "\\",
                                                  "\n\t\b\f\r",
                                                  "\x01\x1f\x7f",
                                                  "/",
                                                  "é",
                                                  "\xef\xbd\xa1",
                                                  "\xf0\x9f\x98\x80",
                                                  "通辽",
                                                  "A",
                                                  "z~",
                                                  "hash"};
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::size_t kind = depth > 3 ? pick(4) : pick(6);
  switch (kind) {
    case 0: return static_cast<std::int64_t>(rng() % 2000001) - 1000000;
    case 1: return bj::string(kTexts[pick(kTexts.size())]);
    case 2: {
      int which = static_cast<int>(pick(5));
      if (which == 0) return nullptr;
      if (which == 1) return true;
      if (which == 2) return false;
      return which == 3 ? kMaxJsonInteger : -kMaxJsonInteger;
    }
    case 3: return 0;
    case 4: {
      bj::array array;
      for (std::size_t i = pick(4); i > 0; --i) array.push_back(RandomValue(rng, depth + 1));
      return array;
    }
    default: {
      bj::object object;
      for (std::size_t i = pick(5); i > 0; --i)
        object[kTexts[pick(kTexts.size())]] = RandomValue(rng, depth + 1);
      return object;
    }
  }
}

TEST_CASE("tape: canonical texts scan, and their tape reads back the same value", "[json][tape]") {
  for (const char* text :
       {"{}", "[]", "0", "-1", "9007199254740992", "-9007199254740992", "\"\"", "true", "false",
        "null", R"({"a":[1,{"b":null}],"b":"x"})", R"("\u0000\u001f\b\t\n\f\r\"\\")", "\"\x7f/é\"",
        R"({"":1,"a":2})", "[[[[]]]]"}) {
    CheckAgainstReference(text);
    Tape tape;
    CHECK(tape.Scan(text).ok());
  }
}

TEST_CASE("tape: every way a text can fail to be canonical is refused, and says where",
          "[json][tape]") {
  CHECK_THAT(ScanError(R"({"a":1, "b":2})"),
             Catch::Contains("byte 7") && Catch::Contains("white space"));
  CHECK_THAT(ScanError(R"({"b":1,"a":2})"),
             Catch::Contains("byte 8") && Catch::Contains("ascending order"));
  CHECK_THAT(ScanError(R"({"a":1,"a":2})"), Catch::Contains("repeated"));
  // UTF-16 order: U+FF61 sorts after U+1F600, whose UTF-16 form starts with a surrogate (D83D).
  CHECK(IsCanonicalByReference("{\"\xf0\x9f\x98\x80\":1,\"\xef\xbd\xa1\":2}"));
  CHECK_THAT(ScanError("{\"\xef\xbd\xa1\":1,\"\xf0\x9f\x98\x80\":2}"),
             Catch::Contains("ascending order"));
  CHECK_THAT(ScanError("01"), Catch::Contains("leading zero"));
  CHECK_THAT(ScanError("-0"), Catch::Contains("-0"));
  CHECK_THAT(ScanError("9007199254740993"), Catch::Contains("±2^53"));
  CHECK_THAT(ScanError("[12345678901234567890]"), Catch::Contains("±2^53"));
  CHECK_THAT(ScanError("1.5"), Catch::Contains("not an integer"));
  CHECK_THAT(ScanError("1e3"), Catch::Contains("not an integer"));
  CHECK_THAT(ScanError(R"("\/")"), Catch::Contains("escape"));
  CHECK_THAT(ScanError(R"("\u0041")"), Catch::Contains("\\u00xx"));
  CHECK_THAT(ScanError(R"("\u001F")"), Catch::Contains("lowercase"));
  CHECK_THAT(ScanError(R"("\u000a")"), Catch::Contains("short escape"));
  CHECK_THAT(ScanError("\"\x01\""), Catch::Contains("must be escaped"));
  CHECK_THAT(ScanError("\"\t\""), Catch::Contains("must be escaped"));
  CHECK_THAT(ScanError("\"\xc3\""), Catch::Contains("UTF-8"));
  CHECK_THAT(ScanError("\"\xed\xa0\x80\""), Catch::Contains("UTF-8"));      // a surrogate
  CHECK_THAT(ScanError("\"\xc0\xaf\""), Catch::Contains("UTF-8"));          // overlong
  CHECK_THAT(ScanError("\"\xf4\x90\x80\x80\""), Catch::Contains("UTF-8"));  // > U+10FFFF
  CHECK_THAT(ScanError("{}x"), Catch::Contains("after the document"));
  CHECK_THAT(ScanError(""), Catch::Contains("ends where a value"));
  CHECK_THAT(ScanError("\"abc"), Catch::Contains("ends inside a string"));
  CHECK_THAT(ScanError("[1,]"), Catch::Contains("expected a value"));
  CHECK_THAT(ScanError("tru"), Catch::Contains("true, false or null"));
  CHECK_THAT(ScanError(std::string(33, '[') + std::string(33, ']')), Catch::Contains("deeply"));
  CHECK(IsCanonicalByReference(std::string(32, '[') + std::string(32, ']')));
  CheckAgainstReference(std::string(32, '[') + std::string(32, ']'));
  CheckAgainstReference(std::string(33, '[') + std::string(33, ']'));
}

TEST_CASE("tape: agrees with parse-and-render on random documents and every one-byte mutation",
          "[json][tape]") {
  std::mt19937_64 rng(20261128);
  const std::string alphabet = "{}[]\",:\\-0123456789abefnrtu \x01\x7f\xc3\xa9\xed\xf0";
  int canonical = 0, refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = Canonicalize(RandomValue(rng, 0));
    CheckAgainstReference(text);
    for (int m = 0; m < 6; ++m) {
      std::string mutated = text;
      std::size_t at = rng() % (mutated.size() + 1);
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: mutated.insert(mutated.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 1:
          if (at < mutated.size()) mutated.erase(at, 1);
          break;
        default:
          if (at < mutated.size()) mutated[at] = c;
      }
      CheckAgainstReference(mutated);
      (IsCanonicalByReference(mutated) ? canonical : refused)++;
    }
  }
  // Both verdicts occur often, so the comparison tested both ways.
  CHECK(canonical > 1000);
  CHECK(refused > 1000);
}

TEST_CASE("tape: views read members, strings with escapes and integers", "[json][tape]") {
  Tape tape;
  std::string text = R"({"a":"x\"y","b":-42,"c":{"d":[1,2,3]},"e":"plain"})";
  REQUIRE(tape.Scan(text).ok());
  TapeObject root = tape.root().as_object();
  CHECK(root.size() == 4);
  CHECK(root.if_contains("a")->as_string() == "x\"y");
  CHECK(root.if_contains("a")->text() == R"("x\"y")");
  CHECK(root.if_contains("b")->as_int64() == -42);
  CHECK(root.if_contains("c")->as_object().if_contains("d")->size() == 3);
  CHECK(root.if_contains("c")->text() == R"({"d":[1,2,3]})");
  CHECK(root.if_contains("e")->as_string() == "plain");
  CHECK_FALSE(root.contains("f"));
  std::string keys;
  for (auto [key, value] : root) keys += std::string(key) + ";";
  CHECK(keys == "a;b;c;e;");
  // A failed scan leaves nothing behind, and the tape is reused for the next text.
  CHECK_FALSE(tape.Scan("[1, 2]").ok());
  REQUIRE(tape.Scan(R"({"z":"\\"})").ok());
  CHECK(tape.root().as_object().if_contains("z")->as_string() == "\\");
}

}  // namespace
}  // namespace hatchery::json
