#include <gatecheck/core/bundled.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/schema/format_check.hpp>
#include <gatecheck/schema/validator.hpp>

namespace gatecheck::schema {

namespace {

// Where the format schemas say they live ($id); their relative $refs resolve under it.
constexpr std::string_view kFormatBase = "https://gatecheck.dev/";

}  // namespace

CompiledSchema compile_format(std::string_view schema_path) {
  if (!core::bundled_file(schema_path))
    throw core::LoadError(std::string(schema_path), {}, "bundled format schema missing from this build");
  Registry registry;
  for (const auto& path : core::bundled_files_under("schemas/")) {
    if (!path.ends_with(".schema.json")) continue;
    registry.add(std::string(kFormatBase) + path, core::parse_json(*core::bundled_file(path), path).value);
  }
  Compiler compiler(std::move(registry));
  return compiler.compile(std::string(kFormatBase) + std::string(schema_path));
}

const Error& deepest_error(const Result& result) {
  const Error* first = &result.errors.front();
  for (const auto& error : result.errors)
    if (error.instance_location.size() > first->instance_location.size()) first = &error;
  return *first;
}

void check_against_format(const core::Document& document, std::string_view schema_path) {
  const auto schema = compile_format(schema_path);
  const auto result = schema.validate(document.value);
  if (result.valid) return;
  const schema::Error* first = &deepest_error(result);
  std::string message =
      core::json_path_from_pointer(first->instance_location, &document.value) + ": " + first->message;
  std::size_t shown = 1;
  for (const auto& error : result.errors) {
    if (&error == first) continue;
    if (shown++ == 5) {
      message += "\n  (" + std::to_string(result.errors.size() - 5) + " more)";
      break;
    }
    const core::Position at = document.source.key_at(error.instance_location);
    message += "\n  " + document.source.file() + ":" + std::to_string(at.line) + ":" +
               std::to_string(at.column) + ": " +
               core::json_path_from_pointer(error.instance_location, &document.value) + ": " + error.message;
  }
  // The key's position: for a misspelt member that is where the mistake is, not where its value starts.
  throw core::LoadError(document.source.file(), document.source.key_at(first->instance_location), message);
}

}  // namespace gatecheck::schema
