// console_load: the web console's page times (docs/console.md, docs/performance.md) against a
// running `hatchery serve --http`, over one keep-alive connection as a browser keeps one: signs in
// with a token, finds carriers and awards through the pages' JSON twins, then asks every kind of
// page ROUNDS times, each time a different carrier, award or list page. It prints, per page, the
// first ask at the head (which makes the point's projection and rows) and the median and 95th
// percentile of the rest; the same for pages at a new point each time (known-at moved); and, as
// the same run's baseline, the same reads asked of the TCP API (`query` of a list page and of one
// carrier's awards), which is what a page costs without its HTML.
//   console_load --http HOST:PORT --connect HOST:PORT --token T [--rounds R]
#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "client/connection.h"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace bj = boost::json;
using Clock = std::chrono::steady_clock;

// One keep-alive connection with the session cookie.
class Console {
 public:
  Console(const std::string& host, const std::string& port) : socket_(io_) {
    asio::ip::tcp::resolver resolver(io_);
    asio::connect(socket_, resolver.resolve(host, port));
    host_ = host + ":" + port;
  }

  // The reply's status and body; `ms` the time from sending to the whole body.
  std::pair<unsigned, std::string> Ask(http::verb verb, const std::string& target,
                                       const std::string& form = "", double* ms = nullptr) {
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, host_);
    if (!cookies_.empty()) request.set(http::field::cookie, cookies_);
    if (verb == http::verb::post) {
      request.set(http::field::origin, "http://" + host_);
      request.set(http::field::content_type, "application/x-www-form-urlencoded");
      request.body() = form;
    }
    request.prepare_payload();
    auto start = Clock::now();
    http::write(socket_, request);
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 32);
    http::read(socket_, buffer_, parser);
    if (ms) *ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    for (const auto& field : parser.get()) {
      if (field.name() != http::field::set_cookie) continue;
      std::string value(field.value());
      std::string pair = value.substr(0, value.find(';'));
      if (pair.find('=') + 1 == pair.size()) continue;  // a cookie cleared
      cookies_ += (cookies_.empty() ? "" : "; ") + pair;
    }
    return {parser.get().result_int(), parser.get().body()};
  }

  std::string Get(const std::string& target, double* ms = nullptr) {
    auto [status, body] = Ask(http::verb::get, target, "", ms);
    if (status != 200) {
      std::fprintf(stderr, "console_load: %s answered %u\n", target.c_str(), status);
      std::exit(1);
    }
    return body;
  }

  void SignIn(const std::string& token) {
    std::string page = Ask(http::verb::get, "/sign-in").second;
    std::size_t at = page.find("name=\"csrf\" value=\"") + 19;
    std::string csrf = page.substr(at, page.find('"', at) - at);
    if (Ask(http::verb::post, "/sign-in", "csrf=" + csrf + "&token=" + token).first != 303) {
      std::fprintf(stderr, "console_load: the token does not sign in\n");
      std::exit(1);
    }
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::string host_, cookies_;
};

struct Figures {
  double first = 0;  // the first ask at the point
  std::vector<double> rest;
  std::size_t bytes = 0;
  void Add(int ask, double ms) {
    if (ask == 0) {
      first = ms;
    } else {
      rest.push_back(ms);
    }
  }
};

