// The real `gatecheck run`, `checks` and `report` binaries: exit codes, reports on disk, clear errors.
#include <arpa/inet.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/schema/validator.hpp>

#include "child_process.hpp"
#include "loopback_listener.hpp"

namespace gatecheck {
namespace {

using namespace std::chrono_literals;
using testing::gatecheck_binary;
using testing::run_program;

std::filesystem::path scratch(const std::string& name) {
  return testing::scratch_path("run-cli", name);
}

TEST(RunCommand, BundledSuitesPassAgainstTheEmbeddedMockAndWriteReports) {
  const auto junit = scratch("junit.xml"), json = scratch("report.json"), html = scratch("report.html");
  const auto result = run_program({gatecheck_binary(), "run", "--report", "junit=" + junit.string(),
                                   "--report", "json=" + json.string(), "--report", "html=" + html.string()},
                                  120s);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("PASSED"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("(embedded mock)"), std::string::npos);
  const auto report = core::load_document(json);
  EXPECT_EQ(report.value["format"], "gatecheck-report/1");
  EXPECT_EQ(report.value["passed"], true);
  EXPECT_GE(report.value["totals"]["scenarios"].get<int>(), 30);
  EXPECT_NE(core::read_file(junit).find("<testsuites name=\"gatecheck\""), std::string::npos);
  EXPECT_NE(core::read_file(html).find("PASSED"), std::string::npos);
}

TEST(RunCommand, AFaultyTargetExitsOneNamingTheCheckAndTheSuiteLine) {
  const auto result = run_program(
      {gatecheck_binary(), "run", "--grep", "stream follows every SSE rule", "--mock-fault", "no-done"}, 60s);
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("sse.done-sentinel"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("suites/openai/streaming.yaml:"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("expected: data: [DONE]"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("FAILED"), std::string::npos);
}

TEST(RunCommand, ShouldLevelFailuresFailOnlyWithFailOnShould) {
  const std::vector<std::string> base = {gatecheck_binary(), "run",
                                         "--grep",           "an answer carries the rate-limit headers",
                                         "--mock-fault",     "ratelimit-other-convention"};
  EXPECT_EQ(run_program(base, 60s).exit_code, 0);
  auto strict = base;
  strict.insert(strict.end(), {"--fail-on", "should"});
  const auto result = run_program(strict, 60s);
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("ratelimit.profile-names [SHOULD]"), std::string::npos) << result.out;
}

// The mock announces its pacing: a stream it paced that arrives held back is a MUST failure by default.
TEST(RunCommand, ABufferedStreamFromAPacedProducerFailsTheDefaultRun) {
  const auto result = run_program({gatecheck_binary(), "run", "--grep", "stream follows every SSE rule",
                                   "--mock-fault", "buffered-stream"},
                                  60s);
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("sse.incremental [MUST]"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("arrived in 1 burst"), std::string::npos) << result.out;
}

TEST(RunCommand, AMalformedSuiteExitsTwoWithFileAndLine) {
  const auto suite = scratch("broken.yaml");
  std::ofstream(suite)
      << "suite: broken\nscenarios:\n  - name: one\n    steps:\n      - request: {path: /models}\n"
         "        expect:\n          checks: [sse.no-such-check]\n";
  const auto result = run_program({gatecheck_binary(), "run", suite.string()}, 30s);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("broken.yaml:7"), std::string::npos) << result.err;
}

TEST(RunCommand, AnUnreachableTargetExitsThree) {
  const auto result =
      run_program({gatecheck_binary(), "run", "--target", "http://127.0.0.1:9", "--timeout", "2"}, 30s);
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.err.find("unreachable"), std::string::npos) << result.err;
}

using SilentListener = testing::LoopbackListener;  // never accepts: connections hear nothing

TEST(RunCommand, ATargetThatAcceptsButNeverAnswersExitsThreeSayingWhatWasSeen) {
  const SilentListener silent;
  const auto result =
      run_program({gatecheck_binary(), "run", "--target", silent.url("http"), "--timeout", "1"}, 30s);
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.err.find("no status line"), std::string::npos) << result.err;
}

