#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <stdexcept>

#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/url.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/schema/regex.hpp>

#include "parallel.hpp"
#include "request_builder.hpp"
#include "scenario_executor.hpp"

namespace gatecheck::runner {
namespace {

using Clock = std::chrono::steady_clock;

struct Job {
  std::size_t suite;
  std::size_t scenario;
};

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

bool tag_selected(const Scenario& scenario, const std::vector<std::string>& tags) {
  bool any_positive = false, matched = false;
  for (const auto& tag : tags) {
    const bool negative = tag.starts_with("!");
    const std::string name = negative ? tag.substr(1) : tag;
    const bool has = std::find(scenario.tags.begin(), scenario.tags.end(), name) != scenario.tags.end();
    if (negative && has) return false;
    if (!negative) {
      any_positive = true;
      matched |= has;
    }
  }
  return !any_positive || matched;
}

struct Selection {
  std::vector<Job> jobs;                             // selected and runnable
  std::vector<std::pair<Job, std::string>> skipped;  // selected, but the target cannot run them
};

// Why the target cannot run `scenario`, naming the first capability it lacks; empty when it can.
std::string missing_capability(const Scenario& scenario, const RunOptions& options,
                               const vendor::Profile& profile) {
  std::string claims;
  for (const auto& capability : scenario.capabilities) {
    if (capability == "mock" && !options.target_is_mock)
      return "needs gatecheck's mock as the target, for its control headers or admin API (--mock-target when "
             "it is)";
    if (capability == "admin" && options.admin_token.empty())
      return "needs the target's admin token (--admin-token)";
    if (capability == "spare-key" && options.spare_api_key.empty())
      return "needs a key it may rotate away (--spare-api-key)";
    if (capability.starts_with("plan:")) {
      const std::string plan = capability.substr(5);
      if (!profile.rate_limits.plans.contains(plan))
        return "the profile '" + profile.id + "' has no plan '" + plan + "'";
      if (!options.plan_keys.contains(plan))
        return "needs a key on the plan '" + plan + "' (--plan-key " + plan + "=KEY)";
    }
    const bool run_option = capability == "mock" || capability == "admin" || capability == "spare-key" ||
                            capability.starts_with("plan:");
    if (!run_option && !profile.has(capability)) claims += (claims.empty() ? "" : ", ") + capability;
  }
  return claims.empty() ? std::string() : "the profile '" + profile.id + "' does not claim " + claims;
}

Selection select(const std::vector<Suite>& suites, const RunOptions& options,
                 const vendor::Profile& profile) {
  std::optional<schema::Regex> grep;
  if (!options.grep.empty()) {
    try {
      grep = schema::Regex::compile(options.grep, schema::Regex::Flags::ignore_case);
    } catch (const schema::RegexError& e) {
      throw std::invalid_argument("--grep: '" + options.grep + "' is not a regular expression: " + e.what());
    }
  }
  if (options.shard.count == 0 || options.shard.index == 0 || options.shard.index > options.shard.count)
    throw std::invalid_argument("--shard: index must be 1.." + std::to_string(options.shard.count));
  Selection selection;
  for (std::size_t s = 0; s < suites.size(); ++s) {
    for (std::size_t c = 0; c < suites[s].scenarios.size(); ++c) {
      const auto& scenario = suites[s].scenarios[c];
      const std::string title = scenario_title(suites[s].name, scenario.name);
      if (!tag_selected(scenario, options.tags)) continue;
      if (grep && !grep->test(title)) continue;
      if (options.shard.count > 1 && fnv1a(title) % options.shard.count != options.shard.index - 1) continue;
      if (auto missing = missing_capability(scenario, options, profile); !missing.empty()) {
        selection.skipped.push_back({{s, c}, std::move(missing)});
        continue;
      }
      selection.jobs.push_back({s, c});
    }
  }
  return selection;
}

ScenarioResult skipped_result(const Suite& suite, const Scenario& scenario, std::string reason) {
  ScenarioResult skipped;
  skipped.name = scenario.name;
  skipped.location = suite.describe(scenario.pointer);
  skipped.tags = scenario.tags;
  skipped.outcome = Outcome::skipped;
  skipped.skip_reason = std::move(reason);
  return skipped;
}

// "30m", "90s", "1500ms": as --max-duration was written.
std::string format_duration(std::chrono::milliseconds d) {
  if (d.count() % 60'000 == 0) return std::to_string(d.count() / 60'000) + "m";
  if (d.count() % 1'000 == 0) return std::to_string(d.count() / 1'000) + "s";
  return std::to_string(d.count()) + "ms";
}

// Why the run is incomplete, if the deadline left scenarios out or cut them; empty otherwise.
std::string incomplete_reason(const RunReport& report, const RunOptions& options) {
  std::size_t cut = 0;
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      cut += scenario.skip_reason.starts_with(kRunDeadlineReason) ? 1 : 0;
  if (cut == 0) return {};
  return "the run deadline (--max-duration " + format_duration(options.max_duration) +
         ") was reached: " + std::to_string(cut) + " scenarios not run or cut off";
}

}  // namespace

namespace {

// The profile with --model overrides applied (templates read them as profile.models.ROLE).
vendor::Profile effective_profile(const RunOptions& options) {
  vendor::Profile profile = options.profile;
  for (const auto& [role, model] : options.models) {
    profile.model_roles[role] = model;
    profile.raw["models"][role] = model;
  }
  return profile;
}

}  // namespace

std::vector<Selected> select_scenarios(const std::vector<Suite>& suites, const RunOptions& options) {
  const Selection selection = select(suites, options, effective_profile(options));
  std::vector<std::pair<Job, std::string>> all = selection.skipped;
  for (const auto& job : selection.jobs)
    all.emplace_back(job, "");
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::pair(a.first.suite, a.first.scenario) < std::pair(b.first.suite, b.first.scenario);
  });
  std::vector<Selected> selected;
  for (const auto& [job, reason] : all)
    selected.push_back(
        {scenario_title(suites[job.suite].name, suites[job.suite].scenarios[job.scenario].name), reason});
  return selected;
}