void Print(const std::string& name, Figures f) {
  double p50 = hatchery::bench::Percentile(f.rest, 50),
         p95 = hatchery::bench::Percentile(f.rest, 95);
  std::printf("  %-34s first %8.1f ms   p50 %7.1f ms   p95 %7.1f ms   %7zu bytes\n", name.c_str(),
              f.first, p50, p95, f.bytes);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"the web console's page times against a running server"};
  std::string http_address, tcp_address, token;
  int rounds = 20;
  app.add_option("--http", http_address, "the console's HOST:PORT")->required();
  app.add_option("--connect", tcp_address, "the TCP API's HOST:PORT (the baseline)")->required();
  app.add_option("--token", token, "an auditor's or admin's token")->required();
  app.add_option("--rounds", rounds, "asks of each page (default 20)");
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as it comes
  std::size_t colon = http_address.rfind(':');
  Console console(http_address.substr(0, colon), http_address.substr(colon + 1));
  console.SignIn(token);

  // What there is to ask about, through the twins.
  bj::value carriers = bj::parse(console.Get("/carriers?format=json"));
  const std::uint64_t head = carriers.at("as_of_seq").to_number<std::uint64_t>();
  const std::uint64_t count = carriers.at("view_rows").to_number<std::uint64_t>();
  const std::uint64_t pages = (count + 49) / 50;
  std::mt19937_64 random(20261206);
  auto page_of = [&](std::uint64_t n) { return std::to_string(1 + random() % n); };
  // How many pages a list has, from its twin's first page.
  auto pages_of = [&](const std::string& list) -> std::uint64_t {
    bj::value first = bj::parse(
        console.Get(list + (list.find('?') == std::string::npos ? "?" : "&") + "format=json"));
    return std::max<std::uint64_t>(1, (first.at("matched").to_number<std::uint64_t>() + 49) / 50);
  };
  const std::uint64_t award_pages = pages_of("/awards"), payout_pages = pages_of("/payouts"),
                      flag_pages = pages_of("/compliance"),
                      indicator_pages = pages_of("/indicators?year=2024");
  std::vector<std::string> carrier_ids, award_ids;
  for (int i = 0; i < rounds; ++i) {
    bj::value page = bj::parse(console.Get("/carriers?format=json&page=" + page_of(pages)));
    const bj::array& rows = page.at("rows").as_array();
    carrier_ids.emplace_back(rows.at(random() % rows.size()).at("carrier_id").as_string());
    bj::value awards = bj::parse(console.Get("/awards?format=json&page=" + page_of(award_pages)));
    const bj::array& award_rows = awards.at("rows").as_array();
    award_ids.emplace_back(
        award_rows.at(random() % award_rows.size()).at("entitlement_id").as_string());
  }

  std::printf("console_load: %llu carriers, %llu events; %d asks of each page\n",
              static_cast<unsigned long long>(count), static_cast<unsigned long long>(head),
              rounds);
  std::printf("pages at the head (first: the point's rows made; then kept):\n");
  struct Kind {
    std::string name;
    std::function<std::string(int)> target;
  };
  const std::vector<Kind> kinds = {
      {"dashboard", [](int) { return "/"; }},
      {"carriers, a page", [&](int) { return "/carriers?page=" + page_of(pages); }},
      {"carriers, a search",
       [&](int i) { return "/carriers?search=" + carrier_ids[i].substr(0, 8); }},
      {"carrier", [&](int i) { return "/carriers/" + carrier_ids[i]; }},
      {"award (explain)", [&](int i) { return "/awards/" + award_ids[i]; }},
      {"awards, a page", [&](int) { return "/awards?page=" + page_of(award_pages); }},
      {"payouts, a page", [&](int) { return "/payouts?page=" + page_of(payout_pages); }},
      {"compliance, a page", [&](int) { return "/compliance?page=" + page_of(flag_pages); }},
      {"indicators of a year, a page",
       [&](int) { return "/indicators?year=2024&page=" + page_of(indicator_pages); }},
      {"assessment of a year", [&](int) { return "/assessment?year=2024"; }},
      {"JSON twin of a carriers page",
       [&](int) { return "/carriers?format=json&page=" + page_of(pages); }},
  };
  std::vector<double> all;
  for (const Kind& kind : kinds) {
    Figures f;
    for (int i = 0; i < rounds; ++i) {
      double ms = 0;
      f.bytes = console.Get(kind.target(i), &ms).size();
      f.Add(i, ms);
      if (i > 0) all.push_back(ms);
    }
    Print(kind.name, f);
  }
  std::printf("  %-34s p50 %7.1f ms   p95 %7.1f ms\n", "every page after its first",
              hatchery::bench::Percentile(all, 50), hatchery::bench::Percentile(all, 95));

  std::printf("pages at a new point each time (known-at moved to a random seq):\n");
  for (const Kind& kind : {Kind{"carrier", [&](int i) { return "/carriers/" + carrier_ids[i]; }},
                           Kind{"dashboard", [](int) { return "/"; }},
                           Kind{"what changed since the point", [](int) { return "/diff"; }}}) {
    Figures f;
    for (int i = 0; i < std::min(rounds, 6); ++i) {
      std::string seq = std::to_string(head / 2 + random() % (head / 2));
      std::string target = kind.target(i);
      target +=
          (target.find('?') == std::string::npos ? "?" : "&") + std::string("as_of_seq=") + seq;
      double ms = 0;
      f.bytes = console.Get(target, &ms).size();
      f.Add(i, ms);
    }
    Print(kind.name, f);
  }

  std::printf("baseline, the same reads over the TCP API (no HTML):\n");
  auto tcp = hatchery::client::Connection::Open({tcp_address, token, ""});
  if (!tcp.ok()) {
    std::fprintf(stderr, "console_load: %s\n", tcp.status().ToString().c_str());
    return 1;
  }
  for (const Kind& kind :
       {Kind{"query carriers, a page", [](int) { return std::string(); }},
        Kind{"query a carrier's entitlements", [](int) { return std::string(); }}}) {
    Figures f;
    for (int i = 0; i < rounds; ++i) {
      bj::object args{{"view", "carriers"}, {"offset", (random() % pages) * 50}, {"limit", 50}};
      if (kind.name.find("entitlements") != std::string::npos) {
        args = {{"view", "entitlements"}, {"filter", {{"carrier_id", carrier_ids[i]}}}};
      }
      auto start = Clock::now();
      auto answer = (*tcp)->Call("query", args);
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (!answer.ok()) return 1;
      f.bytes = bj::serialize(*answer).size();
      f.Add(i, ms);
    }
    Print(kind.name, f);
  }
  return 0;
}
