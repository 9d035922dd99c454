// Runs the official JSON Schema Test Suite (draft2020-12) against gatecheck's validator and prints
// passed/failed per file. Required cases must all pass (exit 1 otherwise); optional/ and optional/format/ are
// reported only. Exits 77 (ctest: skipped) when the pinned suite is not there, as in a fresh clone without
// ../shared.
//   json_schema_suite [SUITE_DIR] [--verbose]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gatecheck/core/document.hpp>
#include <gatecheck/schema/validator.hpp>

namespace fs = std::filesystem;
using gatecheck::schema::Compiler;
using gatecheck::schema::Options;
using gatecheck::schema::Registry;
using nlohmann::json;

namespace {

struct Tally {
  int passed = 0;
  int failed = 0;
  int errors = 0;  // schemas that could not be compiled (each of their cases counts as failed too)
};

Registry remotes_registry(const fs::path& remotes) {
  Registry registry;
  registry.add_directory("http://localhost:1234/", remotes);
  return registry;
}

Tally run_file(const fs::path& file, const Registry& base, bool format_assertion, bool verbose) {
  Tally tally;
  const json groups = gatecheck::core::load_document(file).value;
  int group_index = 0;
  for (const auto& group : groups) {
    Registry registry = base;
    const std::string uri = "https://gatecheck.invalid/suite/" + file.stem().string() + "/" +
                            std::to_string(group_index++) + ".json";
    registry.add(uri, group.at("schema"));
    Options options;
    options.format_assertion = format_assertion;
    Compiler compiler(std::move(registry), options);
    std::optional<gatecheck::schema::CompiledSchema> schema;
    std::string compile_error;
    try {
      schema = compiler.compile(uri);
    } catch (const std::exception& e) {
      compile_error = e.what();
      ++tally.errors;
    }
    for (const auto& test : group.at("tests")) {
      const bool expected = test.at("valid").get<bool>();
      bool ok = false;
      std::string detail = compile_error;
      if (schema) {
        const auto result = schema->validate(test.at("data"));
        const bool fast = schema->is_valid(test.at("data"));
        ok = result.valid == expected && fast == expected;
        if (!ok && !result.errors.empty()) detail = result.errors.front().describe();
        if (!ok && fast != result.valid) detail += " (is_valid and validate disagree)";
      }
      if (ok) {
        ++tally.passed;
      } else {
        ++tally.failed;
        if (verbose) {
          std::cout << "    FAIL " << file.filename().string() << " | "
                    << group.at("description").get<std::string>() << " | "
                    << test.at("description").get<std::string>() << " (expected "
                    << (expected ? "valid" : "invalid") << ")" << (detail.empty() ? "" : ": " + detail)
                    << "\n";
        }
      }
    }
  }
  return tally;
}

Tally run_directory(const fs::path& directory, const Registry& base, bool format_assertion, bool verbose,
                    const std::string& label) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  Tally total;
  std::cout << label << "\n";
  for (const auto& file : files) {
    const Tally tally = run_file(file, base, format_assertion, verbose);
    std::printf("  %-36s %4d passed %4d failed%s\n", file.filename().c_str(), tally.passed, tally.failed,
                tally.errors > 0 ? "  (schema errors)" : "");
    total.passed += tally.passed;
    total.failed += tally.failed;
    total.errors += tally.errors;
  }
  std::printf("  %-36s %4d passed %4d failed\n\n", "TOTAL", total.passed, total.failed);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path suite = fs::path(GATECHECK_SHARED_DIR) / "json-schema-test-suite";
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--verbose") {
      verbose = true;
    } else {
      suite = arg;
    }
  }
  if (const char* env = std::getenv("GATECHECK_SHARED_DIR"); env != nullptr && argc == 1) {
    suite = fs::path(env) / "json-schema-test-suite";
  }
  const fs::path tests = suite / "tests" / "draft2020-12";
  if (!fs::is_directory(tests)) {
    std::cout << "SKIPPED: the JSON Schema Test Suite is not at " << suite.string()
              << " (it comes from ../shared, which a fresh clone does not have)\n";
    return 77;
  }
  const Registry base = remotes_registry(suite / "remotes");
  const Tally required = run_directory(tests, base, false, verbose, "draft2020-12 (required)");
  const Tally optional =
      run_directory(tests / "optional", base, false, verbose, "draft2020-12/optional (reported)");
  const Tally formats = run_directory(tests / "optional" / "format", base, true, verbose,
                                      "draft2020-12/optional/format (reported)");
  std::printf("required: %d/%d passed; optional: %d/%d; optional formats: %d/%d\n", required.passed,
              required.passed + required.failed, optional.passed, optional.passed + optional.failed,
              formats.passed, formats.passed + formats.failed);
  return required.failed == 0 ? 0 : 1;
}