namespace {

// The target without a trailing slash; a malformed one is a usage error that never shows a password.
std::string base_url_of(const RunOptions& options) {
  std::string base_url = options.target;
  while (base_url.ends_with("/"))
    base_url.pop_back();
  try {
    (void)core::Url::parse(base_url + "/");
  } catch (const core::UrlError& e) {
    throw std::invalid_argument("--target '" + core::redact_userinfo(options.target) + "': " + e.what());
  }
  return base_url;
}

// Results keep the suites' order whatever order the scenarios finish in: a slot per scenario.
using Slots = std::vector<std::vector<std::optional<ScenarioResult>>>;

Slots empty_slots(const std::vector<Suite>& suites) {
  Slots slots(suites.size());
  for (std::size_t s = 0; s < suites.size(); ++s)
    slots[s].resize(suites[s].scenarios.size());
  return slots;
}

void fill_report(RunReport& report, const std::vector<Suite>& suites, Slots& slots) {
  for (std::size_t s = 0; s < suites.size(); ++s) {
    SuiteResult suite;
    suite.name = suites[s].name;
    suite.file = suites[s].file;
    suite.description = suites[s].description;
    for (auto& slot : slots[s])
      if (slot) suite.scenarios.push_back(std::move(*slot));
    if (!suite.scenarios.empty()) report.suites.push_back(std::move(suite));
  }
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      for (const auto& step : scenario.steps)
        report.network_ms += step.network_ms;
}

// Runs the selected jobs: the shared ones on `jobs` workers, then the exclusive ones (they exhaust a limit on
// purpose) alone, after everything else, so they cannot fail others.
void execute(const std::vector<Suite>& suites, const std::vector<Job>& jobs, const RunEnvironment& env,
             const std::function<void(const Job&, ScenarioResult)>& finish) {
  const std::string deadline_reason =
      std::string(kRunDeadlineReason) + " (--max-duration " + format_duration(env.options.max_duration) + ")";
  const auto run_one = [&](ScenarioExecutor& executor, const Job& job) {
    const Suite& suite = suites[job.suite];
    const Scenario& scenario = suite.scenarios[job.scenario];
    return Clock::now() >= env.deadline ? skipped_result(suite, scenario, deadline_reason)
                                        : executor.run(suite, scenario);
  };
  std::vector<Job> shared, exclusive;
  for (const auto& job : jobs)
    (suites[job.suite].scenarios[job.scenario].exclusive ? exclusive : shared).push_back(job);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    net::HttpClient client(client_options(env.options));
    ScenarioExecutor executor(env, client);
    for (std::size_t i = next.fetch_add(1); i < shared.size(); i = next.fetch_add(1))
      finish(shared[i], run_one(executor, shared[i]));
  };
  run_in_parallel(std::clamp<std::size_t>(env.options.jobs, 1, std::max<std::size_t>(shared.size(), 1)),
                  worker);
  if (exclusive.empty()) return;
  net::HttpClient client(client_options(env.options));
  ScenarioExecutor executor(env, client);
  for (const auto& job : exclusive)
    finish(job, run_one(executor, job));
}

}  // namespace

RunReport run(const std::vector<Suite>& suites, const RunOptions& options,
              const std::function<void(const Progress&)>& on_progress) {
  const auto started = Clock::now();
  const std::string base_url = base_url_of(options);
  const vendor::Profile profile = effective_profile(options);
  SchemaBook schemas = SchemaBook::load(options.openapi_path);
  std::string mock_url = options.mock_url.empty() ? options.target : options.mock_url;
  while (mock_url.ends_with('/'))
    mock_url.pop_back();
  RunEnvironment env{options, profile, base_url, mock_url, schemas, run_redactor(options, profile)};
  RateHold rate_hold;
  env.rate_hold = &rate_hold;
  if (options.max_duration.count() > 0) env.deadline = started + options.max_duration;

  const Selection selection = select(suites, options, profile);
  RunReport report;
  report.tool_version = options.tool_version;
  report.target = base_url;
  report.embedded_mock = options.embedded_mock;
  report.profile = profile.id;
  report.started_at = core::rfc3339_now();
  report.fail_on = options.fail_on;
  if (options.shard.count > 1) {
    report.shard_index = options.shard.index;
    report.shard_count = options.shard.count;
  }
  Slots slots = empty_slots(suites);
  for (const auto& [job, reason] : selection.skipped)
    slots[job.suite][job.scenario] =
        skipped_result(suites[job.suite], suites[job.suite].scenarios[job.scenario], reason);

  std::mutex mutex;
  Progress progress;
  progress.total = selection.jobs.size();
  execute(suites, selection.jobs, env, [&](const Job& job, ScenarioResult result) {
    const std::lock_guard lock(mutex);
    ++progress.done;
    if (result.outcome == Outcome::failed) ++progress.failed;
    slots[job.suite][job.scenario] = std::move(result);
    progress.last = &*slots[job.suite][job.scenario];
    progress.last_suite = suites[job.suite].name;
    if (on_progress) on_progress(progress);
  });
  fill_report(report, suites, slots);
  report.incomplete = incomplete_reason(report, options);
  report.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return report;
}

}  // namespace gatecheck::runner
