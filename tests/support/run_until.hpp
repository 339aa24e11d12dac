#pragma once

#include <utility>  // before Asio: see server/net.hpp

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>

namespace orbit::test {

// Runs `io` until `done` holds or `limit` passes; true when `done` held. Waits on the
// io_context's own events, never a sleep.
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds limit = std::chrono::seconds(10));

// Asks `done` again every 50 ms until it holds or `limit` has passed: for what only time
// brings about (an idle timeout) or shows only in another process's log, with nothing to
// wait on.
bool pollUntil(std::chrono::milliseconds limit, const std::function<bool()>& done);

}  // namespace orbit::test
