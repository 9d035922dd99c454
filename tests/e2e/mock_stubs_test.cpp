// Stubs over real sockets: a proxying stub passes a stream through as it arrives, the journal records when
// the first and last bytes went out, and stub files name file:line:column for a mistake.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/vendor/profile.hpp>

namespace gatecheck {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kToken = "admin-token-e2e-stubs";

mock::ServerOptions options_with(std::vector<json> stubs = {}) {
  mock::ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.threads = 1;
  options.log_format = mock::LogFormat::none;
  options.admin_token = kToken;
  options.fixed_clock = 1700000000;
  options.stubs = std::move(stubs);
  return options;
}

net::HttpResponse send(const std::string& method, const std::string& url, const std::string& body = "",
                       const net::ResponseHooks& hooks = {}) {
  net::HttpClient client;
  net::HttpRequest request{method, url, {{"Authorization", "Bearer sk-e2e-stub-key"}}, body};
  if (url.find("/admin/") != std::string::npos)
    request.headers.set("Authorization", std::string("Bearer ") + kToken);
  if (!body.empty()) request.headers.add("Content-Type", "application/json");
  return client.send(request, hooks);
}

json journal(const mock::Server& server) {
  return json::parse(send("GET", server.url() + "/admin/requests").body)["data"];
}

TEST(ProxyStub, PassesAStreamThroughAsItArrivesAndTheUpstreamSeesTheRequest) {
  auto upstream_options = options_with();
  upstream_options.inter_token_ms = 40;
  upstream_options.time_to_first_token_ms = 0;
  mock::Server upstream(std::move(upstream_options));
  upstream.start();
  mock::Server front(options_with(
      {{{"request", {{"path", {{"starts_with", "/v1/"}}}}},
        {"response", {{"proxy", {{"url", upstream.url()}, {"headers", {{"x-via", "front"}}}}}}}},
       {{"request", {{"path", {{"starts_with", "/upstream/"}}}}},
        {"response", {{"proxy", {{"url", upstream.url() + "/v1"}, {"strip_prefix", "/upstream"}}}}}}}));
  front.start();
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  net::ResponseHooks hooks;
  hooks.on_event = [&](core::SseEvent&&) { arrivals.push_back(std::chrono::steady_clock::now()); };
  const auto streamed =
      send("POST", front.url() + "/v1/chat/completions",
           R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"count to ten"}]})",
           hooks);
  ASSERT_TRUE(streamed.ok()) << streamed.error->message;
  EXPECT_EQ(streamed.status, 200);
  ASSERT_GE(arrivals.size(), 5u);
  EXPECT_GT(arrivals.back() - arrivals.front(), 40ms * (arrivals.size() - 2) / 2)
      << "events arrive paced, not buffered until the end";
  const json seen = journal(upstream);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["headers"]["x-via"], "front");
  EXPECT_EQ(seen[0]["path"], "/v1/chat/completions");
  const auto direct =
      send("POST", upstream.url() + "/v1/embeddings", R"({"model":"text-embedding-3-small","input":"x"})");
  const auto proxied =
      send("POST", front.url() + "/v1/embeddings", R"({"model":"text-embedding-3-small","input":"x"})");
  EXPECT_EQ(proxied.status, 200);
  EXPECT_EQ(proxied.body, direct.body) << "a JSON answer comes back whole and unchanged";
  const auto prefixed = send("GET", front.url() + "/upstream/models?limit=1");
  EXPECT_EQ(prefixed.status, 200) << prefixed.body;
  EXPECT_EQ(journal(upstream)[0]["url"], "/v1/models?limit=1") << "the prefix stripped, the query kept";
  const json front_seen = journal(front);
  ASSERT_GE(front_seen.size(), 3u);
  const json& stream_entry = front_seen[2];
  EXPECT_EQ(stream_entry["stub"], "stub_1");
  EXPECT_GE(stream_entry["events"].get<int>(), 1);
  EXPECT_GE(stream_entry["last_byte_ms"].get<double>(), stream_entry["first_byte_ms"].get<double>() + 40.0)
      << "first and last byte times bracket the paced stream";
  front.stop();
  upstream.stop();
}

TEST(ProxyStub, AnUpstreamThatCannotBeReachedIsA502NamingIt) {
  mock::Server front(options_with({{{"response", {{"proxy", {{"url", "http://127.0.0.1:1"}}}}}}}));
  front.start();
  const auto answer = send("GET", front.url() + "/v1/models");
  EXPECT_EQ(answer.status, 502);
  EXPECT_THAT(answer.body, HasSubstr("http://127.0.0.1:1"));
  EXPECT_THAT(answer.body, HasSubstr("proxy_error"));
  front.stop();
}

