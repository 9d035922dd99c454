#include <algorithm>
#include <set>
#include <span>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/core/spelling.hpp>
#include <gatecheck/core/template.hpp>
#include <gatecheck/runner/checks.hpp>
#include <gatecheck/runner/suite.hpp>
#include <gatecheck/schema/format_check.hpp>

#include "expectations.hpp"
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

// What the {{ }} expressions of a scenario may read, known before anything runs: the suite's vars, what
// earlier steps capture, the receivers earlier steps start. profile, target and env are the run's, not the
// suite's.
struct KnownNames {
  std::set<std::string> vars;
  std::set<std::string> captures;
  std::set<std::string> receivers;
};

constexpr std::string_view kTemplateRoots[] = {"vars", "captures", "receivers", "profile", "target", "env"};

std::string listed(const std::set<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const auto& name : names)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

// Why `name` cannot be read at this point of the scenario; empty when it can. `mock`: in a stub step, whose
// mock-side names are the mock's to read.
std::string unknown_name(const core::TemplateName& name, const KnownNames& known, bool mock) {
  if (mock && std::find(std::begin(core::kStubTemplateRoots), std::end(core::kStubTemplateRoots),
                        name.root) != std::end(core::kStubTemplateRoots))
    return {};
  if (std::find(std::begin(kTemplateRoots), std::end(kTemplateRoots), name.root) == std::end(kTemplateRoots))
    return "unknown name '" + name.root + "' in {{ " + name.expression +
           " }}: templates read vars, captures, receivers, profile, target or env";
  if (!name.member) return {};
  const auto missing = [&](const std::set<std::string>& names, const std::string& why) {
    return names.contains(*name.member)
               ? std::string()
               : "{{ " + name.expression + " }}: " + why + " (" + listed(names) + ")";
  };
  if (name.root == "vars") return missing(known.vars, "the suite's vars have no '" + *name.member + "'");
  if (name.root == "captures")
    return missing(known.captures, "no earlier step of this scenario captures '" + *name.member + "'");
  if (name.root == "receivers")
    return missing(known.receivers, "no earlier webhook_receiver step starts '" + *name.member + "'");
  return {};
}

