// A suite file as loaded: scenarios of steps, each remembering where it was written so that every finding can
// point at file:line. Steps stay JSON until they run, because templates ({{ captures.id }}) can only be
// rendered then. Format: docs/suite-format.md; JSON Schema: schemas/suite.schema.json, applied on load.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>

namespace gatecheck::runner {

// stub and verify script and question gatecheck's mock through its admin API (docs/suite-format.md).
enum class StepKind { request, burst, webhook_receiver, expect_webhook, stub, verify };

struct Expectations;  // a step's `expect:`, typed at load (runner/src/expectations.hpp)

struct Step {
  StepKind kind = StepKind::request;
  std::string name;     // given, or derived ("POST /chat/completions")
  nlohmann::json spec;  // the step as written: requests render from it when the step runs
  std::shared_ptr<const Expectations> expect;  // null: the step has no `expect:`
  std::string pointer;                         // JSON Pointer of the step in its file
};

// Whether a step scripts or questions gatecheck's mock through its admin API (stub, verify, a request's
// upstream:): its scenario needs the mock and its admin token, and runs alone.
bool questions_mock(const Step& step);

struct Scenario {
  std::string name;
  std::vector<std::string> tags;          // the suite's tags plus its own
  std::vector<std::string> capabilities;  // capabilities, the suite's plus its own
  // Runs alone, after the others: it exhausts a limit on purpose, or it stubs or verifies the mock (whose
  // stubs and journal every scenario shares).
  bool exclusive = false;
  std::vector<Step> steps;
  std::string pointer;
};

struct Suite {
  std::string name;
  std::string description;
  std::string file;
  nlohmann::json vars = nlohmann::json::object();
  std::vector<Scenario> scenarios;
  std::shared_ptr<const core::SourceMap> source;

  std::string describe(const std::string& pointer) const;  // "file:line:column"
};

// Throws core::LoadError with file:line:column for syntax errors and for anything the suite schema rejects.
Suite load_suite(const std::filesystem::path& path);
Suite parse_suite(const core::Document& document);
// The bundled suites (suites/**/*.yaml inside the binary, or under GATECHECK_DATA_DIR).
std::vector<Suite> load_bundled_suites(std::string_view folder = "suites/openai/");
// Files and folders (every .yaml/.yml/.json below a folder, sorted).
std::vector<Suite> load_suites(const std::vector<std::string>& paths);

}  // namespace gatecheck::runner
