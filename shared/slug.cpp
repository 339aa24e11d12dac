#include "slug.hpp"

namespace orbit {

std::string slugify(std::string_view name) {
  std::string out;
  bool pendingDash = false;
  for (unsigned char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!keep) {
      pendingDash = !out.empty();
      continue;
    }
    if (pendingDash) {
      if (out.size() + 1 >= kMaxSlugLength) break;
      out.push_back('-');
      pendingDash = false;
    }
    if (out.size() >= kMaxSlugLength) break;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

bool isValidSlug(std::string_view s) {
  if (s.empty() || s.size() > kMaxSlugLength) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace orbit
