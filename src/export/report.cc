#include "export/report.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <vector>

#include "domain/fold/counties.h"
#include "export/csv.h"
#include "html/bar_chart.h"
#include "html/escape.h"
#include "read/cells.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;
using html::Bar;
using html::BarChart;
using html::Escape;

// The carriers shown of each class, by rank: a page a bureau reads, not the whole list (which
// assessment-<year>.csv holds).
constexpr std::size_t kTopPerClass = 20;
// The rows listed of each list of money or flags (their totals count every row).
constexpr std::size_t kListed = 30;

constexpr std::string_view kStyle = R"(
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
       font-size: 10pt; color: #111; max-width: 186mm; margin: 8mm auto; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 1mm; }
h2 { font-size: 13pt; border-bottom: 1px solid #888; margin: 7mm 0 2mm; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; page-break-after: avoid; }
p { margin: 1mm 0 2mm; }
.sub { color: #444; margin-bottom: 4mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 4mm; font-size: 8.5pt; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 1px 4px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.src, .note { color: #555; font-size: 7.5pt; }
td.src { white-space: nowrap; }
.mono { font-family: monospace; font-size: 7.5pt; word-break: break-all; }
figure { margin: 2mm 0 1mm; page-break-inside: avoid; }
figcaption { font-size: 9pt; color: #333; }
table.scores { font-size: 7pt; }
table.scores th, table.scores td { padding: 1px 2px; }
table.scores td:nth-child(2) { min-width: 23mm; }
h4 { font-size: 9.5pt; margin: 2mm 0 1mm; page-break-after: avoid; }
table.model { font-size: 7.5pt; }
table.model td.src { white-space: normal; }
.pt { color: #2a5a8c; }
svg.chart { width: 100%; height: auto; font-size: 11px; }
svg.chart rect { fill: #3b6ea5; }
svg.chart .axis { stroke: #555; }
@media print { body { margin: 0 auto; } a { color: inherit; text-decoration: none; } }
)";

// Integer fen from a CSV cell; 0 for an empty one.
std::int64_t Fen(std::string_view cell) {
  std::int64_t value = 0;
  std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return value;
}

// "2025-03-04" in year `year`?
bool InYear(std::string_view date, int year) {
  return date.size() >= 4 && date.substr(0, 4) == std::to_string(year);
}

// "89.20" from 8920 hundredths.
std::string Centi(std::string_view cell) { return YuanText(Fen(cell)); }

// Money as the report shows it: 万元 (10,000 yuan) to the hundredth, with separators.
std::string Wan(std::int64_t fen) { return read::Money(fen, read::Unit::kWan); }

// An indicator's value or target as read: money (a *_fen indicator) in 万元 with separators (its
// heading names the unit), anything else as the number it is.
std::string IndicatorText(std::string_view indicator_id, std::int64_t value) {
  return indicator_id.ends_with("_fen") ? Wan(value) : std::to_string(value);
}

// The data rows a figure sums, cited by their spreadsheet rows: all of them up to kCitedRows
// ("payouts.csv rows 2, 5, 9"), beyond that their count, the first few and the last
// ("payouts.csv, 312 rows: 2, 10, 17, 111, …, 20001" — the caption says which rows are taken, so a
// reader can select them all); "none" when empty.
constexpr std::size_t kCitedRows = 8;
std::string RowList(const CsvTable& table, const std::vector<std::size_t>& rows) {
  if (rows.empty()) return "none";
  const bool all = rows.size() <= kCitedRows;
  std::string out =
      all ? table.name() + " rows " : table.name() + ", " + std::to_string(rows.size()) + " rows: ";
  for (std::size_t i = 0; i < (all ? rows.size() : kCitedRows / 2); ++i) {
    out += (i ? ", " : "") + std::to_string(rows[i] + 2);
  }
  if (!all) out += ", …, " + std::to_string(rows.back() + 2);
  return out;
}

// The display name by id, or the id.
std::string NameOf(const std::map<std::string, std::string, std::less<>>& names,
                   std::string_view id) {
  auto it = names.find(id);
  return it == names.end() ? std::string(id) : it->second;
}

std::string_view GradeName(std::string_view grade) {
  if (grade == "excellent") return "优秀 excellent";
  if (grade == "good") return "良好 good";
  if (grade == "pass") return "合格 pass";
  if (grade == "fail") return "不合格 fail";
  return grade;
}

std::string_view LevelName(std::string_view level) {
  if (level == "national") return "国家级 national";
  if (level == "regional") return "自治区级 regional";
  if (level == "city") return "市级 city";
  return level;
}

// A table built cell by cell; cells are escaped unless marked as HTML.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  Table& Row() {
    rows_.push_back("");
    return *this;
  }
  Table& Text(std::string_view text) { return Cell("", Escape(text)); }
  Table& Number(std::string_view text) { return Cell(" class=\"n\"", Escape(text)); }
  Table& Source(std::string_view text) { return Cell(" class=\"src\"", Escape(text)); }
  Table& NumberHtml(const std::string& html) { return Cell(" class=\"n\"", html); }
  Table& SourceHtml(const std::string& html) { return Cell(" class=\"src\"", html); }
  // The table (of CSS class `css`, if given), or a note that it has no rows.
  std::string Html(std::string_view css = "") const {
    if (rows_.empty()) return "<p class=\"note\">None.</p>";
    std::string out = css.empty() ? "<table>" : "<table class=\"" + std::string(css) + "\">";
    out += "<thead><tr>";
    for (const std::string& h : headers_) out += "<th>" + Escape(h) + "</th>";
    out += "</tr></thead><tbody>";
    for (const std::string& row : rows_) out += "<tr>" + row + "</tr>";
    return out + "</tbody></table>";
  }

 private:
  Table& Cell(std::string_view attributes, const std::string& html) {
    rows_.back() += "<td" + std::string(attributes) + ">" + html + "</td>";
    return *this;
  }
  std::vector<std::string> headers_;
  std::vector<std::string> rows_;
};

class Report {
 public:
  Report(const std::map<std::string, std::string>& csvs, const Glossary& names,
         const ReportPoint& point)
      : names_(names),
        point_(point),
        year_(std::to_string(point.year)),
        carriers_("carriers.csv", Content(csvs, "carriers.csv")),
        entitlements_("entitlements.csv", Content(csvs, "entitlements.csv")),
        payouts_("payouts.csv", Content(csvs, "payouts.csv")),
        compliance_("compliance.csv", Content(csvs, "compliance.csv")),
        indicators_("indicators-" + year_ + ".csv", Content(csvs, "indicators-" + year_ + ".csv")),
        assessment_("assessment-" + year_ + ".csv", Content(csvs, "assessment-" + year_ + ".csv")),
        counties_("counties-" + year_ + ".csv", Content(csvs, "counties-" + year_ + ".csv")) {
    for (std::size_t i = 0; i < carriers_.size(); ++i)
      carrier_row_[std::string(carriers_.Get(i, "carrier_id"))] = i;
    for (std::size_t i = 0; i < entitlements_.size(); ++i) {
      if (InYear(entitlements_.Get(i, "triggered_on"), point.year)) created_.push_back(i);
    }
    for (std::size_t i = 0; i < payouts_.size(); ++i) {
      if (InYear(payouts_.Get(i, "disbursed_on"), point.year)) disbursed_.push_back(i);
    }
    for (std::size_t i = 0; i < indicators_.size(); ++i) {
      if (!indicators_.Get(i, "carrier_id").empty() &&
          Fen(indicators_.Get(i, "values.clawed_back_fen")) != 0) {
        clawed_back_.push_back(i);
      }
    }
    for (std::size_t i = 0; i < compliance_.size(); ++i) {
      if (compliance_.Get(i, "year") == year_) flags_.push_back(i);
    }
  }

  std::string Html() const {
    std::string title = "通辽市科技企业孵化载体年度考核报告 " + year_;
    return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" +
           Escape(title + " · Yearly assessment report") + "</title><style>" + std::string(kStyle) +
           "</style></head><body>" + Header(title) + Summary() + Assessment() + Money() + Charts() +
           Evaluations() + Compliance() + Integrity() + "</body></html>\n";
  }

 private:
  static std::string_view Content(const std::map<std::string, std::string>& csvs,
                                  const std::string& name) {
    auto it = csvs.find(name);
    return it == csvs.end() ? std::string_view() : std::string_view{it->second};
  }

  // "<id> <name>": the carrier as carriers.csv names it (its id alone if it is not there); its
  // county's name.
  std::string CarrierLabel(std::string_view id) const {
    auto it = carrier_row_.find(id);
    std::string label(id);
    if (it != carrier_row_.end()) label += " " + std::string(carriers_.Get(it->second, "name"));
    return label;
  }
  std::string County(std::string_view carrier_id) const {
    auto it = carrier_row_.find(carrier_id);
    if (it == carrier_row_.end()) return "";
    return std::string(domain::CountyName(carriers_.Get(it->second, "county")));
  }

  // The first kListed of `rows`, and what a list cut there says of the rest.
  static std::vector<std::size_t> Listed(const std::vector<std::size_t>& rows) {
    return {rows.begin(),
            rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), kListed))};
  }
  static std::string ListedNote(const std::vector<std::size_t>& rows, const CsvTable& table) {
    if (rows.size() <= kListed) return "";
    return " The first " + std::to_string(kListed) + " of " + std::to_string(rows.size()) +
           " are listed; every one is in " + table.name() + ".";
  }

  std::string Sum(const CsvTable& table, const std::vector<std::size_t>& rows,
                  std::string_view column) const {
    std::int64_t total = 0;
    for (std::size_t i : rows) total += Fen(table.Get(i, column));
    return Wan(total);
  }

  std::string Header(const std::string& title) const {
    Table meta({"", ""});
    if (!point_.issuer.empty()) meta.Row().Text("issued by 发布单位").Text(point_.issuer);
    if (!names_.basis.empty()) meta.Row().Text("basis 依据").Text(names_.basis);
    meta.Row()
        .Text("export point 截至")
        .Text("event " + std::to_string(point_.tree_size) +
              (point_.effective_on
                   ? ", facts effective on or before " + domain::FormatDate(*point_.effective_on)
                   : std::string()));
    return "<header><h1>" + Escape(title) + "</h1><p class=\"sub\">Yearly assessment report of " +
           "Tongliao's technology business incubators, maker spaces and 星创天地, " + year_ +
           "</p>" + meta.Html() +
           "<p class=\"note\">Every number below is read from a CSV file of this bundle or summed "
           "from its rows, and names them (row 1 is the header, as a spreadsheet counts). Money "
           "is in 万元 (10,000 yuan) to the hundredth; the CSV files hold it to the fen. How to "
           "check "
           "the bundle: section 7.</p></header>";
  }

  // The appendix for whoever checks the bundle: the log, the export point and its root, and the
  // commands that check everything against the bureau's key.
  std::string Integrity() const {
    Table t({"", ""});
    t.Row().Text("log 日志").Text(point_.origin);
    t.Row().Text("events 事件").Text("1 to " + std::to_string(point_.tree_size));
    t.Row().Text("Merkle root 根哈希").Text(ToHex(point_.root));
    return "<section id=\"integrity\"><h2>7 Integrity 完整性</h2>" + t.Html() +
           "<p class=\"note\">The bundle checks itself: <span class=\"mono\">hatchery "
           "verify-export DIR --pubkey KEY</span>, or with Python alone <span "
           "class=\"mono\">python3 verify_export.py DIR --pubkey KEY</span> (KEY: the bureau's "
           "verifier key, from the bureau, not from the bundle). The signature in checkpoint.txt "
           "binds the root above, the manifest and every file of the bundle, this report "
           "included.</p></section>";
  }

  std::string Summary() const {
    Table t({"", "value 数值", "source 来源"});
    t.Row()
        .Text("carriers assessed 参评载体")
        .Number(std::to_string(assessment_.size()))
        .Source(assessment_.size()
                    ? assessment_.name() + " rows 2–" + std::to_string(assessment_.size() + 1)
                    : "none");
    t.Row()
        .Text("entitlements triggered 本年触发补贴资格")
        .Number(std::to_string(created_.size()))
        .Source("table 3.1 below");
    t.Row()
        .Text("amount of those entitlements 补贴金额 (万元)")
        .Number(Sum(entitlements_, created_, "amount_fen"))
        .Source("table 3.1 below");
    t.Row()
        .Text("disbursed 拨付 (万元)")
        .Number(Sum(payouts_, disbursed_, "amount_fen"))
        .Source("table 3.2 below");
    t.Row()
        .Text("clawed back 追回 (万元)")
        .Number(Sum(indicators_, clawed_back_, "values.clawed_back_fen"))
        .Source("table 3.3 below");
    for (std::size_t i = 0; i < counties_.size(); ++i) {
      if (!counties_.Get(i, "county").empty()) continue;  // the city's row
      std::string_view days = counties_.Get(i, "values.disbursement_days_median");
      t.Row()
          .Text("days from owed to paid in full, median 拨付用时中位数 (天)")
          .Number(days.empty() ? "—" : days)
          .Source(counties_.Source(i) + ", of " + CountyValue(i, "awards_paid_in_full") +
                  " awards");
    }
    t.Row()
        .Text("compliance flags 合规提示")
        .Number(std::to_string(flags_.size()))
        .Source("section 6 below");
    return "<section id=\"summary\"><h2>1 Summary 概况</h2>" + t.Html() + ByClass() + ByCounty() +
           FinanceByCounty() + BrokersByCounty() + "</section>";
  }

  // The year's totals of each class: its row of the indicators (carrier_id empty).
  std::string ByClass() const {
    Table t({"class 类别", "carriers 载体数", "became owed 本年生效资格", "amount 金额 (万元)",
             "disbursed 拨付 (万元)", "clawed back 追回 (万元)", "source 来源"});
    for (std::size_t i = 0; i < indicators_.size(); ++i) {
      if (!indicators_.Get(i, "carrier_id").empty()) continue;
      std::string_view entitlements = indicators_.Get(i, "values.entitlements_created");
      t.Row()
          .Text(NameOf(names_.classes, indicators_.Get(i, "assessment_class")))
          .Number(indicators_.Get(i, "values.carriers"))
          .Number(entitlements.empty() ? "0" : entitlements)
          .Number(Wan(Fen(indicators_.Get(i, "values.entitlements_fen"))))
          .Number(Wan(Fen(indicators_.Get(i, "values.disbursed_fen"))))
          .Number(Wan(Fen(indicators_.Get(i, "values.clawed_back_fen"))))
          .Source(indicators_.Source(i));
    }
    return "<h3>By class 按类别</h3><p class=\"note\">Each class's row of " + indicators_.name() +
           ": an award counts in the year it became owed (active) — an R5/R6 award on its first "
           "excellent evaluation — and only carriers registered count (table 3.1 lists every "
           "entitlement triggered in the year, pending ones included).</p>" +
           t.Html();
  }

  // The year's rows of counties-<year>.csv (§4.3): each county's carriers and levels, awards,
  // money paid and unpaid, how fast it was paid, flags; then the city's; and the mean scores.
  std::string ByCounty() const {
    Table t({"county 旗县区", "carriers 载体数", "national / regional / city 国家/自治区/市级",
             "became owed 本年生效资格", "disbursed 拨付 (万元)", "unpaid 待拨付 (万元)",
             "days to pay 拨付用时 (天)", "flags 合规提示", "source 来源"});
    Table scores({"county 旗县区", NameOf(names_.classes, "incubator_comprehensive"),
                  NameOf(names_.classes, "incubator_specialized"),
                  NameOf(names_.classes, "space_social"),
                  NameOf(names_.classes, "space_university"), "source 来源"});
    for (std::size_t i = 0; i < counties_.size(); ++i) {
      const std::string county(counties_.Get(i, "county_name"));
      t.Row()
          .Text(county)
          .Number(CountyValue(i, "carriers"))
          .Number(CountyValue(i, "carriers_national") + " / " +
                  CountyValue(i, "carriers_regional") + " / " + CountyValue(i, "carriers_city"))
          .Number(CountyValue(i, "awards_created"))
          .Number(Wan(CountyFen(i, "disbursed_fen")))
          .Number(Wan(CountyFen(i, "unpaid_fen")))
          .Number(CountyValue(i, "disbursement_days_median"))
          .Number(CountyValue(i, "flags"))
          .Source(counties_.Source(i));
      scores.Row().Text(county);
      for (const char* cls : {"incubator_comprehensive", "incubator_specialized", "space_social",
                              "space_university"}) {
        std::string_view mean = counties_.Get(i, std::string("values.mean_score_centi_") + cls);
        scores.Number(mean.empty() ? "—" : Centi(mean));
      }
      scores.Source(counties_.Source(i));
    }
    return "<h3>By county 按旗县区</h3><p class=\"note\">The roll-up of " + counties_.name() +
           " for the yearly assessment of the counties (§4.3): carriers registered by the end of " +
           year_ +
           ", in the county each was in on 31 December, and the highest level each held then; "
           "awards created in the year, money "
           "disbursed in it, and what awards active on 31 December still had unpaid; days to "
           "pay: the median days from an award becoming owed to its payment in full, of the "
           "awards paid in full in the year (§4.2; — none); the last row is the whole city.</p>" +
           t.Html() +
           "<h3>Mean score by county 各旗县区平均得分</h3><p class=\"note\">The mean score of "
           "each county's carriers assessed in " +
           year_ + ", per class (section 2; — none assessed).</p>" + scores.Html();
  }

  // §3.3 投融资 per county, from the same rows: funds set up in the year with the share of social
  // capital in them, cooperation agreements and resident investors on 31 December, and the city
  // seed and angel funds' support in the year.
  std::string FinanceByCounty() const {
    Table t({"county 旗县区", "funds set up 新设基金", "social capital 社会资本 (万元, %)",
             "agreements 合作协议", "credit lines 授信 (万元)", "resident investors 入驻投资机构",
             "city fund support 市种子/天使基金支持 (万元)", "source 来源"});
    for (std::size_t i = 0; i < counties_.size(); ++i) {
      const std::int64_t size = CountyFen(i, "funds_size_fen");
      const std::int64_t social = CountyFen(i, "funds_social_capital_fen");
      t.Row()
          .Text(counties_.Get(i, "county_name"))
          .Number(CountyValue(i, "funds_established"))
          .Number(Wan(social) +
                  (size > 0 ? " (" + std::to_string(social * 100 / size) + "%)" : std::string()))
          .Number(CountyValue(i, "agreements_in_force"))
          .Number(Wan(CountyFen(i, "credit_line_fen")))
          .Number(CountyValue(i, "investors_resident"))
          .Number(CountyValue(i, "city_fund_supports") + " · " +
                  Wan(CountyFen(i, "city_fund_support_fen")))
          .Source(counties_.Source(i));
    }
    return "<h3>Finance links by county 投融资 (§3.3)</h3><p class=\"note\">From " +
           counties_.name() + ": funds carriers set up with social capital in " + year_ +
           " and the share of social capital in them (rounded down); cooperation agreements "
           "with banks, guarantors and investment institutions in force on 31 December, with "
           "the credit lines they open; investment institutions resident then; and the city "
           "seed and angel funds' support to the projects, teams and start-ups carriers host in " +
           year_ + " (count · 万元).</p>" + t.Html();
  }

  // §2.4 技术经纪 per county, from the same rows: workstations open and the brokers at them on 31
  // December, and the technology contracts brokered through them in the year.
  std::string BrokersByCounty() const {
    Table t({"county 旗县区", "workstations 工作站", "brokers 技术经纪人", "deals 技术合同",
             "amount 成交额 (万元)", "source 来源"});
    for (std::size_t i = 0; i < counties_.size(); ++i) {
      t.Row()
          .Text(counties_.Get(i, "county_name"))
          .Number(CountyValue(i, "workstations_open"))
          .Number(CountyValue(i, "brokers"))
          .Number(CountyValue(i, "deals"))
          .Number(Wan(CountyFen(i, "deal_fen")))
          .Source(counties_.Source(i));
    }
    return "<h3>Brokers' work by county 技术经纪 (§2.4)</h3><p class=\"note\">From " +
           counties_.name() +
           ": technology-broker workstations open on 31 December and the qualified brokers "
           "working at them, and the technology contracts brokered through them in " +
           year_ +
           " with their amount (each station's brokers and deals are in carriers.csv).</p>" +
           t.Html();
  }

  // Value `name` of row `i` of the counties CSV: its text ("—" when absent), or its fen.
  std::string CountyValue(std::size_t i, std::string_view name) const {
    std::string_view v = counties_.Get(i, "values." + std::string(name));
    return std::string(v.empty() ? "—" : v);
  }
  std::int64_t CountyFen(std::size_t i, std::string_view name) const {
    return Fen(counties_.Get(i, "values." + std::string(name)));
  }

  std::string Assessment() const {
    std::string out = "<section id=\"assessment\"><h2>2 Assessment by class 分类考核</h2>";
    if (assessment_.size() == 0)
      out += "<p class=\"note\">No carrier was assessed in " + year_ + ".</p>";
    for (std::size_t i = 0; i < assessment_.size();) {
      std::string_view klass = assessment_.Get(i, "assessment_class");
      std::size_t end = i;
      while (end < assessment_.size() && assessment_.Get(end, "assessment_class") == klass) ++end;
      out += ClassTable(klass, i, end);
      i = end;
    }
    return out + "</section>";
  }

  // The rows [begin, end) of one class, the first kTopPerClass of them by rank: rank, carrier,
  // score, and each indicator's value and the points it earns (from the row's contributions) — in
  // one table per dimension of the model (服务能力, 孵化绩效, 可持续发展) when it names them,
  // else in one; then the model itself, with where each indicator, weight and target comes from.
  std::string ClassTable(std::string_view klass, std::size_t begin, std::size_t all_end) const {
    const std::size_t end = std::min(all_end, begin + kTopPerClass);
    std::vector<std::string> indicator_ids;
    std::vector<bj::array> contributions;
    for (std::size_t i = begin; i < end; ++i) {
      boost::system::error_code ec;
      bj::value parsed = bj::parse(assessment_.Get(i, "contributions"), ec);
      contributions.push_back(!ec && parsed.is_array() ? parsed.as_array() : bj::array());
      for (const bj::value& c : contributions.back()) {
        std::string id(c.at("indicator").as_string());
        if (std::find(indicator_ids.begin(), indicator_ids.end(), id) == indicator_ids.end()) {
          indicator_ids.push_back(id);
        }
      }
    }
    const domain::AssessmentModel* model = ModelOf(klass);
    // The indicators by dimension, in the order the dimensions first come.
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const std::string& id : indicator_ids) {
      const domain::Indicator* indicator = IndicatorOf(model, id);
      std::string dimension = indicator ? indicator->dimension : "";
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& g) { return g.first == dimension; });
      if (group == groups.end()) group = groups.insert(groups.end(), {dimension, {}});
      group->second.push_back(id);
    }
    std::string out =
        "<h3>" + Escape(NameOf(names_.classes, klass)) + " (" + Escape(klass) + "), " +
        std::to_string(all_end - begin) + "</h3><p class=\"note\">From " + assessment_.name() +
        ", the row given" +
        (end < all_end ? "; the first " + std::to_string(end - begin) + " of " +
                             std::to_string(all_end - begin) + " by rank, every one in its rows " +
                             std::to_string(begin + 2) + "–" + std::to_string(all_end + 1)
                       : std::string()) +
        ". Each indicator: its value (money in 万元), and below it the points it earns "
        "(weight × min(value / target, 1)).</p>";
    for (const auto& [dimension, ids] : groups) {
      if (!dimension.empty()) {
        std::int64_t weight = 0;
        for (const std::string& id : ids) weight += IndicatorOf(model, id)->weight;
        out += "<h4>" + Escape(DimensionName(dimension)) + ", " + std::to_string(weight) +
               " points 分</h4>";
      }
      // The county once, in the first table: the others are narrow enough for A4 without it.
      out += ScoresTable(model, begin, end, ids, contributions, !dimension.empty(),
                         &ids == &groups.front().second);
    }
    return out + ModelTable(klass, model);
  }

  // The scores of rows [begin, end) on indicators `ids`, headed with their targets under `model`
  // (if any), with their sum as "subtotal" and the carrier's county if asked.
  std::string ScoresTable(const domain::AssessmentModel* model, std::size_t begin, std::size_t end,
                          const std::vector<std::string>& ids,
                          const std::vector<bj::array>& contributions, bool subtotal,
                          bool county) const {
    std::vector<std::string> headers{"rank 名次", "carrier 载体"};
    if (county) headers.push_back("county 县区");
    headers.push_back("score 得分");
    if (subtotal) headers.push_back("subtotal 小计");
    for (const std::string& id : ids) {
      const domain::Indicator* indicator = IndicatorOf(model, id);
      std::string name = NameOf(names_.indicators, id);
      if (id.ends_with("_fen")) {  // shown in 万元, whatever unit the ruleset's name gives
        if (name.ends_with(" (fen)")) name.resize(name.size() - 6);
        name += " (万元)";
      }
      headers.push_back(name + (indicator ? " · target 目标 " + IndicatorText(id, indicator->target)
                                          : std::string()));
    }
    headers.push_back("row 行");
    Table t(std::move(headers));
    for (std::size_t i = begin; i < end; ++i) {
      std::string_view carrier = assessment_.Get(i, "carrier_id");
      t.Row().Number(assessment_.Get(i, "rank")).Text(CarrierLabel(carrier));
      if (county) t.Text(County(carrier));
      t.Number(Centi(assessment_.Get(i, "score_centi")));
      std::vector<std::string> cells;
      std::int64_t points = 0;
      for (const std::string& id : ids) {
        std::string cell;
        for (const bj::value& c : contributions[i - begin]) {
          if (c.at("indicator").as_string() != id) continue;
          const bj::value& value = c.at("value");
          const std::int64_t earned = c.at("points_centi").to_number<std::int64_t>();
          points += earned;
          cell = Escape(value.is_int64() ? IndicatorText(id, value.as_int64())
                                         : bj::serialize(value)) +
                 "<br><span class=\"pt\">" + YuanText(earned) + "</span>";
        }
        cells.push_back(std::move(cell));
      }
      if (subtotal) t.Number(YuanText(points));
      for (const std::string& cell : cells) t.NumberHtml(cell);
      t.Source(std::to_string(i + 2));
    }
    return t.Html("scores");
  }

  // The class's model under the ruleset the year is assessed by: each indicator with its
  // dimension, weight, target and sources.
  std::string ModelTable(std::string_view klass, const domain::AssessmentModel* model) const {
    if (!model) return "";
    Table t({"indicator 指标", "dimension 维度", "weight 权重", "target 目标",
             "source 依据 (indicator · weight · target)"});
    bool sourced = false;
    for (const domain::Indicator& indicator : model->indicators) {
      const domain::IndicatorSources& s = indicator.sources;
      sourced |= !s.indicator.empty();
      t.Row()
          .Text(NameOf(names_.indicators, indicator.id))
          .Text(indicator.dimension.empty() ? "—" : DimensionName(indicator.dimension))
          .Number(std::to_string(indicator.weight))
          .Number(IndicatorText(indicator.id, indicator.target));
      if (s.indicator.empty()) {
        t.Text("—");
      } else {
        t.SourceHtml(Escape(s.indicator) + "<br>" + Escape(s.weight) + "<br>" + Escape(s.target));
      }
    }
    return "<h4>Model 考核模型 (" + Escape(klass) + ")</h4><p class=\"note\">From the activation " +
           "event of the ruleset named in the header's basis. " +
           (model->source.empty() ? std::string() : "Follows: " + Escape(model->source) + ". ") +
           (sourced ? "Each indicator with the source of the indicator, of its weight and of its "
                      "target."
                    : "The ruleset gives no sources for this model.") +
           "</p>" + t.Html("model");
  }

  const domain::AssessmentModel* ModelOf(std::string_view klass) const {
    auto it = names_.models.find(klass);
    return it == names_.models.end() ? nullptr : &it->second;
  }
  static const domain::Indicator* IndicatorOf(const domain::AssessmentModel* model,
                                              std::string_view id) {
    if (!model) return nullptr;
    for (const domain::Indicator& indicator : model->indicators) {
      if (indicator.id == id) return &indicator;
    }
    return nullptr;
  }
  static std::string DimensionName(std::string_view dimension) {
    if (dimension == "service_capacity") return "服务能力 service capacity";
    if (dimension == "incubation_performance") return "孵化绩效 incubation performance";
    if (dimension == "sustainability") return "可持续发展 sustainability";
    return std::string(dimension);
  }

  std::string Money() const {
    Table created({"entitlement 补贴资格", "carrier 载体", "rule 规则", "status 状态",
                   "amount 金额 (万元)", "disbursed 已拨付 (万元)", "source 来源"});
    for (std::size_t i : Listed(created_)) {
      std::string_view carrier = entitlements_.Get(i, "carrier_id");
      created.Row()
          .Text(entitlements_.Get(i, "entitlement_id"))
          .Text(CarrierLabel(carrier))
          .Text(std::string(entitlements_.Get(i, "rule_id")) + " · " +
                std::string(entitlements_.Get(i, "clause")))
          .Text(entitlements_.Get(i, "status"))
          .Number(Wan(Fen(entitlements_.Get(i, "amount_fen"))))
          .Number(Wan(Fen(entitlements_.Get(i, "disbursed_fen"))))
          .Source(entitlements_.Source(i));
    }
    Table paid({"payout 拨付", "carrier 载体", "entitlement 补贴资格", "disbursed on 日期",
                "voucher 凭证", "amount 金额 (万元)", "source 来源"});
    for (std::size_t i : Listed(disbursed_)) {
      std::string_view carrier = payouts_.Get(i, "carrier_id");
      paid.Row()
          .Text(payouts_.Get(i, "payout_id"))
          .Text(CarrierLabel(carrier))
          .Text(payouts_.Get(i, "entitlement_id"))
          .Text(payouts_.Get(i, "disbursed_on"))
          .Text(payouts_.Get(i, "voucher_no"))
          .Number(Wan(Fen(payouts_.Get(i, "amount_fen"))))
          .Source(payouts_.Source(i));
    }
    Table clawed({"carrier 载体", "clawed back 追回 (万元)", "source 来源"});
    for (std::size_t i : Listed(clawed_back_)) {
      std::string_view carrier = indicators_.Get(i, "carrier_id");
      clawed.Row()
          .Text(CarrierLabel(carrier))
          .Number(Wan(Fen(indicators_.Get(i, "values.clawed_back_fen"))))
          .Source(indicators_.Source(i));
    }
    return "<section id=\"money\"><h2>3 Subsidies 补贴资金</h2><h3>3.1 Entitlements triggered in " +
           year_ + " 本年触发补贴资格</h3><p class=\"note\">Entitlements whose trigger falls in " +
           year_ +
           ", pending and since voided ones included; status and money as of the export point "
           "(the tables by class and county count an award in the year it became owed). Total " +
           Sum(entitlements_, created_, "amount_fen") + " 万元." +
           ListedNote(created_, entitlements_) + "</p>" + created.Html() + "<h3>3.2 Disbursed in " +
           year_ + " 拨付</h3><p class=\"note\">Total " + Sum(payouts_, disbursed_, "amount_fen") +
           " 万元." + ListedNote(disbursed_, payouts_) + "</p>" + paid.Html() +
           "<h3>3.3 Clawed back in " + year_ + " 追回</h3><p class=\"note\">Total " +
           Sum(indicators_, clawed_back_, "values.clawed_back_fen") + " 万元." +
           ListedNote(clawed_back_, indicators_) + "</p>" + clawed.Html() + "</section>";
  }

  // Money disbursed in the year by month and by county: a chart each, and the table it draws.
  std::string Charts() const {
    std::vector<std::vector<std::size_t>> by_month(12);
    std::map<std::string, std::vector<std::size_t>> by_county;
    for (const domain::County& county : domain::kCounties) by_county[std::string(county.name)];
    for (std::size_t i : disbursed_) {
      std::string_view date = payouts_.Get(i, "disbursed_on");
      int month = date.size() >= 7 ? (date[5] - '0') * 10 + (date[6] - '0') : 0;
      if (month >= 1 && month <= 12) by_month[month - 1].push_back(i);
      by_county[County(payouts_.Get(i, "carrier_id"))].push_back(i);
    }
    std::vector<Bar> months, counties;
    Table month_table({"month 月份", "disbursed 拨付 (万元)", "source 来源"});
    for (int m = 0; m < 12; ++m) {
      std::string label = year_ + "-" + (m < 9 ? "0" : "") + std::to_string(m + 1);
      AddBar(label, by_month[m], &months, &month_table);
    }
    Table county_table({"county 县区", "disbursed 拨付 (万元)", "source 来源"});
    for (const domain::County& county : domain::kCounties) {
      AddBar(std::string(county.name), by_county[std::string(county.name)], &counties,
             &county_table);
    }
    return "<section id=\"charts\"><h2>4 Disbursed by month and county 拨付分布</h2>"
           "<figure>" +
           BarChart("chart-month", "Money disbursed per month of " + year_, months) +
           "<figcaption>Money disbursed per month of " + year_ +
           ", 万元 (the payouts of table 3.2)</figcaption></figure>" + month_table.Html() +
           "<figure>" +
           BarChart("chart-county", "Money disbursed per county in " + year_, counties) +
           "<figcaption>Money disbursed per county in " + year_ +
           ", 万元 (the carrier's county in carriers.csv)</figcaption></figure>" +
           county_table.Html() + "</section>";
  }

  void AddBar(const std::string& label, const std::vector<std::size_t>& rows,
              std::vector<Bar>* bars, Table* table) const {
    std::int64_t total = 0;
    for (std::size_t i : rows)
      total = domain::CheckedAdd(total, Fen(payouts_.Get(i, "amount_fen")), "amount_fen");
    bars->push_back({label, total, Wan(total), RowList(payouts_, rows)});
    table->Row().Text(label).Number(Wan(total)).Source(RowList(payouts_, rows));
  }

  // The grades of the evaluations of the year, by level, from each carrier's evaluations.
  std::string Evaluations() const {
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> counted;
    for (std::size_t i = 0; i < carriers_.size(); ++i) {
      boost::system::error_code ec;
      bj::value evaluations = bj::parse(carriers_.Get(i, "evaluations"), ec);
      if (ec || !evaluations.is_array()) continue;
      for (const bj::value& e : evaluations.as_array()) {
        if (!e.is_object() || bj::serialize(e.at("year")) != year_) continue;
        counted[{std::string(e.at("level").as_string()), std::string(e.at("grade").as_string())}]
            .push_back(i);
      }
    }
    std::vector<Bar> bars;
    Table t({"level 级别", "grade 等次", "evaluations 次数", "source 来源"});
    for (std::string_view level : {"national", "regional", "city"}) {
      bool any = false;
      for (const auto& [key, rows] : counted) any = any || key.first == level;
      if (!any) continue;
      for (std::string_view grade : {"excellent", "good", "pass", "fail"}) {
        auto it = counted.find({std::string(level), std::string(grade)});
        std::vector<std::size_t> rows =
            it == counted.end() ? std::vector<std::size_t>() : it->second;
        std::string label = std::string(LevelName(level)) + " · " + std::string(GradeName(grade));
        std::string n = std::to_string(rows.size());
        bars.push_back(
            {label, static_cast<std::int64_t>(rows.size()), n, RowList(carriers_, rows)});
        t.Row()
            .Text(LevelName(level))
            .Text(GradeName(grade))
            .Number(n)
            .Source(RowList(carriers_, rows));
      }
    }
    std::string chart = bars.empty()
                            ? std::string()
                            : "<figure>" +
                                  BarChart("chart-grades", "Evaluation grades of " + year_, bars) +
                                  "<figcaption>Evaluations of " + year_ +
                                  " by level and grade</figcaption></figure>";
    return "<section id=\"evaluations\"><h2>5 Evaluation grades 绩效评价等次</h2><p class=\"note\">"
           "The performance evaluations of " +
           year_ +
           " in each carrier's evaluations "
           "(carriers.csv).</p>" +
           chart + t.Html() + "</section>";
  }

  std::string Compliance() const {
    Table t({"carrier 载体", "flag 提示", "detail 说明", "source 来源"});
    for (std::size_t i : Listed(flags_)) {
      std::string_view carrier = compliance_.Get(i, "carrier_id");
      t.Row()
          .Text(CarrierLabel(carrier))
          .Text(compliance_.Get(i, "flag"))
          .Text(compliance_.Get(i, "detail"))
          .Source(compliance_.Source(i));
    }
    return "<section id=\"compliance\"><h2>6 Compliance flags 合规提示</h2><p class=\"note\">The "
           "flags of " +
           year_ + " open at the export point (compliance.csv holds " +
           std::to_string(compliance_.size()) + " of all years)." +
           ListedNote(flags_, compliance_) + "</p>" + t.Html() + "</section>";
  }

  const Glossary& names_;
  const ReportPoint& point_;
  const std::string year_;
  const CsvTable carriers_, entitlements_, payouts_, compliance_, indicators_, assessment_,
      counties_;
  std::map<std::string, std::size_t, std::less<>> carrier_row_;
  std::vector<std::size_t> created_, disbursed_, clawed_back_, flags_;  // data rows of the year
};

}  // namespace

std::string ReportHtml(const std::map<std::string, std::string>& csvs, const Glossary& names,
                       const ReportPoint& point) {
  return Report(csvs, names, point).Html();
}

}  // namespace hatchery::exporting
