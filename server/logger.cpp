#include "logger.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace orbit {
namespace {
std::atomic<LogLevel> gLevel{LogLevel::Info};
std::atomic<LogFormat> gFormat{LogFormat::Text};

// The length of the UTF-8 sequence at `text[i]`, or 0 when it is not a well-formed one.
std::size_t utf8Length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// A bare value reads back unambiguously: no space, quote, '=' or anything to escape.
bool bare(std::string_view text) {
  if (text.empty()) return false;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("-._:/@+[]").find(ch) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string numberText(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

}  // namespace

std::string_view toString(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
    case LogLevel::Off: return "off";
  }
  return "?";
}

bool parseLogLevel(std::string_view text, LogLevel& out) {
  for (LogLevel l : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error, LogLevel::Off}) {
    if (text == toString(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

std::string_view toString(LogFormat format) { return format == LogFormat::Json ? "json" : "text"; }

bool parseLogFormat(std::string_view text, LogFormat& out) {
  for (LogFormat f : {LogFormat::Text, LogFormat::Json}) {
    if (text == toString(f)) {
      out = f;
      return true;
    }
  }
  return false;
}

void setLogLevel(LogLevel level) { gLevel = level; }
LogLevel logLevel() { return gLevel; }
void setLogFormat(LogFormat format) { gFormat = format; }
LogFormat logFormat() { return gFormat; }

std::string escapeLogText(std::string_view text, bool quoted) {
  std::string out;
  out.reserve(text.size() + 2);
  char hex[8];
  for (std::size_t i = 0; i < text.size();) {
    const char ch = text[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      const std::size_t n = utf8Length(text, i);
      const std::string_view seq = text.substr(i, n);
      if (n == 0) {
        std::snprintf(hex, sizeof hex, "\\x%02X", c);
        out += hex;
        ++i;
      } else if (seq == "\xC2\x85" || seq == "\xE2\x80\xA8" || seq == "\xE2\x80\xA9") {
        // NEL and the line and paragraph separators: some viewers start a line there.
        out += seq == "\xC2\x85" ? "\\u0085" : seq == "\xE2\x80\xA8" ? "\\u2028" : "\\u2029";
        i += n;
      } else {
        out += seq;
        i += n;
      }
      continue;
    }
    ++i;
    if (ch == '\n') out += "\\n";
    else if (ch == '\r') out += "\\r";
    else if (ch == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) {
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else if (quoted && (ch == '"' || ch == '\\')) {
      out += '\\';
      out += ch;
    } else {
      out += ch;
    }
  }
  return out;
}

std::string formatLogLine(LogFormat format, std::string_view stamp, LogLevel level, std::string_view message,
                          const std::vector<LogField>& fields) {
  if (format == LogFormat::Json) {
    nlohmann::ordered_json line;
    line["time"] = stamp;
    line["level"] = toString(level);
    line["msg"] = message;
    for (const LogField& f : fields) {
      std::visit([&](const auto& v) { line[std::string(f.key)] = v; }, f.value);
    }
    // Bytes that are not UTF-8 become U+FFFD: the line stays JSON whatever a client sent.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out(stamp);
  out += ' ';
  std::string levelText(toString(level));
  levelText.resize(std::max<std::size_t>(levelText.size(), 5), ' ');  // the levels line up
  out += levelText;
  out += ' ';
  out += escapeLogText(message, false);
  for (const LogField& f : fields) {
    if (!out.empty() && out.back() != ' ') out += ' ';
    out += f.key;
    out += '=';
    if (const auto* s = std::get_if<std::string>(&f.value)) {
      out += bare(*s) ? *s : '"' + escapeLogText(*s, true) + '"';
    } else if (const auto* b = std::get_if<bool>(&f.value)) {
      out += *b ? "true" : "false";
    } else if (const auto* d = std::get_if<double>(&f.value)) {
      out += numberText(*d);
    } else if (const auto* i = std::get_if<std::int64_t>(&f.value)) {
      out += std::to_string(*i);
    } else {
      out += std::to_string(std::get<std::uint64_t>(f.value));
    }
  }
  return out;
}

void writeLogLine(LogLevel level, const std::string& message, const std::vector<LogField>& fields) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[40];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(stamp + n, sizeof stamp - n, ".%03dZ", static_cast<int>(ms));
  const std::string line = formatLogLine(logFormat(), stamp, level, message, fields);
  // One fprintf per line keeps lines whole even if another thread logs at the same time.
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace orbit
