// Property: an OpenAPI document read from any bytes (YAML, or JSON when it starts with '{') loads or throws
// LoadError; operation lookup, schema-URI lookup and lint() never throw; schemas compile or throw
// SchemaError.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/schema/openapi.hpp>
#include <gatecheck/schema/validator.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;

void try_compile(schema::openapi::Document& api, const std::optional<std::string>& uri) {
  if (!uri) return;
  try {
    (void)api.compile(*uri).is_valid(nlohmann::json::object());
  } catch (const schema::SchemaError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto first = text.find_first_not_of(" \t\r\n");
  std::optional<schema::openapi::Document> api;
  try {
    core::Document document = first != std::string_view::npos && text[first] == '{'
                                  ? core::parse_json(text, "openapi.json")
                                  : core::parse_yaml(text, "openapi.yaml");
    api.emplace(
        schema::openapi::Document::from_json(std::move(document.value), "https://fuzz.test/openapi.json"));
  } catch (const core::LoadError&) {
    return 0;  // not YAML/JSON, or not OpenAPI 3.x
  }
  (void)api->server_base_path();
  (void)api->describe("/paths");
  std::size_t budget = 16;  // operations examined per input
  const std::vector<schema::openapi::Operation> operations = api->operations();
  for (const auto& operation : operations) {
    if (budget-- == 0) break;
    (void)api->match(operation.method, operation.path_template);
    (void)api->find_operation(operation.operation_id);
    for (const int status : {200, 404, 500})
      for (const char* type : {"application/json", "text/event-stream; charset=utf-8", "image/png", ""})
        (void)api->response_schema_uri(operation, status, type);
    try_compile(*api, api->response_schema_uri(operation, 200, "application/json"));
    try_compile(*api, api->request_schema_uri(operation, "application/json"));
  }
  (void)api->match("POST", "/chat/completions");
  (void)api->match("GET", "/models/gpt-4o?x=1");
  try_compile(*api, api->component_schema_uri("Error"));
  (void)schema::openapi::lint(*api);
  return 0;
}
