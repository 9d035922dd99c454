// gatecheck schema validate | lint
#include <fstream>
#include <iostream>
#include <optional>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/uri.hpp>
#include <gatecheck/schema/openapi.hpp>
#include <gatecheck/schema/validator.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"

namespace gatecheck::cli {
namespace {

using nlohmann::json;

struct LoadedSchema {
  std::optional<schema::openapi::Document> openapi;  // keeps the OpenAPI compiler alive
  schema::CompiledSchema compiled;
};

LoadedSchema load_schema(const std::string& spec, const std::vector<std::string>& remotes,
                         bool format_assertion) {
  const auto hash = spec.find('#');
  const std::string file = spec.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : spec.substr(hash + 1);
  core::LoadOptions quick;
  quick.record_positions = false;
  const json probe = core::load_document(file, quick).value;
  schema::Options options;
  options.format_assertion = format_assertion;
  if (probe.is_object() && probe.contains("openapi")) {
    if (!remotes.empty()) throw UsageError("--remote applies to JSON Schema files, not to OpenAPI documents");
    if (format_assertion)
      throw UsageError("--format-assertion applies to JSON Schema files, not to OpenAPI documents");
    if (fragment.empty()) {
      throw UsageError("'" + file + "' is an OpenAPI document: name the schema, e.g. " + file +
                       "#/components/schemas/Name or " + file + "#Name");
    }
    LoadedSchema loaded{schema::openapi::Document::load(file), {}};
    const std::string uri = fragment.front() == '/' ? loaded.openapi->uri() + "#" + fragment
                                                    : loaded.openapi->component_schema_uri(fragment);
    loaded.compiled = loaded.openapi->compile(uri);
    return loaded;
  }
  schema::Registry registry;
  for (const auto& remote : remotes) {
    const auto eq = remote.find('=');
    if (eq == std::string::npos) throw UsageError("--remote expects BASE_URL=DIR, got '" + remote + "'");
    registry.add_directory(remote.substr(0, eq), remote.substr(eq + 1));
  }
  const std::string uri = registry.add_file(file);
  schema::Compiler compiler(std::move(registry), options);
  return {std::nullopt, compiler.compile(fragment.empty() ? uri : uri + "#" + fragment)};
}

core::Document load_instance(const std::string& name) {
  if (name != "-") return core::load_document(name);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return core::parse_yaml(text, "<stdin>");
}

int validate_main(const Args& args) {
  return run_command(validate_spec(), args, [](const Arguments& a) {
    const auto schema_spec = a.value("--schema");
    if (!schema_spec) throw UsageError("gatecheck schema validate: --schema is required");
    const std::string output = a.value("--output").value_or("text");
    if (output != "text" && output != "json") throw UsageError("--output must be text or json");
    const auto jsonl = a.value("--instances");
    if (!jsonl && a.positionals().empty())
      throw UsageError("gatecheck schema validate: give INSTANCE files or --instances");
    LoadedSchema loaded;
    try {
      loaded = load_schema(*schema_spec, a.values("--remote"), a.flag("--format-assertion"));
    } catch (const schema::SchemaError& e) {
      std::cerr << "error: cannot compile the schema: " << e.what() << "\n";
      return static_cast<int>(kExitUsage);
    }
    bool all_valid = true;
    bool bad_input = false;
    if (jsonl) {
      std::ifstream in(*jsonl);
      if (!in) throw core::LoadError(*jsonl, {}, "cannot open file");
      std::string line;
      std::size_t index = 0;
      for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        json value = json::parse(line, nullptr, false);
        if (value.is_discarded()) {
          std::cout << json{{"index", index++},
                            {"valid", false},
                            {"error", *jsonl + ":" + std::to_string(number) + ": not a JSON value"}}
                           .dump(-1, ' ', false, json::error_handler_t::replace)
                    << "\n";
          bad_input = true;
          continue;
        }
        const auto result = loaded.compiled.validate(value);
        all_valid = all_valid && result.valid;
        json out = result.to_basic_output();
        out["index"] = index++;
        if (!out.contains("errors")) out["errors"] = json::array();
        std::cout << json{{"index", out["index"]}, {"valid", out["valid"]}, {"errors", out["errors"]}}.dump(
                         -1, ' ', false, json::error_handler_t::replace)
                  << "\n";
      }
    }
    for (const auto& name : a.positionals()) {
      const auto instance = load_instance(name);
      const auto result = loaded.compiled.validate(instance.value);
      all_valid = all_valid && result.valid;
      if (output == "json") {
        json out = result.to_basic_output();
        out["instance"] = name;
        std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        continue;
      }
      std::cout << name << ": " << (result.valid ? "valid" : "invalid") << "\n";
      for (const auto& error : result.errors) {
        std::cout << "  " << instance.describe(error.instance_location) << ": " << error.describe() << "\n"
                  << "    at " << error.keyword_location << " (" << error.absolute_keyword_location << ")\n";
      }
      if (result.truncated) std::cout << "  (more errors not shown)\n";
    }
    if (bad_input) return static_cast<int>(kExitUsage);
    return static_cast<int>(all_valid ? kExitPassed : kExitFailures);
  });
}

int lint_main(const Args& args) {
  return run_command(lint_spec(), args, [](const Arguments& a) {
    if (a.positionals().size() != 1)
      throw UsageError("gatecheck schema lint: give exactly one OpenAPI document");
    const std::string output = a.value("--output").value_or("text");
    auto document = schema::openapi::Document::load(a.positionals().front());
    const auto findings = schema::openapi::lint(document);
    std::size_t errors = 0;
    std::size_t warnings = 0;
    for (const auto& finding : findings) {
      const bool error = finding.severity == "error";
      (error ? errors : warnings) += 1;
      if (!error && a.flag("--quiet")) continue;
      if (output == "json") {
        std::cout << json{{"severity", finding.severity},
                          {"location", finding.location},
                          {"message", finding.message}}
                         .dump(-1, ' ', false, json::error_handler_t::replace)
                  << "\n";
      } else {
        std::cout << finding.location << ": " << finding.severity << ": " << finding.message << "\n";
      }
    }
    if (output != "json") {
      std::cout << a.positionals().front() << ": OpenAPI " << document.version() << ", "
                << document.operations().size() << " operations, " << errors << " errors, " << warnings
                << " warnings (" << document.normalisations().size() << " normalisations)\n";
    }
    return static_cast<int>(errors == 0 ? kExitPassed : kExitFailures);
  });
}

}  // namespace

