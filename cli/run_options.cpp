// What `gatecheck run` and `gatecheck gate` read alike: the run's options (the profile, the client's
// credentials, timeouts, selection, --fail-on) and the run with its progress line.
#include "run_options.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <unistd.h>

#include <gatecheck/reports/reports.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "report_files.hpp"

namespace gatecheck::cli {

std::pair<std::string, std::string> split_once(const std::string& text, char separator,
                                               const std::string& option) {
  const auto at = text.find(separator);
  if (at == std::string::npos || at == 0)
    throw UsageError(option + " expects A" + std::string(1, separator) + "B, got '" + text + "'");
  return {text.substr(0, at), text.substr(at + 1)};
}

std::string env_value(const Arguments& a, const char* option) {
  const auto name = a.value(option);
  if (!name) return {};
  const char* value = std::getenv(name->c_str());
  if (value == nullptr || *value == '\0')
    throw UsageError(std::string(option) + ": $" + *name +
                     " is not set, or empty (a CI secret not passed to this job?)");
  return value;
}

namespace {

runner::Shard parse_shard(const std::string& text) {
  const auto [index, count] = split_once(text, '/', "--shard");
  try {
    runner::Shard shard{static_cast<unsigned>(std::stoul(index)), static_cast<unsigned>(std::stoul(count))};
    if (shard.count == 0 || shard.index == 0 || shard.index > shard.count) throw std::out_of_range("shard");
    return shard;
  } catch (const std::exception&) {
    throw UsageError("--shard expects I/N with 1 <= I <= N, got '" + text + "'");
  }
}

// Who gatecheck is to the target: the key, extra headers, model overrides.
void read_credentials(const Arguments& a, runner::RunOptions& options) {
  if (const auto key = a.value("--api-key")) options.api_key = *key;
  if (std::string key = env_value(a, "--api-key-env"); !key.empty()) options.api_key = std::move(key);
  for (const auto& header : a.values("--header")) {
    auto [name, value] = split_once(header, ':', "--header");
    while (!value.empty() && value.front() == ' ')
      value.erase(0, 1);
    options.extra_headers.add(name, value);
  }
  for (const auto& model : a.values("--model")) {
    auto [role, name] = split_once(model, '=', "--model");
    options.models[role] = name;
  }
  for (const auto& plan_key : a.values("--plan-key")) {
    auto [plan, key] = split_once(plan_key, '=', "--plan-key");
    options.plan_keys[plan] = key;
  }
  for (const auto& plan_key : a.values("--plan-key-env")) {  // keeps the key out of the process list
    const auto [plan, name] = split_once(plan_key, '=', "--plan-key-env");
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0')
      throw UsageError("--plan-key-env: $" + name + " is not set, or empty");
    options.plan_keys[plan] = value;
  }
  // A plan the profile lacks is a typo: no scenario could ever use its key.
  for (const auto& [plan, key] : options.plan_keys) {
    if (options.profile.rate_limits.plans.contains(plan)) continue;
    std::string plans;
    for (const auto& [name, claims] : options.profile.rate_limits.plans)
      plans += (plans.empty() ? "" : ", ") + name;
    throw UsageError("--plan-key: the profile '" + options.profile.id + "' has no plan '" + plan +
                     "' (plans: " + (plans.empty() ? "none" : plans) + ")");
  }
}

}  // namespace

runner::RunOptions read_options(const Arguments& a) {
  runner::RunOptions options;
  options.tool_version = GATECHECK_VERSION;
  options.profile = vendor::load_profile(a.value("--profile").value_or("openai"));
  read_credentials(a, options);
  options.timeout = std::chrono::milliseconds(a.integer("--timeout", 30, 1, 3600) * 1000);
  options.max_duration = a.duration("--max-duration", options.max_duration, std::chrono::milliseconds(0),
                                    std::chrono::hours(72));
  options.max_response_bytes =
      static_cast<std::size_t>(a.integer("--max-response-mb", 16, 1, 4096)) * 1024 * 1024;
  options.jobs = static_cast<unsigned>(a.integer("--jobs", 4, 1, 256));
  if (const auto shard = a.value("--shard")) options.shard = parse_shard(*shard);
  options.tags = a.list("--tags");
  options.grep = a.value("--grep").value_or("");
  const auto fail_on = runner::parse_severity(a.value("--fail-on").value_or("must"));
  if (!fail_on) throw UsageError("--fail-on takes must or should");
  options.fail_on = *fail_on;
  options.openapi_path = a.value("--openapi").value_or("");
  options.verify_tls = !a.flag("--insecure");
  options.target_is_mock = a.flag("--mock-target");
  options.admin_token = a.value("--admin-token").value_or("");
  options.mock_url = a.value("--mock-url").value_or("");
  options.spare_api_key = a.value("--spare-api-key").value_or("");
  options.receiver_bind = a.value("--receiver-bind").value_or("127.0.0.1");
  options.receiver_url = a.value("--receiver-url").value_or("");
  options.record_dir = a.value("--record").value_or("");
  options.record_redact_fields = a.json_paths("--redact-field");
  return options;
}

namespace {

// Nothing selected is a mistake (a tag or pattern that matches nothing), never an empty pass.
std::string nothing_selected(const Arguments& a, const std::vector<runner::Suite>& suites) {
  std::size_t scenarios = 0;
  for (const auto& suite : suites)
    scenarios += suite.scenarios.size();
  std::string selection;
  for (const char* option : {"--tags", "--grep"})
    for (const auto& value : a.values(option))
      selection += std::string(selection.empty() ? "" : " ") + option + " " + value;
  return "no scenario selected: the suites hold " + std::to_string(scenarios) + " scenarios and " +
         (selection.empty() ? "none was given" : selection + " keeps none of them") +
         " (gatecheck run --list shows what a selection keeps)";
}

}  // namespace

bool list_selection(const Arguments& a, const std::vector<runner::Suite>& suites,
                    const runner::RunOptions& options) {
  // Judged on the whole selection, before --shard: a slice of a CI matrix may hold nothing (the split
  // hashes titles) or only what this target skips, and still be a correct slice of a correct run.
  runner::RunOptions unsharded = options;
  unsharded.shard = {};
  std::vector<runner::Selected> whole, selected;
  try {
    whole = runner::select_scenarios(suites, unsharded);
    selected = options.shard.count > 1 ? runner::select_scenarios(suites, options) : whole;
  } catch (const std::invalid_argument& e) {  // a --grep that is not a regular expression
    throw UsageError(e.what());
  }
  if (whole.empty()) throw UsageError(nothing_selected(a, suites));
  if (a.flag("--list")) {
    for (const auto& scenario : selected)
      std::cout << scenario.title
                << (scenario.skip_reason.empty() ? "" : "  (skipped: " + scenario.skip_reason + ")") << "\n";
    return true;
  }
  // A run that could only skip judges nothing: the suites do not fit the profile or the options.
  const auto runnable = std::find_if(whole.begin(), whole.end(),
                                     [](const runner::Selected& s) { return s.skip_reason.empty(); });
  if (runnable == whole.end())
    throw UsageError(
        "none of the " + std::to_string(whole.size()) +
        " selected scenarios can run here, so nothing would be judged; the first: " + whole.front().title +
        " (" + whole.front().skip_reason + "). gatecheck run --list shows each with its reason");
  return false;
}

namespace {

// Progress for a log without a terminal: a line per finished scenario, and one after every 10 s without
// any, so a CI job shows it is alive during a long burst.
class ProgressLog {
 public:
  ProgressLog(bool color, std::size_t total)
      : color_(color), total_(total), heartbeat_([this](std::stop_token stop) { beat(stop); }) {}

