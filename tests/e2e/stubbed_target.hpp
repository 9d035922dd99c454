// A target scripted to answer exactly what a test needs: the mock with stubs (WireMock-style), run against
// with the real runner. Shared by the tests of hostile targets and of judgement.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gatecheck/core/document.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::testing {

inline constexpr const char* kStubbedKey = "sk-hostile-target-key-9876";

// Runs `suite_yaml` against the mock (openai profile) answering `stubs` first.
inline runner::RunReport run_suite(const std::string& suite_yaml, std::vector<nlohmann::json> stubs,
                                   const std::function<void(runner::RunOptions&)>& tweak = {}) {
  mock::ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.threads = 1;
  options.log_format = mock::LogFormat::none;
  options.stubs = std::move(stubs);
  mock::Server server(std::move(options));
  server.start();
  runner::RunOptions run;
  run.target = server.url();
  run.profile = vendor::load_profile("openai");
  run.api_key = kStubbedKey;
  run.timeout = std::chrono::milliseconds(5'000);
  run.max_retry_wait = std::chrono::milliseconds(2'000);
  if (tweak) tweak(run);
  auto report = runner::run({runner::parse_suite(core::parse_yaml(suite_yaml, "stubbed.yaml"))}, run);
  server.stop();
  return report;
}

// A stub (schemas/stub.schema.json) answering `path` (/v1/models unless said) with a fixed response, sent
// literally.
inline nlohmann::json answer(int status, std::string body,
                             const std::vector<std::pair<std::string, std::string>>& headers = {},
                             std::string path = "/v1/models") {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [name, value] : headers)
    fields[name] = value;
  return {{"request", {{"path", std::move(path)}}},
          {"response",
           {{"status", status}, {"headers", fields}, {"body", std::move(body)}, {"template", false}}}};
}

}  // namespace gatecheck::testing
