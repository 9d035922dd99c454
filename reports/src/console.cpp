#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <sstream>
#include <unistd.h>

#include <gatecheck/reports/reports.hpp>

#include "findings.hpp"
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

std::optional<ColorMode> parse_color_mode(std::string_view text) {
  if (text == "auto") return ColorMode::automatic;
  if (text == "always") return ColorMode::always;
  if (text == "never") return ColorMode::never;
  return std::nullopt;
}

bool color_wanted(int fd, ColorMode mode) {
  if (mode != ColorMode::automatic) return mode == ColorMode::always;
  const char* force = std::getenv("FORCE_COLOR");
  if (force != nullptr && *force != '\0')
    return std::string_view(force) != "0" && std::string_view(force) != "false";
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(fd) == 1;
}

std::string progress_line(const runner::Progress& progress) {
  char head[48];
  std::snprintf(head, sizeof head, "[%3zu/%zu]", progress.done, progress.total);
  std::string line = head;
  if (progress.failed > 0) line += " " + std::to_string(progress.failed) + " failed";
  if (progress.last != nullptr)
    line += "  " + runner::scenario_title(progress.last_suite, progress.last->name);
  if (line.size() > 100) line.resize(100);
  return line;
}

std::string progress_record(const runner::Progress& progress, bool color) {
  const Paint paint{color};
  const auto& last = *progress.last;
  const char* state = last.outcome == Outcome::failed    ? "FAIL"
                      : last.outcome == Outcome::skipped ? "SKIP"
                                                         : "PASS";
  const char* code = last.outcome == Outcome::failed ? "31" : last.outcome == Outcome::skipped ? "33" : "32";
  return "[" + std::to_string(progress.done) + "/" + std::to_string(progress.total) + "] " +
         paint(code, state) + " " + runner::scenario_title(progress.last_suite, last.name) + " (" +
         format_seconds(last.duration_ms) + " s)";
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
      const std::string title = title_of(suite, scenario);
      const bool warnings = std::any_of(scenario.steps.begin(), scenario.steps.end(), has_failure);
      if (style.quiet && scenario.outcome != Outcome::failed) continue;
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
  const std::string summary =
      counts_line(report) + " in " + format_seconds(report.duration_ms) + " s against " + report.target +
      (report.embedded_mock ? " (embedded mock)" : "") + ", profile " + report.profile;
  if (!report.incomplete.empty()) out << paint("1;33", "INCOMPLETE") << "  " << report.incomplete << "\n";
  out << (report.passed() ? paint("1;32", "PASSED") : paint("1;31", "FAILED")) << "  " << summary << "\n";
}

}  // namespace gatecheck::reports
