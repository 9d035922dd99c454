#include <gatecheck/reports/reports.hpp>

#include "text.hpp"

namespace gatecheck::reports {

using runner::Outcome;

// One self-contained page (no scripts, no external assets): failures open, everything else folded.
std::string html_report(const runner::RunReport& report) {
  const auto totals = report.totals();
  std::string out = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>gatecheck report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:20px} .passed{color:#17813a} .failed{color:#c62828} .skipped{color:#8a6d00}
details{margin:.3em 0 .3em 1em} summary{cursor:pointer} pre{background:#f5f5f5;padding:.6em;overflow:auto;font-size:12px}
table{border-collapse:collapse} td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
code{font-size:13px}
</style></head><body>
)";
  out += "<h1>gatecheck: <span class=\"" +
         std::string(report.passed() ? "passed\">PASSED" : "failed\">FAILED") + "</span></h1>\n<p>" +
         std::to_string(totals.passed) + " passed, " + std::to_string(totals.failed) + " failed, " +
         std::to_string(totals.skipped) + " skipped of " + std::to_string(totals.scenarios) + " scenarios; " +
         std::to_string(totals.checks) + " checks, " + std::to_string(totals.checks_failed) +
         " failed. Target <code>" + xml_escape(report.target) + "</code>" +
         (report.embedded_mock ? " (embedded mock)" : "") + ", profile <code>" + xml_escape(report.profile) +
         "</code>, started " + xml_escape(report.started_at) + ", " + format_seconds(report.duration_ms) +
         " s.</p>\n";
  for (const auto& suite : report.suites) {
    out += "<h2>" + xml_escape(suite.name) + " <small><code>" + xml_escape(suite.file) +
           "</code></small></h2>\n";
    for (const auto& scenario : suite.scenarios) {
      const std::string state(runner::to_string(scenario.outcome));
      out += std::string("<details") + (scenario.outcome == Outcome::failed ? " open" : "") +
             "><summary class=\"" + state + "\">" + state + ": " + xml_escape(scenario.name) + "</summary>\n";
      if (!scenario.skip_reason.empty()) out += "<p>" + xml_escape(scenario.skip_reason) + "</p>\n";
      for (const auto& step : scenario.steps) {
        out += "<details" + std::string(step.outcome == Outcome::failed ? " open" : "") +
               "><summary class=\"" + std::string(runner::to_string(step.outcome)) + "\">" +
               xml_escape(step.name) + " <small>" + xml_escape(step.location) +
               "</small></summary>\n<table><tr><th>check</th><th>outcome</th><th>detail</th></tr>\n";
        for (const auto& check : step.checks) {
          const char* cls = !check.passed ? "failed" : check.applicable ? "passed" : "skipped";
          std::string detail =
              (check.caused_by.empty() ? "" : "caused by " + check.caused_by + ": ") + check.message;
          if (!check.expected.empty() || !check.actual.empty())
            detail += " (expected " + check.expected + ", actual " + check.actual + ")";
          out += "<tr><td><code>" + xml_escape(check.id) + "</code> " +
                 std::string(runner::to_string(check.severity)) + "</td><td class=\"" + cls + "\">" +
                 (check.passed ? (check.applicable ? "passed" : "n/a") : "failed") + "</td><td>" +
                 xml_escape(detail) + "</td></tr>\n";
        }
        out += "</table>\n";
        if (!step.skip_reason.empty()) out += "<p>" + xml_escape(step.skip_reason) + "</p>\n";
        for (const auto& note : step.notes)
          out += "<p>" + xml_escape(note) + "</p>\n";
        if (!step.request_excerpt.empty()) out += "<pre>" + xml_escape(step.request_excerpt) + "</pre>\n";
        if (!step.response_excerpt.empty()) out += "<pre>" + xml_escape(step.response_excerpt) + "</pre>\n";
        out += "</details>\n";
      }
      out += "</details>\n";
    }
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace gatecheck::reports
