// What `gatecheck --version` prints: the release and the commit it was built from (cli/version.cpp.in).
#pragma once

#include <string_view>

namespace gatecheck::cli {

std::string_view version_line();  // "gatecheck 0.1.0 (commit 1a2b3c4d5e6f)"

}  // namespace gatecheck::cli
