// Input that cannot poison the books (issue: control characters, formulas, amounts that wrap): what
// an append may record, how sums fail, and how text that is there anyway is shown.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "domain/fold/measures.h"
#include "domain/fold/sums.h"
#include "export/csv.h"
#include "hatchery/json.h"
#include "hatchery/text.h"
#include "ledger/format.h"
#include "policy_fixture.h"
#include "test_util.h"

namespace hatchery {
namespace {

namespace bj = boost::json;
using testing::PolicyFixture;

constexpr std::string_view kHostile[] = {"a\x00b",
                                         "\x1b[2J\x1b[31mred",
                                         "bell\x07",
                                         "two\r\nlines",
                                         "tab\tin",
                                         "\xe2\x80\xae"
                                         "reversed",  // U+202E RIGHT-TO-LEFT OVERRIDE
                                         "\xe2\x81\xa6"
                                         "isolate",  // U+2066
                                         "c1\xc2\x9b"
                                         "csi",  // U+009B, the C1 control sequence introducer
                                         "del\x7f"};

std::string Json(std::string_view s) { return bj::serialize(bj::value(bj::string(s))); }

TEST_CASE("bounds: a name with a control character or a bidi override is refused", "[bounds]") {
  PolicyFixture f;
  for (std::string_view raw : kHostile) {
    std::string name(raw.data(), raw.size());
    auto r = f.Try("CarrierRegistered", "carrier/x1",
                   R"({"carrier_id":"x1","name":)" + Json(name) +
                       R"(,"kind":"incubator","category":"comprehensive",)"
                       R"("host_type":"other","county":"horqin"})",
                   "2024-01-10");
    INFO(bj::serialize(bj::value(bj::string(name))));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadRequest);
    CHECK(r.status().details().at("field") == "/data/name");
    CHECK_THAT(r.status().message(), Catch::Contains("control characters or bidirectional"));
  }
  // Member names and nested values are looked at too.
  auto nested = f.Try("CarrierRegistered", "carrier/x1",
                      R"({"carrier_id":"x1","name":"n","kind":"incubator",)"
                      R"("category":"comprehensive","host_type":"other","county":"horqin",)"
                      R"("operator":{"name":"op\u001b","mode":"self"}})",
                      "2024-01-10");
  CHECK(nested.status().details().at("field") == "/data/operator/name");
  // A formula is text: recorded as it is (the CSV neutralises it, below).
  CHECK(
      f.Try("CarrierRegistered", "carrier/x1",
            R"j({"carrier_id":"x1","name":"=HYPERLINK(\"http://x\",\"点我\")","kind":"incubator",)j"
            R"("category":"comprehensive","host_type":"other","county":"horqin"})",
            "2024-01-10")
          .ok());
}

TEST_CASE("bounds: the envelope's note keeps its line breaks, nothing else", "[bounds]") {
  AppendCommand c = testing::MakeCommand("c-1");
  c.note = "第一行\n第二行";
  CHECK(ValidateCommand(c).ok());
  c.note = "ring\x07";
  CHECK(ValidateCommand(c).details().at("field") == "note");
  c.note = std::nullopt;
  c.document_ref = "内科发〔2023〕1号\xe2\x80\xae";
  CHECK(ValidateCommand(c).details().at("field") == "document_ref");
}

TEST_CASE("bounds: amounts and counts are bounded by the schemas", "[bounds]") {
  PolicyFixture f;
  f.Register("x1", "incubator", "comprehensive", "2024-01-10");
  auto fund = [&](std::int64_t size) {
    return f.Try("FundEstablished", "carrier/x1",
                 R"({"fund_id":"f-)" + std::to_string(size) +
                     R"(","carrier_id":"x1","fund_type":"seed","size_fen":)" +
                     std::to_string(size) + R"(,"social_capital_fen":0})",
                 "2024-02-01");
  };
  auto too_big = fund((std::int64_t{1} << 53) - 1);  // the attack: 2^53 − 1 fen, 1,202 times
  CHECK(too_big.status().code() == Code::kSchemaViolation);
  CHECK(too_big.status().details().at("field") == "/data/size_fen");
  CHECK(fund(10'000'000'000'000).ok());  // 10^13 fen, one hundred billion yuan, is the bound
  CHECK_FALSE(fund(10'000'000'000'001).ok());
  auto jobs =
      f.Try("AnnualReportSubmitted", "carrier/x1",
            R"({"carrier_id":"x1","year":2024,"metrics":{"jobs":1000000001}})", "2025-01-10");
  CHECK(jobs.status().details().at("field") == "/data/metrics/jobs");
}

