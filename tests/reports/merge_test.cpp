// Merging the reports of one run's shards: every scenario once, in file order, totals recounted; reports
// of different runs refused.
#include <gtest/gtest.h>

#include <gatecheck/reports/reports.hpp>

#include "sample_report.hpp"

namespace gatecheck::reports {
namespace {

using testing::sample_report;

// The sample split the way --shard splits: some scenarios in one report, the rest in the other.
std::pair<runner::RunReport, runner::RunReport> two_shards() {
  auto first = sample_report(), second = sample_report();
  auto& a = first.suites[0].scenarios;
  auto& b = second.suites[0].scenarios;
  a.erase(a.begin());               // breaks, skips
  b.erase(b.begin() + 1, b.end());  // ok <one>
  first.duration_ms = 1000;
  second.duration_ms = 1500;
  second.started_at = "2026-11-24T09:59:59Z";
  return {first, second};
}

TEST(MergeReports, JoinsShardsIntoOneSuiteInFileOrderWithTotalsRecounted) {
  const auto [first, second] = two_shards();
  const auto merged = merge_reports({first, second});
  ASSERT_EQ(merged.suites.size(), 1u);
  ASSERT_EQ(merged.suites[0].scenarios.size(), 3u);
  EXPECT_EQ(merged.suites[0].scenarios[0].name, "ok <one>") << "line 5 before line 10";
  EXPECT_EQ(merged.suites[0].scenarios[1].name, "breaks");
  const auto totals = merged.totals();
  EXPECT_EQ(totals.scenarios, 3u);
  EXPECT_EQ(totals.passed, 1u);
  EXPECT_EQ(totals.failed, 1u);
  EXPECT_EQ(totals.skipped, 1u);
  EXPECT_EQ(merged.shards, 2);
  EXPECT_EQ(merged.duration_ms, 1500) << "shards run side by side: the longest";
  EXPECT_EQ(merged.started_at, "2026-11-24T09:59:59Z");
  EXPECT_NE(junit_xml(merged).find(R"(<testsuite name="streaming" tests="3")"), std::string::npos)
      << "one testsuite, not one per shard";
}

TEST(MergeReports, ShardsAgainstTheEmbeddedMockMergeThoughEachMockHadItsOwnPort) {
  auto [first, second] = two_shards();
  first.embedded_mock = second.embedded_mock = true;
  second.target = "http://127.0.0.1:2";
  EXPECT_EQ(merge_reports({first, second}).totals().scenarios, 3u);
  second.embedded_mock = false;
  EXPECT_THROW(merge_reports({first, second}), std::invalid_argument);
}

TEST(MergeReports, AMissingShardLeavesTheMergeIncompleteAndFailing) {
  auto [first, second] = two_shards();
  first.shard_index = 1;
  second.shard_index = 2;
  first.shard_count = second.shard_count = 3;
  const auto merged = merge_reports({first, second, first});
  EXPECT_EQ(merged.incomplete, "the report of shard 3/3 is missing: its scenarios were not judged");
  EXPECT_FALSE(merged.passed());
  EXPECT_EQ(merged.shards, 2) << "shard 1/3 twice is one shard";
  second.shard_count = 2;
  EXPECT_THROW(merge_reports({first, second}), std::invalid_argument) << "slices of different splits";
  second.shard_count = 3;
  second.shard_index = 3;
  auto middle = first;
  middle.shard_index = 2;
  EXPECT_TRUE(merge_reports({first, middle, second}).incomplete.empty());
}

TEST(MergeReports, AScenarioReportedTwiceCountsOnceTheLaterWins) {
  auto rerun = sample_report();
  rerun.suites[0].scenarios[1].outcome = runner::Outcome::passed;
  rerun.suites[0].scenarios[1].steps.clear();
  const auto merged = merge_reports({sample_report(), rerun});
  EXPECT_EQ(merged.totals().scenarios, 3u);
  EXPECT_EQ(merged.totals().failed, 0u);
  EXPECT_TRUE(merged.passed());
}

TEST(MergeReports, RefusesReportsOfDifferentRuns) {
  auto other = sample_report();
  other.target = "http://elsewhere:1";
  EXPECT_THROW(merge_reports({sample_report(), other}), std::invalid_argument);
  other = sample_report();
  other.fail_on = runner::Severity::should;
  EXPECT_THROW(merge_reports({sample_report(), other}), std::invalid_argument);
}

TEST(MergeReports, AnIncompleteShardMakesTheMergeIncomplete) {
  auto cut = sample_report();
  cut.incomplete = "the run deadline was reached";
  const auto merged = merge_reports({sample_report(), cut});
  EXPECT_EQ(merged.incomplete, "the run deadline was reached");
  EXPECT_FALSE(merged.passed());
}

}  // namespace
}  // namespace gatecheck::reports
