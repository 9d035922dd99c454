// gatecheck gate: a gateway under test, gated in one command. The mock plays its upstream; the gateway is
// started from a command (or a running one is used); once it answers, the suites run through it with the
// mock's journal to judge what went upstream; then everything started is stopped. A gate file
// (schemas/gate.schema.json) holds the same settings as the options, so a CI job is one line.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <thread>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/schema/format_check.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "gateway_process.hpp"
#include "report_files.hpp"
#include "run_options.hpp"

namespace gatecheck::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A gate file as the options it stands for, paths made relative to the file: one reading of the settings.
struct FileOption {
  const char* pointer;
  const char* option;
  enum Kind { value, path, profile, list, paths, pairs, reports } kind;
  char separator = '=';
};

constexpr FileOption kFileOptions[] = {
    {"/gateway/command", "--gateway-command", FileOption::value},
    {"/gateway/url", "--gateway-url", FileOption::value},
    {"/gateway/cwd", "--gateway-cwd", FileOption::path},
    {"/gateway/env", "--gateway-env", FileOption::pairs, '='},
    {"/gateway/log", "--gateway-log", FileOption::value},
    {"/gateway/ready/path", "--ready-path", FileOption::value},
    {"/gateway/ready/timeout", "--ready-timeout", FileOption::value},
    {"/gateway/headers", "--header", FileOption::pairs, ':'},
    {"/gateway/api_key_env", "--api-key-env", FileOption::value},
    {"/gateway/profile", "--profile", FileOption::profile},
    {"/upstream/profile", "--upstream-profile", FileOption::profile},
    {"/upstream/config", "--upstream-config", FileOption::path},
    {"/upstream/stubs", "--upstream-stubs", FileOption::paths},
    {"/upstream/key_env", "--upstream-key-env", FileOption::value},
    {"/upstream/port", "--upstream-port", FileOption::value},
    {"/suites", "--suite", FileOption::paths},
    {"/tags", "--tags", FileOption::list},
    {"/fail_on", "--fail-on", FileOption::value},
    {"/timeout", "--timeout", FileOption::value},
    {"/max_duration", "--max-duration", FileOption::value},
    {"/reports", "--report", FileOption::reports},
};

// A profile named by a path (it has a '/' or ends in .yaml) is relative to the gate file.
std::string relative(const fs::path& base, const std::string& value, bool always) {
  const bool is_path = always || value.find('/') != std::string::npos || value.ends_with(".yaml");
  return is_path && fs::path(value).is_relative() ? (base / value).lexically_normal().string() : value;
}

// What a gate file names must be there: a missing file or an unknown profile is a load error at its place,
// not a failure half-way through the gate.
void check_named(const core::Document& document, const std::string& pointer, const FileOption& entry,
                 const std::string& resolved) {
  const auto fail = [&](const std::string& message) {
    throw core::LoadError(document.source.file(), document.source.value_at(pointer), message);
  };
  const bool is_path = entry.kind != FileOption::profile || resolved.find('/') != std::string::npos;
  if (is_path && !fs::exists(resolved)) fail("no such file or folder: " + resolved);
  if (is_path) return;
  const auto names = vendor::bundled_profile_names();
  if (std::find(names.begin(), names.end(), resolved) != names.end()) return;
  std::string known;
  for (const auto& name : names)
    known += (known.empty() ? "" : ", ") + name;
  fail("unknown profile '" + resolved + "' (bundled: " + known + "; or a claims file's path)");
}

// One value of the file as the option it stands for.
void add_option(const core::Document& document, const fs::path& base, const FileOption& entry,
                const std::string& pointer, const json& value, Args& out) {
  const auto add = [&](std::string text) { out.insert(out.end(), {entry.option, std::move(text)}); };
  switch (entry.kind) {
    case FileOption::value:
      return add(value.is_string() ? value.get<std::string>() : value.dump());
    case FileOption::path:
    case FileOption::profile: {
      std::string resolved = relative(base, value.get<std::string>(), entry.kind == FileOption::path);
      check_named(document, pointer, entry, resolved);
      return add(std::move(resolved));
    }
    case FileOption::list:
      for (const auto& item : value)
        add(item.get<std::string>());
      return;
    case FileOption::paths:
      for (std::size_t i = 0; i < value.size(); ++i) {
        std::string resolved = relative(base, value[i].get<std::string>(), true);
        check_named(document, pointer + "/" + std::to_string(i), entry, resolved);
        add(std::move(resolved));
      }
      return;
    case FileOption::pairs:
    case FileOption::reports:
      for (const auto& [name, item] : value.items())
        add(name + entry.separator + item.get<std::string>());
      return;
  }
}

