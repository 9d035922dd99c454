// Evaluates a rendered `expect:` block against the exchanges of a step, appending one CheckResult per
// assertion and per catalog check.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/runner/checks.hpp>
#include <gatecheck/runner/report.hpp>
#include <gatecheck/runner/suite.hpp>

#include "exchange.hpp"
#include "scenario_executor.hpp"

namespace gatecheck::runner {

struct StepContext {
  const Suite& suite;
  const Step& step;
  const RunEnvironment& env;
  const Exchange* twin = nullptr;  // the single request sent again without streaming, when a check needs it
};

// The catalog checks an `expect:` block runs: those it names, and those its other keys imply (error: ->
// error.envelope and error.status-matches-type; sse.first_event_within_ms -> latency.first-event).
std::vector<const CheckInfo*> requested_checks(const nlohmann::json& expect);

void evaluate_expectations(const nlohmann::json& expect, const std::vector<const Exchange*>& exchanges,
                           const StepContext& context, std::vector<CheckResult>& out);

}  // namespace gatecheck::runner