TEST_CASE("bounds: a sum beyond 2^53 fails loudly instead of wrapping", "[bounds]") {
  domain::Measures m;
  const std::size_t size = domain::M("funds_size_fen");
  m.Add(size, std::int64_t{1} << 52);
  m.Add(size, std::int64_t{1} << 52);  // exactly 2^53: still a JSON integer
  CHECK(m.get(size) == std::int64_t{1} << 53);
  CHECK_THROWS_AS(m.Add(size, 1), domain::SumOverflow);
  CHECK(m.get(size) == std::int64_t{1} << 53);  // unchanged
  CHECK_THROWS_WITH(domain::CheckedAdd(INT64_MAX, 1, "x_fen"), Catch::Contains("x_fen"));
  CHECK(domain::CheckedAdd(-5, 3, "x") == -2);
}

TEST_CASE("bounds: a CSV text cell that a spreadsheet would evaluate is neutralised", "[bounds]") {
  bj::array rows{bj::object{{"name", "=HYPERLINK(\"http://x\")"}, {"amount_fen", -5}},
                 bj::object{{"name", "+1"}, {"amount_fen", 0}},
                 bj::object{{"name", "-2"}, {"amount_fen", 1}},
                 bj::object{{"name", "@SUM(A1)"}, {"amount_fen", 2}},
                 bj::object{{"name", "a=b"}, {"amount_fen", 3}}};
  CHECK(exporting::RowsCsv(rows) ==
        "\xEF\xBB\xBFname,amount_fen,amount_yuan\r\n"
        "\"'=HYPERLINK(\"\"http://x\"\")\",-5,-0.05\r\n"
        "'+1,0,0.00\r\n'-2,1,0.01\r\n'@SUM(A1),2,0.02\r\na=b,3,0.03\r\n");
}

TEST_CASE("bounds: text is shown to a terminal with its controls escaped", "[bounds]") {
  CHECK(text::Printable("\x1b[31mred\x07") == "\\u{1b}[31mred\\u{7}");
  CHECK(text::Printable("a\nb") == "a\\u{a}b");
  CHECK(text::Printable("a\nb", /*keep_newlines=*/true) == "a\nb");
  CHECK(text::Printable("\xe2\x80\xae"
                        "abc") == "\\u{202e}abc");
  CHECK(text::Printable("通辽\xff") == "通辽\\x{ff}");
  CHECK(text::Printable("通辽市孵化器 =A1") == "通辽市孵化器 =A1");
}

// A store written before the rule (forged here through RocksDB): the name reaches the table as
// visible escapes, not as a terminal command.
TEST_CASE("bounds: a recorded escape sequence is shown escaped by query", "[bounds][cli]") {
  PolicyFixture f;
  std::uint64_t seq = f.Register("x1", "incubator", "comprehensive", "2024-01-10");
  std::string path = f.ledger->dir();
  f.ledger.reset();
  {
    testing::RawStore raw(path);
    std::string key = ledger::EncodeFixed64(seq);
    auto event = std::move(ParseEvent(raw.Get("events", key).substr(1))).value();
    event.data["name"] = "\x1b]0;pwned\x07\x1b[2J";
    event.hash = ComputeEventHash(event);
    raw.Put("events", key,
            std::string(1, ledger::kRecordCanonicalJson) + CanonicalForm(event, true));
  }
  auto shown = testing::RunHatchery("query carriers --data " + path);
  INFO(shown.out);
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find('\x1b') == std::string::npos);
  CHECK(shown.out.find('\x07') == std::string::npos);
  CHECK_THAT(shown.out, Catch::Contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"));
}

}  // namespace
}  // namespace hatchery
