// loadgen: a native client of `hatchery serve` that keeps C connections busy for S seconds and
// reports throughput and latency percentiles.
//
//   loadgen --connect HOST:PORT --token T [--connections C] [--seconds S]
//           [--mix append|query|mixed|verify] [--pipeline P]
//
// Each connection says hello, then keeps P requests in flight (pipelined; answers come back in
// order): `append` amends a random carrier's profile (a fresh command_id each time, so every one
// is a durable append), `query` asks one random carrier's entitlements, `mixed` alternates,
// `verify` has the whole store verified (an auditor's loop; `overloaded` answers count as errors).
// Carriers are the store's own (a `carriers` query at the start). Last line:
//   connections=<n> mix=<m> ops_per_s=<n> p50_us=<n> p99_us=<n> errors=<n>
#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <random>

#include "bench_util.h"

namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Shared {
  std::string token, mix;
  int pipeline = 1;
  std::vector<std::string> carriers;
  Clock::time_point end;
  std::vector<double> latencies_us;
  std::uint64_t ops = 0, errors = 0;
  std::uint64_t next_command = 0;
  std::string run_id;
};

std::string Request(Shared& s, std::mt19937_64& random, std::uint64_t n) {
  const std::string& carrier = s.carriers[random() % s.carriers.size()];
  bool append = s.mix == "append" || (s.mix == "mixed" && n % 2 == 0);
  bj::object r;
  if (s.mix == "verify") {
    r = {{"id", n}, {"op", "verify"}};
  } else if (append) {
    r = {{"id", n},
         {"op", "append"},
         {"command_id", "loadgen-" + s.run_id + "-" + std::to_string(s.next_command++)},
         {"stream", "carrier/" + carrier},
         {"type", "CarrierProfileAmended"},
         {"effective_date", "2026-07-01"},
         {"data", {{"carrier_id", carrier}, {"changes", {{"area_m2", 1000 + n % 9000}}}}}};
  } else {
    r = {{"id", n},
         {"op", "query"},
         {"view", "entitlements"},
         {"filter", {{"carrier_id", carrier}}}};
  }
  return bj::serialize(r) + "\n";
}

asio::awaitable<std::string> ReadLine(tcp::socket& socket, std::string& buffer) {
  std::size_t n = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                                  asio::use_awaitable);
  std::string line = buffer.substr(0, n - 1);
  buffer.erase(0, n);
  co_return line;
}

asio::awaitable<void> Connection(tcp::endpoint endpoint, Shared& s, int index) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(endpoint, asio::use_awaitable);
  socket.set_option(tcp::no_delay(true));
  std::string buffer;
  std::string hello =
      bj::serialize(bj::object{{"id", 0}, {"op", "hello"}, {"token", s.token}}) + "\n";
  co_await asio::async_write(socket, asio::buffer(hello), asio::use_awaitable);
  if ((co_await ReadLine(socket, buffer)).find("\"ok\":true") == std::string::npos) {
    throw std::runtime_error("hello refused");
  }
  std::mt19937_64 random(index + 1);
  std::deque<Clock::time_point> in_flight;
  std::uint64_t n = 0;
  while (true) {
    while (static_cast<int>(in_flight.size()) < s.pipeline && Clock::now() < s.end) {
      std::string request = Request(s, random, ++n);
      in_flight.push_back(Clock::now());
      co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
    }
    if (in_flight.empty()) break;
    std::string response = co_await ReadLine(socket, buffer);
    auto sent = in_flight.front();
    in_flight.pop_front();
    s.latencies_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - sent).count());
    ++s.ops;
    if (response.find("\"ok\":true") == std::string::npos) ++s.errors;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Load generator for hatchery serve"};
  std::string connect;
  Shared s;
  int connections = 64;
  double seconds = 10;
  s.mix = "append";
  app.add_option("--connect", connect, "HOST:PORT")->required();
  app.add_option("--token", s.token, "a token (admin for append and mixed)")->required();
  app.add_option("--connections", connections, "concurrent connections")
      ->check(CLI::PositiveNumber);
  app.add_option("--seconds", seconds, "how long")->check(CLI::PositiveNumber);
  app.add_option("--mix", s.mix, "append, query, mixed or verify")
      ->check(CLI::IsMember({"append", "query", "mixed", "verify"}));
  app.add_option("--pipeline", s.pipeline, "requests in flight per connection (default 1)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    std::size_t colon = connect.rfind(':');
    asio::io_context io;
    tcp::resolver resolver(io);
    tcp::endpoint endpoint =
        *resolver.resolve(connect.substr(0, colon), connect.substr(colon + 1)).begin();
    s.run_id = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    // The store's carriers, from one query.
    {
      tcp::socket socket(io);
      socket.connect(endpoint);
      std::string text =
          bj::serialize(bj::object{{"id", 0}, {"op", "hello"}, {"token", s.token}}) + "\n" +
          bj::serialize(bj::object{{"id", 1}, {"op", "query"}, {"view", "carriers"}}) + "\n";
      asio::write(socket, asio::buffer(text));
      std::string buffer;
      asio::read_until(socket, asio::dynamic_buffer(buffer), '\n');
      buffer.erase(0, buffer.find('\n') + 1);
      std::size_t n = asio::read_until(socket, asio::dynamic_buffer(buffer), '\n');
      bj::value answer = bj::parse(std::string_view{buffer}.substr(0, n - 1));
      for (const auto& row : answer.at("result").at("rows").as_array()) {
        s.carriers.emplace_back(row.at("carrier_id").as_string());
      }
      if (s.carriers.empty()) throw std::runtime_error("the store has no carriers");
    }
    auto start = Clock::now();
    s.end =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (int i = 0; i < connections; ++i) {
      asio::co_spawn(io, Connection(endpoint, s, i), [](const std::exception_ptr& e) {
        if (e) std::rethrow_exception(e);
      });
    }
    io.run();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    double rate = static_cast<double>(s.ops) / elapsed;
    double p50 = hatchery::bench::Percentile(s.latencies_us, 50);
    double p99 = hatchery::bench::Percentile(s.latencies_us, 99);
    std::printf("# %llu %s requests on %d connections (pipeline %d) in %.1f s\n",
                static_cast<unsigned long long>(s.ops), s.mix.c_str(), connections, s.pipeline,
                elapsed);
    std::printf("connections=%d mix=%s ops_per_s=%.0f p50_us=%.0f p99_us=%.0f errors=%llu\n",
                connections, s.mix.c_str(), rate, p50, p99,
                static_cast<unsigned long long>(s.errors));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loadgen: %s\n", e.what());
    return 2;
  }
  return 0;
}
