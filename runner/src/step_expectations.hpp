// Evaluates a rendered `expect:` block against the exchanges of a step, appending one CheckResult per
// assertion and per catalog check.
#pragma once

#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/runner/report.hpp>
#include <gatecheck/runner/suite.hpp>

#include "exchange.hpp"
#include "scenario_executor.hpp"

namespace gatecheck::runner {

struct StepContext {
  const Suite& suite;
  const Step& step;
  const RunEnvironment& env;
  std::function<Exchange(const Exchange&)> resend_without_stream;
};

void evaluate_expectations(const nlohmann::json& expect, const std::vector<const Exchange*>& exchanges,
                           const StepContext& context, std::vector<CheckResult>& out);

}  // namespace gatecheck::runner
