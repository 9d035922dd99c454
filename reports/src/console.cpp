#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <sstream>
#include <unistd.h>

#include <gatecheck/reports/reports.hpp>

#include "text.hpp"

namespace gatecheck::reports {
namespace {

using runner::Outcome;

struct Paint {
  bool on;
  std::string operator()(const char* code, const std::string& text) const {
    return on ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  }
};

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    out += prefix + line + "\n";
  return out;
}

}  // namespace

bool color_wanted(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(fd) == 1;
}

std::string progress_line(const runner::Progress& progress) {
  char head[48];
  std::snprintf(head, sizeof head, "[%3zu/%zu]", progress.done, progress.total);
  std::string line = head;
  if (progress.failed > 0) line += " " + std::to_string(progress.failed) + " failed";
  if (progress.last != nullptr) line += "  " + progress.last->name;
  if (line.size() > 100) line.resize(100);
  return line;
}

namespace {

// A step's findings and warnings, each failure once, its consequences under it.
void write_step_failures(std::ostream& out, const Paint& paint, const runner::StepResult& step) {
  out << "  step: " << step.name << "  " << step.location << "\n";
  for (const auto& note : step.notes)
    out << "    note: " << note << "\n";
  for (const auto& check : step.checks) {
    if (check.passed) continue;
    if (!check.caused_by.empty()) {  // shown under its cause, not as another finding
      out << "      - " << check.id << " (caused by " << check.caused_by << "): " << check.message << "\n";
      continue;
    }
    out << "    " << paint(check.severity == runner::Severity::must ? "31" : "33", "x " + check.id) << " ["
        << runner::to_string(check.severity) << "] " << check.message << "\n";
    if (!check.expected.empty()) out << "        expected: " << check.expected << "\n";
    if (!check.actual.empty()) out << "        actual:   " << check.actual << "\n";
    if (!check.location.empty() && check.location != step.location)
      out << "        at " << check.location << "\n";
  }
  if (!step.request_excerpt.empty()) out << "    request:\n" << indent(step.request_excerpt, "      | ");
  if (!step.response_excerpt.empty()) out << "    response:\n" << indent(step.response_excerpt, "      | ");
}

bool has_failure(const runner::StepResult& step) {
  return std::any_of(step.checks.begin(), step.checks.end(), [](const auto& c) { return !c.passed; });
}

}  // namespace

void write_console(std::ostream& out, const runner::RunReport& report, const ConsoleStyle& style) {
  const Paint paint{style.color};
  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      const std::string title = suite.name + " / " + scenario.name;
      const bool warnings = std::any_of(scenario.steps.begin(), scenario.steps.end(), has_failure);
      if (scenario.outcome == Outcome::skipped) {  // always shown: a skip is something not judged
        out << paint("33", "SKIP") << "  " << title << " (" << scenario.skip_reason << ")\n";
        if (!warnings) continue;  // a warning of another step is shown all the same
      } else if (scenario.outcome == Outcome::passed && !warnings) {
        if (style.show_passed) out << paint("32", "PASS") << "  " << title << "\n";
        continue;
      } else {
        out << (scenario.outcome == Outcome::failed ? paint("1;31", "FAIL") : paint("33", "WARN")) << "  "
            << paint("1", title) << "  " << scenario.location << "\n";
      }
      for (const auto& step : scenario.steps)
        if (has_failure(step)) write_step_failures(out, paint, step);
      out << "\n";
    }
  }
  const auto totals = report.totals();
  std::string summary = std::to_string(totals.passed) + " passed, " + std::to_string(totals.failed) +
                        " failed, " + std::to_string(totals.skipped) + " skipped (" +
                        std::to_string(totals.scenarios) + " scenarios, " + std::to_string(totals.checks) +
                        " checks, " + std::to_string(totals.checks_failed) + " failed";
  if (totals.retries > 0) summary += ", " + std::to_string(totals.retries) + " retries after 429";
  summary += ") in " + format_seconds(report.duration_ms) + " s against " + report.target +
             (report.embedded_mock ? " (embedded mock)" : "") + ", profile " + report.profile;
  if (!report.incomplete.empty()) out << paint("1;33", "INCOMPLETE") << "  " << report.incomplete << "\n";
  out << (report.passed() ? paint("1;32", "PASSED") : paint("1;31", "FAILED")) << "  " << summary << "\n";
}

}  // namespace gatecheck::reports
