// `hatchery import`: the bureau's spreadsheets as events. A property over random sheets (headers
// English or Chinese in any order, values spelled either way, dates in the three forms) checks the
// mapping against a table written from EVENTS.md and the bureau's terms; the command on a real
// demo store reads UTF-8 with and without BOM and GB18030, is idempotent, refuses a bad header
// whole and a bad row alone, and appends nothing on --dry-run.
#include <rapidcheck.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "hatchery/json.h"
#include "hatchery/ledger.h"
#include "import/rows.h"
#include "import/spreadsheet.h"
#include "property.h"
#include "test_util.h"

namespace hatchery::importing {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;
using testing::TempDir;

// The reference: each field's header spellings and each value's, as the bureau writes them.
struct Spelled {
  std::string value;                   // as the event holds it
  std::vector<std::string> spellings;  // as a sheet may write it
};
const std::vector<Spelled> kLevels{{"national", {"national", "国家级"}},
                                   {"regional", {"regional", "自治区级", "省级"}},
                                   {"city", {"city", "市级"}}};
const std::vector<Spelled> kModes{{"accredited", {"accredited", "认定"}},
                                  {"filed", {"filed", "备案"}}};

struct Row {
  std::string carrier, level, mode, authority, date, document;
  int level_spelling = 0, mode_spelling = 0, date_form = 0;
};

std::string DateIn(const std::string& iso, int form) {
  int y = std::stoi(iso.substr(0, 4)), m = std::stoi(iso.substr(5, 2)),
      d = std::stoi(iso.substr(8, 2));
  if (form == 0) return iso;
  if (form == 1) return std::to_string(y) + "/" + std::to_string(m) + "/" + std::to_string(d);
  return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
}

std::string Quoted(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

TEST_CASE("import: accreditation rows map as the bureau's terms say — whatever the spelling",
          "[import][property]") {
  testing::Prop("accreditation sheets", 200, [] {
    const bool chinese = *rc::gen::arbitrary<bool>();
    const auto order = *rc::gen::elementOf(
        std::vector<std::vector<int>>{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {2, 0, 5, 1, 3, 4}});
    const std::vector<std::string> headers =
        chinese ? std::vector<std::string>{"载体编号", "级别",     "认定方式",
                                           "认定机关", "认定日期", "文号（批准）"}
                : std::vector<std::string>{"carrier_id", "Level",          "mode",
                                           "authority",  "effective_date", "document_ref"};
    const auto rows = *rc::gen::container<std::vector<Row>>(rc::gen::build<Row>(
        rc::gen::set(&Row::carrier, rc::gen::element<std::string>("tl-inc-001", "tl-ms-002")),
        rc::gen::set(&Row::level, rc::gen::element<std::string>("national", "regional", "city")),
        rc::gen::set(&Row::mode, rc::gen::element<std::string>("accredited", "filed")),
        rc::gen::set(&Row::authority, rc::gen::element<std::string>("科技部", "a, \"quoted\" one")),
        rc::gen::set(&Row::date, rc::gen::element<std::string>("2024-01-05", "2025-12-31")),
        rc::gen::set(&Row::document, rc::gen::element<std::string>("国科发〔2024〕1号", "X-1")),
        rc::gen::set(&Row::level_spelling, rc::gen::inRange(0, 3)),
        rc::gen::set(&Row::mode_spelling, rc::gen::inRange(0, 2)),
        rc::gen::set(&Row::date_form, rc::gen::inRange(0, 3))));
    auto spelling = [](const std::vector<Spelled>& table, const std::string& value, int pick) {
      for (const Spelled& s : table) {
        if (s.value == value) return s.spellings[pick % s.spellings.size()];
      }
      return value;
    };
    auto header_cell = [&](int column) { return headers[static_cast<std::size_t>(column)]; };
    std::string csv;
    for (std::size_t i = 0; i < order.size(); ++i) csv += (i ? "," : "") + header_cell(order[i]);
    csv += "\r\n";
    for (const Row& r : rows) {
      const std::vector<std::string> cells{r.carrier,
                                           spelling(kLevels, r.level, r.level_spelling),
                                           spelling(kModes, r.mode, r.mode_spelling),
                                           r.authority,
                                           DateIn(r.date, r.date_form),
                                           r.document};
      for (std::size_t i = 0; i < order.size(); ++i) {
        csv += (i ? "," : "") + Quoted(cells[static_cast<std::size_t>(order[i])]);
      }
      csv += "\r\n";
    }
    auto sheet = ParseSpreadsheet(csv);
    RC_ASSERT(sheet.ok());
    auto requests = ImportRequests("accreditations", *sheet);
    RC_ASSERT(requests.ok());
    RC_ASSERT(requests->size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      const auto& [line, request] = (*requests)[i];
      RC_ASSERT(line == i + 2);
      RC_ASSERT(request.ok());
      bj::object want_data{{"carrier_id", r.carrier},
                           {"level", r.level},
                           {"mode", r.mode},
                           {"authority", r.authority}};
      auto text = [&](std::string_view key) { return std::string(request->at(key).as_string()); };
      RC_ASSERT(json::Canonicalize(request->at("data")) == json::Canonicalize(want_data));
      RC_ASSERT(text("type") == "AccreditationGranted");
      RC_ASSERT(text("stream") == "carrier/" + r.carrier);
      RC_ASSERT(text("effective_date") == r.date);
      RC_ASSERT(text("document_ref") == r.document);
      // The same content, the same command id; other content, another.
      for (std::size_t j = 0; j < i; ++j) {
        const Row& o = rows[j];
        bool same = std::tie(o.carrier, o.level, o.mode, o.authority, o.date, o.document) ==
                    std::tie(r.carrier, r.level, r.mode, r.authority, r.date, r.document);
        const bool same_id = request->at("command_id") == (*requests)[j].second->at("command_id");
        RC_ASSERT(same_id == same);
      }
    }
  });
}

TEST_CASE("import: evaluation and annual-report values — grades, years, money in yuan and 万元",
          "[import]") {
  auto evaluations = ImportRequests(
      "evaluations",
      *ParseSpreadsheet("载体编号,级别,年度,评价结果,日期,文号\n"
                        "tl-ms-001,自治区级,2025,优秀,2025-11-30,内科发〔2025〕9号\n"
                        "tl-ms-002,regional,2025,B,2025-11-30,内科发〔2025〕9号\n"
                        "tl-ms-003,regional,2025,很好,2025-11-30,内科发〔2025〕9号\n"));
  REQUIRE(evaluations.ok());
  REQUIRE(evaluations->size() == 3);
  CHECK((*evaluations)[0].second->at("data").at("grade") == "excellent");
  CHECK((*evaluations)[0].second->at("data").at("year") == 2025);
  CHECK((*evaluations)[1].second->at("data").at("grade") == "good");
  CHECK((*evaluations)[2].second.status().code() == Code::kBadRequest);
  CHECK_THAT((*evaluations)[2].second.status().message(),
             Catch::Contains("column grade") && Catch::Contains("很好"));
  auto reports = ImportRequests(
      "annual-reports",
      *ParseSpreadsheet(
          "carrier_id,year,报送日期,在孵企业数,在孵企业研发投入（万元）,"
          "financing_yuan,total_income_fen,带动就业,成果转化项目数,技术合同成交额（万元）\n"
          "tl-inc-003,2025,2026-03-01,\"1,204\",12.5,3000.07,99,,3,48\n"));
  REQUIRE(reports.ok());
  const bj::object& metrics = (*reports)[0].second->at("data").at("metrics").as_object();
  CHECK(metrics.at("incubated_firms") == 1204);
  CHECK(metrics.at("rd_spend_fen") == 12'500'000);  // 12.5 万元
  CHECK(metrics.at("financing_fen") == 300'007);
  CHECK(metrics.at("total_income_fen") == 99);
  CHECK_FALSE(metrics.contains("jobs"));                 // an empty cell is no metric
  CHECK(metrics.at("results_transferred") == 3);         // the metrics of AnnualReportSubmitted v2
  CHECK(metrics.at("tech_contract_fen") == 48'000'000);  // 48 万元
  // A unit the column cannot take refuses the sheet: no amount read a thousand times too small.
  for (const char* header :
       {"投融资额（千元）", "投融资额（亿元）", "financing_fen（元）", "带动就业（万元）"}) {
    INFO(header);
    auto unit = ImportRequests(
        "annual-reports",
        *ParseSpreadsheet(std::string("carrier_id,year,日期,在孵企业数,") + header + "\n"));
    CHECK_THAT(unit.status().message(), Catch::Contains("gives a unit"));
  }
  auto counted = ImportRequests(
      "annual-reports", *ParseSpreadsheet("carrier_id,year,日期,在孵企业数（家）,面积（平方米）\n"
                                          "tl-inc-003,2025,2026-03-01,12,\"3,000\"\n"));
  REQUIRE(counted.ok());
  CHECK((*counted)[0].second->at("data").at("metrics").at("area_m2") == 3000);
  // Amounts: no sign, no overflow beyond a JSON integer.
  for (const char* amount : {"-0.50", "+1", "92233720368547758.99", "1.2.3", "1.005"}) {
    INFO(amount);
    auto bad = ImportRequests(
        "annual-reports",
        *ParseSpreadsheet(std::string("carrier_id,year,日期,在孵企业数,financing_yuan\n") +
                          "tl-inc-003,2025,2026-03-01,1," + amount + "\n"));
    REQUIRE(bad.ok());
    CHECK_FALSE((*bad)[0].second.ok());
  }
  // Quoting read strictly: a stray quote is an error naming its line, never rows read wrong.
  for (const char* text : {"carrier_id,year\nx,\"2025\nx,2026\n", "carrier_id,year\nx\"y,2025\n",
                           "carrier_id,year\n\"x\"y,2025\n"}) {
    INFO(text);
    auto sheet = ParseSpreadsheet(text);
    CHECK(sheet.status().code() == Code::kBadRequest);
    CHECK_THAT(sheet.status().message(), Catch::Contains("line 2"));
  }
  // A header that is no column, or one that lacks a required column: the whole sheet refused.
  auto unknown = ImportRequests(
      "evaluations", *ParseSpreadsheet("载体编号,级别,年度,评价结果,日期,文号,负责人\n"));
  CHECK(unknown.status().code() == Code::kBadRequest);
  CHECK_THAT(unknown.status().message(),
             Catch::Contains("\"负责人\"") && Catch::Contains("carrier_id (载体编号)"));
  auto missing = ImportRequests("evaluations", *ParseSpreadsheet("carrier_id,level,year\n"));
  CHECK_THAT(missing.status().message(), Catch::Contains("no column grade"));
}

// A demo store to import into, and a sheet written to a file.
struct ImportStore {
  TempDir dir;
  std::string data = " --data " + dir.Sub("s");
  ImportStore() { REQUIRE(RunHatchery("demo --carriers 8" + data).exit_code == 0); }
  std::string Sheet(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir.Sub(name), std::ios::binary) << bytes;
    return dir.Sub(name);
  }
  std::uint64_t Head() const {
    return std::move(Ledger::Open(dir.Sub("s"), LedgerOptions{nullptr, true})).value()->head().seq;
  }
};

TEST_CASE("import: a sheet in UTF-8 or GB18030 — once recorded and then duplicates",
          "[import][cli]") {
  ImportStore store;
  const std::string utf8 =
      "载体编号,级别,认定方式,认定机关,认定日期,文号\r\n"
      "tl-ms-006,国家级,备案,科学技术部,2026年6月20日,国科火字〔2026〕9号\r\n"
      "tl-ss-008,国家级,认定,科学技术部,2026/6/20,国科火字〔2026〕9号\r\n";
  const std::string plain = store.Sheet("plain.csv", utf8);
  const std::string bom = store.Sheet("bom.csv", "\xEF\xBB\xBF" + utf8);
  REQUIRE(testing::Run("iconv -f UTF-8 -t GB18030 -o " + store.dir.Sub("gb.csv") + " " + plain)
              .exit_code == 0);
  const std::uint64_t before = store.Head();
  auto dry =
      RunHatchery("import --kind accreditations --dry-run " + store.dir.Sub("gb.csv") + store.data);
  INFO(dry.out);
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("GB18030") && Catch::Contains("\"level\":\"national\""));
  CHECK(store.Head() == before);  // nothing appended
  auto first = RunHatchery("import --kind accreditations " + store.dir.Sub("gb.csv") + store.data);
  INFO(first.out);
  REQUIRE(first.exit_code == 0);
  CHECK(store.Head() == before + 2);
  for (const std::string& file : {plain, bom, store.dir.Sub("gb.csv")}) {
    auto again = RunHatchery("import --kind accreditations " + file + store.data);
    INFO(again.out);
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.out,
               Catch::Contains("\"duplicate\":true") && !Catch::Contains("\"duplicate\":false"));
  }
  CHECK(store.Head() == before + 2);
  auto query =
      RunHatchery("query entitlements --filter carrier_id=tl-ss-008 --format json" + store.data);
  CHECK_THAT(query.out, Catch::Contains("R4:tl-ss-008"));  // the import's grant earns R4
}

