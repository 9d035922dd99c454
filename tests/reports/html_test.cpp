// The HTML page: failures before everything else, filters that work without scripts, each failure with
// expected, actual, its exchange and its documentation; self-contained.
// (tests/reports/html_screenshot_test.sh renders it in Chromium and looks at the first screen.)
#include <gtest/gtest.h>

#include <gatecheck/reports/reports.hpp>

#include "sample_report.hpp"

namespace gatecheck::reports {
namespace {

using testing::sample_report;

TEST(HtmlReport, ListsTheFailuresBeforeAnyScenarioLinkingToTheirDetails) {
  const std::string html = html_report(sample_report());
  const auto summary = html.find("<ol class=\"findings\">");
  const auto first_scenario = html.find("class=\"scenario");
  ASSERT_NE(summary, std::string::npos) << html;
  EXPECT_LT(summary, first_scenario);
  const auto failure =
      html.find("<li><a href=\"#s0-1\">streaming / breaks</a>: <code>sse.done-sentinel</code>");
  const auto warning = html.find("<li class=\"warning\"><a href=\"#s0-0\">");
  EXPECT_NE(failure, std::string::npos) << html;
  EXPECT_LT(failure, warning) << "failures before warnings";
  EXPECT_NE(html.find("<details id=\"s0-1\" class=\"scenario failed\" open>"), std::string::npos);
}

TEST(HtmlReport, FiltersDefaultToFailuresWhenThereAreAny) {
  const std::string failing = html_report(sample_report());
  EXPECT_NE(failing.find(R"(id="show-failed" checked>)"), std::string::npos);
  EXPECT_NE(failing.find("failed (1)</label><label for=\"show-warned\">warnings (1)</label>"),
            std::string::npos);
  EXPECT_NE(failing.find("skipped (1)</label><label for=\"show-all\">all (3)</label>"), std::string::npos);
  auto report = sample_report();
  report.suites[0].scenarios.erase(report.suites[0].scenarios.begin() + 1);
  EXPECT_NE(html_report(report).find(R"(id="show-all" checked>)"), std::string::npos);
}

TEST(HtmlReport, AFailureShowsExpectedActualExchangeAndDocumentation) {
  const std::string html = html_report(sample_report());
  EXPECT_NE(html.find("expected: <code>data: [DONE]</code><br>actual: <code>end of stream</code>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("checks.md#ssedone-sentinel\"><code>sse.done-sentinel</code></a>"), std::string::npos);
  EXPECT_NE(html.find("<pre>POST http://127.0.0.1:1/v1/chat/completions</pre>"), std::string::npos);
  EXPECT_NE(html.find("asked at suites/openai/streaming.yaml:12:9"), std::string::npos);
}

TEST(HtmlReport, IsSelfContained) {
  const std::string html = html_report(sample_report());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
}

TEST(HtmlReport, EscapesWhatTheTargetSent) {
  auto report = sample_report();
  report.suites[0].scenarios[1].steps[0].response_excerpt = "<img src=x onerror=alert(1)>";
  const std::string html = html_report(report);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

}  // namespace
}  // namespace gatecheck::reports
