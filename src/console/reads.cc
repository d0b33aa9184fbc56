#include "console/reads.h"

namespace hatchery::console {

namespace bj = boost::json;

StatusOr<const bj::object*> Reads::Ask(std::string name, std::string_view op,
                                       const bj::object& args) {
  if (!may_(op)) {
    return Status(Code::kForbidden, "your role may not run " + std::string(op),
                  bj::object{{"op", op}});
  }
  StatusOr<bj::object> answer = read::KindOf(op) == read::OpKind::kEvents
                                    ? read::AnswerEvents(at_.ledger, op, args)
                                    : read::AnswerProjections(at_, op, args);
  if (!answer.ok()) return answer.status();
  answers_.emplace_back(std::move(name), std::move(answer).value());
  return &answers_.back().second;
}

bj::value Reads::Twin() const {
  if (answers_.size() == 1) return answers_.front().second;
  bj::object all;
  for (const auto& [name, answer] : answers_) all[name] = answer;
  return all;
}

}  // namespace hatchery::console
