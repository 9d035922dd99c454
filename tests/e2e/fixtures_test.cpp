// Fixtures, end to end: a recording proxy masks every secret it passes, a suite replayed from its recording
// gets the verdicts it got live, the committed fixtures are current, and `gatecheck check` passes the good
// ones and fails each defective one on exactly the checks expected of it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/runner/offline.hpp>
#include <gatecheck/runner/runner.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "child_process.hpp"

namespace gatecheck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kFixtures = fs::path(GATECHECK_SOURCE_DIR) / "fixtures";
constexpr const char* kKey = "sk-live-fixture-test-key-5f3a9c2e7b1d";
constexpr const char* kAdmin = "fixture-test-admin-token";

fs::path scratch(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("gatecheck-fixtures-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every file under `dir` that holds `needle`, as paths relative to it.
std::vector<std::string> files_holding(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && slurp(entry.path()).find(needle) != std::string::npos)
      out.push_back(fs::relative(entry.path(), dir).string());
  return out;
}

std::set<std::string> findings(const runner::RunReport& report) {
  std::set<std::string> out;
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          if (check.is_finding()) out.insert(check.id);
  return out;
}

std::vector<std::string> recording_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".jsonl" || ext == ".har" || ext == ".sse"))
      out.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Fixtures, EachFileFailsOnExactlyTheChecksExpectedOfItAndNoOtherFails) {
  const auto expected = core::load_document(kFixtures / "expected.yaml").value;
  const auto files = recording_files(kFixtures);
  ASSERT_GT(files.size(), 100u) << "fixtures/ is missing its recordings: run scripts/record-fixtures";
  for (const auto& [file, checks] : expected.items())
    EXPECT_TRUE(fs::exists(kFixtures / file)) << "expected.yaml names " << file << ", which does not exist";
  for (const auto& file : files) {
    const auto report = runner::check_recordings(cassette::load(kFixtures / file), {});
    std::set<std::string> want;
    if (expected.contains(file))
      for (const auto& id : expected[file])
        want.insert(id.get<std::string>());
    EXPECT_EQ(findings(report), want) << file;
    EXPECT_EQ(report.passed(), want.empty()) << file;
  }
}

TEST(Fixtures, CheckingTheWholeFolderFailsTheDefectiveFilesAndOnlyThem) {
  const fs::path dir = scratch("check");
  const auto result = testing::run_program({testing::gatecheck_binary(), "check", kFixtures.string(),
                                            "--report", "json=" + (dir / "report.json").string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const json report = json::parse(slurp(dir / "report.json"));
  std::set<std::string> failed;
  for (const auto& suite : report["suites"])
    for (const auto& scenario : suite["scenarios"])
      if (scenario["outcome"] == "failed")
        failed.insert(fs::relative(suite["file"].get<std::string>(), kFixtures));
  std::set<std::string> want;
  const auto expected = core::load_document(kFixtures / "expected.yaml").value;  // items() needs it alive
  for (const auto& [file, checks] : expected.items())
    want.insert(file);
  EXPECT_EQ(failed, want);
  fs::remove_all(dir);
}

// What a recording is, stripped of what differs between two recordings of the same behaviour (times, ids,
// generated numbers): the request, the status, and the shape (member paths and value types) of the answer.
void shape(const json& value, const std::string& path, std::set<std::string>& out) {
  out.insert(path + ":" + std::string(value.type_name()));
  if (value.is_object())
    for (const auto& [key, member] : value.items())
      shape(member, path + "." + key, out);
  if (value.is_array())
    for (const auto& item : value)
      shape(item, path + "[]", out);
}

std::string shape_of(std::string_view text) {
  const json value = core::parse_untrusted_json(text);
  if (value.is_discarded()) return "bytes";
  std::set<std::string> paths;
  shape(value, "$", paths);
  std::string out;
  for (const auto& path : paths)
    out += path + " ";
  return out;
}

std::string fingerprint(const cassette::Recording& r) {
  std::string out = r.request.method + " " + r.request.url + " -> " + std::to_string(r.response.status) +
                    " " + core::media_type(r.response.headers.get("content-type").value_or("")) +
                    "\n  request " + shape_of(r.request.body) + "\n  answer ";
  std::string previous;
  for (std::string_view rest = r.response.body; !rest.empty();) {  // event by event, repeats once
    const auto end = rest.find("\n\n");
    const std::string event = shape_of(rest.substr(rest.find("data:") == 0 ? 5 : 0, end));
    if (event != previous) out += event + "| ";
    previous = event;
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 2);
  }
  return out;
}

std::map<std::string, std::set<std::string>> fingerprints(const fs::path& dir) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& sub : {"profiles", "defective"})
    for (const auto& file : recording_files(dir / sub))
      for (const auto& recording : cassette::load(dir / sub / file))
        out[std::string(sub) + "/" + file].insert(fingerprint(recording));
  return out;
}

