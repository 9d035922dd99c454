// Runs suites against a target: selection (tags, grep, shard), parallel scenarios, exclusive ones last,
// retries after 429, and a RunReport with every check's outcome.
//
//   runner::RunOptions options;
//   options.target = "http://127.0.0.1:8080";
//   options.profile = vendor::load_profile("openai");
//   auto report = runner::run(runner::load_bundled_suites(), options);
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/runner/report.hpp>
#include <gatecheck/runner/suite.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::runner {

struct Shard {
  unsigned index = 1;  // 1-based
  unsigned count = 1;
};

struct RunOptions {
  std::string target;  // origin (http://host:port), optionally with a path prefix
  vendor::Profile profile;
  std::string api_key;
  core::Headers extra_headers;                // sent with every request
  std::map<std::string, std::string> models;  // role -> model, over the profile's
  std::chrono::milliseconds timeout{30'000};  // per request (read silence and connect)
  // The whole run: scenarios not started by then are skipped, open requests are cut (0: no limit).
  std::chrono::milliseconds max_duration{std::chrono::minutes(60)};
  // One response's body, or the bytes of its stream's events, before gatecheck stops reading it.
  std::size_t max_response_bytes = 16 * 1024 * 1024;
  unsigned jobs = 4;
  Shard shard;
  std::vector<std::string> tags;      // run scenarios with any of these ("!tag" excludes)
  std::string grep;                   // ECMAScript regex over "suite / scenario"
  Severity fail_on = Severity::must;  // the lowest severity whose failures fail the run
  bool verify_tls = true;
  bool target_is_mock = false;  // gatecheck's mock (or a gateway in front of it): mock-only scenarios run
  bool embedded_mock = false;   // the target is the mock this process started (the report says so)
  std::string admin_token;      // {{ target.admin_token }}; scenarios requiring `admin` need it
  std::string mock_url;  // the mock's own URL when it is not the target (behind a gateway); empty: the target
  std::string spare_api_key;  // {{ target.spare_key }}: a key scenarios may rotate away (`spare-key`)
  // {{ target.plan_keys.PLAN }}: a key on that rate-limit plan, for scenarios that require `plan:PLAN`.
  std::map<std::string, std::string> plan_keys;
  std::string receiver_bind = "127.0.0.1";  // where webhook receivers listen
  std::string receiver_url;  // the URL a target should call, "{port}" replaced (default http://BIND:{port})
  std::string openapi_path;  // empty: the bundled schemas/openapi.yaml
  int max_retries_on_429 = 5;
  std::chrono::milliseconds max_retry_wait{60'000};
  std::string tool_version;
  // --record: every exchange a scenario has with the target goes to DIR/<suite>/<scenario>.jsonl
  // (schemas/cassette.schema.json), masked first; the run's secrets and these JSON fields (JSONPath) too.
  std::string record_dir;
  std::vector<std::string> record_redact_fields;
};

struct Progress {
  std::size_t done = 0, total = 0, failed = 0;
  const ScenarioResult* last = nullptr;
  std::string_view last_suite;  // the suite `last` belongs to
};

// Throws std::invalid_argument for options that cannot work (a bad grep pattern, a bad target URL).
RunReport run(const std::vector<Suite>& suites, const RunOptions& options,
              const std::function<void(const Progress&)>& on_progress = {});

// One GET {target}{base path}/models, with the run's key, before a run against a target: a target that
// would fail every scenario for one reason is said so once, instead of as a hundred findings.
struct Preflight {
  enum class Verdict {
    ok,             // an HTTP answer the checks can judge
    unreachable,    // no connection, no TLS, not HTTP, or no status line in time (exit 3)
    misconfigured,  // the target answered, but the run is set up wrong: /v1 twice, no key (exit 2)
  } verdict = Verdict::ok;
  std::string message;  // what was seen, and the likely fix; secrets never shown
};
Preflight preflight(const RunOptions& options);

// A scenario the selection (--tags, --grep, --shard) keeps, as "suite / scenario", and why it will be
// skipped when the target cannot run it (empty: it runs). --list prints exactly what a run reports.
struct Selected {
  std::string title;
  std::string skip_reason;
};
std::vector<Selected> select_scenarios(const std::vector<Suite>& suites, const RunOptions& options);

}  // namespace gatecheck::runner
