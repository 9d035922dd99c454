// The mock: an OpenAI-compatible HTTP server that plays a vendor profile deterministically and breaks on
// purpose.
//
//   mock::ServerOptions options;
//   options.profile = vendor::load_profile("openai");
//   mock::Server server(std::move(options));
//   server.start();                        // listening when it returns
//   http://127.0.0.1:<server.port()>/v1/chat/completions ...
//   server.stop();                         // open streams are ended, threads joined
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/mock/faults.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck::mock {

struct KeyConfig {
  std::string key;
  std::string plan;  // a plan of the profile's rate_limits; empty: the default plan
};

enum class LogFormat { text, json, none };

// How recordings are matched and played (docs/fixtures.md, Replay).
struct ReplayOptions {
  // What makes two requests the same: "method", "path", "query", "body" (JSON compared canonically, the
  // ignored fields removed) and "header:NAME".
  std::vector<std::string> key = {"method", "path", "body"};
  std::vector<std::string> ignore = {"$.user", "$.metadata"};  // JSONPath: volatile request fields
  double speed = 1.0;  // recorded timing divided by this; 0: no waiting at all
  // An unmatched request under the base path: false, a 404 naming the nearest recording; true, on to the
  // mock's generated answers.
  bool fallthrough = false;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the system picks one (see port())
  unsigned threads = 0;    // 0: one per core
  vendor::Profile profile;
  std::uint64_t seed = 0;                               // mixed into every generated answer
  std::optional<std::int64_t> fixed_clock;              // makes `created` stable
  std::vector<FaultSpec> faults;                        // applied to every request
  std::vector<KeyConfig> keys;                          // empty: any non-empty key is accepted
  std::string admin_token;                              // empty: the /admin API is off
  std::optional<std::uint32_t> time_to_first_token_ms;  // override the profile's timing
  std::optional<std::uint32_t> inter_token_ms;
  // Stubs (schemas/stub.schema.json; docs/mock.md, Stubs): a request pattern plus a response definition,
  // checked when the server starts (std::invalid_argument naming the stub and what is wrong).
  std::vector<nlohmann::json> stubs;
  bool strict_stubs = false;  // a request under the base path no stub matches: 404 with the nearest stubs
  // A recording proxy (docs/fixtures.md): a request no stub answers is passed to this URL (path and query
  // appended), its answer streamed back as it arrives.
  std::string proxy_url;
  // Fixtures (docs/fixtures.md). --record: every answer (generated, stubbed, proxied) goes to a cassette in
  // this folder as it went out, masked first: the keys, the admin token, credential headers and these JSON
  // fields (JSONPath).
  std::string record_dir;
  std::vector<std::string> redact_fields;
  std::size_t record_body_bytes = 64 * 1024 * 1024;  // of one answer, recorded; past it: cut and marked
  // --replay: cassettes (files or folders) answered from, after stubs and before generated answers.
  std::vector<std::string> replay;
  ReplayOptions replay_options;
  LogFormat log_format = LogFormat::text;
  std::ostream* log = nullptr;  // where request lines go (null: std::cerr)
  // Bounds, so one hostile or careless client cannot exhaust the host (docs/limits.md).
  std::chrono::seconds idle_timeout{60};  // a request must arrive whole within this; else the connection goes
  std::chrono::seconds write_timeout{30};  // every write must finish within this; else the connection goes
  std::size_t journal_size = 1000;         // requests kept for /admin/requests, oldest evicted
  std::size_t journal_body_bytes = 64 * 1024;  // of each request's body, kept in the journal
  std::size_t max_connections = 1000;        // open at once, over all workers; more get a 503 and are closed
  std::size_t max_header_bytes = 64 * 1024;  // request line and headers; more: 431 and the connection closes
  std::uint64_t max_generated_tokens = 1'000'000;  // n x length of one answer; more: a 400 naming `n`
  std::size_t max_tracked_keys = 100'000;  // rate-limited keys remembered; the least recently seen go first
};

// Reads a mock config file (schemas/mock-config.schema.json) over `options`; throws core::LoadError with
// positions.
void apply_config_file(const std::string& path, ServerOptions& options);
// Adds the stubs of a file (YAML or JSON): one stub, a list of them, or an object with `stubs:`. Throws
// core::LoadError with positions.
void apply_stub_file(const std::string& path, ServerOptions& options);

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the worker threads; throws std::runtime_error when the address cannot be bound.
  void start();
  std::uint16_t port() const;
  std::string url() const;  // http://host:port
  // What this session does beyond serving, once started ("replaying 533 recordings", "recording to FILE").
  std::vector<std::string> notes() const;
  // Stops accepting, ends open streams (they finish with their closing events), joins the threads.
  void stop();
  // Blocks until stop() is called from elsewhere (or a signal handler calls it).
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatecheck::mock