// Why `id` cannot be named here; empty when it can. The registry is the one list of checks.
// `where`: exchange for a request's expect.checks, webhook or upstream for those steps' checks.
std::string check_problem(const std::string& id, CheckScope where) {
  const auto family = [](CheckScope scope) {
    return scope == CheckScope::step ? CheckScope::exchange : scope;  // both judge responses
  };
  if (const CheckInfo* check = find_check(id)) {
    if (family(check->scope) == family(where)) return {};
    switch (family(check->scope)) {
      case CheckScope::webhook:
        return "'" + id + "' judges webhook deliveries; name it under an expect_webhook step";
      case CheckScope::upstream:
        return "'" + id +
               "' judges what reached the mock behind a gateway; name it under a step's upstream.checks";
      default:
        return "'" + id + "' judges responses; name it under a request's expect.checks";
    }
  }
  std::string_view closest;
  std::size_t best = 4;  // farther than this is no suggestion
  // Bounded: an id far longer than any check's is no near miss, and is not measured.
  for (const auto& check : id.size() > 64 ? std::span<const CheckInfo>() : check_catalog()) {
    const std::size_t distance = core::edit_distance(id, check.id);
    if (distance < best) best = distance, closest = check.id;
  }
  return "unknown check '" + id + "'" +
         (closest.empty() ? "" : " (did you mean '" + std::string(closest) + "'?)") +
         "; gatecheck checks lists them";
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

  // A status is a code, a list of codes or a matcher; text only as one {{ }} expression.
  void status(const json& value, const std::string& pointer) const {
    const bool code = value.is_number_integer();
    const bool codes = value.is_array() && std::all_of(value.begin(), value.end(),
                                                       [](const json& v) { return v.is_number_integer(); });
    const bool expression = value.is_string() && core::has_template(value.get<std::string>());
    if (code || codes || expression || is_matcher(value)) return matcher(value, pointer);
    fail(pointer,
         "status takes a code (200), a list of codes ([200, 201]) or a matcher ({gte: 200, lt: 300}), "
         "not " +
             describe_value(value));
  }

  void expect(const json& expect, const std::string& pointer) const {
    if (expect.contains("checks"))
      checks(expect["checks"], json_pointer_append(pointer, "checks"), CheckScope::exchange);
    if (expect.contains("status")) status(expect["status"], json_pointer_append(pointer, "status"));
    if (expect.contains("error"))
      for (const auto& [field, value] : expect["error"].items())
        matcher(value, json_pointer_append(json_pointer_append(pointer, "error"), field));
    for (const char* single : {"body"})
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

  // Every string of `value` that holds {{ }} reads only names that exist by then (`mock`: or the mock's).
  void templates(const json& value, const std::string& pointer, const KnownNames& known,
                 bool mock = false) const {
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      if (!core::has_template(text)) return;
      try {
        for (const auto& name : core::template_names(text))
          if (const auto problem = unknown_name(name, known, mock); !problem.empty()) fail(pointer, problem);
      } catch (const core::TemplateError& e) {
        fail(pointer, e.what());
      }
    } else if (value.is_object()) {
      for (const auto& [key, child] : value.items())
        templates(child, json_pointer_append(pointer, key), known, mock);
    } else if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        templates(value[i], json_pointer_append(pointer, i), known, mock);
    }
  }

  // A request pattern (a stub's or a verify step's): its matchers and JSONPaths, as the mock will read them.
  void pattern(const json& spec, const std::string& pointer) const {
    for (const char* single : {"method", "path", "body", "model"})
      if (spec.contains(single) && !(single == std::string_view("path") && spec[single].is_string()))
        matcher(spec[single], json_pointer_append(pointer, single));
    for (const char* map : {"query", "headers", "json"}) {
      if (!spec.contains(map)) continue;
      for (const auto& [key, value] : spec[map].items()) {
        const std::string at = json_pointer_append(json_pointer_append(pointer, map), key);
        if (std::string_view(map) == "json") json_path(key, at, true);
        matcher(value, at);
      }
    }
  }

  void checks(const json& ids, const std::string& pointer, CheckScope where) const {
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (const auto problem = check_problem(ids[i].get<std::string>(), where); !problem.empty())
        fail(json_pointer_append(pointer, i), problem);
  }

  // A step's upstream: its pattern, its attempts matcher and its checks.
  void upstream(const json& spec, const std::string& pointer, StepKind kind) const {
    if (kind != StepKind::request && kind != StepKind::burst)
      fail(pointer,
           "upstream: judges what a request sent through a gateway; it belongs to a request or burst step",
           true);
    if (spec.contains("request")) pattern(spec["request"], pointer + "/request");
    if (spec.contains("attempts")) matcher(spec["attempts"], pointer + "/attempts");
    if (spec.contains("checks")) checks(spec["checks"], pointer + "/checks", CheckScope::upstream);
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
  if (spec.contains("stub"))
    return "stub " + spec["stub"].value("id", spec["stub"].value("name", spec["stub"].value("scenario", "")));
  if (spec.contains("verify")) return "verify " + spec["verify"]["request"].dump();
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

bool questions_mock(const Step& step) {
  return step.kind == StepKind::stub || step.kind == StepKind::verify || step.spec.contains("upstream");
}

std::string Suite::describe(const std::string& pointer) const {
  return source ? source->describe(pointer) : file;
}

namespace {

StepKind kind_of(const json& spec) {
  if (spec.contains("burst")) return StepKind::burst;
  if (spec.contains("webhook_receiver")) return StepKind::webhook_receiver;
  if (spec.contains("expect_webhook")) return StepKind::expect_webhook;
  if (spec.contains("stub")) return StepKind::stub;
  if (spec.contains("verify")) return StepKind::verify;
  return StepKind::request;
}

Step parse_step(const json& spec, const std::string& pointer, const StepChecker& checker, KnownNames& known) {
  Step step;
  step.pointer = pointer;
  step.kind = kind_of(spec);
  step.name = spec.contains("name") ? spec["name"].get<std::string>() : derive_step_name(spec);
  step.spec = spec;
  if (spec.contains("expect")) {
    checker.expect(spec["expect"], pointer + "/expect");
    step.expect = std::make_shared<const Expectations>(read_expectations(spec["expect"]));
  }
  if (spec.contains("capture")) checker.capture(spec["capture"], pointer + "/capture");
  if (step.kind == StepKind::expect_webhook && spec["expect_webhook"].contains("checks"))
    checker.checks(spec["expect_webhook"]["checks"], pointer + "/expect_webhook/checks", CheckScope::webhook);
  if (step.kind == StepKind::stub && spec["stub"].contains("request"))
    checker.pattern(spec["stub"]["request"], pointer + "/stub/request");
  if (step.kind == StepKind::verify) checker.pattern(spec["verify"]["request"], pointer + "/verify/request");
  if (step.kind == StepKind::verify && spec["verify"].contains("count"))
    checker.matcher(spec["verify"]["count"], pointer + "/verify/count");
  if (spec.contains("upstream")) checker.upstream(spec["upstream"], pointer + "/upstream", step.kind);
  // A step's templates render before it runs: its own captures and receiver are for the steps after.
  checker.templates(spec, pointer, known, step.kind == StepKind::stub);
  if (spec.contains("capture"))
    for (const auto& [name, how] : spec["capture"].items())
      known.captures.insert(name);
  if (step.kind == StepKind::webhook_receiver)
    known.receivers.insert(spec["webhook_receiver"]["id"].get<std::string>());
  return step;
}

Scenario parse_scenario(const json& item, const std::string& pointer, const Suite& suite, const json& root,
                        const StepChecker& checker) {
  Scenario scenario;
  scenario.pointer = pointer;
  scenario.name = item["name"].get<std::string>();
  scenario.tags = strings(root, "tags");
  append_unique(scenario.tags, strings(item, "tags"));
  scenario.capabilities = strings(root, "requires");
  append_unique(scenario.capabilities, strings(item, "requires"));
  scenario.exclusive = item.value("exclusive", false);
  KnownNames known;
  for (const auto& [name, value] : suite.vars.items())
    known.vars.insert(name);
  const json& steps = item["steps"];
  for (std::size_t s = 0; s < steps.size(); ++s)
    scenario.steps.push_back(
        parse_step(steps[s], json_pointer_append(json_pointer_append(pointer, "steps"), s), checker, known));
  // Scripting or questioning the mock needs the mock and its admin token, and the scenario alone with it.
  if (std::any_of(scenario.steps.begin(), scenario.steps.end(), questions_mock)) {
    append_unique(scenario.capabilities, {"mock", "admin"});
    scenario.exclusive = true;
  }
  return scenario;
}

}  // namespace

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
  KnownNames vars_only;
  for (const auto& [name, value] : suite.vars.items())
    vars_only.vars.insert(name);
  checker.templates(suite.vars, "/vars", vars_only);

  const json& scenarios = root["scenarios"];
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    Scenario scenario =
        parse_scenario(scenarios[i], json_pointer_append("/scenarios", i), suite, root, checker);
    for (const auto& other : suite.scenarios) {
      if (other.name == scenario.name) {
        throw core::LoadError(
            suite.file, document.source.value_at(scenario.pointer + "/name"),
            "two scenarios are named '" + scenario.name + "'; names identify them in reports");
      }
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