Args file_arguments(const std::string& file) {
  const core::Document document = core::load_document(file);
  if (document.value.is_object() &&
      (document.value.contains("scenarios") || document.value.contains("suite")))
    throw core::LoadError(
        file, document.source.value_at(""),
        "this is a suite, not a gate file: give it with --suite (a gate file opens with gateway:)");
  schema::check_against_format(document, "schemas/gate.schema.json");
  const fs::path base = fs::path(file).parent_path();
  Args out;
  for (const auto& entry : kFileOptions) {
    const json::json_pointer pointer(entry.pointer);
    if (document.value.contains(pointer))
      add_option(document, base, entry, entry.pointer, document.value.at(pointer), out);
  }
  // The command runs where the file is, unless it says otherwise.
  if (document.value.contains(json::json_pointer("/gateway/command")) &&
      !document.value.contains(json::json_pointer("/gateway/cwd")))
    out.insert(out.begin(), {"--gateway-cwd", base.empty() ? "." : base.string()});
  return out;
}

// {port} and {upstream} in a setting.
std::string placed(std::string text, const std::string& port, const std::string& upstream) {
  for (const auto& [name, value] :
       {std::pair<std::string, std::string>{"{port}", port}, {"{upstream}", upstream}})
    for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + value.size()))
      text.replace(at, name.size(), value);
  return text;
}

// A loopback port nobody holds now (the gateway binds it a moment later).
std::string free_port() {
  mock::ServerOptions probe;
  probe.port = 0;
  probe.log_format = mock::LogFormat::none;
  probe.threads = 1;
  mock::Server server(probe);
  server.start();
  const auto port = std::to_string(server.port());
  server.stop();
  return port;
}

}  // namespace

