// Wall time of the whole bundled suite set against the embedded mock, and the runner's own overhead per
// request (step time outside the network wait). Reference, measured in the same run: the same number of plain
// chat requests sent by a bare net::HttpClient loop with as many threads as the runner's jobs, so the ratio
// shows what suites, checks and reports cost on top of the HTTP round trips.
//   suite_bench [ROUNDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gatecheck/mock/server.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace {

using namespace gatecheck;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double bare_requests_ms(const std::string& url, std::size_t count, unsigned threads) {
  const std::string body =
      R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":8})";
  const auto started = Clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      net::HttpClient client;
      for (std::size_t i = t; i < count; i += threads)
        client.send({"POST",
                     url + "/v1/chat/completions",
                     {{"Authorization", "Bearer sk-bench-0000"}, {"Content-Type", "application/json"}},
                     body});
    });
  }
  for (auto& worker : workers)
    worker.join();
  return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const auto suites = runner::load_bundled_suites();
  std::vector<double> walls, overheads, bares;
  std::size_t requests = 0, scenarios = 0;
  for (int round = 0; round < rounds; ++round) {
    // A fresh mock per round: the rate-limit burst starts from a full bucket every time.
    mock::ServerOptions options;
    options.profile = vendor::load_profile("openai");
    options.threads = 2;
    options.log_format = mock::LogFormat::none;
    options.keys.push_back({"sk-bench-0000", ""});
    mock::Server server(std::move(options));
    server.start();
    runner::RunOptions run;
    run.target = server.url();
    run.profile = vendor::load_profile("openai");
    run.api_key = "sk-bench-0000";
    run.target_is_mock = true;
    run.jobs = 4;
    const auto started = Clock::now();
    const auto report = runner::run(suites, run);
    walls.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
    double step_ms = 0;
    for (const auto& suite : report.suites)
      for (const auto& scenario : suite.scenarios)
        for (const auto& step : scenario.steps)
          step_ms += step.duration_ms;
    const auto totals = report.totals();
    requests = totals.requests;
    scenarios = totals.scenarios;
    if (!report.passed()) std::fprintf(stderr, "warning: the suites did not pass in round %d\n", round);
    overheads.push_back((step_ms - report.network_ms) / static_cast<double>(requests) * 1000.0);
    bares.push_back(bare_requests_ms(server.url(), requests, run.jobs));
    server.stop();
  }
  const double wall = median(walls), bare = median(bares), overhead = median(overheads);
  std::printf("bundled suites: %zu scenarios, %zu requests, jobs 4, %d rounds\n", scenarios, requests,
              rounds);
  std::printf("gatecheck run wall time:        %.0f ms (median; target < 2000 ms)\n", wall);
  std::printf("bare client, same request count: %.0f ms (median, plain chat requests, 4 threads)\n", bare);
  std::printf("ratio run/bare: %.2f\n", wall / bare);
  std::printf("runner overhead per request:    %.1f us (step time outside the network wait, median)\n",
              overhead);
  std::printf("bare round trip per request:    %.1f us (bare wall / requests x threads)\n",
              bare / static_cast<double>(requests) * 4 * 1000.0);
  return 0;
}