  void finished(const runner::Progress& progress) {
    const std::lock_guard lock(mutex_);
    std::cerr << reports::progress_record(progress, color_) << std::endl;
    done_ = progress.done;
    total_ = progress.total;
    last_ = Clock::now();
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kQuiet = std::chrono::seconds(10);

  void beat(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      wake_.wait_until(lock, stop, last_ + kQuiet, [] { return false; });  // until stopped or quiet
      if (stop.stop_requested()) return;
      if (Clock::now() < last_ + kQuiet) continue;
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count();
      std::cerr << "[" << done_ << "/" << total_ << "] still running, " << seconds << " s so far"
                << std::endl;
      last_ = Clock::now();
    }
  }

  bool color_;
  std::size_t done_ = 0, total_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  const Clock::time_point started_ = Clock::now();
  Clock::time_point last_ = started_;
  std::jthread heartbeat_;  // last: stopped and joined before the members it reads go
};

}  // namespace

runner::RunReport run_with_progress(const Arguments& a, const std::vector<runner::Suite>& suites,
                                    const runner::RunOptions& options) {
  const OutputStyle style = read_output_style(a);
  const bool terminal = isatty(STDERR_FILENO) == 1 && !style.quiet;
  std::optional<ProgressLog> log;
  if (!terminal && !style.quiet) {
    const auto selected = runner::select_scenarios(suites, options);
    log.emplace(reports::color_wanted(STDERR_FILENO, style.color),
                std::count_if(selected.begin(), selected.end(),
                              [](const runner::Selected& s) { return s.skip_reason.empty(); }));
  }
  runner::RunReport report;
  try {
    report = runner::run(suites, options, [&](const runner::Progress& progress) {
      if (terminal) std::cerr << "\r\033[K" << reports::progress_line(progress) << std::flush;
      if (log) log->finished(progress);
    });
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (terminal) std::cerr << "\r\033[K";
  return report;
}

}  // namespace gatecheck::cli