namespace {

// The upstream: the mock on loopback, its admin API on for the journal and the suites' stubs.
mock::ServerOptions upstream_options(const Arguments& a, const std::string& admin_token) {
  mock::ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.port = 0;
  options.threads = 2;
  options.log_format = mock::LogFormat::none;
  if (const auto config = a.value("--upstream-config")) mock::apply_config_file(*config, options);
  if (const auto profile = a.value("--upstream-profile")) options.profile = vendor::load_profile(*profile);
  for (const auto& file : a.values("--upstream-stubs"))
    mock::apply_stub_file(file, options);
  options.admin_token = admin_token;
  options.host = "127.0.0.1";  // the upstream is the gateway's, on this machine only
  options.port = static_cast<std::uint16_t>(a.integer("--upstream-port", 0, 0, 65535));
  if (const std::string key = env_value(a, "--upstream-key-env"); !key.empty())
    options.keys.push_back({key, ""});
  return options;
}

// The bundled suites for the provider the mock plays: suites/gateway/<profile>/, or the OpenAI ones for an
// OpenAI-compatible provider.
std::vector<runner::Suite> bundled_gateway_suites(const vendor::Profile& upstream) {
  auto suites = runner::load_bundled_suites("suites/gateway/" + upstream.id + "/");
  return suites.empty() ? runner::load_bundled_suites("suites/gateway/openai/") : suites;
}

// Ready when `url` answers anything HTTP; a problem when the gateway ended first or the time ran out.
std::optional<std::string> wait_until_ready(const std::string& url, GatewayProcess* gateway,
                                            std::chrono::milliseconds timeout) {
  net::HttpClientOptions client;
  client.connect_timeout = std::chrono::seconds(1);
  client.read_timeout = std::chrono::seconds(5);
  client.total_timeout = std::chrono::seconds(6);
  client.keep_alive = false;
  net::HttpClient probe(client);
  const auto until = std::chrono::steady_clock::now() + timeout;
  std::string last = "no attempt";
  while (true) {
    if (gateway != nullptr)
      if (const auto ended = gateway->ended())
        return "the gateway command " + *ended + " before it was ready";
    net::HttpRequest request{"GET", url, {}, {}};
    request.deadline = until;  // no probe outlasts the readiness deadline
    const auto response = probe.send(request);
    if (response.status != 0) return std::nullopt;
    if (response.error) last = response.error->message;
    if (std::chrono::steady_clock::now() >= until)
      return "no HTTP answer from " + url + " within " + std::to_string(timeout.count()) + " ms (" + last +
             ")";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// A folder for the gateway's own files (a config it writes, its pid file), removed after the gate.
class WorkFolder {
 public:
  WorkFolder() {
    std::string pattern = (fs::temp_directory_path() / "gatecheck-gate-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a folder in /tmp");
    path_ = pattern;
  }
  ~WorkFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  WorkFolder(const WorkFolder&) = delete;
  WorkFolder& operator=(const WorkFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

GatewayLaunch launch_of(const Arguments& a, const std::string& port, const std::string& upstream,
                        const std::string& work) {
  GatewayLaunch launch;
  launch.command = placed(*a.value("--gateway-command"), port, upstream);
  launch.cwd = a.value("--gateway-cwd").value_or("");
  launch.env = {
      {"GATECHECK_UPSTREAM_URL", upstream}, {"GATECHECK_GATEWAY_PORT", port}, {"GATECHECK_WORK_DIR", work}};
  for (const auto& pair : a.values("--gateway-env")) {
    auto [name, value] = split_once(pair, '=', "--gateway-env");
    launch.env.emplace_back(name, placed(value, port, upstream));
  }
  launch.log_path = a.value("--gateway-log").value_or("out/gateway.log");
  if (const auto folder = fs::path(launch.log_path).parent_path(); !folder.empty())
    fs::create_directories(folder);
  return launch;
}

// Every secret the gate knows, masked in the gateway's log as in the reports.
core::Redactor gate_redactor(const runner::RunOptions& options, const mock::ServerOptions& upstream) {
  core::Redactor redactor;
  for (const auto& secret : {options.api_key, options.admin_token})
    redactor.add_secret(secret);
  for (const auto& key : upstream.keys)
    redactor.add_secret(key.key);
  return redactor;
}

// SIGINT, SIGTERM and SIGHUP (Ctrl-C, a CI job's timeout) stop the gateway before gatecheck goes, so nothing
// it started outlives it. Made before any thread starts: every thread inherits the blocked signals, and one
// waits for them.
class StopOnSignal {
 public:
  StopOnSignal() {
    sigemptyset(&signals_);
    for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1})
      sigaddset(&signals_, signal);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    waiter_ = std::thread([this] { wait(); });
  }
  ~StopOnSignal() {
    done_ = true;
    pthread_kill(waiter_.native_handle(), SIGUSR1);  // SIGUSR1: the gate is over
    waiter_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  // What to stop and remove when a signal comes.
  void watch(GatewayProcess* gateway, const std::string& work) {
    const std::lock_guard lock(mutex_);
    gateway_ = gateway;
    work_ = work;
  }

 private:
  void wait() {
    int received = SIGUSR1;
    while (received == SIGUSR1 && !done_)
      sigwait(&signals_, &received);
    if (done_) return;
    const std::lock_guard lock(mutex_);
    if (gateway_ != nullptr) gateway_->stop(std::chrono::seconds(2));
    std::error_code ignored;
    if (!work_.empty()) fs::remove_all(work_, ignored);
    std::fprintf(stderr, "gatecheck gate: stopped by signal %d, and the gateway with it\n", received);
    std::_Exit(128 + received);  // the mock's threads end with the process
  }

  sigset_t signals_{}, previous_{};
  std::atomic<bool> done_ = false;
  std::mutex mutex_;
  GatewayProcess* gateway_ = nullptr;
  std::string work_;
  std::thread waiter_;
};

int gate(const Arguments& a) {
  std::optional<GatewayProcess> gateway;  // outlives `signals`, which may still be stopping it
  StopOnSignal signals;
  if (!a.value("--gateway-command") && !a.value("--gateway-url"))
    throw UsageError("nothing to gate: give a gate file, --gateway-command or --gateway-url");
  runner::RunOptions options = read_options(a);
  const ReportFiles outputs = read_report_files(a);
  options.admin_token = "gatecheck-admin-" + core::to_hex(core::random_bytes(12));
  const mock::ServerOptions upstream_settings = upstream_options(a, options.admin_token);
  const auto suites = a.values("--suite").empty() ? bundled_gateway_suites(upstream_settings.profile)
                                                  : runner::load_suites(a.values("--suite"));
  options.target_is_mock = true;  // the mock answers behind the gateway: mock-only scenarios run
  if (list_selection(a, suites, options)) return kExitPassed;
  const auto ready_timeout = a.duration("--ready-timeout", std::chrono::seconds(60),
                                        std::chrono::milliseconds(1), std::chrono::hours(1));
  // 20+ characters: the journal keeps a mark of it, so upstream.client-key-withheld can judge.
  if (options.api_key.empty())
    options.api_key = "sk-gatecheck-client-" + core::to_hex(core::random_bytes(12));
  mock::Server upstream(upstream_settings);
  upstream.start();
  const std::string port = a.value("--gateway-command") ? free_port() : "";
  options.target = placed(a.value("--gateway-url").value_or("http://127.0.0.1:{port}"), port, upstream.url());
  options.mock_url = upstream.url();
  core::Headers headers;
  for (const auto& [name, value] : options.extra_headers)
    headers.add(name, placed(value, port, upstream.url()));
  options.extra_headers = std::move(headers);
  const WorkFolder work;
  if (a.value("--gateway-command"))
    gateway.emplace(launch_of(a, port, upstream.url(), work.path()),
                    gate_redactor(options, upstream_settings));
  signals.watch(gateway ? &*gateway : nullptr, work.path());
  const std::string ready_url =
      options.target + a.value("--ready-path").value_or(options.profile.base_path + "/models");
  if (const auto problem = wait_until_ready(ready_url, gateway ? &*gateway : nullptr, ready_timeout)) {
    if (gateway) gateway->stop();
    const std::string tail = gateway ? gateway->tail() : "";
    std::cerr << "error: the gateway did not become ready: " << *problem << "\n"
              << (gateway ? "its last output:\n" + (tail.empty() ? "  (no output)\n" : tail) : "");
    return kExitUnreachable;
  }
  const runner::RunReport report = run_with_progress(a, suites, options);
  if (gateway) {
    if (const auto ended = gateway->ended())  // it died under the run: the findings may be its death
      std::cerr << "warning: the gateway command " << *ended << " during the run; its last output:\n"
                << gateway->tail();
    gateway->stop();
  }
  upstream.stop();
  return write_reports(a, report, outputs);
}

}  // namespace

Command gate_spec() {
  return Command(
             "gatecheck gate",
             "Gate a gateway: the mock as its upstream, the suites through it, checks on what it forwarded.")
      .usage("gatecheck gate [GATE.yaml] [options]")
      .positional("GATE", "A gate file (schemas/gate.schema.json); options override it")
      .option("--gateway-command", "CMD",
              "Start the gateway with /bin/sh -c CMD ({port}: a free port, {upstream}: the mock's URL; "
              "$GATECHECK_WORK_DIR: a folder removed afterwards); use exec for the last command")
      .option("--gateway-url", "URL",
              "The gateway's base URL (default with a command: http://127.0.0.1:{port})")
      .option("--gateway-cwd", "DIR", "Where the command runs")
      .repeated("--gateway-env", "NAME=VALUE",
                "More environment for the command ({port}, {upstream} replaced)")
      .option("--gateway-log", "FILE", "The command's output, secrets masked (default out/gateway.log)")
      .option("--ready-path", "PATH", "Asked until any HTTP answer comes (default: base path + /models)")
      .option("--ready-timeout", "DURATION", "How long to wait for the gateway (default 60s)")
      .repeated("--header", "NAME:VALUE", "Header on every request to the gateway ({upstream} replaced)")
      .repeated("--plan-key", "PLAN=KEY",
                "A gateway key on one of its profile's plans (scenarios that require plan:PLAN)")
      .repeated("--plan-key-env", "PLAN=NAME", "The same, the key read from an environment variable")
      .option("--api-key-env", "NAME", "The key the client sends the gateway, from this variable")
      .option("--profile", "NAME|FILE", "What the gateway claims (default openai)")
      .option("--upstream-profile", "NAME|FILE",
              "The provider the mock plays: openai, anthropic, ... (default openai)")
      .option("--upstream-config", "FILE",
              "A mock config file for the upstream (keys, stubs, timing, faults)")
      .repeated("--upstream-stubs", "FILE", "Stub files for the upstream")
      .option(
          "--upstream-port", "PORT",
          "The mock's port, for a running gateway that forwards to a fixed address (default: any free one)")
      .option("--upstream-key-env", "NAME",
              "The only key the upstream accepts (the gateway's own), from this variable")
      .repeated("--suite", "FILE|DIR",
                "Suites to run (default: the bundled suites/gateway/<upstream profile>/)")
      .repeated("--tags", "TAG[,TAG]", "Only scenarios with one of these tags; !TAG excludes")
      .option("--grep", "REGEX", "Only scenarios whose 'suite / scenario' title matches")
      .option("--fail-on", "must|should", "Which failed checks fail the run (default must)")
      .option("--timeout", "SECONDS", "Per-request timeout (default 30)")
      .option("--max-duration", "DURATION", "The whole run (default 60m)")
      .with(declare_output_options)
      .flag("--list", "Print the selected scenarios and exit")
      .section("Exit codes",
               std::string(kExitCodeHelp) +
                   "; for gate also: the gateway exited or never answered (its output is shown)")
      .section("Examples",
               "  gatecheck gate gate.yaml\n"
               "  gatecheck gate --gateway-command 'litellm --port {port} --config litellm.yaml' \\\n"
               "      --gateway-env OPENAI_API_BASE={upstream}/v1 --report junit=out/gate.xml\n"
               "  gatecheck gate --gateway-url http://127.0.0.1:8080 --upstream-stubs upstream.yaml");
}

int gate_main(const Args& args) {
  // A gate file first, so the options given after it win (a repeated option adds to the file's).
  return run_command(gate_spec(), args, gate, [](const Arguments& parsed, const Args& given) {
    if (parsed.positionals().empty()) return given;
    Args all = file_arguments(parsed.positionals().front());
    all.insert(all.end(), given.begin(), given.end());
    return all;
  });
}

}  // namespace gatecheck::cli
