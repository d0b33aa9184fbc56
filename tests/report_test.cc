// report.html, the yearly assessment report of an export of the demo store: self-contained, its
// numbers the sums of the CSV rows it names (recomputed here from payouts.csv on its own), and a
// page headless Chromium loads without a console error, with its charts drawn and printing on A4.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>

#include "export/csv.h"
#include "test_util.h"

namespace hatchery::exporting {
namespace {

using testing::RunHatchery;
using testing::Slurp;
using testing::TempDir;

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// `fen` as the report writes money: 万元 to the hundredth (half a hundredth rounds up), with
// thousands separators — written here, not taken from src/.
std::string Wan(std::int64_t fen) {
  std::int64_t hundredths = (fen + 5'000) / 10'000;
  std::string whole = std::to_string(hundredths / 100), grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02lld", static_cast<long long>(hundredths % 100));
  return grouped + "." + cents;
}

// How the report cites the rows a figure sums: all of up to 8 ("payouts.csv rows 2, 5, 9"); of
// more, their count, the first four and the last ("payouts.csv, 12 rows: 2, 3, 5, 8, …, 40").
std::string Cited(const std::string& file, const std::vector<std::size_t>& rows) {
  std::string out =
      rows.size() <= 8 ? file + " rows " : file + ", " + std::to_string(rows.size()) + " rows: ";
  for (std::size_t i = 0; i < rows.size() && (rows.size() <= 8 || i < 4); ++i) {
    out += (i ? ", " : "") + std::to_string(rows[i]);
  }
  return rows.size() <= 8 ? out : out + ", …, " + std::to_string(rows.back());
}

// Whether a tie of carriers.csv (a workstation, a broker's spell, an agreement, a residence: since,
// until) holds on 2025-12-31.
bool HoldsAtEnd2025(const boost::json::object& tie) {
  return std::string(tie.at("since").as_string()) <= "2025-12-31" &&
         (tie.at("until").is_null() || std::string(tie.at("until").as_string()) > "2025-12-31");
}

// The report of 2025 from an export of the demo store, made once; and that of 2024, which the
// demo's first assessment model scores (the revision TCB-2023-2-2025 takes over for 2025).
struct Exported {
  TempDir dir;
  std::string bundle = dir.Sub("b");
  std::string html, html_2024;
  Exported() {
    REQUIRE(RunHatchery("demo --data " + dir.Sub("s")).exit_code == 0);
    REQUIRE(RunHatchery("export --data " + dir.Sub("s") + " --out " + bundle + " --year 2025")
                .exit_code == 0);
    html = Slurp(bundle + "/report.html");
    REQUIRE(
        RunHatchery("export --data " + dir.Sub("s") + " --out " + dir.Sub("b24") + " --year 2024")
            .exit_code == 0);
    html_2024 = Slurp(dir.Sub("b24") + "/report.html");
  }
};

const Exported& SharedReport() {
  static const Exported exported;
  return exported;
}

TEST_CASE("report: self-contained — no script, no link, nothing fetched", "[report]") {
  const std::string& html = SharedReport().html;
  CHECK(html.starts_with("<!DOCTYPE html>"));
  for (const char* outside :
       {"<script", "<link", "src=", "href=", "url(", "@import", "http:", "https:"}) {
    INFO(outside);
    CHECK(html.find(outside) == std::string::npos);
  }
  CHECK(html.find("@page { size: A4;") != std::string::npos);
  for (const char* section :
       {"id=\"summary\"", "id=\"assessment\"", "id=\"money\"", "id=\"charts\"",
        "id=\"evaluations\"", "id=\"compliance\"", "id=\"integrity\""}) {
    INFO(section);
    CHECK(Count(html, section) == 1);
  }
}

TEST_CASE("report: the header names its basis — the Merkle root is in an integrity appendix",
          "[report]") {
  const std::string& html = SharedReport().html;
  std::size_t header_end = html.find("</header>"), integrity = html.find("id=\"integrity\"");
  REQUIRE(header_end != std::string::npos);
  std::size_t basis = html.find("<td>basis 依据</td><td>");
  CHECK(basis < header_end);
  // 2025 is assessed by the revised model the demo activated; 2024 by the genesis's.
  CHECK(
      html.find(
          "(通创办发〔2023〕2号) · 可追溯考核模型 traceable assessment model, proposed from 2025 — "
          "ruleset TCB-2023-2-2025, in force from 2025-01-01 (event ",
          basis) < header_end);
  const std::string& html_2024 = SharedReport().html_2024;
  CHECK(html_2024.find("(通创办发〔2023〕2号) — ruleset TCB-2023-2, in force from 2023-03-27 "
                       "(event 1)") < html_2024.find("</header>"));
  REQUIRE(integrity != std::string::npos);
  std::size_t root = html.find("Merkle root");
  CHECK(root > integrity);
  CHECK(html.find("verify_export.py DIR --pubkey KEY", integrity) != std::string::npos);
}

TEST_CASE(
    "report: each class's scores by dimension, and its model with the sources of each "
    "indicator, weight and target",
    "[report]") {
  const Exported& e = SharedReport();
  const std::string comprehensive = e.html.substr(
      e.html.find("(incubator_comprehensive)"),
      e.html.find("(incubator_specialized)") - e.html.find("(incubator_comprehensive)"));
  // TCB-2023-2-2025's dimensions, each with its share of the 100 points, in the model's order.
  const std::size_t service =
                        comprehensive.find("<h4>服务能力 service capacity, 30 points 分</h4>"),
                    performance = comprehensive.find(
                        "<h4>孵化绩效 incubation performance, 55 points 分</h4>"),
                    sustainability =
                        comprehensive.find("<h4>可持续发展 sustainability, 15 points 分</h4>"),
                    model = comprehensive.find("<h4>Model 考核模型 (incubator_comprehensive)</h4>");
  CHECK(service < performance);
  CHECK(performance < sustainability);
  CHECK(sustainability < model);
  REQUIRE(model != std::string::npos);
  // The model: an indicator of each emphasis, with its dimension, weight, target and sources.
  CHECK(comprehensive.find("<td>经纪技术合同 deals through broker workstations</td><td>孵化绩效 "
                           "incubation performance</td><td class=\"n\">3</td><td class=\"n\">"
                           "2</td><td class=\"src\">TCB-2023-2 §2.4 (the brokers&#39; work: "
                           "technology-transfer deals)<br>国科火字〔2019〕239号",
                           model) != std::string::npos);
  CHECK(comprehensive.find("<br>local choice: two deals a year through the carrier&#39;s "
                           "workstations</td>",
                           model) != std::string::npos);
  // A model without sources says so, rather than leaving the column to look forgotten.
  CHECK(e.html.find("The ruleset gives no sources for this model.") == std::string::npos);
  CHECK(e.html_2024.find("The ruleset gives no sources for this model.") != std::string::npos);
  CHECK(e.html_2024.find("<h4>服务能力") == std::string::npos);
}

TEST_CASE("report: a class of many carriers shows its first 20 by rank — the CSV holds all",
          "[report]") {
  TempDir dir;
  REQUIRE(RunHatchery("demo --carriers 240 --data " + dir.Sub("s")).exit_code == 0);
  REQUIRE(RunHatchery("export --data " + dir.Sub("s") + " --out " + dir.Sub("b") + " --year 2025")
              .exit_code == 0);
  const std::string html = Slurp(dir.Sub("b") + "/report.html");
  CsvTable assessment("assessment-2025.csv", Slurp(dir.Sub("b") + "/assessment-2025.csv"));
  std::map<std::string, std::size_t> per_class;
  for (std::size_t i = 0; i < assessment.size(); ++i) {
    ++per_class[std::string(assessment.Get(i, "assessment_class"))];
  }
  std::size_t large = 0;
  for (const auto& [klass, n] : per_class) {
    INFO(klass << " " << n);
    if (n <= 20) continue;
    ++large;
    CHECK(html.find("the first 20 of " + std::to_string(n) + " by rank") != std::string::npos);
  }
  CHECK(large > 0);
  // A list of money or flags longer than 30 lists its first 30 and says where the rest are.
  CsvTable payouts("payouts.csv", Slurp(dir.Sub("b") + "/payouts.csv"));
  std::size_t paid = 0;
  for (std::size_t i = 0; i < payouts.size(); ++i) {
    paid += payouts.Get(i, "disbursed_on").starts_with("2025") ? 1 : 0;
  }
  INFO("payouts disbursed in 2025: " << paid);
  CHECK((html.find("The first 30 of " + std::to_string(paid) +
                   " are listed; every one is in payouts.csv.") != std::string::npos) ==
        (paid > 30));
  // Rank 21 of a class is not shown; rank 20 is.
  CHECK(html.find("<tr><td class=\"n\">20</td>") != std::string::npos);
  CHECK(html.find("<tr><td class=\"n\">21</td>") == std::string::npos);
}

TEST_CASE(
    "report: the money disbursed in the year, by month, is the sum of the payouts.csv rows "
    "it names",
    "[report]") {
  const Exported& e = SharedReport();
  CsvTable payouts("payouts.csv", Slurp(e.bundle + "/payouts.csv"));
  std::map<std::string, std::int64_t> by_month;
  std::map<std::string, std::vector<std::size_t>> rows_of_month;  // spreadsheet rows
  std::int64_t total = 0;
  for (std::size_t i = 0; i < payouts.size(); ++i) {
    std::string on(payouts.Get(i, "disbursed_on"));
    if (!on.starts_with("2025-")) continue;
    std::int64_t fen = std::stoll(std::string(payouts.Get(i, "amount_fen")));
    by_month[on.substr(0, 7)] += fen;
    rows_of_month[on.substr(0, 7)].push_back(i + 2);
    total += fen;
  }
  REQUIRE(total > 0);
  CHECK(e.html.find("<td>disbursed 拨付 (万元)</td><td class=\"n\">" + Wan(total) + "</td>") !=
        std::string::npos);
  for (const auto& [month, fen] : by_month) {
    INFO(month);
    CHECK(e.html.find("<tr><td>" + month + "</td><td class=\"n\">" + Wan(fen) +
                      "</td><td class=\"src\">" + Cited("payouts.csv", rows_of_month[month]) +
                      "</td></tr>") != std::string::npos);
  }
  // Every row it cites as a source is a data row of that file.
  std::regex cited("([a-z0-9-]+\\.csv) row ([0-9]+)");
  for (auto it = std::sregex_iterator(e.html.begin(), e.html.end(), cited);
       it != std::sregex_iterator(); ++it) {
    CsvTable table((*it)[1], Slurp(e.bundle + "/" + (*it)[1].str()));
    std::size_t row = std::stoul((*it)[2]);
    INFO((*it)[0]);
    CHECK(row >= 2);
    CHECK(row <= table.size() + 1);
  }
}

TEST_CASE("report: the first page's totals by county are the CSVs' rows summed", "[report]") {
  const Exported& e = SharedReport();
  CsvTable carriers("carriers.csv", Slurp(e.bundle + "/carriers.csv"));
  CsvTable payouts("payouts.csv", Slurp(e.bundle + "/payouts.csv"));
  std::map<std::string, std::string> county_of;
  std::map<std::string, std::int64_t> count, paid;
  for (std::size_t i = 0; i < carriers.size(); ++i) {
    county_of[std::string(carriers.Get(i, "carrier_id"))] = carriers.Get(i, "county");
    if (carriers.Get(i, "registered_on") > "2025-12-31") continue;
    ++count[std::string(carriers.Get(i, "county"))];
    ++count[""];  // the whole city
  }
  for (std::size_t i = 0; i < payouts.size(); ++i) {
    if (!payouts.Get(i, "disbursed_on").starts_with("2025")) continue;
    const std::int64_t fen = std::stoll(std::string(payouts.Get(i, "amount_fen")));
    paid[county_of[std::string(payouts.Get(i, "carrier_id"))]] += fen;
    paid[""] += fen;
  }
  std::size_t by_county = e.html.find("By county 按旗县区");
  REQUIRE(by_county != std::string::npos);
  REQUIRE(by_county < e.html.find("id=\"assessment\""));  // on the first page, before section 2
  for (const auto& [slug, name] :
       std::vector<std::pair<std::string, std::string>>{{"horqin", "科尔沁区"},
                                                        {"kailu", "开鲁县"},
                                                        {"tongliao_etdz", "通辽经济技术开发区"},
                                                        {"", "通辽市"}}) {
    INFO(name);
    const std::size_t row = e.html.find(
        "<tr><td>" + name + "</td><td class=\"n\">" + std::to_string(count[slug]) + "</td>",
        by_county);
    REQUIRE(row != std::string::npos);
    const std::string cells = e.html.substr(row, e.html.find("</tr>", row) - row);
    CHECK(cells.find("<td class=\"n\">" + Wan(paid[slug]) + "</td>") != std::string::npos);
  }
  CHECK(e.html.find("By class 按类别") < by_county);
}

TEST_CASE(
    "report: the finance links by county are carriers.csv's funds, agreements, investors "
    "and city fund support recounted",
    "[report]") {
  const Exported& e = SharedReport();
  CsvTable carriers("carriers.csv", Slurp(e.bundle + "/carriers.csv"));
  struct Tally {
    std::int64_t funds = 0, size = 0, social = 0, agreements = 0, credit = 0, investors = 0,
                 supports = 0, support_fen = 0;
  };
  std::map<std::string, Tally> by;                        // county slug ("" for the city) → tally
  std::map<std::string, std::set<std::string>> resident;  // county slug → investor ids
  for (std::size_t i = 0; i < carriers.size(); ++i) {
    if (carriers.Get(i, "registered_on") > "2025-12-31") continue;
    auto array = [&](const char* column) {
      return boost::json::parse(carriers.Get(i, column)).as_array();
    };
    for (const std::string& where : {std::string(carriers.Get(i, "county")), std::string()}) {
      Tally& t = by[where];
      for (const auto& f : array("funds")) {
        if (!std::string(f.at("date").as_string()).starts_with("2025")) continue;
        ++t.funds;
        t.size += f.at("size_fen").as_int64();
        t.social += f.at("social_capital_fen").as_int64();
      }
      for (const auto& a : array("agreements")) {
        if (!HoldsAtEnd2025(a.as_object())) continue;
        ++t.agreements;
        t.credit += a.at("credit_line_fen").as_int64();
      }
      for (const auto& r : array("investors")) {  // an institution once per county and city
        if (HoldsAtEnd2025(r.as_object())) {
          resident[where].insert(std::string(r.at("investor_id").as_string()));
        }
      }
      for (const auto& g : array("city_fund_support")) {
        if (!std::string(g.at("date").as_string()).starts_with("2025")) continue;
        ++t.supports;
        t.support_fen += g.at("amount_fen").as_int64();
      }
    }
  }
  for (auto& [where, t] : by) t.investors = static_cast<std::int64_t>(resident[where].size());
  REQUIRE(by[""].funds > 0);  // the demo exercises every column in 2025
  REQUIRE(by[""].agreements > 0);
  REQUIRE(by[""].investors > 0);
  REQUIRE(by[""].supports > 0);
  const std::size_t table = e.html.find("Finance links by county 投融资");
  REQUIRE(table != std::string::npos);
  for (const auto& [slug, name] : std::vector<std::pair<std::string, std::string>>{
           {"horqin", "科尔沁区"}, {"naiman", "奈曼旗"}, {"", "通辽市"}}) {
    INFO(name);
    const Tally& t = by[slug];
    auto cell = [](const std::string& text) { return "<td class=\"n\">" + text + "</td>"; };
    const std::string row =
        "<tr><td>" + name + "</td>" + cell(std::to_string(t.funds)) +
        cell(Wan(t.social) +
             (t.size > 0 ? " (" + std::to_string(t.social * 100 / t.size) + "%)" : "")) +
        cell(std::to_string(t.agreements)) + cell(Wan(t.credit)) +
        cell(std::to_string(t.investors)) +
        cell(std::to_string(t.supports) + " · " + Wan(t.support_fen));
    CHECK(e.html.find(row, table) != std::string::npos);
  }
}

TEST_CASE("report: the brokers' work by county is carriers.csv's stations recounted", "[report]") {
  const Exported& e = SharedReport();
  CsvTable carriers("carriers.csv", Slurp(e.bundle + "/carriers.csv"));
  struct Tally {
    std::int64_t stations = 0, brokers = 0, deals = 0, deal_fen = 0;
  };
  std::map<std::string, std::set<std::string>> at_work;  // county slug → broker refs
  std::map<std::string, Tally> by;                       // county slug ("" for the city) → tally
  for (std::size_t i = 0; i < carriers.size(); ++i) {
    if (carriers.Get(i, "registered_on") > "2025-12-31") continue;
    const auto stations = boost::json::parse(carriers.Get(i, "stations")).as_array();
    for (const std::string& where : {std::string(carriers.Get(i, "county")), std::string()}) {
      Tally& t = by[where];
      for (const auto& s : stations) {
        if (HoldsAtEnd2025(s.as_object())) {
          ++t.stations;
          for (const auto& b : s.at("brokers").as_array()) {  // a broker once per county
            if (HoldsAtEnd2025(b.as_object())) {
              at_work[where].insert(std::string(b.at("broker_ref").as_string()));
            }
          }
        }
        for (const auto& d : s.at("deals").as_array()) {
          if (!std::string(d.at("date").as_string()).starts_with("2025")) continue;
          ++t.deals;
          t.deal_fen += d.at("amount_fen").as_int64();
        }
      }
    }
  }
  for (auto& [where, t] : by) t.brokers = static_cast<std::int64_t>(at_work[where].size());
  REQUIRE(by[""].deals > 0);  // the demo exercises every column in 2025
  REQUIRE(by[""].brokers > 0);
  const std::size_t table = e.html.find("Brokers' work by county 技术经纪");
  REQUIRE(table != std::string::npos);
  for (const auto& [slug, name] : std::vector<std::pair<std::string, std::string>>{
           {"horqin", "科尔沁区"}, {"kailu", "开鲁县"}, {"", "通辽市"}}) {
    INFO(name);
    const Tally& t = by[slug];
    auto cell = [](const std::string& text) { return "<td class=\"n\">" + text + "</td>"; };
    CHECK(e.html.find("<tr><td>" + name + "</td>" + cell(std::to_string(t.stations)) +
                          cell(std::to_string(t.brokers)) + cell(std::to_string(t.deals)) +
                          cell(Wan(t.deal_fen)),
                      table) != std::string::npos);
  }
}

TEST_CASE("report: per class, every assessed carrier with its rank and score", "[report]") {
  const Exported& e = SharedReport();
  CsvTable assessment("assessment-2025.csv", Slurp(e.bundle + "/assessment-2025.csv"));
  REQUIRE(assessment.size() > 10);
  for (std::size_t i = 0; i < assessment.size(); ++i) {
    INFO(assessment.Source(i));
    std::string score = YuanText(std::stoll(std::string(assessment.Get(i, "score_centi"))));
    CHECK(e.html.find("<tr><td class=\"n\">" + std::string(assessment.Get(i, "rank")) +
                      "</td><td>" + std::string(assessment.Get(i, "carrier_id")) + " ") !=
          std::string::npos);
    CHECK(e.html.find("<td class=\"n\">" + score + "</td>") != std::string::npos);
    CHECK(e.html.find("<td class=\"src\">" + std::to_string(i + 2) + "</td></tr>") !=
          std::string::npos);  // its row in assessment-2025.csv
  }
  CHECK(e.html.find("综合型孵化器") != std::string::npos);  // class names from the ruleset
  // Indicators are headed by their names and targets, money ones in 万元; the report's own
  // sections are not cited as "§", which reads as the policy's clauses.
  CHECK(e.html.find("<th>创业导师 mentors · target 目标 10</th>") != std::string::npos);
  CHECK(e.html.find("<th>孵化基金 incubation fund (万元) · target 目标 500.00</th>") !=
        std::string::npos);
  CHECK(e.html.find("<th>(1)</th>") == std::string::npos);
  CHECK(e.html.find("<td class=\"src\">§") == std::string::npos);
}

TEST_CASE("report: headless Chromium loads it without an error, draws the charts, prints on A4",
          "[report]") {
  const Exported& e = SharedReport();
  REQUIRE(testing::Run("command -v chromium").exit_code == 0);  // tools/setup installs it
  const std::string flags =
      "chromium --headless=new --no-sandbox --disable-gpu --enable-logging=stderr --v=0 ";
  auto dom = testing::Run(flags + "--dump-dom file://" + e.bundle + "/report.html");
  REQUIRE(dom.exit_code == 0);
  CHECK(dom.out.find(":CONSOLE") == std::string::npos);  // no script error, no console message
  for (const char* chart : {"chart-month", "chart-county", "chart-grades"}) {
    INFO(chart);
    std::size_t at = dom.out.find("<svg class=\"chart\" id=\"" + std::string(chart) + "\"");
    REQUIRE(at != std::string::npos);
    std::string svg = dom.out.substr(at, dom.out.find("</svg>", at) - at);
    CHECK(Count(svg, "<rect ") >= (std::string(chart) == "chart-month" ? 12u : 1u));
    CHECK(svg.find("width=\"400\"") != std::string::npos);  // the longest bar spans the track
  }
  TempDir out;
  auto printed = testing::Run(flags + "--no-pdf-header-footer --print-to-pdf=" + out.Sub("r.pdf") +
                              " file://" + e.bundle + "/report.html");
  REQUIRE(printed.exit_code == 0);
  std::string pdf = Slurp(out.Sub("r.pdf"));
  CHECK(pdf.starts_with("%PDF-"));
  CHECK(Count(pdf, "/MediaBox [0 0 594.95996 841.91998]") >= 2);  // A4 pages, more than one
  // The screenshot script in tools/ renders the same page.
  auto shot =
      testing::Run(HATCHERY_TOOLS_DIR "/report-screenshot " + e.bundle + " " + out.Sub("shot"));
  INFO(shot.out);
  CHECK(shot.exit_code == 0);
  CHECK(Slurp(out.Sub("shot.png")).starts_with("\x89PNG"));
}

}  // namespace
}  // namespace hatchery::exporting