TEST(Journal, RecordsWhenThePlainAnswerWentOut) {
  mock::Server server(
      options_with({{{"response", {{"json", {{"ok", true}}}, {"delay", {{"fixed_ms", 60}}}}}}}));
  server.start();
  EXPECT_EQ(send("GET", server.url() + "/v1/models").status, 200);
  const json entry = journal(server)[0];
  EXPECT_GE(entry["first_byte_ms"].get<double>(), 55.0) << "after the stub's delay";
  EXPECT_GE(entry["last_byte_ms"].get<double>(), entry["first_byte_ms"].get<double>());
  EXPECT_EQ(entry["events"], nullptr);
  server.stop();
}

TEST(StubFiles, AMistakeNamesFileLineAndColumnAndAGoodFileServes) {
  const auto dir = std::filesystem::temp_directory_path() / "gatecheck-stub-files";
  std::filesystem::create_directories(dir);
  const auto bad = dir / "bad.yaml";
  std::ofstream(bad) << "- request: {path: /v1/models}\n  response: {json: {}}\n"
                        "- request:\n    json:\n      $.model: {regex: '^gpt'}\n  response: {json: {}}\n";
  mock::ServerOptions options = options_with();
  try {
    mock::apply_stub_file(bad.string(), options);
    FAIL() << "expected a load error";
  } catch (const core::LoadError& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.yaml:5:"));
    EXPECT_THAT(e.what(), HasSubstr("did you mean 'matches'"));
  }
  const auto config = dir / "mock.yaml";
  std::ofstream(config) << "strict_stubs: true\njournal_size: 5\nstubs:\n"
                           "  - request: {method: GET, path: /v1/models}\n    response: {json: {data: []}}\n";
  options = options_with();
  mock::apply_config_file(config.string(), options);
  EXPECT_TRUE(options.strict_stubs);
  EXPECT_EQ(options.journal_size, 5u);
  mock::Server server(std::move(options));
  server.start();
  EXPECT_EQ(send("GET", server.url() + "/v1/models").body, R"({"data":[]})");
  EXPECT_EQ(send("GET", server.url() + "/v1/models/gpt-4o").status, 404)
      << "strict: no stub, no generated answer";
  server.stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gatecheck

namespace gatecheck {
namespace {

TEST(ProxyStub, AWaitForTheUpstreamHoldsNoWorkerAndThePathCannotNameAnotherHost) {
  mock::Server upstream(options_with({json::parse(
      R"({"request": {"path": "/v1/slow"}, "response": {"json": {"slow": true}, "delay": {"fixed_ms": 1500}}})")}));
  upstream.start();
  mock::Server front(options_with({json::parse(R"({"response": {"proxy": {"url": ")" + upstream.url() +
                                               R"(", "strip_prefix": "/up"}}})")}));
  front.start();  // one worker thread (options_with)
  std::thread slow([&] { EXPECT_EQ(send("GET", front.url() + "/v1/slow").body, R"({"slow":true})"); });
  std::this_thread::sleep_for(200ms);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(send("GET", front.url() + "/health").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 700ms)
      << "the only worker is not waiting on the upstream";
  slow.join();
  EXPECT_EQ(send("GET", front.url() + "/upper/v1/models").status, 404) << "the upstream's own 404, passed on";
  EXPECT_EQ(journal(upstream)[0]["url"], "/upper/v1/models")
      << "a prefix is stripped only at a segment boundary";
  const json seen = journal(front);
  const auto slow_entry =
      std::find_if(seen.begin(), seen.end(), [](const json& e) { return e["path"] == "/v1/slow"; });
  ASSERT_NE(slow_entry, seen.end());
  EXPECT_EQ((*slow_entry)["status"], 200) << "the journal learns a proxied answer's status when it is sent";
  front.stop();
  upstream.stop();
}

TEST(StubAnswers, ABodilessStatusKeepsTheConnectionsNextAnswerWhole) {
  mock::Server server(
      options_with({json::parse(R"({"request": {"path": "/v1/empty"}, "response": {"status": 204}})")}));
  server.start();
  net::HttpClient client;  // one kept-alive connection for both
  const net::HttpRequest empty{"GET", server.url() + "/v1/empty", {}, {}};
  EXPECT_EQ(client.send(empty).status, 204);
  const auto next = client.send({"GET", server.url() + "/health", {}, {}});
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, R"({"status":"ok"})");
  server.stop();
}

}  // namespace
}  // namespace gatecheck
