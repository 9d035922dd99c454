// The conformance checks: protocol rules with stable ids that suites name in `expect.checks`. Each has a
// one-line description, a severity and the specification text it enforces (docs/checks.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatecheck::runner {

enum class Severity { must, should };
std::string_view to_string(Severity severity);

struct CheckInfo {
  std::string_view id;  // "sse.done-sentinel"
  Severity severity;
  std::string_view description;
  std::string_view reference;  // document and section
};

const std::vector<CheckInfo>& check_catalog();
const CheckInfo* find_check(std::string_view id);

}  // namespace gatecheck::runner
