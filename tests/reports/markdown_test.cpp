// The Markdown summary (GitHub step summary, GitLab notes): the verdict first, then failures with their
// documentation, then warnings and skips; nothing in a cell can break the table; bounded in size.
#include <gtest/gtest.h>

#include <gatecheck/core/document.hpp>
#include <gatecheck/reports/reports.hpp>
#include <gatecheck/runner/checks.hpp>

#include "findings.hpp"
#include "sample_report.hpp"

namespace gatecheck::reports {
namespace {

using testing::failed_check;
using testing::sample_report;

TEST(MarkdownReport, PutsTheVerdictThenTheFailuresFirst) {
  const std::string md = markdown_report(sample_report());
  EXPECT_EQ(md.rfind("## ❌ gatecheck: FAILED\n", 0), 0u) << md;
  EXPECT_NE(md.find("1 passed, 1 failed, 1 skipped of 3 scenarios; 4 checks, 1 failed, 1 warning"),
            std::string::npos)
      << md;
  const auto failures = md.find("### Failures (1)");
  const auto warnings = md.find("### Warnings");
  const auto skipped = md.find("Skipped, not judged (1)");
  ASSERT_NE(failures, std::string::npos);
  EXPECT_LT(failures, warnings);
  EXPECT_LT(warnings, skipped);
  EXPECT_NE(md.find("| streaming / breaks | [`sse.done-sentinel`]("), std::string::npos) << md;
  EXPECT_NE(md.find("checks.md#ssedone-sentinel) MUST | the stream ended without data: [DONE] & more "
                    "(expected data: [DONE], actual end of stream) | `suites/openai/streaming.yaml:12:9` |"),
            std::string::npos)
      << md;
}

TEST(MarkdownReport, APassingRunSaysSoAndListsNoFailures) {
  auto report = sample_report();
  report.suites[0].scenarios.erase(report.suites[0].scenarios.begin() + 1);
  const std::string md = markdown_report(report);
  EXPECT_EQ(md.rfind("## ✅ gatecheck: PASSED\n", 0), 0u) << md;
  EXPECT_EQ(md.find("### Failures"), std::string::npos);
  EXPECT_NE(md.find("### Warnings"), std::string::npos) << "a warning is shown even when the run passes";
}

TEST(MarkdownReport, CellsCannotBreakTheTableOrInjectHtml) {
  auto report = sample_report();
  report.suites[0].scenarios[1].steps[0].checks[0].message = "a | b\n<script>x</script>";
  const std::string md = markdown_report(report);
  EXPECT_NE(md.find("a \\| b &lt;script&gt;x&lt;/script&gt;"), std::string::npos) << md;
  EXPECT_EQ(md.find("<script>"), std::string::npos);
}

TEST(MarkdownReport, ExcerptsSitInFencesLongerThanAnyBacktickRunInside) {
  auto report = sample_report();
  report.suites[0].scenarios[1].steps[0].response_excerpt = "```\nnot the end\n```";
  const std::string md = markdown_report(report);
  EXPECT_NE(md.find("````text\n```\nnot the end\n```\n````\n"), std::string::npos) << md;
}

TEST(MarkdownReport, AThousandFailuresStillFitANote) {
  auto report = sample_report();
  auto& step = report.suites[0].scenarios[1].steps[0];
  for (int i = 0; i < 1000; ++i)
    step.checks.push_back(failed_check("sse.framing", runner::Severity::must, std::string(300, 'x')));
  const std::string md = markdown_report(report);
  EXPECT_LT(md.size(), 64u * 1024) << "GitLab notes take 1,000,000 characters, GitHub summaries 1 MiB";
  EXPECT_NE(md.find("... and 951 more (see the HTML or JSON report)"), std::string::npos);
}

// Every catalog check's link lands on its section of docs/checks.md: a heading "### `id`" (GitHub's anchor
// drops the dots) or an explicit <a id> for the checks documented together.
TEST(CheckDocLinks, EveryCheckHasItsAnchorInChecksMd) {
  const std::string docs = core::read_file(std::string(GATECHECK_SOURCE_DIR) + "/docs/checks.md");
  for (const auto& check : runner::check_catalog()) {
    const std::string link = check_doc_link(std::string(check.id));
    const std::string anchor = link.substr(link.find('#') + 1);
    const bool heading = docs.find("### `" + std::string(check.id) + "`") != std::string::npos;
    const bool explicit_anchor = docs.find("<a id=\"" + anchor + "\"></a>") != std::string::npos;
    EXPECT_TRUE(heading || explicit_anchor) << check.id << " links to #" << anchor;
  }
  EXPECT_EQ(check_doc_link("expect.status").substr(check_doc_link("expect.status").rfind('/') + 1),
            "suite-format.md");
}

}  // namespace
}  // namespace gatecheck::reports
