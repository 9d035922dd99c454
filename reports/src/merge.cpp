// gatecheck report A.json B.json: the reports of one run's shards (--shard I/N) as one report.
#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

#include <gatecheck/reports/reports.hpp>

namespace gatecheck::reports {
namespace {

// The line of "file:line:column", for putting a suite's scenarios back in file order; 0 when absent.
long line_of(const std::string& location) {
  const auto column = location.rfind(':');
  if (column == std::string::npos || column == 0) return 0;
  const auto line = location.rfind(':', column - 1);
  if (line == std::string::npos) return 0;
  long value = 0;
  std::from_chars(location.data() + line + 1, location.data() + column, value);
  return value;
}

void require_same(const std::string& what, const std::string& a, const std::string& b) {
  if (a != b)
    throw std::invalid_argument("the reports are not shards of one run: " + what + " '" + a + "' and '" + b +
                                "' differ");
}

// A scenario reported twice (a shard uploaded twice, a job re-run) counts once: the later report's answer
// (the later argument).
void add_suite(runner::SuiteResult& into, const runner::SuiteResult& from) {
  for (const auto& scenario : from.scenarios) {
    const auto same = std::find_if(into.scenarios.begin(), into.scenarios.end(),
                                   [&](const runner::ScenarioResult& s) { return s.name == scenario.name; });
    if (same == into.scenarios.end())
      into.scenarios.push_back(scenario);
    else
      *same = scenario;
  }
}

// Which slices of a sharded run are here; a missing one leaves the merge incomplete (a shard job that never
// uploaded its report must not make a green summary). Reports of unsharded runs are taken as they come.
void check_shards(const std::vector<runner::RunReport>& reports, runner::RunReport& merged) {
  std::set<unsigned> present;
  unsigned count = 0;
  for (const auto& report : reports) {
    if (report.shard_count < 2) continue;
    if (count != 0 && count != report.shard_count)
      throw std::invalid_argument("the reports are not shards of one run: shards of " +
                                  std::to_string(count) + " and of " + std::to_string(report.shard_count));
    count = report.shard_count;
    present.insert(report.shard_index);
  }
  if (count == 0) return;
  merged.shards = static_cast<int>(present.size());
  std::string missing;
  for (unsigned index = 1; index <= count; ++index)
    if (!present.contains(index))
      missing += (missing.empty() ? "" : ", ") + std::to_string(index) + "/" + std::to_string(count);
  if (!missing.empty())
    merged.incomplete += std::string(merged.incomplete.empty() ? "" : "; ") + "the report of shard " +
                         missing + " is missing: its scenarios were not judged";
}

}  // namespace

runner::RunReport merge_reports(const std::vector<runner::RunReport>& reports) {
  if (reports.empty()) throw std::invalid_argument("no report to merge");
  runner::RunReport merged = reports.front();
  merged.suites.clear();
  std::vector<std::string> incomplete;
  for (const auto& report : reports) {
    // Each embedded mock listens on a port of its own: shards against it agree on "the embedded mock".
    const auto target_of = [](const runner::RunReport& r) {
      return r.embedded_mock ? std::string("the embedded mock") : r.target;
    };
    require_same("the targets", target_of(merged), target_of(report));
    require_same("the profiles", merged.profile, report.profile);
    require_same("the --fail-on levels", std::string(runner::to_string(merged.fail_on)),
                 std::string(runner::to_string(report.fail_on)));
    if (!report.started_at.empty() && report.started_at < merged.started_at)
      merged.started_at = report.started_at;
    merged.duration_ms = std::max(merged.duration_ms, report.duration_ms);  // shards run side by side
    merged.network_ms += report.network_ms;
    if (!report.incomplete.empty()) incomplete.push_back(report.incomplete);
    for (const auto& suite : report.suites) {
      const auto same = std::find_if(merged.suites.begin(), merged.suites.end(), [&](const auto& s) {
        return s.name == suite.name && s.file == suite.file;
      });
      if (same == merged.suites.end())
        merged.suites.push_back(suite);
      else
        add_suite(*same, suite);
    }
  }
  for (auto& suite : merged.suites)
    std::stable_sort(suite.scenarios.begin(), suite.scenarios.end(),
                     [](const auto& a, const auto& b) { return line_of(a.location) < line_of(b.location); });
  merged.incomplete.clear();
  for (const auto& why : incomplete)
    merged.incomplete += (merged.incomplete.empty() ? "" : "; ") + why;
  merged.shard_index = merged.shard_count = 0;
  std::set<std::string> runs;  // the same report given twice is one run, not two shards
  for (const auto& report : reports)
    runs.insert(report.started_at + " " + report.target);
  merged.shards = static_cast<int>(runs.size());
  check_shards(reports, merged);
  return merged;
}

}  // namespace gatecheck::reports
