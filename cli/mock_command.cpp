// gatecheck mock
#include <csignal>
#include <iostream>
#include <pthread.h>

#include <gatecheck/mock/server.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace gatecheck::cli {
namespace {

// Recording, proxying and replay (docs/fixtures.md).
void apply_fixtures(const Arguments& a, mock::ServerOptions& options) {
  if (const auto url = a.value("--proxy")) {
    if (!url->starts_with("http://") && !url->starts_with("https://"))
      throw UsageError("--proxy expects the http:// or https:// URL of a gateway or provider, got '" + *url +
                       "'");
    options.proxy_url = *url;
  }
  if (const auto dir = a.value("--record")) options.record_dir = *dir;
  options.redact_fields = a.json_paths("--redact-field");
  options.replay = a.values("--replay");
  auto& replay = options.replay_options;
  if (const auto speed = a.value("--replay-speed")) {
    std::size_t used = 0;
    try {
      replay.speed = std::stod(*speed, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != speed->size() || !(replay.speed >= 0 && replay.speed <= 1000))
      throw UsageError("--replay-speed expects a number from 0 to 1000, got '" + *speed + "'");
  }
  if (a.value("--replay-key")) replay.key = a.list("--replay-key");
  for (const auto& field : a.json_paths("--replay-ignore"))
    replay.ignore.push_back(field);
  replay.fallthrough = a.flag("--replay-fallthrough");
  if (options.replay.empty())
    for (const char* option : {"--replay-speed", "--replay-key", "--replay-ignore", "--replay-fallthrough"})
      if (a.flag(option) || a.value(option)) throw UsageError(std::string(option) + " needs --replay");
}

// Every bound has an option (docs/limits.md).
void apply_limits(const Arguments& a, mock::ServerOptions& options) {
  const auto size = [&](const char* name, std::size_t current, std::int64_t min, std::int64_t max) {
    return static_cast<std::size_t>(a.integer(name, static_cast<std::int64_t>(current), min, max));
  };
  options.max_connections = size("--max-connections", options.max_connections, 1, 1'000'000);
  options.max_header_bytes = size("--max-header-bytes", options.max_header_bytes, 1024, 16 * 1024 * 1024);
  options.idle_timeout =
      std::chrono::seconds(a.integer("--idle-timeout", options.idle_timeout.count(), 1, 86'400));
  options.write_timeout =
      std::chrono::seconds(a.integer("--write-timeout", options.write_timeout.count(), 1, 86'400));
  options.max_generated_tokens = size("--max-generated-tokens", options.max_generated_tokens, 1, 100'000'000);
  options.max_tracked_keys = size("--max-tracked-keys", options.max_tracked_keys, 1, 100'000'000);
  options.journal_size = size("--journal-size", options.journal_size, 1, 1'000'000);
  options.journal_body_bytes = size("--journal-body-bytes", options.journal_body_bytes, 0, 16 * 1024 * 1024);
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// Off loopback without a key list, anyone who can reach the address may use the mock: say so.
void warn_if_exposed(const std::string& host, std::size_t keys) {
  if (is_loopback(host) || keys > 0) return;
  std::cerr << "warning: listening on " << host
            << " without --key: anyone who can reach this address may use the mock (and, with the admin "
               "token, its admin API). Use --key, or bind 127.0.0.1.\n";
}

// The options, from the config file first and then the command line over it.
mock::ServerOptions server_options(const Arguments& a) {
  mock::ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.port = 8080;
  if (const auto config = a.value("--config")) mock::apply_config_file(*config, options);
  if (const auto profile = a.value("--profile")) options.profile = vendor::load_profile(*profile);
  if (const auto host = a.value("--host")) options.host = *host;
  options.port = static_cast<std::uint16_t>(a.integer("--port", options.port, 0, 65535));
  options.threads = static_cast<unsigned>(a.integer("--threads", options.threads, 0, 256));
  options.seed =
      static_cast<std::uint64_t>(a.integer("--seed", static_cast<std::int64_t>(options.seed), 0, INT64_MAX));
  if (a.value("--fixed-clock")) options.fixed_clock = a.integer("--fixed-clock", 0, 0, INT64_MAX);
  if (a.value("--ttft-ms"))
    options.time_to_first_token_ms = static_cast<std::uint32_t>(a.integer("--ttft-ms", 0, 0, 600000));
  if (a.value("--itl-ms"))
    options.inter_token_ms = static_cast<std::uint32_t>(a.integer("--itl-ms", 0, 0, 60000));
  if (const auto token = a.value("--admin-token")) {
    if (token->size() < 8) throw UsageError("--admin-token must be at least 8 characters");
    options.admin_token = *token;
  }
  for (const auto& fault : a.values("--fault")) {
    try {
      for (const auto& spec : mock::parse_fault_list(fault))
        options.faults.push_back(spec);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--fault: ") + e.what());
    }
  }
  for (const auto& key : a.values("--key")) {
    const auto colon = key.rfind(':');
    mock::KeyConfig config{key, ""};
    if (colon != std::string::npos && colon > 0) {
      const std::string plan = key.substr(colon + 1);
      if (options.profile.rate_limits.plans.count(plan) > 0) config = {key.substr(0, colon), plan};
    }
    if (!config.plan.empty() || colon == std::string::npos || colon == 0) {
      options.keys.push_back(config);
    } else {
      throw UsageError("--key " + key + ": '" + key.substr(colon + 1) + "' is not a plan of profile " +
                       options.profile.id);
    }
  }
  for (const auto& file : a.values("--stubs"))
    mock::apply_stub_file(file, options);
  if (a.flag("--strict-stubs")) options.strict_stubs = true;
  apply_limits(a, options);
  apply_fixtures(a, options);
  if (a.flag("--log-json")) options.log_format = mock::LogFormat::json;
  if (a.flag("--quiet")) options.log_format = mock::LogFormat::none;
  return options;
}

int run(const Arguments& a) {
  if (a.flag("--list-faults")) {
    for (const auto& info : mock::fault_catalog()) {
      std::string name(info.name);
      name.resize(28, ' ');
      std::cout << name << info.defect << "  [" << info.check << "]\n";
    }
    return kExitPassed;
  }
  mock::ServerOptions options = server_options(a);

  // Block SIGINT/SIGTERM before any thread starts, so every worker inherits the mask and sigwait() below gets
  // them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string server_host = options.host;
  const std::size_t server_keys = options.keys.size();
  mock::Server server(std::move(options));
  try {
    server.start();
  } catch (const std::runtime_error& e) {  // the address, or a recording that cannot be read
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::invalid_argument& e) {  // a --proxy URL, a replay key part, a field path
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
  warn_if_exposed(server_host, server_keys);
  std::cout << server.port() << std::endl;  // the first line: the port, for scripts that asked for --port 0
  std::cerr << "gatecheck mock listening on " << server.url() << " (Ctrl-C stops it)\n";
  for (const auto& note : server.notes())
    std::cerr << "gatecheck mock: " << note << "\n";
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "gatecheck mock: stopping (signal " << received << ")\n";
  server.stop();
  return kExitPassed;
}

}  // namespace

Command mock_spec() {
  return Command("gatecheck mock",
                 "Serve an OpenAI-compatible mock that plays a vendor profile and breaks on purpose.")
      .usage("gatecheck mock [options]")
      .option("--host", "ADDR", "Address to bind (default 127.0.0.1; use 0.0.0.0 only on purpose)")
      .option("--port", "N", "Port (default 8080; 0 picks a free one and prints it on the first line)")
      .option("--profile", "NAME|FILE", "Vendor profile to play (default openai)")
      .option("--seed", "N", "Seed mixed into every generated answer (default 0)")
      .option("--fixed-clock", "UNIX_SECONDS",
              "Use this time for every `created`, for byte-identical answers")
      .option("--config", "FILE.yaml",
              "Mock configuration (keys, plans, faults, stubs, timing); options override it")
      .repeated("--stubs", "FILE",
                "Stubs to serve: one stub, a list, or an object with stubs: (YAML or JSON)")
      .flag("--strict-stubs",
            "A request under the base path that no stub matches gets a 404 naming the nearest stubs")
      .option("--proxy", "URL",
              "Pass every request no stub answers to this gateway or provider (path and query appended)")
      .option("--record", "DIR",
              "Record every answer (generated, stubbed, proxied) to DIR/mock-<time>-<pid>.jsonl, masked")
      .repeated("--redact-field", "JSONPATH", "Also mask this JSON field in recorded bodies, e.g. $.user")
      .repeated("--replay", "DIR|FILE", "Answer from these recordings (cassettes, folders of them)")
      .option("--replay-speed", "X", "Play recorded timing X times as fast (default 1; 0: no waiting)")
      .option("--replay-key", "PARTS",
              "What makes requests the same: method,path,query,body,header:NAME (default method,path,body)")
      .repeated("--replay-ignore", "JSONPATH",
                "Another volatile request field left out of the body key ($.user and $.metadata always are)")
      .flag("--replay-fallthrough",
            "An unmatched request gets a generated answer (default: a 404 naming the nearest recording)")
      .option("--journal-size", "N", "Requests kept for /admin/requests (default 1000)")
      .option("--journal-body-bytes", "N",
              "Bytes of each request body and of each answer kept in the journal (default 65536)")
      .option("--threads", "N", "Worker threads (default: one per core)")
      .repeated("--fault", "NAME[=N]", "Apply a fault to every request (see --list-faults)")
      .repeated("--key", "KEY[:PLAN]", "Accept only these API keys (default: any non-empty key)")
      .option("--admin-token", "TOKEN", "Enable the /admin API with this bearer token")
      .option("--ttft-ms", "MS", "Time to first token for streams (overrides the profile)")
      .option("--itl-ms", "MS", "Delay between streamed tokens (overrides the profile)")
      .option("--max-connections", "N", "Open connections at once; more get a 503 (default 1000)")
      .option("--max-header-bytes", "N", "Request line and headers; more get a 431 (default 65536)")
      .option("--idle-timeout", "SECONDS", "A request must arrive whole within this (default 60)")
      .option("--write-timeout", "SECONDS",
              "An answer, or each write of a stream, must be written within this (default 30)")
      .option("--max-generated-tokens", "N", "n x length of one answer; more get a 400 (default 1000000)")
      .option("--max-tracked-keys", "N", "API keys the rate limiter remembers (default 100000)")
      .flag("--log-json", "Log one JSON object per request instead of a text line")
      .flag("--quiet", "Do not log requests")
      .flag("--list-faults", "Print the fault catalog and exit")
      .section("Per-request control headers",
               "  x-gatecheck-fault: NAME[=N],...     faults for this request only\n"
               "  x-gatecheck-ttft-ms / x-gatecheck-itl-ms: MS   stream timing for this request\n"
               "  x-gatecheck-stream-error-after: N   end the stream with an error event after N tokens")
      .section("Examples",
               "  gatecheck mock --port 0\n"
               "  gatecheck mock --profile simosphere --key sk-simo-test:starter --itl-ms 20\n"
               "  gatecheck mock --fault no-done --fault slow-first-byte=2000\n"
               "  gatecheck mock --stubs upstream.yaml --strict-stubs --admin-token $TOKEN\n"
               "  gatecheck mock --proxy https://gw.example.com --record fixtures/gw   # a recording proxy\n"
               "  gatecheck mock --replay fixtures/gw --replay-speed 0                  # offline, at once");
}

int mock_main(const Args& args) {
  return run_command(mock_spec(), args, run);
}

}  // namespace gatecheck::cli
