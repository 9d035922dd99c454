// Runs one scenario's steps in order on one thread: renders templates, sends requests (waiting out 429s),
// evaluates expectations and checks, and records captures for the steps after.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/core/template.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/net/http_receiver.hpp>
#include <gatecheck/runner/report.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/runner/suite.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "mock_steps.hpp"
#include "schema_book.hpp"

namespace gatecheck::runner {

// What every scenario of a run shares (read-only while scenarios run, except the schema book's cache).
// The target's last Retry-After, shared by the run's workers: after a 429 every worker waits it out before
// its next request, so that a small window (Simplio's 5 requests a second) is shared instead of going, again
// and again, to the workers that did not have to wait.
class RateHold {
 public:
  void hold_for(std::chrono::milliseconds wait) {
    const auto until = (std::chrono::steady_clock::now() + wait).time_since_epoch().count();
    auto current = until_.load(std::memory_order_relaxed);
    while (current < until && !until_.compare_exchange_weak(current, until, std::memory_order_relaxed)) {
    }
  }
  // Sleeps until the hold is over, or the deadline.
  void wait(std::chrono::steady_clock::time_point deadline) const {
    const std::chrono::steady_clock::time_point until{
        std::chrono::steady_clock::duration(until_.load(std::memory_order_relaxed))};
    if (until > std::chrono::steady_clock::now()) std::this_thread::sleep_until(std::min(until, deadline));
  }

 private:
  std::atomic<std::chrono::steady_clock::rep> until_{0};
};

struct RunEnvironment {
  const RunOptions& options;
  vendor::Profile profile;  // with --model overrides applied
  std::string base_url;     // the target, without a trailing slash
  std::string mock_url;     // where the mock's admin API is (--mock-url, else the target), no trailing slash
  SchemaBook& schemas;
  core::Redactor redactor;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();  // the run's
  RateHold* rate_hold = nullptr;  // the run's, shared by its workers
};

// The skip reason of scenarios and steps the run's deadline (--max-duration) left out.
inline constexpr std::string_view kRunDeadlineReason = "run deadline reached";

class ScenarioExecutor {
 public:
  // What a scenario's steps share: the templates' names, the webhook receivers it started, the secrets it
  // came to know, when the last step started (the trigger of an expected webhook is the step before it).
  struct ScenarioState {
    core::TemplateScope scope;
    std::map<std::string, std::unique_ptr<net::HttpReceiver>> receivers;
    core::Redactor redactor;
    std::chrono::steady_clock::time_point last_started;
    std::unique_ptr<MockSession> mock;      // set in a scenario with stub or verify steps
    std::vector<cassette::Recording> tape;  // --record: its exchanges, written when it ends
  };

  ScenarioExecutor(const RunEnvironment& environment, net::HttpClient& client)
      : env_(environment), client_(client) {}

  ScenarioResult run(const Suite& suite, const Scenario& scenario);

 private:
  // One step, run and timed; `cut`: the run deadline cut it short.
  struct StepRun {
    StepResult result;
    bool cut = false;
  };
  StepRun run_step(const Suite& suite, const Step& step, ScenarioState& state);
  std::optional<StepResult> begin_mock_session(const Suite& suite, const Scenario& scenario,
                                               ScenarioState& state);
  std::string write_tape(const Suite& suite, const Scenario& scenario, ScenarioState& state) const;

  const RunEnvironment& env_;
  net::HttpClient& client_;
};

}  // namespace gatecheck::runner

namespace gatecheck::runner {

// The HTTP client settings a run's options imply (the per-request timeout bounds every wait).
net::HttpClientOptions client_options(const RunOptions& options);

}  // namespace gatecheck::runner
