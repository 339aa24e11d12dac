#include "process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace orbit {
namespace {

std::string readFile(const char* path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The fields of /proc/self/stat after the command name (which may hold spaces and
// parentheses): index 0 is field 3, the state.
std::vector<std::string> statFields() {
  const std::string stat = readFile("/proc/self/stat");
  const auto close = stat.rfind(')');
  std::vector<std::string> out;
  if (close == std::string::npos) return out;
  std::istringstream in(stat.substr(close + 1));
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

// The boot time, in seconds since the epoch (/proc/stat's btime).
long long bootTime() {
  std::istringstream in(readFile("/proc/stat"));
  for (std::string key; in >> key;) {
    if (key == "btime") {
      long long value = 0;
      in >> value;
      return value;
    }
  }
  return -1;
}

long long openFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return -1;
  long long n = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n - 1;  // the descriptor opendir itself holds
}

}  // namespace

std::string processMetricsText() {
  std::ostringstream out;
  auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << name << ' ' << value << '\n';
  };
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long pageSize = ::sysconf(_SC_PAGESIZE);
  const auto fields = statFields();
  // stat fields (man 5 proc): 14 utime, 15 stime, 22 starttime, 23 vsize, 24 rss; here at index n - 3.
  if (fields.size() > 21 && ticks > 0) {
    const double cpu = static_cast<double>(std::stoull(fields[11]) + std::stoull(fields[12])) / static_cast<double>(ticks);
    metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", cpu);
    metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", std::stoull(fields[20]));
    metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
           std::stoull(fields[21]) * static_cast<unsigned long long>(pageSize));
    if (const long long boot = bootTime(); boot >= 0) {
      const double start = static_cast<double>(boot) + static_cast<double>(std::stoull(fields[19])) / static_cast<double>(ticks);
      out.precision(15);
      metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", start);
    }
  }
  if (const long long fds = openFds(); fds >= 0) {
    metric("process_open_fds", "gauge", "Number of open file descriptors.", fds);
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", static_cast<unsigned long long>(limit.rlim_cur));
  }
  return out.str();
}

}  // namespace orbit
