#include "schema_book.hpp"

#include <stdexcept>

#include <gatecheck/core/bundled.hpp>

namespace gatecheck::runner {

schema::openapi::Document SchemaBook::description(const std::string& path) {
  if (!path.empty()) return schema::openapi::Document::load(path);
  constexpr std::string_view bundled = "schemas/openapi.yaml";
  const auto text = core::bundled_file(bundled);
  if (!text) throw std::runtime_error("the bundled schemas/openapi.yaml is missing from this build");
  return schema::openapi::Document::from_json(core::parse_yaml(*text, std::string(bundled)).value,
                                              "https://gatecheck.dev/schemas/openapi.yaml");
}

SchemaBook SchemaBook::load(const std::string& path) {
  return SchemaBook(description(path));
}

schema::CompiledSchema SchemaBook::schema(const std::string& reference) {
  const std::lock_guard lock(mutex_);
  std::string uri;
  if (reference.starts_with("#/")) {
    uri = document_.uri() + reference;
  } else {
    uri = document_.component_schema_uri(reference);
    const auto& schemas =
        document_.root().value("/components/schemas"_json_pointer, nlohmann::json::object());
    if (!schemas.contains(reference))
      throw std::runtime_error("the OpenAPI description has no schema component '" + reference + "'");
  }
  return document_.compile(uri);
}

std::optional<schema::CompiledSchema> SchemaBook::response_schema(const std::string& operation_id, int status,
                                                                  const std::string& content_type) {
  const std::lock_guard lock(mutex_);
  const auto* operation = document_.find_operation(operation_id);
  if (operation == nullptr)
    throw std::runtime_error("the OpenAPI description has no operation '" + operation_id + "'");
  return document_.response_schema(*operation, status, content_type);
}

std::optional<std::string> SchemaBook::operation_for(std::string_view method, std::string_view path) {
  const std::lock_guard lock(mutex_);
  const std::string base = document_.server_base_path();
  // A gateway may serve the API under a prefix of its own (/openai/v1/...): the base path is looked for.
  if (const auto at = base.empty() ? std::string_view::npos : path.find(base + "/");
      at != std::string_view::npos)
    path.remove_prefix(at + base.size());
  const auto* operation = document_.match(method, path.substr(0, path.find('?')));
  if (operation == nullptr) return std::nullopt;
  return operation->operation_id;
}

}  // namespace gatecheck::runner
