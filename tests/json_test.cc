#include "hatchery/json.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

namespace hatchery::json {
namespace {

std::string Canon(std::string_view text) {
  auto value = ParseStrict(text);
  INFO(value.status().ToString());
  REQUIRE(value.ok());
  return Canonicalize(*value);
}

std::string ParseError(std::string_view text) {
  auto value = ParseStrict(text);
  REQUIRE_FALSE(value.ok());
  CHECK(value.status().code() == Code::kBadRequest);
  return value.status().message();
}

TEST_CASE("strict parse refuses duplicate keys and names where", "[json]") {
  CHECK_THAT(ParseError(R"({"a":{"b":1,"b":2}})"),
             Catch::Contains("duplicate key") && Catch::Contains("\"/a/b\""));
  CHECK(ParseStrict(R"({"a":{"b":1},"b":{"b":2}})").ok());  // same key, different objects
  // In order, out of order, at the start, the empty key: every way a duplicate can arrive.
  for (const char* text :
       {R"({"a":1,"a":2})", R"({"a":1,"b":2,"a":3})", R"({"b":1,"a":2,"b":3})",
        R"({"c":1,"a":2,"b":3,"a":4})", R"({"":1,"":2})", R"({"":1,"a":2,"":3})"}) {
    INFO(text);
    CHECK_THAT(ParseError(text), Catch::Contains("duplicate key"));
  }
  CHECK(ParseStrict(R"({"b":1,"a":2,"c":3,"":4})").ok());
}

TEST_CASE("canonical form sorts members whatever their order, however many", "[json]") {
  std::string ascending = "{", descending = "{";
  for (int i = 0; i < 100; ++i) {
    char key[8];
    std::snprintf(key, sizeof key, "k%03d", i);
    ascending += std::string(i ? "," : "") + "\"" + key + "\":" + std::to_string(i);
    std::snprintf(key, sizeof key, "k%03d", 99 - i);
    descending += std::string(i ? "," : "") + "\"" + key + "\":" + std::to_string(99 - i);
  }
  ascending += "}";
  descending += "}";
  CHECK(Canon(descending) == ascending);
  CHECK(Canon(ascending) == ascending);
  CHECK(Canon(R"({"b":{"d":1,"c":2},"a":[{"f":1,"e":2}]})") ==
        R"({"a":[{"e":2,"f":1}],"b":{"c":2,"d":1}})");
}

TEST_CASE("strict parse accepts integers within ±2^53 only", "[json]") {
  CHECK(Canon("[9007199254740992,-9007199254740992,0,-0]") ==
        "[9007199254740992,-9007199254740992,0,0]");
  CHECK_THAT(ParseError(R"({"x":[1,9007199254740993]})"), Catch::Contains("\"/x/1\""));
  CHECK_THAT(ParseError("[-9007199254740993]"), Catch::Contains("±2^53"));
  CHECK_THAT(ParseError("18446744073709551615"), Catch::Contains("±2^53"));
  CHECK_THAT(ParseError(R"({"a":1.5})"), Catch::Contains("not an integer"));
  CHECK_THAT(ParseError(R"({"a":1e2})"), Catch::Contains("not an integer"));
  CHECK_THAT(ParseError(R"({"a":1.0})"), Catch::Contains("not an integer"));
}

TEST_CASE("strict parse refuses malformed text, invalid UTF-8 and deep nesting", "[json]") {
  CHECK_THAT(ParseError("{\"a\":1"), Catch::Contains("invalid JSON"));
  CHECK_THAT(ParseError("{\"a\":1} x"), Catch::Contains("invalid JSON"));
  CHECK_THAT(ParseError(""), Catch::Contains("invalid JSON"));
  ParseError("\"\xff\"");
  ParseError("\"\xc0\xaf\"");   // overlong encoding of '/'
  ParseError(R"(["\ud800"])");  // lone surrogate
  ParseError("{\"a\":1,}");
  ParseError("// comment\n{}");
  ParseError("\"a\x01b\"");  // raw control character in a string
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  ParseError(deep);
  std::string ok_depth(kMaxJsonDepth, '[');
  ok_depth += std::string(kMaxJsonDepth, ']');
  CHECK(ParseStrict(ok_depth).ok());
}

TEST_CASE("canonical form: no white space, members sorted", "[json]") {
  CHECK(Canon(R"( { "b" : [ 1 , true , null ] , "a" : { "d" : "x", "c" : false } } )") ==
        R"({"a":{"c":false,"d":"x"},"b":[1,true,null]})");
  CHECK(Canon("{}") == "{}");
  CHECK(Canon("[]") == "[]");
}

TEST_CASE("canonical form sorts keys by UTF-16 code units, not code points", "[json]") {
  // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+E000 although its code point is larger.
  CHECK(Canon("{\"\xee\x80\x80\":1,\"\xf0\x9f\x98\x80\":2,\"z\":3,\"\xc3\xa9\":4}") ==
        "{\"z\":3,\"\xc3\xa9\":4,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1}");
}

TEST_CASE("canonical form escapes the JCS minimum", "[json]") {
  CHECK(Canon(R"(["\u0000\u0001\u001f","\b\f\n\r\t","\"\\","\/","\u007f","\u00e9\u4e2d"])") ==
        "[\"\\u0000\\u0001\\u001f\",\"\\b\\f\\n\\r\\t\",\"\\\"\\\\\",\"/\",\"\x7f\","
        "\"\xc3\xa9\xe4\xb8\xad\"]");
  CHECK(Canon(R"(["\ud83d\ude00"])") == "[\"\xf0\x9f\x98\x80\"]");
}

TEST_CASE("code points are counted, not bytes", "[json]") {
  CHECK(CodePointCount("abc") == 3);
  CHECK(CodePointCount("通辽市") == 3);
  CHECK(CodePointCount("\xf0\x9f\x98\x80x") == 2);
}

}  // namespace
}  // namespace hatchery::json