TEST(Fixtures, AreCurrent) {
  const fs::path dir = scratch("current");
  const auto result =
      testing::run_program({"/usr/bin/env", "GATECHECK=" + testing::gatecheck_binary(),
                            std::string(GATECHECK_SOURCE_DIR) + "/scripts/record-fixtures", dir.string()},
                           std::chrono::seconds(240));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto fresh = fingerprints(dir);
  const auto committed = fingerprints(kFixtures);
  for (const auto& [file, prints] : fresh) {
    const auto found = committed.find(file);
    ASSERT_NE(found, committed.end()) << "fixtures/" << file << " is new: run scripts/record-fixtures";
    EXPECT_EQ(found->second, prints) << "fixtures/" << file << " is stale: run scripts/record-fixtures";
  }
  for (const auto& [file, prints] : committed)
    EXPECT_TRUE(fresh.contains(file))
        << "fixtures/" << file << " is no longer recorded: run scripts/record-fixtures";
  fs::remove_all(dir);
}

TEST(Recording, AProxyPassesStreamsAsTheyArriveRecordsThemAndMasksEverySecret) {
  const fs::path dir = scratch("proxy");
  mock::ServerOptions upstream_options;
  upstream_options.profile = vendor::load_profile("openai");
  upstream_options.log_format = mock::LogFormat::none;
  upstream_options.keys.push_back({kKey, ""});
  mock::Server upstream(std::move(upstream_options));
  upstream.start();
  mock::ServerOptions proxy_options;
  proxy_options.profile = vendor::load_profile("openai");
  proxy_options.log_format = mock::LogFormat::none;
  proxy_options.proxy_url = upstream.url();
  proxy_options.record_dir = dir.string();
  proxy_options.redact_fields = {"$.user"};
  mock::Server proxy(std::move(proxy_options));
  proxy.start();

  net::HttpClient client;
  net::HttpRequest ask{"POST", proxy.url() + "/v1/chat/completions", {}, {}};
  ask.headers.add("Authorization", std::string("Bearer ") + kKey);
  ask.headers.add("Content-Type", "application/json");
  ask.headers.add("x-gatecheck-itl-ms", "20");
  ask.body = json{{"model", "gpt-4o-mini"},
                  {"stream", true},
                  {"user", "alice@example.com"},
                  {"messages", {{{"role", "user"}, {"content", std::string("repeat ") + kKey}}}}}
                 .dump();
  std::vector<double> arrivals;
  net::ResponseHooks hooks;
  const auto sent = net::Clock::now();
  hooks.on_event = [&](core::SseEvent&& event) {
    arrivals.push_back(std::chrono::duration<double, std::milli>(event.received_at - sent).count());
  };
  const auto streamed = client.send(ask, hooks);
  ASSERT_EQ(streamed.status, 200);
  net::HttpRequest models{"GET", proxy.url() + "/v1/models", {}, {}};
  models.headers.add("X-Api-Key", kKey);
  models.headers.add("Authorization", std::string("Bearer ") + kKey);
  ASSERT_EQ(client.send(models).status, 200);
  proxy.stop();
  upstream.stop();

  ASSERT_GE(arrivals.size(), 5u);
  EXPECT_GT(arrivals.back() - arrivals.front(), 40.0) << "the proxy held the stream back";
  EXPECT_EQ(files_holding(dir, std::string(kKey).substr(8)), std::vector<std::string>{})
      << "a key was written";
  EXPECT_EQ(files_holding(dir, "alice@example.com"), std::vector<std::string>{});
  const auto recorded = cassette::load(dir);
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].source, upstream.url());
  ASSERT_GE(recorded[0].response.arrivals.size(), 5u);  // each piece as it passed, with its time
  EXPECT_GT(recorded[0].response.arrivals.back().at_ms - recorded[0].response.arrivals.front().at_ms, 40.0);
  for (const char* what : {"header authorization", "secret", "field $.user"})
    EXPECT_NE(std::find(recorded[0].redactions.begin(), recorded[0].redactions.end(), what),
              recorded[0].redactions.end())
        << what;
  EXPECT_TRUE(runner::check_recordings(recorded, {}).passed());
  fs::remove_all(dir);
}

