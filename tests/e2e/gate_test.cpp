// The real `gatecheck gate` in front of a small reverse proxy (tests/gateway/defect_gateway.cpp): the bundled
// gateway suites pass through it when it is faithful, and each upstream.* expectation fails, for the reason
// it names, when the proxy has the defect it is for. Also the gate's own duties: the gate file, a gateway
// that never becomes ready, secrets kept out of its log, nothing left running.
#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/runner/checks.hpp>

#include "child_process.hpp"

namespace gatecheck {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;
using testing::ChildProcess;
using testing::gatecheck_binary;

fs::path scratch(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("gatecheck-gate-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

// The proxy's own upstream key: long enough for the journal to keep its mark.
const std::string kGatewayKey = "sk-defect-gateway-own-key-0000000000";

std::string proxy_command(const std::string& defects, bool holds_key = true) {
  return std::string(GATECHECK_DEFECT_GATEWAY) + " --port {port} --upstream {upstream}" +
         (holds_key ? " --key " + kGatewayKey : "") + (defects.empty() ? "" : " " + defects);
}

struct GateRun {
  int exit_code = -1;
  std::string out, err;
  json report;
};

GateRun gate(std::vector<std::string> args, std::vector<std::string> env = {}) {
  const auto report = scratch("report-" + std::to_string(std::rand()) + ".json");
  std::vector<std::string> argv = {gatecheck_binary(), "gate",
                                   "--report",         "json=" + report.string(),
                                   "--gateway-log",    scratch("gateway.log").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess child(argv, std::move(env));
  GateRun run;
  run.exit_code = child.wait(240s).value_or(-1);
  run.out = child.output();
  run.err = child.error_output();
  if (fs::exists(report)) run.report = core::load_document(report).value;
  return run;
}

GateRun through(const std::string& defects, const std::string& grep, bool holds_key = true) {
  return gate({"--gateway-command", proxy_command(defects, holds_key), "--grep", grep});
}

// The check `id` of the scenario whose name contains `scenario`; null when there is none.
const json* check_in(const json& report, const std::string& scenario, const std::string& id) {
  if (!report.is_object() || !report.contains("suites")) return nullptr;
  for (const auto& suite : report["suites"])  // a reference into the report: the pointer outlives the loop
    for (const auto& s : suite["scenarios"])
      if (s["name"].get<std::string>().find(scenario) != std::string::npos)
        for (const auto& step : s["steps"])
          for (const auto& check : step["checks"])
            if (check["id"] == id) return &check;
  return nullptr;
}

TEST(Gate, AFaithfulGatewayPassesTheBundledGatewaySuites) {
  const GateRun run = gate({"--gateway-command", proxy_command("", true), "--tags", "!retries"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.report["passed"], true);
  EXPECT_EQ(run.report["embedded_mock"], false) << "the target is the gateway, not the mock";
  EXPECT_GE(run.report["totals"]["scenarios"].get<int>(), 15);
  EXPECT_EQ(run.report["totals"]["skipped"].get<int>(), 0) << run.out;
}

// Each upstream check, the defect that breaks it, the scenario that shows it and what the failure says.
struct Defect {
  std::string check, defects, scenario, says;
  bool holds_key = true;
};

// tests/gateway/defects.tsv: the one table, which scripts/check-examples reads too.
std::vector<Defect> read_defects() {
  std::vector<Defect> table;
  std::istringstream lines(core::read_file(std::string(GATECHECK_SOURCE_DIR) + "/tests/gateway/defects.tsv"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, '\t');)
      cells.push_back(cell);
    if (cells.size() != 5) throw std::runtime_error("defects.tsv: 5 columns expected in: " + line);
    table.push_back({cells[0], cells[1] == "-" ? "" : cells[1], cells[2], cells[3], cells[4] == "yes"});
  }
  return table;
}

const std::vector<Defect>& defects() {
  static const std::vector<Defect> table = read_defects();
  return table;
}

void PrintTo(const Defect& d, std::ostream* out) {
  *out << d.check << " against " << (d.defects.empty() ? "no defect option" : d.defects);
}

class DefectDetection : public ::testing::TestWithParam<Defect> {};

TEST_P(DefectDetection, FailsTheExpectationMeantToCatchIt) {
  const Defect& d = GetParam();
  const GateRun run = through(d.defects, d.scenario, d.holds_key);
  ASSERT_TRUE(run.report.is_object()) << run.exit_code << run.out << run.err;
  const json* check = check_in(run.report, d.scenario, d.check);
  ASSERT_NE(check, nullptr) << run.out << run.err;
  EXPECT_EQ((*check)["outcome"], "failed") << check->dump();
  EXPECT_NE(check->value("message", "").find(d.says), std::string::npos) << check->dump();
}

INSTANTIATE_TEST_SUITE_P(EveryUpstreamExpectation, DefectDetection, ::testing::ValuesIn(defects()),
                         [](const ::testing::TestParamInfo<Defect>& param) {
                           std::string name = param.param.check.substr(param.param.check.find('.') + 1);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(Gate, EveryUpstreamCheckFailsAgainstADefect) {
  for (const auto& check : runner::check_catalog()) {
    if (check.scope != runner::CheckScope::upstream) continue;
    const bool proven =
        std::any_of(defects().begin(), defects().end(), [&](const Defect& d) { return d.check == check.id; });
    EXPECT_TRUE(proven) << check.id << " has no defect that proves it can fail";
  }
}

TEST(Gate, AGatewayThatRetriesPassesTheRetryScenario) {
  const GateRun run = through("--retry 1", "an upstream 500 is retried");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const json* attempts = check_in(run.report, "500 is retried", "upstream.attempts");
  ASSERT_NE(attempts, nullptr);
  EXPECT_EQ((*attempts)["outcome"], "passed");
}

// A real reverse proxy from Debian, gated with the gate file docs/gateways.md shows: it passes but one
// finding, which is nginx's: it forwards the headers its client's Connection header names (RFC 9110 7.6.1
// says a proxy removes them).
TEST(Gate, NginxPassesButForwardsWhatTheClientsConnectionHeaderNames) {
  if (std::system("command -v nginx >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "nginx is not installed (scripts/setup --bench installs nginx-light)";
  const GateRun run = gate({std::string(GATECHECK_SOURCE_DIR) + "/docs/gateways/nginx.gate.yaml"});
  ASSERT_TRUE(run.report.is_object()) << run.out << run.err;
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_EQ(run.report["totals"]["failed"], 1) << run.out;
  const json* hop = check_in(run.report, "hop-by-hop", "upstream.hop-by-hop-dropped");
  ASSERT_NE(hop, nullptr);
  EXPECT_EQ((*hop)["actual"], "x-gatecheck-hop");
}

// A loopback port nobody holds now.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A gateway already running, configured with a fixed upstream address: the mock listens there.
TEST(Gate, ARunningGatewayIsGatedWithTheMockAtTheAddressItForwardsTo) {
  const std::uint16_t upstream = free_port(), gateway = free_port();
  ChildProcess proxy({GATECHECK_DEFECT_GATEWAY, "--port", std::to_string(gateway), "--upstream",
                      "http://127.0.0.1:" + std::to_string(upstream)});
  ASSERT_TRUE(proxy.read_line(5s).has_value()) << proxy.error_output();
  const GateRun run = gate({"--gateway-url", "http://127.0.0.1:" + std::to_string(gateway), "--upstream-port",
                            std::to_string(upstream), "--grep", "answer reaches the client"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.report["totals"]["passed"], 1) << run.out;
}

TEST(Gate, AGateFileHoldsTheSameSettingsAndOptionsOverrideIt) {
  const auto folder = scratch("file");
  fs::create_directories(folder / "suites");
  std::ofstream(folder / "suites" / "one.yaml") << R"(suite: one
scenarios:
  - name: the text goes through
    steps:
      - stub:
          request: {body: {contains: "gatecheck:file"}}
          response: {answer: {content: "From the gate file."}}
      - request:
          path: /chat/completions
          json: {model: gpt-4o-mini, messages: [{role: user, content: "gatecheck:file"}]}
        expect: {status: 200}
        upstream: {attempts: 1}
)";
  std::ofstream(folder / "gate.yaml") << "gateway:\n  command: " << proxy_command("") << "\n"
                                      << "suites: [suites/one.yaml]\n";
  const GateRun run = gate({(folder / "gate.yaml").string(), "--verbose"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("the text goes through"), std::string::npos) << run.out;
  // The option is read with the file's settings: a selection that keeps nothing is a usage error.
  const GateRun only = gate({(folder / "gate.yaml").string(), "--grep", "nothing matches this"});
  EXPECT_EQ(only.exit_code, 2) << only.out << only.err;
  EXPECT_NE(
      only.err.find("no scenario selected: the suites hold 1 scenarios and --grep nothing matches this"),
      std::string::npos)
      << only.err;
}

TEST(Gate, AMistakeInTheGateFileNamesItsPosition) {
  const auto file = scratch("bad.yaml");
  std::ofstream(file) << "gateway:\n  comand: node server.js\n";
  const GateRun run = gate({file.string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("bad.yaml:2:3"), std::string::npos) << run.err;
}

TEST(Gate, AGatewayThatExitsIsReportedWithItsOutputSecretsMasked) {
  const std::string key = "sk-client-key-given-to-gatecheck-00000";
  const GateRun run = gate({"--gateway-command", "echo starting up; echo \"my key is $GATE_KEY\"; exit 4",
                            "--api-key-env", "GATE_KEY"},
                           {"GATE_KEY=" + key});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("exited with 4 before it was ready"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("starting up"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(key), std::string::npos) << run.err;
  EXPECT_EQ(core::read_file(scratch("gateway.log")).find(key), std::string::npos);
}

TEST(Gate, AGatewayThatNeverAnswersIsGivenUpOnAtTheReadyDeadline) {
  const auto started = std::chrono::steady_clock::now();
  const GateRun run = gate({"--gateway-command", "sleep 60", "--ready-timeout", "700ms"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("no HTTP answer"), std::string::npos) << run.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << "the sleeping gateway was stopped";
}

TEST(Gate, NothingItStartedOutlivesIt) {
  const auto pid_file = scratch("child.pid");
  fs::remove(pid_file);
  const GateRun run =
      gate({"--gateway-command", "sleep 300 & echo $! > " + pid_file.string() + "; exec " + proxy_command(""),
            "--grep", "answer reaches the client"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const pid_t child = std::stoi(core::read_file(pid_file));
  // Gone, or a zombie nobody has reaped yet (a container's init may not): either way it no longer runs.
  std::string state;
  if (std::ifstream stat("/proc/" + std::to_string(child) + "/stat"); stat) {
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size()) state = line.substr(close + 2, 1);
  }
  EXPECT_TRUE(state.empty() || state == "Z") << "the gateway's own child still runs: state " << state;
}

}  // namespace
}  // namespace gatecheck
