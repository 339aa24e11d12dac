#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace orbit {

enum class LogLevel { Debug, Info, Warn, Error, Off };

std::string_view toString(LogLevel level);
bool parseLogLevel(std::string_view text, LogLevel& out);

// The process-wide threshold; lines below it cost one comparison.
void setLogLevel(LogLevel level);
LogLevel logLevel();

// Writes one timestamped line to stderr.
void writeLogLine(LogLevel level, const std::string& line);

template <class... Parts>
void log(LogLevel level, const Parts&... parts) {
  if (level < logLevel()) return;
  std::ostringstream out;
  (out << ... << parts);
  writeLogLine(level, out.str());
}

}  // namespace orbit
