// The web console on a real server (`serve --http`) over loopback: sign-in and sign-out with CSRF
// tokens, throttling, revoked tokens, the security headers, the limits, and pages whose JSON twin
// is exactly what the read path answers the command line.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "hatchery/key_files.h"
#include "http_client.h"
#include "read/ops.h"
#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;
using testing::Browser;
using testing::HttpReply;
using namespace std::chrono_literals;

ServerOptions Console() {
  ServerOptions options;
  options.http = true;
  options.http_port = 0;
  options.failed_hello_delay = 10ms;
  options.tokens_poll = 0ms;
  return options;
}

bool HasCookieAttribute(const HttpReply& reply, const std::string& cookie,
                        const std::string& attribute) {
  for (const std::string& c : reply.set_cookies) {
    if (c.starts_with(cookie + "=") && c.find(attribute) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("console: a token is exchanged for a session cookie that reads the pages") {
  Served s(Console());
  Browser browser(s.server->http_port());
  HttpReply first = browser.Get("/carriers?lang=en");
  CHECK(first.status == 303);
  CHECK(first.Header("location") == "/sign-in?next=%2Fcarriers%3Flang%3Den");

  HttpReply form = browser.Get("/sign-in?next=%2Fcarriers%3Flang%3Den");
  CHECK(form.status == 200);
  CHECK(HasCookieAttribute(form, "hatchery_signin", "HttpOnly"));
  HttpReply signed_in =
      browser.Post("/sign-in", "csrf=" + testing::InputValue(form.body, "csrf") +
                                   "&token=" + s.auditor + "&next=%2Fcarriers%3Flang%3Den");
  CHECK(signed_in.status == 303);
  CHECK(signed_in.Header("location") == "/carriers?lang=en");
  for (std::string attribute : {"HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"}) {
    CHECK(HasCookieAttribute(signed_in, "hatchery_session", attribute));
  }
  CHECK(!HasCookieAttribute(signed_in, "hatchery_session", "Secure"));  // no TLS here
  CHECK(browser.Cookie("hatchery_session").size() == 64);

  HttpReply page = browser.Get("/carriers?lang=en");
  CHECK(page.status == 200);
  CHECK(page.Header("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("audit.wu") != std::string::npos);
  CHECK(page.body.find(s.carrier) != std::string::npos);
  // The one script carries this response's nonce, which the policy names; nothing else runs.
  std::string csp = page.Header("content-security-policy");
  std::size_t nonce_at = page.body.find("nonce=\"") + 7;
  std::string nonce = page.body.substr(nonce_at, page.body.find('"', nonce_at) - nonce_at);
  CHECK(nonce.size() == 32);
  CHECK(csp.find("script-src 'nonce-" + nonce + "'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(page.Header("x-content-type-options") == "nosniff");
  CHECK(page.Header("cache-control") == "no-store");
  CHECK(browser.Get("/carriers?lang=en").body.find(nonce) == std::string::npos);  // fresh each time

  HttpReply css = browser.Get("/assets/console.css");
  CHECK(css.status == 200);
  CHECK(css.Header("content-type") == "text/css; charset=utf-8");
  CHECK(browser.Get("/assets/nothing.js").status == 404);
  CHECK(browser.Get("/favicon.ico").Header("content-type") == "image/svg+xml");
}

TEST_CASE("console: over HTTPS the session cookie is Secure and a plaintext client gets nothing") {
  const std::string tls = HATCHERY_TEST_TLS_DIR;
  ServerOptions options = Console();
  options.tls_cert_file = tls + "/server.crt";
  options.tls_key_file = tls + "/server.key";
  Served s(options);
  Browser browser(s.server->http_port(), tls + "/server.crt");
  HttpReply in = browser.SignIn(s.auditor);
  CHECK(in.status == 303);
  // Under TLS the cookies carry the prefixes browsers enforce (no sibling host can plant them).
  CHECK(HasCookieAttribute(in, "__Host-hatchery_session", "; Secure"));
  CHECK(browser.Cookie("hatchery_session").empty());
  HttpReply page = browser.Get("/carriers");
  CHECK(page.status == 200);
  CHECK(page.Header("strict-transport-security") == "max-age=31536000");
  CHECK(Browser(s.server->http_port()).Get("/").status == 0);  // no TLS, no answer
  CHECK(Browser(s.server->http_port(), tls + "/other-ca.crt").Get("/").status == 0);
  CHECK(browser.Get("/").status == 200);  // and the server goes on
}

TEST_CASE("console: a sign-in needs the form's CSRF token and an Origin of the console") {
  Served s(Console());
  Browser browser(s.server->http_port());
  CHECK(browser.Post("/sign-in", "token=" + s.auditor).status == 403);  // no form token
  HttpReply form = browser.Get("/sign-in");
  std::string csrf = testing::InputValue(form.body, "csrf");
  CHECK(browser.Post("/sign-in", "csrf=0123&token=" + s.auditor).status == 403);
  // A page of another site posting the right form is refused by its Origin.
  HttpReply cross = browser.Send("POST", "/sign-in",
                                 "Origin: http://evil.example\r\nContent-Type: "
                                 "application/x-www-form-urlencoded\r\n",
                                 "csrf=" + csrf + "&token=" + s.auditor);
  CHECK(cross.status == 403);
  CHECK(browser.Cookie("hatchery_session").empty());
  // A next page elsewhere is never followed.
  HttpReply in = browser.Post(
      "/sign-in", "csrf=" + csrf + "&token=" + s.auditor + "&next=%2F%2Fevil.example%2F");
  CHECK(in.status == 303);
  CHECK(in.Header("location") == "/");
  std::string again = testing::InputValue(browser.Get("/sign-in").body, "csrf");
  // A POST that says nothing of where it comes from is refused; a browser's same-origin one is not.
  const std::string form_type = "Content-Type: application/x-www-form-urlencoded\r\n";
  CHECK(
      browser.Send("POST", "/sign-in", form_type, "csrf=" + again + "&token=" + s.auditor).status ==
      403);
  CHECK(browser
            .Send("POST", "/sign-in", "Sec-Fetch-Site: same-origin\r\n" + form_type,
                  "csrf=" + again + "&token=" + s.auditor + "&next=%2Fpayouts")
            .Header("location") == "/payouts");
}

TEST_CASE("console: failed sign-ins are answered late, recorded with the address, then refused") {
  Served s(Console());
  Browser browser(s.server->http_port());
  for (int i = 0; i < 3; ++i) {
    HttpReply wrong = browser.SignIn("htk_" + std::string(64, '0'));
    CHECK(wrong.status == 401);
    CHECK(wrong.body.find("unknown token") != std::string::npos);
  }
  // The address has used its tries: even the right token waits.
  HttpReply refused = browser.SignIn(s.auditor);
  CHECK(refused.status == 429);
  CHECK(browser.Cookie("hatchery_session").empty());
  Client admin(s.server->port());
  admin.Hello(s.admin);
  bj::object logins = admin.Call({{"id", 1}, {"op", "logins"}, {"failed", true}});
  const bj::array& failed = logins.at("result").at("logins").as_array();
  REQUIRE(failed.size() == 4);
  CHECK(failed[0].at("address") == "127.0.0.1");
  CHECK(failed[0].at("reason") == "too many failed sign-ins");
  CHECK(failed[1].at("reason") == "unknown token");
}

TEST_CASE("console: sign-out needs the session's CSRF token and ends the session") {
  Served s(Console());
  Browser browser(s.server->http_port());
  REQUIRE(browser.SignIn(s.auditor).status == 303);
  HttpReply page = browser.Get("/");
  REQUIRE(page.status == 200);
  CHECK(browser.Post("/sign-out", "csrf=wrong").status == 403);
  CHECK(browser.Get("/").status == 200);  // still signed in
  std::string stolen = browser.Cookie("hatchery_session");
  HttpReply out = browser.Post("/sign-out", "csrf=" + testing::InputValue(page.body, "csrf"));
  CHECK(out.status == 303);
  CHECK(out.Header("location") == "/sign-in");
  CHECK(browser.Cookie("hatchery_session").empty());
  // The old cookie is worth nothing now.
  browser.SetCookie("hatchery_session", stolen);
  CHECK(browser.Get("/").status == 303);
  CHECK(browser.Get("/?format=json").status == 401);
}

TEST_CASE("console: a revoked token's sessions end at the reload") {
  Served s(Console());
  Browser browser(s.server->http_port());
  REQUIRE(browser.SignIn(s.auditor).status == 303);
  REQUIRE(browser.Get("/").status == 200);
  // The tokens file holds none of the fixture's tokens: reloading it revokes them all.
  REQUIRE(s.server->ReloadTokens().ok());
  CHECK(browser.Get("/").status == 303);
  CHECK(browser.SignIn(s.auditor).status == 401);
}

// The read path's own answer, serialized as `--format json` prints it.
std::string Here(const Ledger& ledger, std::string_view op, const bj::object& args) {
  auto answer = read::Here(ledger, op, args);
  REQUIRE(answer.ok());
  return bj::serialize(*answer);
}

TEST_CASE("console: every page's JSON twin is exactly the read path's answer at its point") {
  Served s(Console(), 12);
  Browser browser(s.server->http_port());
  REQUIRE(browser.SignIn(s.auditor).status == 303);
  const std::uint64_t head = s.ledger->head().seq;
  const std::uint64_t middle = head / 2;
  bj::object point{{"as_of", {{"seq", middle}}}, {"effective_on", "2025-06-30"}};
  std::string at = "as_of_seq=" + std::to_string(middle) + "&effective_on=2025-06-30";

  bj::object carriers = point;
  carriers["view"] = "carriers";
  carriers["offset"] = 0;
  carriers["limit"] = 50;
  HttpReply list = browser.Get("/carriers?format=json&" + at);
  CHECK(list.status == 200);
  CHECK(list.Header("content-type") == "application/json");
  CHECK(list.body == Here(*s.ledger, "query", carriers));

  bj::object searched = carriers;
  searched["search"] = s.carrier;
  searched["filter"] = bj::object{{"kind", "incubator"}};
  CHECK(browser.Get("/carriers?format=json&kind=incubator&search=" + s.carrier + "&" + at).body ==
        Here(*s.ledger, "query", searched));

  // A carrier's page: each of its reads by name.
  bj::value twin = bj::parse(browser.Get("/carriers/" + s.carrier + "?format=json&" + at).body);
  bj::object one = point;
  one["filter"] = bj::object{{"carrier_id", s.carrier}};
  for (std::string view : {"carrier", "entitlements", "payouts", "compliance", "indicators"}) {
    bj::object args = one;
    args["view"] = view;
    CHECK(bj::serialize(twin.at(view)) == Here(*s.ledger, "query", args));
  }
  bj::object history = point;
  history["carrier_id"] = s.carrier;
  CHECK(bj::serialize(twin.at("history")) == Here(*s.ledger, "history", history));

  // An award's page is its explanation, owed or not.
  auto entitlements = read::Here(*s.ledger, "query", {{"view", "entitlements"}});
  REQUIRE(!entitlements->at("rows").as_array().empty());
  std::string award(entitlements->at("rows").at(0).at("entitlement_id").as_string());
  bj::object explain{{"entitlement_id", award}};
  CHECK(browser.Get("/awards/" + award + "?format=json").body ==
        Here(*s.ledger, "explain", explain));
  // What changed from the point to the head, and from it to another point.
  bj::object diff{{"from", point}, {"to", bj::object{}}, {"limit", 20}};
  CHECK(browser.Get("/diff?format=json&" + at).body == Here(*s.ledger, "diff", diff));
  diff["to"] = bj::object{{"as_of", {{"seq", head}}}, {"effective_on", "2026-01-01"}};
  CHECK(browser
            .Get("/diff?format=json&" + at + "&to_as_of_seq=" + std::to_string(head) +
                 "&to_effective_on=2026-01-01")
            .body == Here(*s.ledger, "diff", diff));
  // The assessment of a year: each class's top ten, and the ranking a page at a time.
  bj::value assessed = bj::parse(browser.Get("/assessment?format=json&year=2025").body);
  bj::object ranking{
      {"view", "assessment"}, {"filter", {{"year", "2025"}}}, {"offset", 0}, {"limit", 50}};
  CHECK(bj::serialize(assessed.at("assessment")) == Here(*s.ledger, "query", ranking));
  bj::array ranks;
  for (int rank = 1; rank <= 10; ++rank) ranks.push_back(rank);
  bj::object top{{"view", "assessment"}, {"filter", {{"year", "2025"}, {"rank", ranks}}}};
  CHECK(bj::serialize(assessed.at("top")) == Here(*s.ledger, "query", top));
  bj::object indicators = point;
  indicators["view"] = "indicators";
  indicators["filter"] = bj::object{{"year", "2024"}};
  indicators["offset"] = 50;
  indicators["limit"] = 50;
  CHECK(browser.Get("/indicators?format=json&year=2024&page=2&" + at).body ==
        Here(*s.ledger, "query", indicators));
  // The dashboard's reads, at the head.
  bj::value dashboard = bj::parse(browser.Get("/?format=json").body);
  CHECK(bj::serialize(dashboard.at("due")) == Here(*s.ledger, "due", {{"limit", 10}}));
  // And its HTML shows the same amounts, in fen in data-fen, in yuan in the text.
  HttpReply html = browser.Get("/awards/" + award);
  const bj::value explained = bj::parse(browser.Get("/awards/" + award + "?format=json").body);
  const bj::object& e = explained.at("entitlement").as_object();
  CHECK(html.body.find("data-key=\"amount_fen\" data-fen=\"" +
                       std::to_string(e.at("amount_fen").as_int64()) + "\"") != std::string::npos);
}

TEST_CASE("console: an exporter downloads a year's signed bundle, which verifies") {
  auto key = note::GenerateKey("tongliao.hatchery/console-test");
  REQUIRE(key.ok());
  ServerOptions options = Console();
  options.signing_key = *key;
  Served s(options);
  REQUIRE(WriteKeyFiles(s.dir.Sub("key"), *key).ok());
  Browser auditor(s.server->http_port()), exporter(s.server->http_port());
  REQUIRE(auditor.SignIn(s.auditor).status == 303);
  REQUIRE(exporter.SignIn(s.exporter).status == 303);
  CHECK(auditor.Get("/export").status == 403);
  CHECK(auditor.Get("/export/bundle.tar?year=2025").status == 403);
  CHECK(auditor.Get("/export?format=json").status == 403);
  CHECK(exporter.Send("HEAD", "/export/bundle.tar?year=2025", "", "").status == 405);
  CHECK(exporter.Get("/export/bundle.tar?year=20x5").status == 400);
  CHECK(exporter.Get("/export/bundle.tar?year=2025&as_of_seq=x").status == 400);
  HttpReply page = exporter.Get("/export");
  CHECK(page.status == 200);
  CHECK(page.body.find("action=\"/export/bundle.tar\"") != std::string::npos);

  HttpReply bundle = exporter.Get("/export/bundle.tar?year=2025&as_of_seq=" +
                                  std::to_string(s.ledger->head().seq - 3));
  REQUIRE(bundle.status == 200);
  CHECK(bundle.Header("content-type") == "application/x-tar");
  CHECK(bundle.Header("content-disposition") == "attachment; filename=\"bundle-2025.tar\"");
  {
    std::ofstream out(s.dir.Sub("bundle.tar"), std::ios::binary);
    out << bundle.body;
  }
  REQUIRE(std::system(("tar -xf " + s.dir.Sub("bundle.tar") + " -C " + s.dir.path()).c_str()) == 0);
  CHECK(testing::RunHatchery("verify-export " + s.dir.Sub("bundle-2025") + " --pubkey " +
                             s.dir.Sub("key") + ".pub")
            .exit_code == 0);
  // The same bundle again: the same bytes (and no scratch folder left behind).
  CHECK(
      exporter
          .Get("/export/bundle.tar?year=2025&as_of_seq=" + std::to_string(s.ledger->head().seq - 3))
          .body == bundle.body);
}

TEST_CASE("console: a carrier named with markup renders as text") {
  Served s(Console());
  Client admin(s.server->port());
  admin.Hello(s.admin);
  const std::string hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
  bj::object amend = Amendment("c-hostile", s.carrier);
  amend["data"].as_object()["changes"] = bj::object{{"name", hostile}};
  amend["id"] = 1;
  amend["op"] = "append";
  REQUIRE(ErrorCode(admin.Call(amend)) == "ok");
  // A name with a control character is refused at the door (the rule of text.h).
  amend["command_id"] = "c-escape";
  amend["data"].as_object()["changes"] = bj::object{{"name", "a\x1b[2Jb"}};
  CHECK(ErrorCode(admin.Call(amend)) == "bad_request");

  Browser browser(s.server->http_port());
  REQUIRE(browser.SignIn(s.auditor).status == 303);
  for (const std::string& target :
       std::vector<std::string>{"/carriers/" + s.carrier, "/carriers", "/carriers?search=script"}) {
    HttpReply page = browser.Get(target);
    CHECK(page.status == 200);
    CHECK(page.body.find("<script>alert") == std::string::npos);
    CHECK(page.body.find("<img src=x") == std::string::npos);
    CHECK(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x "
                         "onerror=alert(2)&gt;&quot;&#39;&amp;") != std::string::npos);
  }
}

TEST_CASE("console: bad requests get an error naming what is wrong, never a crash") {
  Served s(Console());
  Browser browser(s.server->http_port());
  REQUIRE(browser.SignIn(s.auditor).status == 303);
  HttpReply bad_seq = browser.Get("/carriers?as_of_seq=abc");
  CHECK(bad_seq.status == 400);
  CHECK(bad_seq.body.find("as_of_seq must be a seq") != std::string::npos);
  HttpReply bad_json = browser.Get("/carriers?format=json&effective_on=2025-13-01");
  CHECK(bad_json.status == 400);
  CHECK(bj::parse(bad_json.body).at("error").at("code") == "bad_request");
  CHECK(browser.Get("/carriers/no-such-carrier").status == 404);
  CHECK(browser.Get("/awards/R9:no-such").status == 404);
  CHECK(browser.Get("/nothing-here").status == 404);
  CHECK(browser.Send("DELETE", "/", "", "").status == 405);
  CHECK(browser.Get("/carriers?page=999").status == 200);  // past the end: an empty page
}

TEST_CASE("console: oversized requests are refused and a slow client is cut off") {
  ServerOptions options = Console();
  options.http_request_timeout = 300ms;
  Served s(options);
  Browser browser(s.server->http_port());
  CHECK(browser.Send("GET", "/", "X-Filler: " + std::string(20'000, 'a') + "\r\n", "").status ==
        431);
  CHECK(browser.Send("POST", "/sign-in", "", std::string(20'000, 'a')).status == 413);
  // Half a request, then nothing: the connection is closed at the deadline.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket slow(io);
  slow.connect({boost::asio::ip::make_address("127.0.0.1"), s.server->http_port()});
  boost::asio::write(slow, boost::asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n")));
  auto started = std::chrono::steady_clock::now();
  char byte;
  boost::system::error_code ec;
  slow.read_some(boost::asio::buffer(&byte, 1), ec);
  CHECK(ec);  // closed, not answered
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  // Garbage is not HTTP: the connection just closes.
  Browser garbage(s.server->http_port());
  CHECK(garbage.Send("\x01\x02", "??", "", "").status == 0);
  CHECK(browser.SignIn(s.auditor).status == 303);  // and the server goes on
}

}  // namespace
}  // namespace hatchery::server
