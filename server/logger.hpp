#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace orbit {

enum class LogLevel { Debug, Info, Warn, Error, Off };

std::string_view toString(LogLevel level);
bool parseLogLevel(std::string_view text, LogLevel& out);

// text: "TIME LEVEL message key=value ..."; json: one object per line.
enum class LogFormat { Text, Json };

std::string_view toString(LogFormat format);
bool parseLogFormat(std::string_view text, LogFormat& out);

// The process-wide threshold; lines below it cost one comparison.
void setLogLevel(LogLevel level);
LogLevel logLevel();
void setLogFormat(LogFormat format);
LogFormat logFormat();

// A key and its value in a log line. Every string a client chose (a name, a room id, a
// message type, an error that quotes them) goes into one, never into the message: a text line
// quotes and escapes it, a JSON line makes it a member of its own, so no value can forge a
// field or start a line.
struct LogField {
  std::string_view key;  // a literal in the code
  std::variant<std::string, std::int64_t, std::uint64_t, double, bool> value;
};

template <class T>
LogField field(std::string_view key, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return {key, value};
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return {key, static_cast<std::int64_t>(value)};
  } else if constexpr (std::is_integral_v<T>) {
    return {key, static_cast<std::uint64_t>(value)};
  } else if constexpr (std::is_floating_point_v<T>) {
    return {key, static_cast<double>(value)};
  } else {
    return {key, std::string(std::string_view(value))};
  }
}

// `text` with what could end or fake a line made visible: control characters, bytes that are
// not UTF-8, and the Unicode line separators become \n, \xNN, \u2028; with `quoted` also " and \.
std::string escapeLogText(std::string_view text, bool quoted);

// One line as it is written, without its newline: `stamp` is the time in ISO 8601.
std::string formatLogLine(LogFormat format, std::string_view stamp, LogLevel level, std::string_view message,
                          const std::vector<LogField>& fields);

// Writes one timestamped line to stderr in the process's format.
void writeLogLine(LogLevel level, const std::string& message, const std::vector<LogField>& fields = {});

// The parts that are not fields make the message, server-written text; the fields follow it.
template <class... Parts>
void log(LogLevel level, const Parts&... parts) {
  if (level < logLevel()) return;
  std::ostringstream message;
  std::vector<LogField> fields;
  const auto add = [&](const auto& part) {
    if constexpr (std::is_same_v<std::decay_t<decltype(part)>, LogField>) {
      fields.push_back(part);
    } else {
      message << part;
    }
  };
  (add(parts), ...);
  writeLogLine(level, message.str(), fields);
}

}  // namespace orbit
