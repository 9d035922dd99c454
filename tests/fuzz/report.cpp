// Property: whatever JSON a report file holds (`gatecheck report` reads them from CI artifacts), reading it
// throws only std::exception; a report read back from its own JSON is the same; every rendering and the merge
// of a report with itself never throw, and the merge counts each scenario once.
//
// Input: the file's text.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include <gatecheck/reports/reports.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto json = nlohmann::json::parse(fuzz::as_text(data, size), nullptr, false);
  if (json.is_discarded()) return 0;
  runner::RunReport report;
  try {
    report = runner::report_from_json(json);
  } catch (const std::exception&) {
    return 0;  // `gatecheck report` says which file, exit 2
  }
  const auto again = runner::report_from_json(runner::to_json(report));
  require(runner::to_json(again) == runner::to_json(report), "a report reads back as itself");
  (void)reports::junit_xml(report);
  (void)reports::html_report(report);
  (void)reports::markdown_report(report);
  const auto merged = reports::merge_reports({report, report});
  require(merged.suites.size() <= report.suites.size(), "a report merged with itself adds no suite");
  return 0;
}
