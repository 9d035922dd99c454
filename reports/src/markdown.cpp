// Markdown for GitHub's step summary and GitLab merge-request notes: the verdict and counts, then the
// failures, then warnings, then what was skipped; bounded so a thousand failures still fit a note.
#include <algorithm>
#include <set>

#include <gatecheck/reports/reports.hpp>

#include "findings.hpp"
#include "text.hpp"

namespace gatecheck::reports {
namespace {

constexpr std::size_t kMaxRows = 50;             // per table; the rest are counted
constexpr std::size_t kMaxExcerpts = 10;         // failing steps whose exchange is shown
constexpr std::size_t kMaxExcerptBytes = 2'000;  // per request or response

// A table cell: one line, no column breaks, no HTML.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

// A fenced block whose fence is longer than any backtick run inside it.
std::string code_block(std::string text) {
  if (text.size() > kMaxExcerptBytes) text = text.substr(0, kMaxExcerptBytes) + "\n[... cut]";
  std::size_t longest = 0, run = 0;
  for (const char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  return fence + "text\n" + text + (text.ends_with('\n') ? "" : "\n") + fence + "\n";
}

std::string findings_table(const std::vector<Finding>& rows, const std::string& heading) {
  if (rows.empty()) return {};
  std::string out = "\n### " + heading + " (" + std::to_string(rows.size()) +
                    ")\n\n| Scenario | Check | What was wrong | Where |\n|---|---|---|---|\n";
  for (std::size_t i = 0; i < rows.size() && i < kMaxRows; ++i) {
    const auto& f = rows[i];
    std::string what = f.check->message;
    if (!f.check->expected.empty() || !f.check->actual.empty())
      what += " (expected " + f.check->expected + ", actual " + f.check->actual + ")";
    out += "| " + cell(title_of(*f.suite, *f.scenario)) + " | [`" + cell(f.check->id) + "`](" +
           check_doc_link(f.check->id) + ") " + std::string(runner::to_string(f.check->severity)) + " | " +
           cell(what) + " | `" + cell(f.check->location) + "` |\n";
  }
  if (rows.size() > kMaxRows)
    out += "\n... and " + std::to_string(rows.size() - kMaxRows) + " more (see the HTML or JSON report)\n";
  return out;
}

// The request and response of each failing step (once per step), folded.
std::string excerpts(const std::vector<Finding>& failures) {
  std::set<const runner::StepResult*> shown;
  std::string out;
  for (const auto& f : failures) {
    if (shown.size() == kMaxExcerpts || shown.contains(f.step)) continue;
    if (f.step->request_excerpt.empty() && f.step->response_excerpt.empty()) continue;
    shown.insert(f.step);
    out += "\n**" + cell(title_of(*f.suite, *f.scenario)) + "**, step " + cell(f.step->name) + "\n\n";
    if (!f.step->request_excerpt.empty()) out += code_block(f.step->request_excerpt);
    if (!f.step->response_excerpt.empty()) out += code_block(f.step->response_excerpt);
  }
  if (out.empty()) return {};
  return "\n<details><summary>Requests and responses of the failing steps</summary>\n" + out +
         "\n</details>\n";
}

std::string skipped_table(const runner::RunReport& report) {
  std::string rows;
  std::size_t count = 0;
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      if (scenario.outcome == runner::Outcome::skipped && count++ < kMaxRows)
        rows += "| " + cell(title_of(suite, scenario)) + " | " + cell(scenario.skip_reason) + " |\n";
  if (count == 0) return {};
  if (count > kMaxRows) rows += "\n... and " + std::to_string(count - kMaxRows) + " more\n";
  return "\n<details><summary>Skipped, not judged (" + std::to_string(count) +
         ")</summary>\n\n| Scenario | Why |\n|---|---|\n" + rows + "\n</details>\n";
}

}  // namespace

std::string markdown_report(const runner::RunReport& report) {
  const bool passed = report.passed();
  std::string out = std::string("## ") + (passed ? "✅ gatecheck: PASSED" : "❌ gatecheck: FAILED") + "\n\n" +
                    counts_line(report) + ". Target `" + cell(report.target) + "`" +
                    (report.embedded_mock ? " (embedded mock)" : "") + ", profile `" + cell(report.profile) +
                    "`, " + format_seconds(report.duration_ms) + " s" +
                    (report.shards > 1 ? ", " + std::to_string(report.shards) + " shards merged" : "") +
                    ".\n";
  if (!report.incomplete.empty()) out += "\n**Incomplete:** " + cell(report.incomplete) + "\n";
  std::vector<Finding> failures, warnings;
  for (const auto& f : findings(report))
    (f.fails_run ? failures : warnings).push_back(f);
  out += findings_table(failures, "Failures");
  out += excerpts(failures);
  out += findings_table(warnings, "Warnings (SHOULD, not failing the run)");
  out += skipped_table(report);
  return out;
}

}  // namespace gatecheck::reports
