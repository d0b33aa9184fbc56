// The console's parts without a network: where a page is (its URL), text made safe, the sign-in
// sessions and the throttle of failed sign-ins.
#include <catch2/catch.hpp>

#include "console/location.h"
#include "console/page.h"
#include "server/web_sessions.h"

namespace hatchery::console {
namespace {

namespace bj = boost::json;

TEST_CASE("a console URL names its point, language, unit and page") {
  auto at = Location::Parse(
      "/carriers/tl-inc-003?as_of_seq=120&effective_on=2025-01-01&lang=en&unit=wan&page=3&"
      "search=%E5%BC%80%E9%B2%81+x");
  REQUIRE(at.ok());
  CHECK(at->path() == "/carriers/tl-inc-003");
  CHECK(at->segments() == std::vector<std::string>{"carriers", "tl-inc-003"});
  CHECK(at->lang() == Lang::kEn);
  CHECK(at->unit() == read::Unit::kWan);
  CHECK(at->page() == 3);
  CHECK(at->Param("search") == "开鲁 x");
  CHECK(at->Point() == bj::object{{"as_of", {{"seq", 120}}}, {"effective_on", "2025-01-01"}});
  CHECK(at->PageArgs() == bj::object{{"offset", 100}, {"limit", 50}});
  // A link keeps the point, the language and the unit; not the search or the page.
  CHECK(at->Link("/awards") == "/awards?as_of_seq=120&effective_on=2025-01-01&lang=en&unit=wan");
  CHECK(at->With({{"page", ""}, {"lang", ""}}) ==
        "/carriers/tl-inc-003?as_of_seq=120&effective_on=2025-01-01&search=%E5%BC%80%E9%B2%81%20x&"
        "unit=wan");
  auto instant = Location::Parse("/?as_of_time=2026-01-10T08:00:00Z&as_of_seq=");
  REQUIRE(instant.ok());
  CHECK(instant->Point() == bj::object{{"as_of", {{"recorded_at", "2026-01-10T08:00:00Z"}}}});
  CHECK(instant->AtToday());
  CHECK(!instant->AtHead());
}

TEST_CASE("a malformed console URL is refused naming the parameter") {
  struct Case {
    std::string target, field;
  };
  for (const Case& c :
       {Case{"/?as_of_seq=abc", "as_of_seq"},
        Case{"/?as_of_seq=1&as_of_time=2026-01-10T08:00:00Z", "as_of_time"},
        Case{"/?as_of_time=yesterday", "as_of_time"},
        Case{"/?effective_on=2025-02-30", "effective_on"},
        Case{"/?to_as_of_seq=-1", "to_as_of_seq"}, Case{"/?lang=fr", "lang"},
        Case{"/?unit=usd", "unit"}, Case{"/?page=0", "page"}, Case{"/?format=xml", "format"},
        Case{"/?search=%ZZ", "search"}, Case{"/?search=%E5", "search"},  // not UTF-8
        Case{"/?search=a%1Bb", "search"},                                // a control character
        Case{"/?search=a%E2%80%AEb", "search"}}) {                       // a bidirectional override
    CAPTURE(c.target);
    auto at = Location::Parse(c.target);
    REQUIRE(!at.ok());
    CHECK(at.status().code() == Code::kBadRequest);
    CHECK(at.status().message().find(c.field) != std::string::npos);
  }
}

TEST_CASE("form bodies decode as a browser encodes them") {
  auto form = DecodeForm("token=htk_ab%2Bc&csrf=00ff&next=%2Fcarriers%3Fpage%3D2&empty=");
  REQUIRE(form.ok());
  CHECK((*form)["token"] == "htk_ab+c");
  CHECK((*form)["next"] == "/carriers?page=2");
  CHECK(!form->contains("empty"));
  CHECK(UrlEncode("a b/开?&=") == "a%20b%2F%E5%BC%80%3F%26%3D");
}

TEST_CASE("hostile text renders as the text it is") {
  CHECK(Safe("<script>alert(\"x\")</script> & 'y'") ==
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
  // Control characters and bidirectional overrides become visible escapes.
  CHECK(Safe("a\x1b[31mb\u202Ec") == "a\\u{1b}[31mb\\u{202e}c");
  CHECK(Safe("line\nnext", true) == "line\nnext");
}

}  // namespace
}  // namespace hatchery::console

namespace hatchery::server {
namespace {

using namespace std::chrono_literals;

TokenStore TokensWith(const Actor& actor, std::string* token) {
  TokenStore tokens;
  *token = *tokens.Add(actor);
  return tokens;
}

TEST_CASE("a console session lasts while its token grants it, and not past its idle time or age") {
  std::string token;
  TokenStore tokens = TokensWith(Actor{"audit.wu", "auditor"}, &token);
  auto entry = tokens.Authenticate(token);
  REQUIRE(entry);
  WebSessions sessions(30min, 8h, 100);
  auto t0 = WebSessions::Clock::now();
  std::string cookie = *sessions.Open(*entry, t0);
  CHECK(cookie.size() == 64);
  auto seat = sessions.Find(cookie, tokens, t0 + 20min);
  REQUIRE(seat);
  CHECK(seat->actor.id == "audit.wu");
  CHECK(seat->csrf.size() == 32);
  CHECK(!sessions.Find(cookie + "0", tokens, t0));
  CHECK(!sessions.Find("", tokens, t0));
  // Each request restarts the idle time; the age is counted from the sign-in.
  CHECK(sessions.Find(cookie, tokens, t0 + 45min));
  CHECK(sessions.Find(cookie, tokens, t0 + 70min));
  CHECK(!sessions.Find(cookie, tokens, t0 + 101min));  // idle 31 min
  CHECK(sessions.size() == 0);

  std::string old = *sessions.Open(*entry, t0);
  for (int i = 1; i <= 16; ++i) CHECK(sessions.Find(old, tokens, t0 + i * 29min));
  CHECK(!sessions.Find(old, tokens, t0 + 8h + 1min));  // older than its lifetime

  // Revoked: found no more, and a recheck ends it at once.
  std::string a = *sessions.Open(*entry, t0), b = *sessions.Open(*entry, t0);
  TokenStore none;
  CHECK(sessions.Recheck(tokens) == 0);
  CHECK(sessions.Recheck(none) == 2);
  CHECK(!sessions.Find(a, tokens, t0));
  std::string c = *sessions.Open(*entry, t0);
  CHECK(!sessions.Find(c, none, t0));
  CHECK(sessions.size() == 0);
  sessions.End(c);
}

TEST_CASE("console sessions are bounded: one actor's sign-ins push out only its own") {
  std::string token, other;
  TokenStore tokens = TokensWith(Actor{"audit.wu", "auditor"}, &token);
  other = *tokens.Add(Actor{"clerk.zhang", "admin"});
  auto wu = *tokens.Authenticate(token), zhang = *tokens.Authenticate(other);
  WebSessions sessions(2h, 48h, WebSessions::kMaxPerActor + 1);
  auto t0 = WebSessions::Clock::now();
  std::string mine = *sessions.Open(zhang, t0);
  std::vector<std::string> theirs;
  for (std::size_t i = 0; i < WebSessions::kMaxPerActor; ++i) {
    theirs.push_back(*sessions.Open(wu, t0 + std::chrono::seconds(i)));
  }
  // Full: the next sign-in of audit.wu ends its own idlest, not clerk.zhang's.
  CHECK(sessions.Open(wu, t0 + 1h));
  CHECK(sessions.size() == WebSessions::kMaxPerActor + 1);
  CHECK(!sessions.Find(theirs.front(), tokens, t0 + 1h));
  CHECK(sessions.Find(theirs.back(), tokens, t0 + 1h));
  CHECK(sessions.Find(mine, tokens, t0 + 1h));
  // A third actor finds every place taken by sessions still open: refused, nobody pushed out.
  TokenStore more = tokens;
  std::string third_token = *more.Add(Actor{"finance.li", "auditor"});
  CHECK(!sessions.Open(*more.Authenticate(third_token), t0 + 1h));
  CHECK(sessions.Find(mine, tokens, t0 + 1h));
  // Once sessions have ended by their idle time, their places are taken again.
  CHECK(sessions.Open(*more.Authenticate(third_token), t0 + 4h));
  CHECK(!sessions.Find(mine, tokens, t0 + 4h));
}

TEST_CASE("failed sign-ins from an address are throttled for a while") {
  SignInThrottle throttle(3, 60s);
  auto t0 = SignInThrottle::Clock::now();
  for (int i = 0; i < 3; ++i) {
    CHECK(throttle.MayTry("10.0.0.1", t0));
    throttle.Failed("10.0.0.1", t0 + i * 1s);
  }
  CHECK(!throttle.MayTry("10.0.0.1", t0 + 10s));
  CHECK(throttle.MayTry("10.0.0.2", t0 + 10s));  // another address is not affected
  CHECK(throttle.MayTry("10.0.0.1", t0 + 63s));  // a minute after its last failure
  // Failures count while they come within the window of each other.
  throttle.Failed("10.0.0.2", t0);
  throttle.Failed("10.0.0.2", t0 + 50s);
  throttle.Failed("10.0.0.2", t0 + 100s);
  CHECK(!throttle.MayTry("10.0.0.2", t0 + 101s));
  throttle.Failed("10.0.0.3", t0);
  throttle.Failed("10.0.0.3", t0 + 2min);  // the first had lapsed
  CHECK(throttle.MayTry("10.0.0.3", t0 + 2min));
}

}  // namespace
}  // namespace hatchery::server
