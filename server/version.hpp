#pragma once

#include <string_view>

namespace orbit {

// This build's version (the CMake project's) and the commit CMake was configured from
// (`git describe --always --dirty`; "unknown" outside a git checkout). scripts/build.sh
// configures on every build, so the commit follows the checkout.
std::string_view buildVersion();
std::string_view buildCommit();

}  // namespace orbit