TEST(RunCommand, ATargetThatStallsTheTlsHandshakeExitsThree) {
  const SilentListener silent;
  const auto result =
      run_program({gatecheck_binary(), "run", "--target", silent.url("https"), "--timeout", "1"}, 30s);
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.err.find("TLS handshake did not complete"), std::string::npos) << result.err;
}

TEST(RunCommand, CredentialsInTheTargetUrlAreAUsageErrorAndNeverPrinted) {
  const auto result = run_program(
      {gatecheck_binary(), "run", "--target", "http://alice:hunter2-secret@127.0.0.1:9", "--timeout", "1"},
      30s);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_EQ((result.out + result.err).find("hunter2"), std::string::npos) << result.err;
}

TEST(RunCommand, AProfileThatExtendsAVendorsIsCheckedByThatVendorsSuite) {
  const auto profile = scratch("my-simplio.yaml");
  std::ofstream(profile) << "profile: my-simplio\nextends: simplio\nlimits: {max_body_bytes: 204800}\n";
  const auto result = run_program({gatecheck_binary(), "run", "--list", "--profile", profile.string()}, 30s);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("simplio / a body over 100 KB is a 413"), std::string::npos) << result.out;
}

TEST(RunCommand, APlanKeyForAPlanTheProfileLacksIsAUsageErrorNamingThePlans) {
  const auto result = run_program(
      {gatecheck_binary(), "run", "--list", "--profile", "simplio", "--plan-key", "enterprise=sk_simplio_x"},
      30s);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("the profile 'simplio' has no plan 'enterprise' (plans: free, pro)"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("sk_simplio_x"), std::string::npos) << "the key is not echoed";
}

TEST(RunCommand, AMalformedMaxDurationIsAUsageError) {
  const auto result = run_program({gatecheck_binary(), "run", "--list", "--max-duration", "5x"}, 30s);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("--max-duration"), std::string::npos) << result.err;
}

TEST(RunCommand, MaxDurationReadsGoDurationsAndRefusesOneThatRoundsToNoLimit) {
  EXPECT_EQ(run_program({gatecheck_binary(), "run", "--list", "--max-duration", "1m30s"}, 30s).exit_code, 0);
  const auto tiny = run_program({gatecheck_binary(), "run", "--list", "--max-duration", "500us"}, 30s);
  EXPECT_EQ(tiny.exit_code, 2) << "0 ms would mean no limit";
  EXPECT_NE(tiny.err.find("--max-duration"), std::string::npos) << tiny.err;
}

TEST(RunCommand, ShardsSplitTheScenariosWithoutOverlap) {
  const auto all = run_program({gatecheck_binary(), "run", "--list"}, 30s);
  const auto one = run_program({gatecheck_binary(), "run", "--list", "--shard", "1/2"}, 30s);
  const auto two = run_program({gatecheck_binary(), "run", "--list", "--shard", "2/2"}, 30s);
  auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  EXPECT_GT(lines(one.out), 0);
  EXPECT_GT(lines(two.out), 0);
  EXPECT_EQ(lines(one.out) + lines(two.out), lines(all.out));
}

TEST(ChecksCommand, ListsEveryCheckWithSeverityAndReference) {
  const auto result = run_program({gatecheck_binary(), "checks", "list"}, 10s);
  EXPECT_EQ(result.exit_code, 0);
  for (const char* id :
       {"sse.done-sentinel", "error.http-status-before-stream", "ratelimit.retry-after-on-429"})
    EXPECT_NE(result.out.find(id), std::string::npos) << id;
  EXPECT_NE(result.out.find("MUST"), std::string::npos);
  EXPECT_NE(result.out.find("ref: "), std::string::npos);
}

