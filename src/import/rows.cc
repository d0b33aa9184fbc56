#include "import/rows.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <optional>

#include "hatchery/json.h"
#include "hatchery/sha256.h"
#include "hatchery/time.h"

namespace hatchery::importing {
namespace {

namespace bj = boost::json;

enum class Shape { kText, kDate, kInteger, kMoney, kChoice };

// A column of a kind's spreadsheet: where its value goes ("data.<field>", "data.metrics.<m>",
// or an envelope field), the headers that name it, and how its cells read.
struct Column {
  std::string target;
  std::vector<std::string> headers;
  Shape shape = Shape::kText;
  bool required = false;
  std::map<std::string, std::string> choices = {};  // cell (lowercased) → value, for kChoice
};

const std::map<std::string, std::string> kLevels{{"national", "national"}, {"国家级", "national"},
                                                 {"regional", "regional"}, {"自治区级", "regional"},
                                                 {"省级", "regional"},     {"city", "city"},
                                                 {"市级", "city"}};
const std::map<std::string, std::string> kModes{
    {"accredited", "accredited"}, {"认定", "accredited"}, {"filed", "filed"}, {"备案", "filed"}};
const std::map<std::string, std::string> kTiers{{"standard", "standard"},
                                                {"标准级", "standard"},
                                                {"excellence", "excellence"},
                                                {"卓越级", "excellence"}};
const std::map<std::string, std::string> kGrades{
    {"excellent", "excellent"}, {"优秀", "excellent"}, {"a", "excellent"},
    {"good", "good"},           {"良好", "good"},      {"b", "good"},
    {"pass", "pass"},           {"合格", "pass"},      {"c", "pass"},
    {"fail", "fail"},           {"不合格", "fail"},    {"d", "fail"}};

Column Carrier() {
  return {"data.carrier_id", {"carrier_id", "载体编号", "载体代码"}, Shape::kText, true};
}
Column Date(std::vector<std::string> headers) {
  headers.insert(headers.begin(), "effective_date");
  return {"effective_date", std::move(headers), Shape::kDate, true};
}
Column Document(bool required) {
  return {"document_ref", {"document_ref", "文号", "批准文号"}, Shape::kText, required};
}
Column Note() { return {"note", {"note", "备注"}, Shape::kText, false}; }
Column Level() {
  return {"data.level", {"level", "级别", "认定级别"}, Shape::kChoice, true, kLevels};
}

// The annual report's metrics (EVENTS.md): key and the bureau's heading.
const std::vector<std::pair<std::string, std::string>> kMetrics{
    {"incubated_firms", "在孵企业数"},
    {"new_incubated_firms", "新增在孵企业数"},
    {"graduated_firms", "毕业企业数"},
    {"high_tech_firms", "高新技术企业"},
    {"tech_sme_firms", "科技型中小企业"},
    {"rd_spend_fen", "在孵企业研发投入"},
    {"ip_granted", "知识产权授权数"},
    {"invention_patents", "发明专利"},
    {"firms_financed", "获得投融资的企业数"},
    {"financing_fen", "投融资额"},
    {"jobs", "带动就业"},
    {"mentors", "创业导师"},
    {"service_staff", "服务人员"},
    {"service_revenue_fen", "服务收入"},
    {"events_held", "创新创业活动"},
    {"area_m2", "面积"},
    {"incubation_fund_fen", "孵化基金"},
    {"seats", "工位"},
    {"resident_teams", "入驻团队"},
    {"new_companies", "团队新注册企业"},
    {"total_income_fen", "总收入"},
    {"non_rent_income_fen", "非房租收入"},
    {"public_platforms", "公共技术服务平台"},
    {"university_results", "承接高校院所成果数"},
    {"results_transferred", "成果转化项目数"},
    {"results_transfer_income_fen", "成果转化收入"},
    {"tech_contracts", "技术合同数"},
    {"tech_contract_fen", "技术合同成交额"}};

struct Kind {
  std::string type;
  std::vector<Column> columns;
};

const std::map<std::string_view, Kind>& Kinds() {
  static const std::map<std::string_view, Kind> kinds = [] {
    std::map<std::string_view, Kind> k;
    k["accreditations"] = {
        "AccreditationGranted",
        {Carrier(),
         Level(),
         {"data.mode", {"mode", "方式", "认定方式"}, Shape::kChoice, true, kModes},
         {"data.tier", {"tier", "档次"}, Shape::kChoice, false, kTiers},
         {"data.authority", {"authority", "认定机关", "发文机关"}, Shape::kText, true},
         Date({"日期", "认定日期", "生效日期"}),
         Document(true),
         Note()}};
    k["evaluations"] = {
        "EvaluationRecorded",
        {Carrier(),
         Level(),
         {"data.year", {"year", "年度"}, Shape::kInteger, true},
         {"data.grade", {"grade", "评价结果", "结果", "等次"}, Shape::kChoice, true, kGrades},
         Date({"日期", "评价日期", "发文日期"}),
         Document(true),
         Note()}};
    Kind reports{"AnnualReportSubmitted",
                 {Carrier(),
                  {"data.year", {"year", "年度"}, Shape::kInteger, true},
                  Date({"日期", "报送日期"}),
                  Document(false),
                  Note()}};
    for (const auto& [key, heading] : kMetrics) {
      bool money = key.ends_with("_fen");
      std::string base = money ? key.substr(0, key.size() - 4) : key;
      std::vector<std::string> headers{key, heading};
      if (money) headers.push_back(base + "_yuan");
      reports.columns.push_back({"data.metrics." + key, std::move(headers),
                                 money ? Shape::kMoney : Shape::kInteger,
                                 key == "incubated_firms"});
    }
    k["annual-reports"] = std::move(reports);
    return k;
  }();
  return kinds;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

// A heading as written, for matching: trimmed, lowercased, a unit in brackets set apart.
struct Heading {
  std::string name;
  std::string unit;  // "元", "万元" or ""
};
Heading ReadHeading(const std::string& cell) {
  std::string h = Trim(cell);
  Heading out;
  for (const char* open : {"(", "（"}) {
    std::size_t at = h.find(open);
    if (at == std::string::npos) continue;
    std::string unit = h.substr(at + std::string(open).size());
    for (const char* close : {")", "）"}) {
      if (unit.ends_with(close)) unit.resize(unit.size() - std::string(close).size());
    }
    out.unit = Trim(unit);
    h = Trim(h.substr(0, at));
  }
  out.name = Lower(h);
  return out;
}

std::optional<std::int64_t> Integer(std::string text) {
  std::erase(text, ',');
  std::int64_t v = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// A non-negative decimal amount in yuan, or in 万元 (`wan`), as fen: digits (with thousands
// separators), a point and at most the places down to the fen; nullopt otherwise, or beyond what
// a JSON integer holds (2^53).
std::optional<std::int64_t> Fen(std::string text, bool wan) {
  std::erase(text, ',');
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos) {
    return std::nullopt;
  }
  std::size_t dot = text.find('.');
  std::string whole = text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  const std::size_t places = wan ? 6 : 2;  // 1 万元 = 1,000,000 fen
  if (fraction.size() > places || fraction.find('.') != std::string::npos) return std::nullopt;
  fraction.resize(places, '0');
  auto w = Integer(whole.empty() ? "0" : whole), f = Integer(fraction);
  constexpr std::int64_t kMaxFen = std::int64_t{1} << 53;
  const std::int64_t scale = wan ? 1'000'000 : 100;
  if (!w || !f || *w > (kMaxFen - *f) / scale) return std::nullopt;
  return *w * scale + *f;
}

// "2024-05-06", "2024/5/6", "2024.5.6" or "2024年5月6日" as "2024-05-06".
std::optional<std::string> DateText(std::string text) {
  for (const char* sep : {"年", "月", "/", "."}) {
    for (std::size_t at; (at = text.find(sep)) != std::string::npos;) {
      text.replace(at, std::string(sep).size(), "-");
    }
  }
  if (text.ends_with("日")) text.resize(text.size() - std::string("日").size());
  int y = 0, m = 0, d = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return std::nullopt;
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
  if (!IsValidDate(out)) return std::nullopt;
  return std::string(out);
}

// Sets the member at `target` ("data.metrics.jobs") of `request`.
void Put(bj::object* request, const std::string& target, bj::value value) {
  bj::object* at = request;
  std::string_view path = target;
  for (std::size_t dot; (dot = path.find('.')) != std::string_view::npos;) {
    bj::value& child = (*at)[path.substr(0, dot)];
    if (!child.is_object()) child = bj::object();
    at = &child.as_object();
    path.remove_prefix(dot + 1);
  }
  (*at)[path] = std::move(value);
}

// A column of the sheet: its kind's column and the unit its heading gives.
struct Mapped {
  const Column* column;
  bool wan = false, fen = false;
};

StatusOr<std::vector<Mapped>> MapHeader(const Kind& kind, std::string_view kind_name,
                                        const std::vector<std::string>& header) {
  std::vector<Mapped> mapped;
  std::vector<const Column*> found;
  for (const std::string& cell : header) {
    Heading h = ReadHeading(cell);
    const Column* match = nullptr;
    for (const Column& c : kind.columns) {
      for (const std::string& name : c.headers) {
        if (Lower(name) == h.name) match = &c;
      }
    }
    if (!match) {
      std::string known;
      for (const Column& c : kind.columns) {
        known += (known.empty() ? "" : ", ") + c.headers[0] + " (" +
                 (c.headers.size() > 1 ? c.headers[1] : c.headers[0]) + ")";
      }
      return Status(Code::kBadRequest,
                    "the column \"" + Trim(cell) + "\" is not one of " + std::string(kind_name) +
                        "'s: " + known,
                    bj::object{{"field", "header"}});
    }
    if (std::find(found.begin(), found.end(), match) != found.end()) {
      return Status(Code::kBadRequest, "two columns name " + match->headers[0],
                    bj::object{{"field", "header"}});
    }
    found.push_back(match);
    bool fen = h.name.ends_with("_fen");
    // Money is read in 元 or 万元 alone (a 千元 or 亿元 column read as yuan would record amounts
    // a thousand or a hundred million times too small); a count may name its unit (家, 人, 平方米)
    // but not a currency; a bracket on any other column is a remark.
    bool money_unit = h.unit.find("元") != std::string::npos || h.unit == "万";
    bool refused = match->shape == Shape::kMoney
                       ? !h.unit.empty() && (fen || (h.unit != "元" && h.unit != "万元"))
                       : match->shape == Shape::kInteger && money_unit;
    if (refused) {
      return Status(Code::kBadRequest,
                    "the column \"" + Trim(cell) + "\" gives a unit (" + h.unit +
                        ") it cannot take: money in 元 or 万元 only, in fen without a unit, and a "
                        "count in no currency",
                    bj::object{{"field", "header"}});
    }
    mapped.push_back({match, h.unit == "万元", fen});
  }
  for (const Column& c : kind.columns) {
    if (c.required && std::find(found.begin(), found.end(), &c) == found.end()) {
      return Status(Code::kBadRequest,
                    "the spreadsheet has no column " + c.headers[0] +
                        (c.headers.size() > 1 ? " (" + c.headers[1] + ")" : "") + ", which " +
                        std::string(kind_name) + " need",
                    bj::object{{"field", "header"}});
    }
  }
  return mapped;
}

// The request of one data row. Errors: kBadRequest naming the column.
StatusOr<bj::object> RowRequest(const Kind& kind, std::string_view kind_name,
                                const std::vector<Mapped>& columns,
                                const std::vector<std::string>& cells) {
  bj::object request{{"type", kind.type}};
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Column& c = *columns[i].column;
    std::string cell = i < cells.size() ? Trim(cells[i]) : "";
    auto bad = [&](const std::string& why) {
      return Status(Code::kBadRequest, "column " + c.headers[0] + ": \"" + cell + "\" " + why,
                    bj::object{{"field", c.headers[0]}});
    };
    if (cell.empty()) {
      if (c.required) return bad("is empty, and it is required");
      continue;
    }
    switch (c.shape) {
      case Shape::kText: Put(&request, c.target, bj::value(cell)); break;
      case Shape::kDate: {
        auto date = DateText(cell);
        if (!date) return bad("is not a date (2024-05-06, 2024/5/6 or 2024年5月6日)");
        Put(&request, c.target, bj::value(*date));
        break;
      }
      case Shape::kInteger: {
        auto v = Integer(cell);
        if (!v || *v < 0) return bad("is not a whole number");
        Put(&request, c.target, *v);
        break;
      }
      case Shape::kMoney: {
        auto v = columns[i].fen ? Integer(cell) : Fen(cell, columns[i].wan);
        if (!v || *v < 0) {
          return bad(columns[i].fen ? "is not a whole number of fen"
                                    : "is not an amount in yuan to the fen");
        }
        Put(&request, c.target, *v);
        break;
      }
      case Shape::kChoice: {
        auto it = c.choices.find(Lower(cell));
        if (it == c.choices.end()) {
          std::string allowed;
          for (const auto& [text, value] : c.choices)
            allowed += (allowed.empty() ? "" : ", ") + text;
          return bad("is not one of " + allowed);
        }
        Put(&request, c.target, bj::value(it->second));
        break;
      }
    }
  }
  std::string carrier(request.at("data").at("carrier_id").as_string());
  request["stream"] = "carrier/" + carrier;
  std::string digest = ToHex(Sha256(json::Canonicalize(request)));
  request["command_id"] = "import/" + std::string(kind_name) + "/" + digest.substr(0, 32);
  return request;
}

}  // namespace

const std::vector<std::string_view>& ImportKinds() {
  static const std::vector<std::string_view> kinds{"accreditations", "evaluations",
                                                   "annual-reports"};
  return kinds;
}

StatusOr<std::vector<NumberedRequest>> ImportRequests(std::string_view kind_name,
                                                      const Spreadsheet& sheet) {
  auto kind = Kinds().find(kind_name);
  if (kind == Kinds().end()) {
    return Status(Code::kBadRequest, "no import kind \"" + std::string(kind_name) + "\"",
                  bj::object{{"field", "kind"}});
  }
  if (sheet.rows.empty()) {
    return Status(Code::kBadRequest, "the spreadsheet is empty: it needs a header row",
                  bj::object{{"field", "header"}});
  }
  ASSIGN_OR_RETURN(auto columns, MapHeader(kind->second, kind_name, sheet.rows[0]));
  std::vector<NumberedRequest> requests;
  for (std::size_t r = 1; r < sheet.rows.size(); ++r) {
    requests.emplace_back(sheet.line[r],
                          RowRequest(kind->second, kind_name, columns, sheet.rows[r]));
  }
  return requests;
}

}  // namespace hatchery::importing
