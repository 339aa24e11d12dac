#pragma once

#include <string>

namespace orbit {

// Prometheus's standard process metrics for this process, from /proc (Linux):
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds and process_start_time_seconds, in the text format.
// A figure /proc does not give is left out rather than reported as 0.
std::string processMetricsText();

}  // namespace orbit