TEST(ReportCommand, ReRendersAJsonReportAndKeepsItsVerdict) {
  const auto json = scratch("failing.json");
  run_program({gatecheck_binary(), "run", "--grep", "stream follows every SSE rule", "--mock-fault",
               "no-done", "--report", "json=" + json.string()},
              60s);
  const auto junit = run_program({gatecheck_binary(), "report", json.string(), "--format", "junit"}, 10s);
  EXPECT_EQ(junit.exit_code, 1);
  EXPECT_NE(junit.out.find("type=\"sse.done-sentinel\""), std::string::npos) << junit.out;
  const auto bad = run_program({gatecheck_binary(), "report", scratch("missing.json").string()}, 10s);
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace gatecheck

namespace gatecheck {
namespace {

TEST(JsonReportFile, ValidatesAgainstItsOwnSchemaPassingAndFailing) {
  const auto schema = schema::compile(
      core::load_document(std::string(GATECHECK_SOURCE_DIR) + "/schemas/report.schema.json").value,
      {.format_assertion = true});
  for (const char* fault : {"", "no-done"}) {
    const auto json = scratch(std::string("schema-") + (*fault ? fault : "clean") + ".json");
    std::vector<std::string> argv = {testing::gatecheck_binary(), "run", "--grep", "^streaming /", "--report",
                                     "json=" + json.string()};
    if (*fault) argv.insert(argv.end(), {"--mock-fault", fault});
    testing::run_program(argv, std::chrono::seconds(60));
    const auto result = schema.validate(core::load_document(json).value);
    EXPECT_TRUE(result.valid) << fault << ": "
                              << (result.errors.empty() ? "" : result.errors.front().describe());
  }
}

}  // namespace
}  // namespace gatecheck

namespace gatecheck {
namespace {

using namespace std::chrono_literals;

// The vendor suite against the real `gatecheck mock --profile simosphere` binary, as a user would run it.
TEST(VendorSuite, SimoSpherePassesAgainstTheStandaloneMock) {
  testing::ChildProcess mock({testing::gatecheck_binary(), "mock", "--port", "0", "--quiet", "--profile",
                              "simosphere", "--admin-token", "admin-token-for-e2e", "--key",
                              "sk-simo-e2e-main-0001", "--key", "sk-simo-e2e-spare-0002", "--key",
                              "sk-simo-e2e-pro-0003:professional", "--key",
                              "sk-simo-e2e-starter-0004:starter"});
  const auto port = mock.read_line(10s);
  ASSERT_TRUE(port.has_value()) << mock.error_output();
  const auto result = testing::run_program(
      {testing::gatecheck_binary(), "run",
       std::string(GATECHECK_SOURCE_DIR) + "/suites/vendors/simosphere.yaml", "--target",
       "http://127.0.0.1:" + *port, "--profile", "simosphere", "--api-key", "sk-simo-e2e-main-0001",
       "--admin-token", "admin-token-for-e2e", "--spare-api-key", "sk-simo-e2e-spare-0002", "--plan-key",
       "professional=sk-simo-e2e-pro-0003", "--plan-key", "starter=sk-simo-e2e-starter-0004",
       "--mock-target"},
      120s);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("0 failed, 0 skipped"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("admin-token-for-e2e"), std::string::npos) << "the admin token is redacted";
}

// OpenAI's Standard Webhooks signatures, delivered over the wire and verified by the runner.
TEST(VendorSuite, StandardWebhooksSignaturesAreVerifiedEndToEnd) {
  const auto suite = scratch("standard-webhooks.yaml");
  std::ofstream(suite) << R"(suite: standard-webhooks
requires: [webhooks, admin]
vars:
  admin: {Authorization: "Bearer {{ target.admin_token }}"}
scenarios:
  - name: response.completed is signed the Standard Webhooks way
    steps:
      - webhook_receiver: {id: hook}
      - request: {method: POST, path: /admin/webhooks, raw_path: true, auth: false, headers: "{{ vars.admin }}",
                  json: {url: "{{ receivers.hook.url }}", events: [response.completed]}}
        expect: {status: 201}
        capture: {secret: $.secret}
      - request: {method: POST, path: /admin/events, raw_path: true, auth: false, headers: "{{ vars.admin }}",
                  json: {type: response.completed, data: {id: resp_123}}}
        expect: {status: 202}
        capture: {event_id: $.id}
      - expect_webhook: {receiver: hook, event: response.completed, id: "{{ captures.event_id }}", within_ms: 3000,
                         secret: "{{ captures.secret }}"}
)";
  const auto good = testing::run_program({testing::gatecheck_binary(), "run", suite.string()}, 60s);
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("1 passed"), std::string::npos) << good.out;
  const auto bad = testing::run_program(
      {testing::gatecheck_binary(), "run", suite.string(), "--mock-fault", "webhook-wrong-secret"}, 60s);
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("webhook.signature-valid"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("no v1 signature matches"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace gatecheck
