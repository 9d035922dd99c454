// The steps that script and question gatecheck's mock through its admin API (docs/suite-format.md, Stub and
// verify steps): `stub:` installs a stub for the rest of the scenario, `verify:` counts the requests the mock
// received since the scenario began that match a pattern. A scenario with such steps runs alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/net/http_client.hpp>
#include <gatecheck/runner/report.hpp>

namespace gatecheck::runner {

struct RunEnvironment;

class MockSession {
 public:
  MockSession(const RunEnvironment& env, net::HttpClient& client) : env_(env), client_(client) {}

  // Notes where the journal stands, so verify counts only this scenario's requests. Empty when it worked;
  // otherwise why the admin API could not be used.
  std::string begin();
  void install(const nlohmann::json& stub, const std::string& location, StepResult& result);
  void verify(const nlohmann::json& spec, const std::string& location, StepResult& result);
  // Removes the stubs this scenario installed (their scenarios' states go with them), whatever happened;
  // empty when it worked, otherwise what stayed behind and why.
  std::string end();

 private:
  net::HttpResponse call(const std::string& method, const std::string& path, const std::string& body,
                         std::chrono::steady_clock::time_point deadline);

  const RunEnvironment& env_;
  net::HttpClient& client_;
  std::uint64_t since_ = 0;
  std::vector<std::string> installed_;
};

}  // namespace gatecheck::runner
