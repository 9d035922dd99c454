// The steps that script and question gatecheck's mock through its admin API (docs/suite-format.md, Stub and
// verify steps): `stub:` installs a stub for the rest of the scenario, `verify:` counts the requests the mock
// received since the scenario began that match a pattern. A scenario with such steps runs alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/net/http_client.hpp>
#include <gatecheck/runner/report.hpp>

namespace gatecheck::runner {

struct RunEnvironment;
struct Suite;
struct Exchange;

class MockSession {
 public:
  MockSession(const RunEnvironment& env, net::HttpClient& client) : env_(env), client_(client) {}

  // Notes where the journal stands, so verify counts only this scenario's requests. Empty when it worked;
  // otherwise why the admin API could not be used.
  std::string begin();
  void install(const nlohmann::json& stub, const std::string& location, StepResult& result);
  void verify(const nlohmann::json& spec, const std::string& location, StepResult& result);
  // Where the journal stands (the last seq it holds); nullopt, and what the admin API said, when it cannot be
  // read.
  std::optional<std::uint64_t> mark(std::string& problem);
  // Judges a step's `upstream:` over the journal entries after `since`: the attempts, each against the
  // pattern, and the catalog's upstream checks (upstream_checks.hpp) against the step's answers.
  void upstream(const nlohmann::json& spec, std::uint64_t since,
                const std::vector<const Exchange*>& exchanges, const Suite& suite, const std::string& pointer,
                StepResult& result);
  // Removes the stubs this scenario installed (their scenarios' states go with them), whatever happened;
  // empty when it worked, otherwise what stayed behind and why.
  std::string end();

 private:
  net::HttpResponse call(const std::string& method, const std::string& path, const std::string& body,
                         std::chrono::steady_clock::time_point deadline);

  // Bounds what one step's attempts may be: a gateway retrying without end is judged on the first ones.
  static constexpr std::size_t kMostAttempts = 1000;
  nlohmann::json attempts(const nlohmann::json& pattern, std::uint64_t since, StepResult& result);
  CheckResult pattern_result(const nlohmann::json& entries, const std::string& location) const;

  const RunEnvironment& env_;
  net::HttpClient& client_;
  std::uint64_t since_ = 0;
  std::vector<std::string> installed_;
};

}  // namespace gatecheck::runner
