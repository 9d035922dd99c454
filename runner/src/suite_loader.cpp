#include <algorithm>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/schema/format_check.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/runner/suite.hpp>

#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using core::json_pointer_append;
using nlohmann::json;

constexpr std::string_view kSuiteSchema = "schemas/suite.schema.json";

std::vector<std::string> strings(const json& object, const char* key) {
  std::vector<std::string> out;
  if (const auto it = object.find(key); it != object.end())
    for (const auto& item : *it)
      out.push_back(item.get<std::string>());
  return out;
}

void append_unique(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& item : from)
    if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
}

class StepChecker {
 public:
  explicit StepChecker(const core::Document& document) : document_(document) {}

  void matcher(const json& value, const std::string& pointer) const {
    if (const auto problem = matcher_problem(value); !problem.empty()) fail(pointer, problem);
  }

  void json_path(const std::string& text, const std::string& pointer, bool key) const {
    try {
      (void)core::JsonPath::parse(text);
    } catch (const core::JsonPathError& e) {
      fail(pointer, e.what(), key);
    }
  }

  void expect(const json& expect, const std::string& pointer) const {
    for (const char* single : {"status", "body"})
      if (expect.contains(single)) matcher(expect[single], json_pointer_append(pointer, single));
    for (const char* map : {"headers", "json", "events"}) {
      if (!expect.contains(map)) continue;
      const std::string base = json_pointer_append(pointer, map);
      const json& entries = expect[map];
      for (const auto& [key, value] : entries.items()) {
        const std::string at = json_pointer_append(base, key);
        if (std::string_view(map) != "headers") json_path(key, at, true);
        matcher(value, at);
      }
    }
  }

  void capture(const json& capture, const std::string& pointer) const {
    for (const auto& [name, how] : capture.items()) {
      const std::string at = json_pointer_append(pointer, name);
      if (how.is_string()) json_path(how.get<std::string>(), at, false);
      for (const char* key : {"json", "events"})
        if (how.is_object() && how.contains(key))
          json_path(how[key].get<std::string>(), json_pointer_append(at, key), false);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& pointer, const std::string& message, bool key = false) const {
    const auto& source = document_.source;
    throw core::LoadError(source.file(), key ? source.key_at(pointer) : source.value_at(pointer), message);
  }
  const core::Document& document_;
};

std::string derive_step_name(const json& spec) {
  if (spec.contains("webhook_receiver"))
    return "webhook receiver " + spec["webhook_receiver"]["id"].get<std::string>();
  if (spec.contains("expect_webhook"))
    return "expect webhook " + spec["expect_webhook"]["event"].get<std::string>() + " at " +
           spec["expect_webhook"]["receiver"].get<std::string>();
  const json* request = spec.contains("request") ? &spec["request"] : &spec["burst"]["request"];
  std::string method = request->value("method", "");
  if (method.empty())
    method = (request->contains("json") || request->contains("body") || request->contains("body_bytes") ||
              request->contains("multipart"))
                 ? "POST"
                 : "GET";
  std::string target = request->contains("path") ? (*request)["path"].get<std::string>()
                                                 : (*request)["url"].get<std::string>();
  std::string name = method + " " + target;
  if (spec.contains("burst")) {
    const json& count = spec["burst"]["count"];
    name = "burst of " + (count.is_string() ? count.get<std::string>() : count.dump()) + " x " + name;
  }
  return name;
}

}  // namespace

std::string Suite::describe(const std::string& pointer) const {
  return source ? source->describe(pointer) : file;
}

Suite parse_suite(const core::Document& document) {
  schema::check_against_format(document, kSuiteSchema);
  const json& root = document.value;
  const StepChecker checker(document);

  Suite suite;
  suite.name = root["suite"].get<std::string>();
  suite.description = root.value("description", "");
  suite.file = document.source.file();
  suite.vars = root.value("vars", json::object());
  suite.source = std::make_shared<const core::SourceMap>(document.source);
  const auto suite_tags = strings(root, "tags");
  const auto suite_requires = strings(root, "requires");

  const json& scenarios = root["scenarios"];
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const json& item = scenarios[i];
    Scenario scenario;
    scenario.pointer = json_pointer_append("/scenarios", i);
    scenario.name = item["name"].get<std::string>();
    scenario.tags = suite_tags;
    append_unique(scenario.tags, strings(item, "tags"));
    scenario.capabilities = suite_requires;
    append_unique(scenario.capabilities, strings(item, "requires"));
    scenario.exclusive = item.value("exclusive", false);
    for (const auto& other : suite.scenarios) {
      if (other.name == scenario.name) {
        throw core::LoadError(
            suite.file, document.source.value_at(scenario.pointer + "/name"),
            "two scenarios are named '" + scenario.name + "'; names identify them in reports");
      }
    }
    const json& steps = item["steps"];
    for (std::size_t s = 0; s < steps.size(); ++s) {
      const json& spec = steps[s];
      Step step;
      step.pointer = json_pointer_append(json_pointer_append(scenario.pointer, "steps"), s);
      for (const char* kind : {"request", "burst", "webhook_receiver", "expect_webhook"})
        if (spec.contains(kind)) step.kind = kind;
      step.name = spec.contains("name") ? spec["name"].get<std::string>() : derive_step_name(spec);
      step.spec = spec;
      if (spec.contains("expect")) checker.expect(spec["expect"], step.pointer + "/expect");
      if (spec.contains("capture")) checker.capture(spec["capture"], step.pointer + "/capture");
      scenario.steps.push_back(std::move(step));
    }
    suite.scenarios.push_back(std::move(scenario));
  }
  return suite;
}

Suite load_suite(const std::filesystem::path& path) {
  return parse_suite(core::load_document(path));
}

std::vector<Suite> load_bundled_suites(std::string_view folder) {
  std::vector<Suite> suites;
  for (const auto& path : core::bundled_files_under(folder)) {
    if (!path.ends_with(".yaml") && !path.ends_with(".yml")) continue;
    suites.push_back(parse_suite(core::parse_yaml(*core::bundled_file(path), path)));
  }
  return suites;
}

std::vector<Suite> load_suites(const std::vector<std::string>& paths) {
  std::vector<Suite> suites;
  for (const auto& text : paths) {
    const std::filesystem::path path = text;
    if (std::filesystem::is_directory(path)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json"))
          files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files)
        suites.push_back(load_suite(file));
    } else {
      suites.push_back(load_suite(path));
    }
  }
  return suites;
}

}  // namespace gatecheck::runner
