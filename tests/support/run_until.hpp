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

}  // namespace orbit::test
