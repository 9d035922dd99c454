// One self-contained page (no scripts, no external assets, readable offline): the verdict, then the failures
// with links to their details, then every scenario under filters (failed, warnings, skipped, all) made of
// radio buttons and CSS alone.
#include <algorithm>
#include <map>

#include <gatecheck/reports/reports.hpp>
#include <gatecheck/runner/checks.hpp>

#include "findings.hpp"
#include "text.hpp"

namespace gatecheck::reports {

using runner::Outcome;

namespace {

constexpr const char* kStyle = R"(<style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em 2em;color:#222}
h1{font-size:20px;margin:.2em 0} h2{font-size:16px;margin:1em 0 .3em} .meta{color:#555;margin:.2em 0 .8em}
:is(span,summary,td,p).passed{color:#17813a} :is(span,summary,td,p).failed{color:#c62828}
:is(span,summary,td,p):is(.skipped,.warned){color:#8a6d00}
ol.findings{margin:.3em 0;padding-left:1.6em} ol.findings li{border-left:4px solid #d1242f;padding:.1em .5em;margin:.2em 0}
ol.findings li.warning{border-left-color:#bf8700}
details{margin:.2em 0 .2em 1em} summary{cursor:pointer} pre{background:#f5f5f5;padding:.6em;overflow:auto;font-size:12px;margin:.3em 0}
table{border-collapse:collapse;margin:.3em 0} td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
code{font-size:13px} .why{color:#555;font-size:12px}
nav.filters{margin:1em 0 .5em} nav.filters label{border:1px solid #bbb;border-radius:4px;padding:.2em .7em;margin-right:.4em;cursor:pointer}
input.filter{position:absolute;opacity:0}
#show-failed:checked~nav label[for=show-failed],#show-warned:checked~nav label[for=show-warned],
#show-skipped:checked~nav label[for=show-skipped],#show-all:checked~nav label[for=show-all]{background:#222;color:#fff}
#show-failed:checked~main .scenario:not(.failed),#show-warned:checked~main .scenario:not(.warned),
#show-skipped:checked~main .scenario:not(.skipped){display:none}
#show-failed:checked~main section:not(:has(.failed)),#show-warned:checked~main section:not(:has(.warned)),
#show-skipped:checked~main section:not(:has(.skipped)){display:none}
main .scenario:target{display:block!important}
</style>)";

std::string escaped(const std::string& text) {
  return xml_escape(text);
}

std::string scenario_anchor(std::size_t suite, std::size_t scenario) {
  return "s" + std::to_string(suite) + "-" + std::to_string(scenario);
}

// The classes a scenario's filters read: its outcome, and "warned" when a finding did not fail the run.
std::string scenario_classes(const runner::RunReport& report, const runner::ScenarioResult& scenario) {
  std::string classes(runner::to_string(scenario.outcome));
  for (const auto& step : scenario.steps)
    for (const auto& check : step.checks)
      if (check.is_finding() && !report.fails(check)) return classes + " warned";
  return classes;
}

// The summary at the top: each finding, linking to its scenario's details.
std::string findings_list(const runner::RunReport& report) {
  auto all = findings(report);
  if (all.empty()) return {};
  std::stable_partition(all.begin(), all.end(), [](const Finding& f) { return f.fails_run; });
  std::size_t failures = 0;
  for (const auto& f : all)
    failures += f.fails_run;
  const auto count = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::string out =
      "<h2 id=\"failures\">" + count(failures, "failed check", "failed checks") +
      (all.size() > failures ? ", " + count(all.size() - failures, "warning", "warnings") : "") +
      "</h2>\n<ol class=\"findings\">\n";
  std::map<const runner::ScenarioResult*, std::string> anchors;
  for (std::size_t s = 0; s < report.suites.size(); ++s)
    for (std::size_t c = 0; c < report.suites[s].scenarios.size(); ++c)
      anchors[&report.suites[s].scenarios[c]] = scenario_anchor(s, c);
  for (const auto& f : all) {
    out += std::string("<li") + (f.fails_run ? "" : " class=\"warning\"") + "><a href=\"#" +
           anchors[f.scenario] + "\">" + escaped(title_of(*f.suite, *f.scenario)) + "</a>: <code>" +
           escaped(f.check->id) + "</code> " + std::string(runner::to_string(f.check->severity)) + " " +
           escaped(f.check->message) + "</li>\n";
  }
  return out + "</ol>\n";
}

std::string filters(const runner::RunReport& report) {
  const auto totals = report.totals();
  std::size_t warned = 0;
  for (const auto& suite : report.suites)
    for (const auto& scenario : suite.scenarios)
      warned += scenario_classes(report, scenario).ends_with("warned");
  const bool failures = totals.failed > 0;
  const auto radio = [](const char* id, bool checked) {
    return std::string("<input type=\"radio\" class=\"filter\" name=\"show\" id=\"") + id + "\"" +
           (checked ? " checked" : "") + ">\n";
  };
  return radio("show-failed", failures) + radio("show-warned", false) + radio("show-skipped", false) +
         radio("show-all", !failures) + "<nav class=\"filters\">Show: <label for=\"show-failed\">failed (" +
         std::to_string(totals.failed) + ")</label><label for=\"show-warned\">warnings (" +
         std::to_string(warned) + ")</label><label for=\"show-skipped\">skipped (" +
         std::to_string(totals.skipped) + ")</label><label for=\"show-all\">all (" +
         std::to_string(totals.scenarios) + ")</label></nav>\n";
}

// One check's row: failures with expected and actual, the check's description and a link to its page.
std::string check_row(const runner::RunReport& report, const runner::CheckResult& check) {
  const char* state = !check.passed ? (report.fails(check) || !check.caused_by.empty() ? "failed" : "warned")
                      : check.applicable ? "passed"
                                         : "skipped";
  std::string detail = (check.caused_by.empty() ? "" : "caused by " + check.caused_by + ": ") + check.message;
  std::string out =
      "<tr><td><a href=\"" + escaped(check_doc_link(check.id)) + "\"><code>" + escaped(check.id) +
      "</code></a> " + std::string(runner::to_string(check.severity)) + "</td><td class=\"" + state + "\">" +
      (check.passed ? (check.applicable ? "passed" : "n/a") : state) + "</td><td>" + escaped(detail);
  if (!check.passed && (!check.expected.empty() || !check.actual.empty()))
    out += "<br>expected: <code>" + escaped(check.expected) + "</code><br>actual: <code>" +
           escaped(check.actual) + "</code>";
  if (!check.passed) {
    if (const auto* info = runner::find_check(check.id))
      out += "<div class=\"why\">" + escaped(std::string(info->description)) + " (" +
             escaped(std::string(info->reference)) + ")</div>";
    if (!check.location.empty()) out += "<div class=\"why\">asked at " + escaped(check.location) + "</div>";
  }
  return out + "</td></tr>\n";
}

std::string step_details(const runner::RunReport& report, const runner::StepResult& step) {
  std::string out = "<details" + std::string(step.outcome == Outcome::failed ? " open" : "") +
                    "><summary class=\"" + std::string(runner::to_string(step.outcome)) + "\">" +
                    escaped(step.name) + " <small>" + escaped(step.location) +
                    "</small></summary>\n<table><tr><th>check</th><th>outcome</th><th>detail</th></tr>\n";
  for (const auto& check : step.checks)
    out += check_row(report, check);
  out += "</table>\n";
  if (!step.skip_reason.empty()) out += "<p>" + escaped(step.skip_reason) + "</p>\n";
  for (const auto& note : step.notes)
    out += "<p>" + escaped(note) + "</p>\n";
  if (!step.request_excerpt.empty()) out += "<pre>" + escaped(step.request_excerpt) + "</pre>\n";
  if (!step.response_excerpt.empty()) out += "<pre>" + escaped(step.response_excerpt) + "</pre>\n";
  return out + "</details>\n";
}

std::string scenarios(const runner::RunReport& report) {
  std::string out = "<main>\n";
  for (std::size_t s = 0; s < report.suites.size(); ++s) {
    const auto& suite = report.suites[s];
    out += "<section><h2>" + escaped(suite.name) + " <small><code>" + escaped(suite.file) +
           "</code></small></h2>\n";
    for (std::size_t c = 0; c < suite.scenarios.size(); ++c) {
      const auto& scenario = suite.scenarios[c];
      const std::string classes = scenario_classes(report, scenario);
      const std::string state(runner::to_string(scenario.outcome));
      out += "<details id=\"" + scenario_anchor(s, c) + "\" class=\"scenario " + classes + "\"" +
             (scenario.outcome == Outcome::failed ? " open" : "") + "><summary class=\"" + state + "\">" +
             state + ": " + escaped(scenario.name) + " <small>" + escaped(scenario.location) +
             "</small></summary>\n";
      if (!scenario.skip_reason.empty()) out += "<p>" + escaped(scenario.skip_reason) + "</p>\n";
      for (const auto& step : scenario.steps)
        out += step_details(report, step);
      out += "</details>\n";
    }
    out += "</section>\n";
  }
  return out + "</main>\n";
}

}  // namespace

std::string html_report(const runner::RunReport& report) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gatecheck: " +
                    std::string(report.passed() ? "PASSED" : "FAILED") + "</title>\n" + kStyle +
                    "</head><body>\n<h1>gatecheck: <span class=\"" +
                    std::string(report.passed() ? "passed\">PASSED" : "failed\">FAILED") + "</span></h1>\n";
  out += "<p class=\"meta\">" + escaped(counts_line(report)) + ". Target <code>" + escaped(report.target) +
         "</code>" + (report.embedded_mock ? " (embedded mock)" : "") + ", profile <code>" +
         escaped(report.profile) + "</code>, started " + escaped(report.started_at) + ", " +
         format_seconds(report.duration_ms) + " s" +
         (report.shards > 1 ? ", " + std::to_string(report.shards) + " shards merged" : "") + ".</p>\n";
  if (!report.incomplete.empty())
    out += "<p class=\"failed\">Incomplete: " + escaped(report.incomplete) + "</p>\n";
  out += findings_list(report) + filters(report) + scenarios(report);
  return out + "</body></html>\n";
}

}  // namespace gatecheck::reports
