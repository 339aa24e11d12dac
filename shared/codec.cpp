#include "codec.hpp"

#include "payloads.hpp"

#include <algorithm>

namespace orbit {
namespace {

bool isContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// nlohmann's own DOM builder, with two additions: a depth limit (so 20,000 nested
// arrays are refused at level 33 instead of being built), and the parser's message kept
// for the caller. Works without exceptions, as the browser build needs.
class BoundedDomParser : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit BoundedDomParser(Json& result)
      : nlohmann::detail::json_sax_dom_parser<Json>(result, /*allow_exceptions=*/false) {}

  bool start_object(std::size_t n) {
    return enter() && nlohmann::detail::json_sax_dom_parser<Json>::start_object(n);
  }
  bool end_object() {
    --depth_;
    return nlohmann::detail::json_sax_dom_parser<Json>::end_object();
  }
  bool start_array(std::size_t n) {
    return enter() && nlohmann::detail::json_sax_dom_parser<Json>::start_array(n);
  }
  bool end_array() {
    --depth_;
    return nlohmann::detail::json_sax_dom_parser<Json>::end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& lastToken, const Exception& ex) {
    // ex.what() reads "[json.exception.parse_error.101] parse error at line 1, column 9: ...";
    // the bracketed library tag means nothing to a client.
    std::string what = ex.what();
    if (auto close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
      what.erase(0, close + 2);
    }
    // The message quotes the token being read raw: for an unterminated or ill-formed string
    // that is most of the frame, invalid UTF-8 included. The error goes back to the client
    // inside JSON, so show only the token's tail (where the problem is) as valid UTF-8.
    if (lastToken.size() > kShownTokenBytes) {
      if (auto at = what.find("'" + lastToken + "'"); at != std::string::npos) {
        std::size_t from = lastToken.size() - kShownTokenBytes;
        while (from < lastToken.size() && isContinuationByte(lastToken[from])) ++from;
        what.replace(at + 1, lastToken.size(), "..." + lastToken.substr(from));
      }
    }
    error_ = "invalid JSON: " + toValidUtf8(what);
    (void)position;
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  bool enter() {
    if (++depth_ > kMaxJsonDepth) {
      error_ = "invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
      return false;
    }
    return true;
  }

  static constexpr std::size_t kShownTokenBytes = 32;

  std::size_t depth_ = 0;
  std::string error_;
};

}  // namespace

Result<Json> parseJson(std::string_view text) {
  Json result;
  BoundedDomParser sax(result);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (!ok) {
    return Error{sax.error().empty() ? std::string("invalid JSON") : sax.error()};
  }
  return result;
}

Result<Message> decode(std::string_view text) {
  auto parsed = parseJson(text);
  if (!parsed) return parsed.error();
  return decodeParsed(std::move(*parsed));
}

Result<Message> decodeParsed(Json root) {
  if (!root.is_object()) {
    return Error{std::string("a message must be a JSON object, not ") + root.type_name()};
  }

  Message msg;
  auto type = root.find("type");
  if (type == root.end()) return Error{"message has no \"type\""};
  if (!type->is_string()) return Error{"message \"type\" must be a string"};
  const auto& typeName = type->get_ref<const std::string&>();
  auto known = messageTypeFromString(typeName);
  if (!known) {
    // Cut on a code point boundary: the error goes back to the client as a JSON string.
    std::size_t cut = std::min<std::size_t>(typeName.size(), 40);
    while (cut > 0 && cut < typeName.size() && isContinuationByte(typeName[cut])) --cut;
    std::string shown = cut < typeName.size() ? typeName.substr(0, cut) + "..." : typeName;
    return Error{"unknown message type \"" + shown + "\""};
  }
  msg.type = *known;

  for (auto [field, into] : {std::pair{"sender", &msg.sender}, std::pair{"receiver", &msg.receiver}}) {
    auto it = root.find(field);
    if (it == root.end() || it->is_null()) continue;
    if (!it->is_string()) return Error{std::string("message \"") + field + "\" must be a string"};
    *into = std::move(it->get_ref<std::string&>());
  }

  if (auto data = root.find("data"); data != root.end()) msg.data = std::move(*data);
  if (auto problem = validateData(msg.type, msg.data)) return Error{std::move(*problem)};
  return msg;
}

namespace {

// Walks JSON text that parseJson accepted: no checks beyond finding where things end.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return at_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[at_]; }
  void skip() { ++at_; }
  void skipSpace() {
    while (!done() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) ++at_;
  }
  // A string, quotes included; sets `escaped` when it holds a backslash.
  std::string_view string(bool& escaped) {
    const std::size_t from = at_++;
    // The closing quote is the first one not escaped, that is, after an even run of backslashes.
    for (;;) {
      at_ = std::min(text_.find('"', at_), text_.size());
      std::size_t backslashes = 0;
      while (at_ - backslashes > from + 1 && text_[at_ - backslashes - 1] == '\\') ++backslashes;
      if (done() || backslashes % 2 == 0) break;
      ++at_;
    }
    ++at_;
    const std::string_view out = text_.substr(from, at_ - from);
    escaped = out.find('\\') != std::string_view::npos;
    return out;
  }
  std::string_view value() {
    const std::size_t from = at_;
    bool escaped = false;
    if (peek() == '"') return string(escaped);
    if (peek() == '{' || peek() == '[') {
      std::size_t depth = 0;
      do {
        const char c = peek();
        if (c == '"') {
          string(escaped);
          continue;
        }
        if (c == '{' || c == '[') ++depth;
        if (c == '}' || c == ']') --depth;
        ++at_;
      } while (depth > 0 && !done());
      return text_.substr(from, at_ - from);
    }
    while (!done() && peek() != ',' && peek() != '}' && peek() != ']' && peek() != ' ' && peek() != '\t' &&
           peek() != '\n' && peek() != '\r') {
      ++at_;
    }
    return text_.substr(from, at_ - from);
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<std::string> relayedFrame(std::string_view frame, std::string_view sender) {
  std::string_view type, receiver, data;
  if (frame.substr(0, 3) == "\xEF\xBB\xBF") frame.remove_prefix(3);  // a byte-order mark, as the parser skips it
  Scanner in(frame);
  in.skipSpace();
  in.skip();  // {
  for (in.skipSpace(); in.peek() == '"';) {
    bool escaped = false;
    const std::string_view key = in.string(escaped);
    if (escaped) return std::nullopt;  // "\u0074ype" is "type" too: let the parser say
    in.skipSpace();
    in.skip();  // :
    in.skipSpace();
    const std::string_view value = in.value();
    // A repeated member counts as its last copy, as it does in decode().
    if (key == "\"type\"") type = value;
    if (key == "\"receiver\"") receiver = value;
    if (key == "\"data\"") data = value;
    in.skipSpace();
    if (in.peek() == ',') in.skip();
    in.skipSpace();
  }
  // encode()'s layout: members in name order, no spaces. A null receiver is no receiver.
  std::string out;
  out.reserve(frame.size() + sender.size() + 48);
  out += '{';
  if (!data.empty()) {
    out += "\"data\":";
    out += data;
    out += ',';
  }
  out += "\"receiver\":";
  out += receiver.empty() || receiver == "null" ? std::string_view("\"\"") : receiver;
  out += ",\"sender\":\"";
  out += sender;  // an id the server made: nothing to escape
  out += "\",\"type\":";
  out += type;
  out += '}';
  return out;
}

std::string dumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string encode(const Message& message) {
  Json out = Json::object();
  out["sender"] = message.sender;
  out["receiver"] = message.receiver;
  out["type"] = toString(message.type);
  if (message.data) out["data"] = *message.data;
  return dumpJson(out);
}

}  // namespace orbit
