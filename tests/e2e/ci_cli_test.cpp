// The real binary as a CI job meets it: mistakes stop before anything runs (exit 2) with one clear error,
// a target that is not an HTTP server is exit 3 saying what was seen, --list is what a run reports,
// progress lines reach a log without a terminal, reports merge, and shells complete the options.
#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>

#include "child_process.hpp"
#include "loopback_listener.hpp"

namespace gatecheck {
namespace {

using namespace std::chrono_literals;
using testing::gatecheck_binary;
using testing::run_program;

std::filesystem::path scratch(const std::string& name) {
  return testing::scratch_path("ci-cli", name);
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A standalone `gatecheck mock` accepting one key: a target with a real HTTP server behind it.
class StandaloneMock {
 public:
  StandaloneMock()
      : process_({gatecheck_binary(), "mock", "--port", "0", "--quiet", "--key", "sk-ci-cli-key-0001"}) {
    port_ = process_.read_line(10s).value_or("");
  }
  std::string url() const { return "http://127.0.0.1:" + port_; }
  bool started() const { return !port_.empty(); }

 private:
  testing::ChildProcess process_;
  std::string port_;
};

// Accepts one connection, answers with an SSH banner, closes: a server that is not HTTP.
class BannerServer {
 public:
  BannerServer()
      : thread_([this] {
          const int client = ::accept(listener_.fd(), nullptr, nullptr);
          if (client < 0) return;
          const char banner[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
          (void)::write(client, banner, sizeof banner - 1);
          ::shutdown(client, SHUT_RDWR);
          ::close(client);
        }) {}
  ~BannerServer() {
    listener_.close();
    thread_.join();
  }
  BannerServer(const BannerServer&) = delete;
  BannerServer& operator=(const BannerServer&) = delete;
  std::string url() const { return listener_.url("http"); }

 private:
  testing::LoopbackListener listener_;
  std::thread thread_;
};

TEST(CiCommandLine, ASelectionThatKeepsNothingIsExitTwoNotAnEmptyPass) {
  const auto result = run_program({gatecheck_binary(), "run", "--tags", "no-such-tag"}, 30s);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("no scenario selected"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--tags no-such-tag keeps none"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("PASSED"), std::string::npos);
}

TEST(CiCommandLine, ASelectionThatCouldOnlySkipIsExitTwoNamingWhy) {
  const StandaloneMock mock;
  ASSERT_TRUE(mock.started());
  const auto suite = scratch("needs-admin.yaml");
  std::ofstream(suite) << "suite: needs-admin\nrequires: [admin]\nscenarios:\n  - name: one\n    steps:\n"
                          "      - request: {path: /models}\n        expect: {status: 200}\n";
  const auto result = run_program(
      {gatecheck_binary(), "run", suite.string(), "--target", mock.url(), "--api-key", "sk-ci-cli-key-0001"},
      30s);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("none of the 1 selected scenarios can run here"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("needs the target's admin token (--admin-token)"), std::string::npos);
  const auto listed =
      run_program({gatecheck_binary(), "run", suite.string(), "--target", mock.url(), "--list"}, 30s);
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_EQ(listed.out, "needs-admin / one  (skipped: needs the target's admin token (--admin-token))\n");
}

TEST(CiCommandLine, AReportPathThatCannotBeWrittenStopsBeforeTheRun) {
  const auto result = run_program(
      {gatecheck_binary(), "run", "--report", "json=" + scratch("no/such/folder/r.json").string()}, 30s);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("does not exist"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("passed"), std::string::npos) << "nothing ran";
  const auto folder =
      run_program({gatecheck_binary(), "run", "--report", "html=" + scratch("").string()}, 30s);
  EXPECT_EQ(folder.exit_code, 2);
  EXPECT_NE(folder.err.find("it is a folder"), std::string::npos) << folder.err;
}

TEST(CiCommandLine, ATargetWithAnotherSchemeOrNoneIsAUsageError) {
  for (const char* target : {"ftp://127.0.0.1:21", "localhost:8080", "127.0.0.1"}) {
    const auto result = run_program({gatecheck_binary(), "run", "--target", target}, 30s);
    EXPECT_EQ(result.exit_code, 2) << target << ": " << result.err;
    EXPECT_NE(result.err.find("--target"), std::string::npos) << result.err;
  }
  EXPECT_NE(run_program({gatecheck_binary(), "run", "--target", "localhost:8080"}, 30s)
                .err.find("has no scheme; did you mean http://localhost:8080 (or https://)?"),
            std::string::npos);
}

TEST(CiCommandLine, ATargetThatIsNotHttpIsExitThreeSayingWhatWasSeen) {
  const BannerServer ssh;
  const auto result = run_program({gatecheck_binary(), "run", "--target", ssh.url(), "--timeout", "5"}, 30s);
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.err.find("not in HTTP/1.1"), std::string::npos) << result.err;
}

TEST(CiCommandLine, TheBasePathGivenTwiceIsOneClearErrorWithTheFix) {
  const StandaloneMock mock;
  ASSERT_TRUE(mock.started());
  const auto result = run_program(
      {gatecheck_binary(), "run", "--target", mock.url() + "/v1", "--api-key", "sk-ci-cli-key-0001"}, 30s);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("answered 404: the target already ends in /v1"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--target " + mock.url()), std::string::npos) << result.err;
  EXPECT_EQ(lines(result.err), 1u) << "one error, no burst of findings: " << result.err;
}

TEST(CiCommandLine, AMissingOrRefusedKeyStopsBeforeAnyScenario) {
  const StandaloneMock mock;
  ASSERT_TRUE(mock.started());
  const auto missing = run_program({gatecheck_binary(), "run", "--target", mock.url()}, 30s);
  EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
  EXPECT_NE(missing.err.find("answered 401 and no API key was given"), std::string::npos) << missing.err;
  const auto refused = run_program(
      {gatecheck_binary(), "run", "--target", mock.url(), "--api-key", "sk-not-this-one-0000"}, 30s);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("answered 401 to the credentials given"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("sk-not-this-one"), std::string::npos) << "the key is not echoed";
  const auto right = run_program({gatecheck_binary(), "run", "--target", mock.url(), "--api-key",
                                  "sk-ci-cli-key-0001", "--grep", "^models / "},
                                 60s);
  EXPECT_EQ(right.exit_code, 0) << "the right key passes the preflight: " << right.out << right.err;
}

TEST(CiCommandLine, ListShowsWhatTheRunReportsAndWithoutATerminalEachScenarioIsALogLine) {
  const auto json = scratch("all.json"), markdown = scratch("summary.md");
  const auto listed = run_program({gatecheck_binary(), "run", "--list"}, 30s);
  const auto ran = run_program({gatecheck_binary(), "run", "--report", "json=" + json.string(), "--report",
                                "markdown=" + markdown.string()},
                               180s);
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  const auto totals = core::load_document(json).value["totals"];
  EXPECT_EQ(lines(listed.out), totals["scenarios"].get<std::size_t>()) << listed.out;
  // stderr is a pipe here, as in CI: a line per finished scenario.
  std::size_t finished = 0;
  for (std::size_t at = ran.err.find("] PASS "); at != std::string::npos;
       at = ran.err.find("] PASS ", at + 1))
    ++finished;
  EXPECT_EQ(finished, totals["scenarios"].get<std::size_t>() - totals["skipped"].get<std::size_t>())
      << ran.err;
  EXPECT_NE(ran.err.find("] PASS "), std::string::npos) << ran.err;
  EXPECT_EQ(ran.err.find("\033["), std::string::npos) << "no colour in a log by default";
  EXPECT_EQ(core::read_file(markdown).rfind("## ✅ gatecheck: PASSED", 0), 0u);
}

// A scenario that keeps the log quiet for over 10 s gets a line saying the run is alive.
TEST(CiCommandLine, TenSecondsWithoutAFinishedScenarioPrintsAStillRunningLine) {
  const auto result = run_program({gatecheck_binary(), "run", "--grep", "stream follows every SSE rule",
                                   "--mock-fault", "slow-first-byte=11000"},
                                  60s);
  EXPECT_NE(result.err.find("[0/1] still running, 1"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("[1/1] "), std::string::npos) << result.err;
}

TEST(CiCommandLine, QuietPrintsNoProgressAndColorAlwaysColoursALog) {
  const auto quiet = run_program({gatecheck_binary(), "run", "--quiet", "--grep", "^models / "}, 60s);
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_TRUE(quiet.err.empty()) << quiet.err;
  EXPECT_NE(quiet.out.find("PASSED"), std::string::npos);
  const auto coloured =
      run_program({gatecheck_binary(), "run", "--color", "always", "--grep", "^models / "}, 60s);
  EXPECT_NE(coloured.out.find("\033[1;32mPASSED"), std::string::npos) << coloured.out;
  const auto bad = run_program({gatecheck_binary(), "run", "--color", "sometimes"}, 30s);
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(CiCommandLine, ShardReportsMergeIntoTheWholeRun) {
  const auto one = scratch("shard1.json"), two = scratch("shard2.json"), whole = scratch("whole.json");
  for (const auto& [shard, file] : {std::pair{"1/2", one}, std::pair{"2/2", two}})
    ASSERT_EQ(run_program({gatecheck_binary(), "run", "--quiet", "--shard", shard, "--report",
                           "json=" + file.string()},
                          180s)
                  .exit_code,
              0);
  const auto merged = run_program({gatecheck_binary(), "report", one.string(), two.string(), "--format",
                                   "json", "--output", whole.string()},
                                  30s);
  EXPECT_EQ(merged.exit_code, 0) << merged.err;
  const auto report = core::load_document(whole).value;
  const auto listed = run_program({gatecheck_binary(), "run", "--list"}, 30s);
  EXPECT_EQ(report["totals"]["scenarios"].get<std::size_t>(), lines(listed.out));
  EXPECT_EQ(report["shards"], 2);
  // The merge job of a matrix whose second shard never uploaded: not a green summary.
  const auto alone =
      run_program({gatecheck_binary(), "report", one.string(), one.string(), "--format", "markdown"}, 30s);
  EXPECT_EQ(alone.exit_code, 1) << alone.out;
  EXPECT_NE(alone.out.find("the report of shard 2/2 is missing"), std::string::npos) << alone.out;
  const auto junit =
      run_program({gatecheck_binary(), "report", one.string(), two.string(), "--format", "junit"}, 30s);
  EXPECT_NE(junit.out.find("tests=\"" + std::to_string(lines(listed.out)) + "\""), std::string::npos);
  const auto markdown =
      run_program({gatecheck_binary(), "report", one.string(), "--format", "markdown"}, 30s);
  EXPECT_NE(markdown.out.find("gatecheck: PASSED"), std::string::npos) << markdown.out;
}

// The split hashes titles: a slice of a small selection may hold nothing. It passes, and its report merges.
TEST(CiCommandLine, EveryShardOfAMatrixRunsEvenAnEmptyOneAndTheirReportsMerge) {
  std::vector<std::string> merge = {
      gatecheck_binary(), "report", "--format", "json", "--output", scratch("streaming.json").string()};
  for (int i = 1; i <= 6; ++i) {
    const auto file = scratch("streaming-" + std::to_string(i) + ".json");
    const auto shard = run_program({gatecheck_binary(), "run", "--quiet", "--tags", "streaming", "--shard",
                                    std::to_string(i) + "/6", "--report", "json=" + file.string()},
                                   60s);
    EXPECT_EQ(shard.exit_code, 0) << i << "/6: " << shard.err;
    merge.push_back(file.string());
  }
  ASSERT_EQ(run_program(merge, 30s).exit_code, 0);
  const auto listed = run_program({gatecheck_binary(), "run", "--list", "--tags", "streaming"}, 30s);
  EXPECT_EQ(core::load_document(scratch("streaming.json")).value["totals"]["scenarios"].get<std::size_t>(),
            lines(listed.out));
}

TEST(CiCommandLine, VersionNamesTheCommit) {
  const auto result = run_program({gatecheck_binary(), "--version"}, 10s);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("gatecheck ", 0), 0u) << result.out;
  EXPECT_NE(result.out.find(" (commit "), std::string::npos) << result.out;
}

// Bash completes subcommands, options from each command's declaration, and fixed values.
TEST(CiCommandLine, BashCompletesCommandsOptionsAndValues) {
  const auto script = scratch("gatecheck.bash");
  std::ofstream(script) << run_program({gatecheck_binary(), "completion", "bash"}, 10s).out;
  const auto complete = [&](const std::string& words, int index) {
    return run_program({"/bin/bash", "-c",
                        "source " + script.string() + "; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                            std::to_string(index) + "; _gatecheck; echo \"${COMPREPLY[*]}\""},
                       10s)
        .out;
  };
  EXPECT_EQ(complete("gatecheck rep", 1), "report\n");
  EXPECT_EQ(complete("gatecheck run --col", 2), "--color\n");
  EXPECT_EQ(complete("gatecheck run --color ''", 3), "auto always never\n");
  EXPECT_EQ(complete("gatecheck run --profile si", 3), "siati simosphere simplio\n");
  EXPECT_EQ(complete("gatecheck report x.json --format m", 4), "markdown\n");
  EXPECT_EQ(complete("gatecheck schema val", 2), "validate\n");
}

// zsh and fish read their scripts without a syntax error (skipped where the shell is absent).
TEST(CiCommandLine, ZshAndFishScriptsParse) {
  if (!std::filesystem::exists("/usr/bin/zsh") || !std::filesystem::exists("/usr/bin/fish"))
    GTEST_SKIP() << "zsh and fish are needed (scripts/setup --tools)";
  for (const auto& [shell, check] : {std::pair{"zsh", "-n"}, std::pair{"fish", "--no-execute"}}) {
    const std::string binary = std::string("/usr/bin/") + shell;
    const auto script = scratch(std::string("gatecheck.") + shell);
    std::ofstream(script) << run_program({gatecheck_binary(), "completion", shell}, 10s).out;
    const auto result = run_program({binary, check, script.string()}, 10s);
    EXPECT_EQ(result.exit_code, 0) << shell << ": " << result.err;
  }
}

}  // namespace
}  // namespace gatecheck