TEST_CASE("import: a bad header refuses the sheet — a bad row only itself", "[import][cli]") {
  ImportStore store;
  const std::uint64_t before = store.Head();
  auto header = RunHatchery(
      "import --kind accreditations " +
      store.Sheet("h.csv", "载体编号,级别,方式,机关\ntl-ms-006,国家级,备案,科学技术部\n") +
      store.data);
  CHECK(header.exit_code == 2);
  CHECK_THAT(header.out, Catch::Contains("\"机关\" is not one of accreditations's"));
  auto rows = RunHatchery(
      "import --kind accreditations " +
      store.Sheet("r.csv",
                  "carrier_id,level,mode,authority,effective_date,document_ref\n"
                  "tl-ms-006,national,filed,科学技术部,2026-06-20,国科火字〔2026〕9号\n"
                  "tl-ss-008,national,filed,科学技术部,2026-13-40,国科火字〔2026〕9号\n"
                  "tl-nobody,national,filed,科学技术部,2026-06-20,国科火字〔2026〕9号\n") +
      store.data);
  INFO(rows.out);
  CHECK(rows.exit_code == 1);
  std::vector<std::string> lines;  // the answers (the summary after them is on stderr)
  for (const std::string& line : testing::Lines(rows.out)) {
    if (line.starts_with("{")) lines.push_back(line);
  }
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], Catch::Contains("\"line\":2,\"ok\":true"));
  CHECK_THAT(lines[1], Catch::Contains("\"line\":3,\"ok\":false") &&
                           Catch::Contains("column effective_date"));
  CHECK_THAT(lines[2], Catch::Contains("\"line\":4,\"ok\":false"));
  CHECK(store.Head() == before + 1);
}

}  // namespace
}  // namespace hatchery::importing
