#pragma once
// What the load tools (tests/bench/loadgen.cpp, tests/soak/soak.cpp) share: a server process's
// memory and descriptors read from /proc, a count their main thread waits on, the open-file
// limit they raise for thousands of sockets, and a tag that keeps one run's rooms apart from
// another's. Header-only: the tools link neither Catch2 nor the test support library.

#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <string>

namespace orbit::load {

// VmRSS of process `pid` in KB; -1 when it cannot be read.
inline long processRssKb(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// The open file descriptors of process `pid`; -1 when they cannot be listed.
inline long processFds(long pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!dir) return -1;
  long n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n;
}

// A count the main thread waits on, raised by the workers.
class Counter {
 public:
  void add() {
    std::lock_guard lock(mutex_);
    ++value_;
    changed_.notify_all();
  }
  template <class Rep, class Period>
  bool waitFor(long target, std::chrono::duration<Rep, Period> limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return value_ >= target; });
  }
  long value() {
    std::lock_guard lock(mutex_);
    return value_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  long value_ = 0;
};

// Raises the soft open-file limit to `wanted`, and the hard one too where allowed (root);
// otherwise to the hard limit, saying so on stderr as `tool`.
inline void raiseOpenFileLimit(rlim_t wanted, const char* tool) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= wanted) return;
  rlimit raised{wanted, std::max(wanted, limit.rlim_max)};
  // Raising the hard limit needs CAP_SYS_RESOURCE.
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    raised = {limit.rlim_max, limit.rlim_max};
    setrlimit(RLIMIT_NOFILE, &raised);
    std::fprintf(stderr, "%s: could not raise the open-file limit to %llu (kept %llu)\n", tool,
                 static_cast<unsigned long long>(wanted), static_cast<unsigned long long>(limit.rlim_max));
  }
}

// Eight random hex digits, for room names no other run uses.
inline std::string randomTag() {
  std::random_device device;
  char tag[16];
  std::snprintf(tag, sizeof tag, "%08x", device());
  return tag;
}

}  // namespace orbit::load
