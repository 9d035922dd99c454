// The real `gatecheck mock` binary: port on the first line, clean shutdown on SIGTERM, clear usage errors.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include <gatecheck/net/http_client.hpp>

#include "child_process.hpp"

namespace gatecheck {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::gatecheck_binary;
using testing::run_program;

TEST(MockCommand, PrintsItsPortServesAndStopsCleanlyOnSigterm) {
  ChildProcess mock({gatecheck_binary(), "mock", "--port", "0", "--log-json"});
  const auto line = mock.read_line(10s);
  ASSERT_TRUE(line.has_value()) << mock.error_output();
  const int port = std::stoi(*line);
  ASSERT_GT(port, 0);
  net::HttpClient client;
  const auto response = client.send({"GET",
                                     "http://127.0.0.1:" + std::to_string(port) + "/v1/models",
                                     {{"Authorization", "Bearer sk-test"}},
                                     {}});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response.status, 200);
  mock.signal(SIGTERM);
  const auto code = mock.wait(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  const std::string log = mock.error_output();
  EXPECT_NE(log.find("\"path\":\"/v1/models\""), std::string::npos) << log;
  EXPECT_NE(log.find("stopping"), std::string::npos) << log;
}

TEST(MockCommand, BindsLoopbackByDefault) {
  ChildProcess mock({gatecheck_binary(), "mock", "--port", "0", "--quiet"});
  ASSERT_TRUE(mock.read_line(10s).has_value());
  // The banner goes to stderr right after the port line; give it a moment, and wait for the whole line (a
  // read may end mid-banner).
  for (int i = 0; i < 100 && mock.error_output().find("(Ctrl-C stops it)") == std::string::npos; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(mock.error_output().find("listening on http://127.0.0.1:"), std::string::npos)
      << mock.error_output();
}

TEST(MockCommand, WarnsWhenListeningBeyondLoopbackWithoutAKeyList) {
  // Listens on every interface for a moment; nothing is sent to it.
  ChildProcess open({gatecheck_binary(), "mock", "--port", "0", "--quiet", "--host", "0.0.0.0"});
  ASSERT_TRUE(open.read_line(10s).has_value()) << open.error_output();
  EXPECT_NE(open.error_output().find("warning: listening on 0.0.0.0 without --key"), std::string::npos)
      << open.error_output();
  ChildProcess keyed({gatecheck_binary(), "mock", "--port", "0", "--quiet", "--host", "0.0.0.0", "--key",
                      "sk-only-this-one"});
  ASSERT_TRUE(keyed.read_line(10s).has_value()) << keyed.error_output();
  ChildProcess local({gatecheck_binary(), "mock", "--port", "0", "--quiet"});
  ASSERT_TRUE(local.read_line(10s).has_value()) << local.error_output();
  EXPECT_EQ(keyed.error_output().find("warning"), std::string::npos) << keyed.error_output();
  EXPECT_EQ(local.error_output().find("warning"), std::string::npos) << local.error_output();
}

TEST(MockCommand, ListsItsFaults) {
  const auto result = run_program({gatecheck_binary(), "mock", "--list-faults"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("no-done"), std::string::npos);
  EXPECT_NE(result.out.find("sse.done-sentinel"), std::string::npos);
}

TEST(MockCommand, UsageErrorsExitWithTwoAndSayWhy) {
  const auto fault = run_program({gatecheck_binary(), "mock", "--fault", "no-such"});
  EXPECT_EQ(fault.exit_code, 2);
  EXPECT_NE(fault.err.find("unknown fault 'no-such'"), std::string::npos) << fault.err;
  const auto profile = run_program({gatecheck_binary(), "mock", "--profile", "nowhere"});
  EXPECT_EQ(profile.exit_code, 2);
  EXPECT_NE(profile.err.find("unknown profile 'nowhere'"), std::string::npos) << profile.err;
  const auto port = run_program({gatecheck_binary(), "mock", "--port", "99999"});
  EXPECT_EQ(port.exit_code, 2);
  EXPECT_NE(port.err.find("--port expects a whole number from 0 to 65535"), std::string::npos) << port.err;
}

}  // namespace
}  // namespace gatecheck

namespace gatecheck {
namespace {

using namespace std::chrono_literals;

TEST(MockCommand, APortAnotherMockServesIsAnErrorEvenWithSeveralThreads) {
  testing::ChildProcess first(
      {testing::gatecheck_binary(), "mock", "--port", "0", "--quiet", "--threads", "2"});
  const auto port = first.read_line(10s);
  ASSERT_TRUE(port.has_value()) << first.error_output();
  const auto second = testing::run_program(
      {testing::gatecheck_binary(), "mock", "--port", *port, "--quiet", "--threads", "2"}, 10s);
  EXPECT_NE(second.exit_code, 0) << "two mocks silently sharing a port would split the traffic";
  EXPECT_NE(second.err.find("cannot listen"), std::string::npos) << second.err;
}

}  // namespace
}  // namespace gatecheck

namespace gatecheck {
namespace {

using namespace std::chrono_literals;

TEST(MockCommand, ServesAStubFileStrictlyAndRefusesABadOneNamingWhere) {
  const auto dir = std::filesystem::temp_directory_path() / "gatecheck-mock-cli-stubs";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "good.yaml")
      << "id: models\nrequest: {method: GET, path: /v1/models}\nresponse: {json: {data: []}}\n";
  std::ofstream(dir / "bad.yaml") << "request: {path: /v1/models}\nresponse:\n  delay: {fixed_ms: -1}\n";
  const auto bad = testing::run_program(
      {testing::gatecheck_binary(), "mock", "--port", "0", "--stubs", (dir / "bad.yaml").string()}, 10s);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.yaml:3:"), std::string::npos) << bad.err;
  testing::ChildProcess mock({testing::gatecheck_binary(), "mock", "--port", "0", "--quiet", "--strict-stubs",
                              "--stubs", (dir / "good.yaml").string()});
  const auto port = mock.read_line(10s);
  ASSERT_TRUE(port.has_value()) << mock.error_output();
  net::HttpClient client;
  const std::string base = "http://127.0.0.1:" + *port;
  EXPECT_EQ(client.send({"GET", base + "/v1/models", {}, {}}).body, R"({"data":[]})");
  const auto unmatched = client.send({"GET", base + "/v1/models/gpt-4o", {}, {}});
  EXPECT_EQ(unmatched.status, 404);
  EXPECT_NE(unmatched.body.find("Nearest: models"), std::string::npos) << unmatched.body;
  std::filesystem::remove_all(dir);
}

TEST(MockCommand, ReplaysTheCommittedFixturesAndRefusesABadCassetteNamingWhere) {
  const auto dir = std::filesystem::temp_directory_path() / "gatecheck-mock-cli-replay";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.jsonl") << "{\"cassette\": 1, \"request\": {\"method\": \"GET\", \"url\": \"/\"}, "
                                      "\"response\": {}}\n";
  const auto bad = testing::run_program(
      {testing::gatecheck_binary(), "mock", "--port", "0", "--replay", (dir / "bad.jsonl").string()}, 10s);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.jsonl:1:"), std::string::npos) << bad.err;
  const auto speed =
      testing::run_program({testing::gatecheck_binary(), "mock", "--replay-speed", "fast"}, 10s);
  EXPECT_EQ(speed.exit_code, 2);
  EXPECT_NE(speed.err.find("--replay-speed"), std::string::npos) << speed.err;
  const auto key = testing::run_program(
      {testing::gatecheck_binary(), "mock", "--port", "0", "--replay-key", "method,colour", "--replay",
       std::string(GATECHECK_SOURCE_DIR) + "/fixtures/profiles/openai/models"},
      10s);
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_NE(key.err.find("'colour' is not a key part"), std::string::npos) << key.err;
  const auto alone = testing::run_program({testing::gatecheck_binary(), "mock", "--replay-fallthrough"}, 10s);
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("--replay-fallthrough needs --replay"), std::string::npos) << alone.err;

  testing::ChildProcess mock({testing::gatecheck_binary(), "mock", "--port", "0", "--quiet", "--replay-speed",
                              "0", "--replay",
                              std::string(GATECHECK_SOURCE_DIR) + "/fixtures/profiles/openai/models"});
  const auto port = mock.read_line(10s);
  ASSERT_TRUE(port.has_value()) << mock.error_output();
  net::HttpClient client;
  const std::string base = "http://127.0.0.1:" + *port;
  const auto listed = client.send({"GET", base + "/v1/models", {}, {}});
  EXPECT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find("\"object\":\"list\""), std::string::npos) << listed.body;
  const auto unknown = client.send({"GET", base + "/v1/models/no-such-model-gatecheck", {}, {}});
  EXPECT_EQ(unknown.status, 404);  // recorded so
  EXPECT_NE(unknown.body.find("model_not_found"), std::string::npos) << unknown.body;
  const auto unmatched = client.send({"GET", base + "/v1/files", {}, {}});
  EXPECT_EQ(unmatched.status, 404);
  EXPECT_NE(unmatched.body.find("no_recording_matched"), std::string::npos) << unmatched.body;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gatecheck
