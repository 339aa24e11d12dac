#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace orbit {

// One serialised frame, shared by every receiver of a broadcast.
using SharedFrame = std::shared_ptr<const std::string>;

// A client's outbound frames, first in first out. It allocates nothing while it holds at most
// one frame, which is how a client's queue spends its life: empty while idle, one frame while
// that is written. (A std::deque allocates 576 bytes when it is made, empty or not.) Beyond
// one it is a ring that doubles as it fills, and it gives the ring back once drained.
class FrameQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const SharedFrame& front() const { return ring_ ? ring_[head_] : one_; }

  void push(SharedFrame frame) {
    if (!ring_ && size_ == 0) {
      one_ = std::move(frame);
      size_ = 1;
      return;
    }
    if (!ring_ || size_ == capacity_) grow();
    ring_[(head_ + size_) & (capacity_ - 1)] = std::move(frame);
    ++size_;
  }

  void pop() {
    if (!ring_) {
      one_.reset();
      size_ = 0;
      return;
    }
    ring_[head_].reset();
    head_ = (head_ + 1) & (capacity_ - 1);
    if (--size_ == 0) {
      ring_.reset();
      capacity_ = 0;
      head_ = 0;
    }
  }

 private:
  void grow() {
    const std::uint32_t capacity = ring_ ? 2 * capacity_ : 4;  // a power of two
    auto ring = std::make_unique<SharedFrame[]>(capacity);
    if (ring_) {
      for (std::uint32_t i = 0; i < size_; ++i) ring[i] = std::move(ring_[(head_ + i) & (capacity_ - 1)]);
    } else {
      ring[0] = std::move(one_);
    }
    ring_ = std::move(ring);
    capacity_ = capacity;
    head_ = 0;
  }

  SharedFrame one_;                      // the queue while there is no ring
  std::unique_ptr<SharedFrame[]> ring_;  // the queue while it holds more than one
  std::uint32_t capacity_ = 0;
  std::uint32_t head_ = 0;
  std::uint32_t size_ = 0;
};

}  // namespace orbit
