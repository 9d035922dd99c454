// Property: schema::compile turns any JSON into a schema or throws SchemaError; validate() and is_valid()
// agree; a valid result has no errors; the basic output is JSON that dumps strictly (cli/schema_command.cpp
// prints it with dump()), and every error describes itself. Input: schema JSON, then a NUL or newline, then
// the instance JSON. An odd length asserts formats.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/schema/validator.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatecheck;
  using fuzz::require;
  const std::string_view input = fuzz::as_text(data, size);
  const auto split = input.find_first_of(std::string_view("\0\n", 2));
  if (split == std::string_view::npos) return 0;
  nlohmann::json schema_value;
  nlohmann::json instance;
  try {
    schema_value = core::parse_json(input.substr(0, split), "schema.json").value;
    instance = core::parse_json(input.substr(split + 1), "instance.json").value;
  } catch (const core::LoadError&) {
    return 0;  // the json target covers the loader
  }
  schema::Options options;
  options.format_assertion = size % 2 == 1;
  try {
    const schema::CompiledSchema schema = schema::compile(schema_value, options);
    const schema::Result result = schema.validate(instance);
    require(result.valid == schema.is_valid(instance), "validate() and is_valid() agree");
    require(!result.valid || result.errors.empty(), "a valid result lists no errors");
    require(result.errors.size() <= options.max_errors, "errors stop at max_errors");
    (void)result.to_basic_output().dump();  // throws type_error 316 if a message is not UTF-8
    for (const auto& error : result.errors)
      (void)error.describe();
  } catch (const schema::SchemaError&) {
    // Unresolvable $ref, invalid pattern, keyword of the wrong type: the compiler's documented refusal.
  }
  return 0;
}
