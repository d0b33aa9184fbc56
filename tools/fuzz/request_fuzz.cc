// libFuzzer target: one request line of the server (PROTOCOL.md) through the parser and the
// response rendering. Any input must give a Request or a bad_request Status — never a crash, a
// hang, or an error line that is not one line of JSON.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  hatchery::server::Request request;
  hatchery::Status status = hatchery::server::ParseRequest(line, &request);
  std::string answer = status.ok() ? hatchery::server::OkLine(request.id, request.args)
                                   : hatchery::server::ErrorLine(request.id, status);
  if (answer.empty() || answer.back() != '\n' || answer.find('\n') != answer.size() - 1) {
    std::abort();  // a response is exactly one line
  }
  boost::json::error_code ec;
  boost::json::parse(answer, ec);
  if (ec) std::abort();  // and valid JSON
  if (!status.ok() && status.code() != hatchery::Code::kBadRequest) std::abort();
  return 0;
}