TEST(Recording, ARecordingProxyReplaysWhatItHasAndRecordsOnlyWhatIsNew) {
  const fs::path have = scratch("episodes-have");
  const fs::path fresh = scratch("episodes-new");
  cassette::Recording known;
  known.source = "http://recorded.example";
  known.request = {"GET", "/v1/models/gpt-4o", {}, {}};
  known.response.status = 200;
  known.response.headers = {{"Content-Type", "application/json"}};
  known.response.body = R"({"id":"from-the-cassette"})";
  std::ofstream(have / "known.jsonl") << cassette::to_json(known).dump() << "\n";
  mock::ServerOptions upstream_options;
  upstream_options.profile = vendor::load_profile("openai");
  upstream_options.log_format = mock::LogFormat::none;
  mock::Server upstream(std::move(upstream_options));
  upstream.start();
  mock::ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.log_format = mock::LogFormat::none;
  options.proxy_url = upstream.url();
  options.replay = {have.string()};
  options.record_dir = fresh.string();
  mock::Server proxy(std::move(options));
  proxy.start();
  net::HttpClient client;
  net::HttpRequest get{"GET", proxy.url() + "/v1/models/gpt-4o", {}, {}};
  get.headers.add("Authorization", std::string("Bearer ") + kKey);
  EXPECT_EQ(client.send(get).body, R"({"id":"from-the-cassette"})");  // replayed, not proxied
  get.url = proxy.url() + "/v1/models";
  EXPECT_NE(client.send(get).body.find("\"object\":\"list\""), std::string::npos);  // proxied
  proxy.stop();
  upstream.stop();
  const auto recorded = cassette::load(fresh);
  ASSERT_EQ(recorded.size(), 1u);  // what is new only: the replayed answer is not recorded again
  EXPECT_EQ(recorded[0].source, upstream.url());
  EXPECT_EQ(recorded[0].request.url, "/v1/models");
  fs::remove_all(have);
  fs::remove_all(fresh);
}

struct Verdicts {
  std::map<std::string, std::string> scenarios;  // title -> outcome and the ids of its findings
};

Verdicts verdicts_of(const runner::RunReport& report) {
  Verdicts out;
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios) {
      std::string text(runner::to_string(scenario.outcome));
      for (const auto& step : scenario.steps)
        for (const auto& check : step.checks)
          if (check.is_finding()) text += " " + check.id;
      out.scenarios[suite.name + " / " + scenario.name] = text;
    }
  return out;
}

// The bundled suites against `target`, recorded to `record` when it is not empty.
runner::RunReport run_suites(const std::string& target, const std::string& record) {
  runner::RunOptions run;
  run.target = target;
  run.profile = vendor::load_profile("openai");
  run.api_key = kKey;
  run.admin_token = kAdmin;
  run.target_is_mock = true;
  run.jobs = 4;
  run.timeout = std::chrono::milliseconds(10'000);
  run.record_dir = record;
  run.grep = "^(streaming|errors|chat|images|models|responses) / ";
  return runner::run(runner::load_bundled_suites(), run);
}

Verdicts record_and_replay(const std::vector<mock::FaultSpec>& faults, Verdicts& replayed) {
  const fs::path dir = scratch("replay");
  mock::ServerOptions live_options;
  live_options.profile = vendor::load_profile("openai");
  live_options.log_format = mock::LogFormat::none;
  live_options.keys.push_back({kKey, ""});
  live_options.admin_token = kAdmin;
  live_options.faults = faults;
  mock::Server live(std::move(live_options));
  live.start();
  const Verdicts recorded = verdicts_of(run_suites(live.url(), dir.string()));
  live.stop();
  mock::ServerOptions replay_options;
  replay_options.profile = vendor::load_profile("openai");
  replay_options.log_format = mock::LogFormat::none;
  replay_options.admin_token = kAdmin;
  replay_options.replay = {dir.string()};
  mock::Server replay(std::move(replay_options));
  replay.start();
  replayed = verdicts_of(run_suites(replay.url(), ""));
  replay.stop();
  fs::remove_all(dir);
  return recorded;
}

TEST(Recording, ASuiteReplayedFromItsRecordingGetsTheVerdictsItGotLive) {
  Verdicts replayed;
  const Verdicts live = record_and_replay({}, replayed);
  EXPECT_GT(live.scenarios.size(), 30u);
  EXPECT_EQ(replayed.scenarios, live.scenarios);
}

TEST(Recording, ABrokenTargetReplayedIsBrokenTheSameWay) {
  Verdicts replayed;
  const Verdicts live =
      record_and_replay(mock::parse_fault_list("no-done,chunk-id-changes,error-not-envelope"), replayed);
  const auto failing = std::count_if(live.scenarios.begin(), live.scenarios.end(),
                                     [](const auto& s) { return s.second.starts_with("failed"); });
  EXPECT_GE(failing, 3);
  EXPECT_EQ(replayed.scenarios, live.scenarios);
}

TEST(Recording, RunRecordWritesEveryExchangeAndNoKeyThenCheckPassesIt) {
  const fs::path dir = scratch("run");
  const auto recorded = testing::run_program({testing::gatecheck_binary(), "run",
                                              std::string(GATECHECK_SOURCE_DIR) + "/suites/openai/chat.yaml",
                                              "--api-key", kKey, "--record", dir.string()});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.out << recorded.err;
  EXPECT_GE(recording_files(dir).size(), 5u);
  EXPECT_EQ(files_holding(dir, std::string(kKey).substr(8)), std::vector<std::string>{});
  const auto checked = testing::run_program({testing::gatecheck_binary(), "check", dir.string()});
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  std::ofstream(dir / "broken.jsonl")
      << cassette::to_json(cassette::load(dir).front()).dump() << "\n{\"cassette\": 1,\n";
  const auto broken = testing::run_program({testing::gatecheck_binary(), "check", dir.string()});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("broken.jsonl:2:"), std::string::npos) << broken.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gatecheck
