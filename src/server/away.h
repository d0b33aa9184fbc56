// An awaitable's handler while its operation runs on a thread outside the network — the ledger's
// writer, the projector, the verifier — and its way back.
//
// Away holds outstanding work on the network's io_context, so the network threads do not end (and
// a stop does not drop the request) while the operation is away. Return posts the handler back to
// its own executor (the session's strand) together with that work, so that once Return has come
// back, the calling thread holds nothing of the network's: no handler, no strand, no work to
// finish. What it cannot give back is its own stack inside the post; a thread that may outlive the
// io_context (the ledger's writer) must also be waited for (Server::State::AppendBack).
#ifndef HATCHERY_SERVER_AWAY_H_
#define HATCHERY_SERVER_AWAY_H_

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <optional>
#include <utility>

#include "hatchery/status.h"

namespace hatchery::server {

template <typename Handler>
class Away {
 public:
  Away(boost::asio::io_context& net, Handler handler)
      : work_(boost::asio::make_work_guard(net)), handler_(std::move(handler)) {}

  // Any thread, once: resumes the handler with `results` on its executor.
  template <typename... Results>
  void Return(Results... results) {
    {
      auto home = boost::asio::get_associated_executor(*handler_);
      boost::asio::post(
          home, [work = std::move(work_), handler = std::move(*handler_),
                 ... r = std::move(results)]() mutable { std::move(handler)(std::move(r)...); });
    }
    handler_.reset();  // the moved-from shell, here and now rather than whenever `this` goes
  }

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::optional<Handler> handler_;
};

// Runs `work` on `executor` (a thread outside the network) and resumes the calling coroutine on
// its own executor with the answer (Guarded: an exception is kInternal). The work is posted there
// and its answer posted back: no coroutine runs on the other thread. The answer travels in an
// optional (an awaitable's result must be default-constructible); `work` lives on in the
// suspended caller's frame until the answer is back.
template <typename T, typename Executor>
boost::asio::awaitable<StatusOr<T>> RunAway(boost::asio::io_context& net, Executor executor,
                                            const std::function<StatusOr<T>()>& work) {
  using Answer = std::optional<StatusOr<T>>;
  auto initiate = [&net, executor, &work](auto handler) {
    boost::asio::post(executor, [&work, away = Away(net, std::move(handler))]() mutable {
      away.Return(Answer(Guarded(work)));
    });
  };
  Answer answer =
      co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(Answer)>(
          initiate, boost::asio::use_awaitable);
  co_return std::move(*answer);
}

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_AWAY_H_