Command validate_spec() {
  return Command("gatecheck schema validate",
                 "Validate JSON or YAML instances against a JSON Schema 2020-12 schema.")
      .usage("gatecheck schema validate --schema FILE[#POINTER] [options] INSTANCE...")
      .option("--schema", "FILE[#POINTER]",
              "The schema: a JSON/YAML schema file, or an OpenAPI document with a pointer\n"
              "(FILE#/components/schemas/Name, or just FILE#Name for a component)")
      .option("--instances", "FILE.jsonl",
              "Validate one JSON value per line; prints one JSON result line per value")
      .repeated("--remote", "BASE_URL=DIR",
                "Resolve $refs under BASE_URL from files in DIR (nothing is fetched)")
      .flag("--format-assertion", "Treat `format` as an assertion, not an annotation")
      .option("--output", "text|json",
              "text (default) or the JSON Schema \"basic\" output, one object per line")
      .positional("INSTANCE", "JSON or YAML files to validate ('-' reads standard input)", true)
      .section("Exit codes",
               "  0  every instance is valid\n  1  at least one instance is invalid\n"
               "  2  usage error, unreadable file, or a schema that cannot be compiled");
}

Command lint_spec() {
  return Command("gatecheck schema lint",
                 "Report what would stop an OpenAPI document from validating traffic.")
      .usage("gatecheck schema lint [options] OPENAPI")
      .option("--output", "text|json", "text (default) or JSON lines")
      .flag("--quiet", "Print errors only, not the normalisation warnings")
      .positional("OPENAPI",
                  "An OpenAPI 3.1 or 3.0 document (YAML or JSON); files its $refs reach are loaded too")
      .section("Exit codes",
               "  0  no errors (warnings allowed)\n  1  errors found\n  2  unreadable document");
}

int schema_main(const Args& args) {
  const Command overview = Command("gatecheck schema", "JSON Schema 2020-12 validation and OpenAPI linting.")
                               .usage("gatecheck schema <validate|lint> [options]")
                               .section("Subcommands",
                                        "  validate   validate instances against a schema\n"
                                        "  lint       check an OpenAPI document");
  if (!args.empty() && args[0] == "validate") return validate_main(Args(args.begin() + 1, args.end()));
  if (!args.empty() && args[0] == "lint") return lint_main(Args(args.begin() + 1, args.end()));
  return run_command(overview, args, [](const Arguments&) -> int {
    throw UsageError("gatecheck schema: expected 'validate' or 'lint'");
  });
}

}  // namespace gatecheck::cli
