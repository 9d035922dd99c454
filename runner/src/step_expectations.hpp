// Evaluates a rendered `expect:` block (expectations.hpp) against the exchanges of a step, appending one
// CheckResult per assertion and per catalog check.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/runner/checks.hpp>
#include <gatecheck/runner/report.hpp>
#include <gatecheck/runner/suite.hpp>

#include "exchange.hpp"
#include "expectations.hpp"
#include "scenario_executor.hpp"

namespace gatecheck::runner {

struct StepContext {
  const Suite& suite;
  const Step& step;
  const RunEnvironment& env;
  const Exchange* twin = nullptr;  // the single request sent again without streaming, when a check needs it
  // A burst sized from the target's limit that had to stop at its cap: why no 429 can be expected.
  std::string burst_capped;
  std::vector<std::string>* notes = nullptr;  // what the profile's claims made read differently
};

// A failure that follows from another failure among results[first..] is marked caused by it: one root cause,
// one finding.
void mark_consequences(std::vector<CheckResult>& results, std::size_t first,
                       const std::vector<const Exchange*>& exchanges);

void evaluate_expectations(const Expectations& expect, const std::vector<const Exchange*>& exchanges,
                           const StepContext& context, std::vector<CheckResult>& out);

}  // namespace gatecheck::runner
