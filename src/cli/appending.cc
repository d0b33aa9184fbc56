#include "cli/appending.h"

#include <boost/json.hpp>
#include <iostream>

#include "hatchery/ledger.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

void PrintResult(std::size_t line, const StatusOr<bj::object>& result) {
  bj::object out;
  out["line"] = line;
  out["ok"] = result.ok();
  if (result.ok()) {
    out["result"] = *result;
  } else {
    out["error"] = result.status().ToJson();
  }
  std::cout << bj::serialize(out) << "\n";
}

}  // namespace

StatusOr<std::unique_ptr<AppendTarget>> AppendTarget::Open(const std::string& dir,
                                                           const std::string& actor_id,
                                                           const RemoteArgs& remote) {
  std::unique_ptr<AppendTarget> target(new AppendTarget());
  if (remote.given()) {
    ASSIGN_OR_RETURN(target->connection_, Connect(remote));
    return target;
  }
  target->actor_ = LocalActor(actor_id);
  RETURN_IF_ERROR(ValidateActor(target->actor_));
  ASSIGN_OR_RETURN(WritableStore store, OpenForAppend(dir, Writer::kLocal));
  target->store_.emplace(std::move(store));
  return target;
}

AppendTarget::~AppendTarget() = default;

bool AppendTarget::Append(const std::vector<NumberedRequest>& requests) {
  std::vector<StatusOr<bj::object>> results;
  if (connection_) {
    for (const auto& [line, request] : requests) {
      results.push_back(request.ok() ? connection_->Call("append", *request)
                                     : StatusOr<bj::object>(request.status()));
    }
  } else {
    std::vector<AppendCommand> commands;
    std::vector<std::size_t> positions;
    for (const auto& [line, request] : requests) {
      auto command = request.ok() ? ParseAppendCommand(bj::value(*request))
                                  : StatusOr<AppendCommand>(request.status());
      if (!command.ok()) {
        results.push_back(command.status());
        continue;
      }
      results.push_back(Status(Code::kInternal, "not appended"));  // replaced below
      commands.push_back(std::move(command).value());
      positions.push_back(results.size() - 1);
    }
    auto appended = store_->ledger->Append(actor_, std::move(commands));
    for (std::size_t k = 0; k < appended.size(); ++k) {
      results[positions[k]] = appended[k].ok() ? StatusOr<bj::object>(ToJson(*appended[k]))
                                               : StatusOr<bj::object>(appended[k].status());
    }
  }
  bool all_ok = true;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    PrintResult(requests[i].first, results[i]);
    all_ok = all_ok && results[i].ok();
  }
  return all_ok;
}

void AppendTarget::Finish() {
  if (store_) FinishWrites(*store_);
}

}  // namespace hatchery::cli
